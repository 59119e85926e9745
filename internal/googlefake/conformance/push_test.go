package conformance_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/googlefake/conformance"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
)

// TestPushTables_EveryFieldCitesGooglesDocumentation: each row of the
// push tables names the page of Google's documentation that defines it.
func TestPushTables_EveryFieldCitesGooglesDocumentation(t *testing.T) {
	tables := map[string][]conformance.Rule{
		"Pub/Sub push envelope":   conformance.PubSubPushRules(),
		"Gmail notification data": conformance.GmailNotificationRules(),
		"push OIDC token claims":  conformance.PushTokenClaimRules(),
		"channel headers":         conformance.ChannelHeaderRules(),
	}
	for name, rules := range tables {
		for _, r := range rules {
			if !strings.HasPrefix(r.Doc, "https://cloud.google.com/") && !strings.HasPrefix(r.Doc, "https://developers.google.com/") {
				t.Errorf("%s %s cites %q, not Google's documentation", name, r.Field, r.Doc)
			}
			if r.Says == "" {
				t.Errorf("%s %s says nothing", name, r.Field)
			}
			t.Logf("%-24s %-28s always=%-5v %s — %s", name, r.Field, r.Always, r.Says, r.Doc)
		}
	}
}

// pushParts builds a Gmail push the way Pub/Sub documents it.
func pushParts() (env map[string]any, data map[string]any, claims map[string]any) {
	data = map[string]any{"emailAddress": "ai@besunny.ai", "historyId": json.Number("9876543210")}
	env = map[string]any{
		"message": map[string]any{
			"messageId": "2070443601311540", "message_id": "2070443601311540",
			"publishTime": "2026-02-26T19:13:55.749Z", "publish_time": "2026-02-26T19:13:55.749Z",
		},
		"subscription": "projects/myproject/subscriptions/mysubscription",
	}
	claims = map[string]any{
		"aud": "https://besunny.example/webhooks/gmail", "azp": "113774264463038321964",
		"email": "gmail-push@myproject.iam.gserviceaccount.com", "email_verified": true,
		"sub": "113774264463038321964", "iss": "https://accounts.google.com",
		"iat": json.Number("1772445600"), "exp": json.Number("1772449200"),
	}
	return env, data, claims
}

func pushRequest(t *testing.T, env, data, claims map[string]any) (*http.Request, []byte) {
	t.Helper()
	enc := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if msg, ok := env["message"].(map[string]any); ok && data != nil {
		msg["data"] = base64.StdEncoding.EncodeToString(enc(data))
	}
	body := enc(env)
	r, _ := http.NewRequest(http.MethodPost, "https://besunny.example/webhooks/gmail", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	b64 := base64.RawURLEncoding.EncodeToString
	r.Header.Set("Authorization", "Bearer "+b64(enc(map[string]any{"alg": "RS256", "kid": "0123456789abcdef", "typ": "JWT"}))+"."+b64(enc(claims))+".c2ln")
	return r, body
}

// set puts v at a JSON path ("$.message.data") of m, or deletes it when v
// is nil.
func set(m map[string]any, path string, v any) {
	keys := strings.Split(strings.TrimPrefix(path, "$."), ".")
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	if v == nil {
		delete(m, keys[len(keys)-1])
		return
	}
	m[keys[len(keys)-1]] = v
}

// wrong is a value of the wrong kind for a field.
func wrong(field string) any {
	switch field {
	case "$.message", "$.message.attributes":
		return "not an object"
	case "$.deliveryAttempt", "email_verified":
		return "seven"
	case "iat", "exp":
		return "1772445600"
	case "$.historyId":
		return "not a number"
	}
	return json.Number("42")
}

// TestPubSubPush_EachDocumentedFieldIsChecked: the documented push passes;
// dropping a field Google always sends, or giving any field the wrong
// kind, is reported at that field.
func TestPubSubPush_EachDocumentedFieldIsChecked(t *testing.T) {
	spec := conformancetest.Spec(t)
	env, data, claims := pushParts()
	if vs := spec.CheckPubSubPush(pushRequest(t, env, data, claims)); len(vs) != 0 {
		t.Fatalf("the documented push is refused:\n%s", list(vs))
	}
	expect := func(t *testing.T, vs []conformance.Violation, path string) {
		t.Helper()
		for _, v := range vs {
			if v.Path == path && v.Side == conformance.Push && v.Source != "" {
				return
			}
		}
		t.Fatalf("no violation at %s:\n%s", path, list(vs))
	}
	for _, r := range conformance.PubSubPushRules() {
		if r.Field == "$.message.data" {
			continue // covered with the notification below
		}
		t.Run("envelope "+r.Field, func(t *testing.T) {
			if r.Always {
				env, data, claims := pushParts()
				set(env, r.Field, nil)
				expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), r.Field)
			}
			env, data, claims := pushParts()
			set(env, r.Field, wrong(r.Field))
			expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), r.Field)
		})
	}
	for _, r := range conformance.GmailNotificationRules() {
		t.Run("data "+r.Field, func(t *testing.T) {
			env, data, claims := pushParts()
			set(data, r.Field, nil)
			expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), "$.message.data→"+r.Field)
			env, data, claims = pushParts()
			set(data, r.Field, wrong(r.Field))
			expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), "$.message.data→"+r.Field)
		})
	}
	for _, r := range conformance.PushTokenClaimRules() {
		t.Run("claim "+r.Field, func(t *testing.T) {
			env, data, claims := pushParts()
			delete(claims, r.Field)
			expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), "claim "+r.Field)
			env, data, claims = pushParts()
			claims[r.Field] = wrong(r.Field)
			expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), "claim "+r.Field)
		})
	}
	t.Run("historyId as a decimal string is accepted", func(t *testing.T) {
		env, data, claims := pushParts()
		data["historyId"] = "9876543210"
		if vs := spec.CheckPubSubPush(pushRequest(t, env, data, claims)); len(vs) != 0 {
			t.Fatalf("%s", list(vs))
		}
	})
	t.Run("an invented envelope field", func(t *testing.T) {
		env, data, claims := pushParts()
		env["message"].(map[string]any)["emailAddress"] = "ai@besunny.ai"
		expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), "$.message.emailAddress")
	})
	t.Run("twins that disagree", func(t *testing.T) {
		env, data, claims := pushParts()
		env["message"].(map[string]any)["message_id"] = "1"
		expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), "$.message.message_id")
	})
	t.Run("a token that lives longer than an hour", func(t *testing.T) {
		env, data, claims := pushParts()
		claims["exp"] = json.Number("1772545600")
		expect(t, spec.CheckPubSubPush(pushRequest(t, env, data, claims)), "claim exp")
	})
	t.Run("an unsigned token", func(t *testing.T) {
		env, data, claims := pushParts()
		r, body := pushRequest(t, env, data, claims)
		r.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`))+".e30.")
		expect(t, spec.CheckPubSubPush(r, body), "token header alg")
	})
}

func driveNotification(state string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "https://besunny.example/webhooks/drive", http.NoBody)
	h := map[string]string{
		"X-Goog-Channel-ID":         "4ba78bf0-6a47-11e2-bcfd-0800200c9a66",
		"X-Goog-Channel-Token":      "398348u3tu83ut8uu38",
		"X-Goog-Channel-Expiration": "Tue, 19 Nov 2013 01:13:52 GMT",
		"X-Goog-Resource-ID":        "ret08u3rv24htgh289g",
		"X-Goog-Resource-URI":       "https://www.googleapis.com/drive/v3/files/ret08u3rv24htgh289g",
		"X-Goog-Resource-State":     state,
		"X-Goog-Message-Number":     "10",
	}
	if state == "sync" {
		h["X-Goog-Message-Number"] = "1"
	}
	if state == "update" {
		h["X-Goog-Changed"] = "content,properties"
	}
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return r
}

// TestChannelNotification_EachDocumentedHeaderIsChecked: the documented
// notifications pass; a missing always-sent header, or a malformed value,
// is reported at that header.
func TestChannelNotification_EachDocumentedHeaderIsChecked(t *testing.T) {
	spec := conformancetest.Spec(t)
	for _, state := range []string{"sync", "add", "update", "trash", "untrash", "remove"} {
		if vs := spec.CheckChannelNotification(driveNotification(state), nil); len(vs) != 0 {
			t.Fatalf("documented %s notification refused:\n%s", state, list(vs))
		}
	}
	bad := map[string]string{
		"X-Goog-Channel-ID": "", "X-Goog-Message-Number": "ten", "X-Goog-Resource-ID": "",
		"X-Goog-Resource-State": "changed", "X-Goog-Resource-URI": "/files/x", "X-Goog-Channel-Expiration": "1384823632000",
		"X-Goog-Changed": "everything",
	}
	for _, rule := range conformance.ChannelHeaderRules() {
		t.Run(rule.Field, func(t *testing.T) {
			if rule.Always {
				r := driveNotification("update")
				r.Header.Del(rule.Field)
				if !hasPath(spec.CheckChannelNotification(r, nil), "header "+rule.Field) {
					t.Fatalf("missing %s not reported", rule.Field)
				}
			}
			v, ok := bad[rule.Field]
			if !ok {
				return // any string is a valid token
			}
			r := driveNotification("update")
			r.Header.Set(rule.Field, v)
			if v == "" {
				r.Header[rule.Field] = []string{""}
			}
			if vs := spec.CheckChannelNotification(r, nil); !hasPath(vs, "header "+rule.Field) {
				t.Fatalf("bad %s=%q not reported:\n%s", rule.Field, v, list(vs))
			}
		})
	}
	t.Run("sync is message 1", func(t *testing.T) {
		r := driveNotification("sync")
		r.Header.Set("X-Goog-Message-Number", "2")
		if !hasPath(spec.CheckChannelNotification(r, nil), "header X-Goog-Message-Number") {
			t.Fatal("not reported")
		}
	})
	t.Run("a body", func(t *testing.T) {
		if !hasPath(spec.CheckChannelNotification(driveNotification("update"), []byte(`{"kind":"drive#file"}`)), "body") {
			t.Fatal("not reported")
		}
	})
	t.Run("a resource URI no method serves", func(t *testing.T) {
		r := driveNotification("update")
		r.Header.Set("X-Goog-Resource-URI", "https://www.googleapis.com/drive/v3/folders/x")
		if !hasPath(spec.CheckChannelNotification(r, nil), "header X-Goog-Resource-URI") {
			t.Fatal("not reported")
		}
	})
}

func hasPath(vs []conformance.Violation, path string) bool {
	for _, v := range vs {
		if v.Path == path {
			return true
		}
	}
	return false
}
