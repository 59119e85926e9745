package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	"google.golang.org/api/idtoken"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/workflows"
)

const (
	pushURL            = "https://besunny.example/webhooks/gmail"
	pushServiceAccount = "gmail-push@besunny-prod.iam.gserviceaccount.com"
	pushSubscription   = "projects/besunny-prod/subscriptions/gmail-push"
	inboundMailbox     = "ai@besunny.ai"
)

// pushHarness is the API with the sandbox's token verifier (the fake Google's
// own keys behind its JWKS URL) and a mocked Temporal client.
type pushHarness struct {
	t        *testing.T
	fake     *googlefake.Server
	temporal *mocks.Client
	handler  http.Handler
	cfg      config.Config
}

func newPushHarness(t *testing.T, env map[string]string) *pushHarness {
	t.Helper()
	fake := googlefake.New(googlefake.Options{Conformance: conformancetest.Checker(t)})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		fake.Close()
		srv.Close()
	})
	values := map[string]string{
		"PUBLIC_URL":             "https://besunny.example",
		"INBOUND_MAILBOX":        inboundMailbox,
		"PUBSUB_SERVICE_ACCOUNT": pushServiceAccount,
		"TASK_QUEUE":             "besunny-test",
	}
	for k, v := range env {
		values[k] = v
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := values[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Gmail.PushAudience != pushURL {
		t.Fatalf("push audience = %q, want the webhook's URL by default", cfg.Gmail.PushAudience)
	}
	tc := &mocks.Client{}
	t.Cleanup(func() { tc.AssertExpectations(t) })
	h := api.New(api.Deps{
		Config:       cfg,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Temporal:     tc,
		Metrics:      metrics.New(),
		PushVerifier: googlefake.NewTokenVerifier(srv.URL+"/oauth2/v3/certs", srv.Client()),
		// No store: the webhook never touches the database.
	})
	return &pushHarness{t: t, fake: fake, temporal: tc, handler: h, cfg: cfg}
}

// claims are those of a genuine Pub/Sub push token for this deployment.
func claims() map[string]any {
	return map[string]any{
		"iss":            "https://accounts.google.com",
		"aud":            pushURL,
		"email":          pushServiceAccount,
		"email_verified": true,
		"sub":            "112233445566778899000",
	}
}

func (h *pushHarness) sign(c map[string]any) string {
	h.t.Helper()
	tok, err := h.fake.SignIDToken(c)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// envelope is a Pub/Sub push body carrying a Gmail notification.
func envelope(notification, subscription string) string {
	body := map[string]any{
		"message": map[string]any{
			"data":        base64.StdEncoding.EncodeToString([]byte(notification)),
			"messageId":   "2070443601311540",
			"publishTime": "2026-11-24T10:00:00.123Z",
		},
	}
	if subscription != "" {
		body["subscription"] = subscription
	}
	b, _ := json.Marshal(body)
	return string(b)
}

func notification(address string) string {
	return `{"emailAddress":"` + address + `","historyId":4242}`
}

func (h *pushHarness) post(authorization, body string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/gmail", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// expectSignal expects exactly one SignalWithStart of the mailbox workflow
// and returns the notice it carried once the request is done.
func (h *pushHarness) expectSignal(address, historyID string) {
	before := time.Now().UTC()
	isMailboxWorkflow := mock.MatchedBy(func(fn any) bool {
		f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
		return f != nil && strings.HasSuffix(f.Name(), "workflows.MailboxWorkflow")
	})
	h.temporal.On("SignalWithStartWorkflow", mock.Anything, "mailbox/"+address, workflows.PushSignal,
		mock.MatchedBy(func(n workflows.PushNotice) bool {
			return n.HistoryID == historyID && !n.At.Before(before) && !n.At.After(time.Now().UTC())
		}),
		mock.MatchedBy(func(o client.StartWorkflowOptions) bool {
			want := workflows.MailboxStartOptions(h.cfg.Temporal.TaskQueue, address)
			return o.ID == want.ID && o.TaskQueue == "besunny-test" &&
				o.WorkflowIDConflictPolicy == want.WorkflowIDConflictPolicy && o.WorkflowIDReusePolicy == want.WorkflowIDReusePolicy
		}),
		isMailboxWorkflow, workflows.MailboxInput{Address: address},
	).Return(nil, nil).Once()
}

func (h *pushHarness) expectNoSignal() {
	h.t.Cleanup(func() { h.temporal.AssertNotCalled(h.t, "SignalWithStartWorkflow") })
}

func TestGmailPush_ValidPushSignalsTheMailboxOnce(t *testing.T) {
	h := newPushHarness(t, nil)
	h.expectSignal(inboundMailbox, "4242")
	rec := h.post("Bearer "+h.sign(claims()), envelope(notification(inboundMailbox), "projects/any/subscriptions/any"))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

func TestGmailPush_HistoryIDAsNumberOrString(t *testing.T) {
	// Base64url (here with a '-'), as some tooling sends instead of
	// Pub/Sub's standard base64.
	urlSafe := base64.URLEncoding.EncodeToString([]byte(`{"emailAddress":"ai@besunny.ai","historyId":9876543210123,"x":"??>>"}`))
	for name, body := range map[string]string{
		"number":         envelope(`{"emailAddress":"ai@besunny.ai","historyId":9876543210123}`, ""),
		"string":         envelope(`{"emailAddress":"ai@besunny.ai","historyId":"9876543210123"}`, ""),
		"address case":   envelope(`{"emailAddress":"AI@BeSunny.ai","historyId":9876543210123}`, ""),
		"unknown fields": envelope(`{"emailAddress":"ai@besunny.ai","historyId":9876543210123,"extra":true}`, ""),
		"url-safe data":  `{"message":{"data":"` + urlSafe + `"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			h := newPushHarness(t, nil)
			h.expectSignal(inboundMailbox, "9876543210123")
			rec := h.post("Bearer "+h.sign(claims()), body)
			if rec.Code != http.StatusNoContent {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestGmailPush_PushForAnotherMailboxIsAcknowledgedWithoutSignal(t *testing.T) {
	h := newPushHarness(t, nil)
	h.expectNoSignal()
	rec := h.post("Bearer "+h.sign(claims()), envelope(notification("someone-else@besunny.ai"), ""))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("status %d, want 204 so Pub/Sub does not redeliver: %s", rec.Code, rec.Body)
	}
}

func TestGmailPush_RefusesTokensThatAreNotGenuine(t *testing.T) {
	type tokenFunc func(h *pushHarness) string
	with := func(k string, v any) tokenFunc {
		return func(h *pushHarness) string {
			c := claims()
			c[k] = v
			return "Bearer " + h.sign(c)
		}
	}
	without := func(k string) tokenFunc {
		return func(h *pushHarness) string {
			c := claims()
			delete(c, k)
			return "Bearer " + h.sign(c)
		}
	}
	forged := func(how googlefake.Forgery) tokenFunc {
		return func(h *pushHarness) string {
			tok, err := h.fake.ForgeIDToken(claims(), how)
			if err != nil {
				h.t.Fatal(err)
			}
			return "Bearer " + tok
		}
	}
	literal := func(s string) tokenFunc { return func(*pushHarness) string { return s } }
	now := time.Now()

	cases := []struct {
		name   string
		auth   tokenFunc
		status int
	}{
		{"no authorization", literal(""), http.StatusUnauthorized},
		{"empty bearer", literal("Bearer "), http.StatusUnauthorized},
		{"basic auth", literal("Basic Z21haWw6cHVzaA=="), http.StatusUnauthorized},
		{"not a JWT", literal("Bearer not-a-token"), http.StatusUnauthorized},
		{"wrong audience", with("aud", "https://attacker.example/webhooks/gmail"), http.StatusUnauthorized},
		{"no audience", without("aud"), http.StatusUnauthorized},
		{"wrong issuer", with("iss", "https://attacker.example"), http.StatusUnauthorized},
		{"expired", func(h *pushHarness) string {
			c := claims()
			c["iat"], c["exp"] = now.Add(-3*time.Hour).Unix(), now.Add(-2*time.Hour).Unix()
			return "Bearer " + h.sign(c)
		}, http.StatusUnauthorized},
		{"issued in the future", with("iat", now.Add(time.Hour).Unix()), http.StatusUnauthorized},
		{"unsigned (alg none)", forged(googlefake.ForgeAlgNone), http.StatusUnauthorized},
		{"signed by another key", forged(googlefake.ForgeOtherKey), http.StatusUnauthorized},
		{"unknown key id", forged(googlefake.ForgeUnknownKid), http.StatusUnauthorized},
		{"wrong service account", with("email", "intruder@evil-project.iam.gserviceaccount.com"), http.StatusForbidden},
		{"no email", without("email"), http.StatusForbidden},
		{"email not verified", with("email_verified", false), http.StatusForbidden},
		{"email_verified missing", without("email_verified"), http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newPushHarness(t, nil)
			h.expectNoSignal()
			rec := h.post(c.auth(h), envelope(notification(inboundMailbox), ""))
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
		})
	}
}

func TestGmailPush_GoogleIssuerWithoutSchemeIsAccepted(t *testing.T) {
	h := newPushHarness(t, nil)
	h.expectSignal(inboundMailbox, "4242")
	c := claims()
	c["iss"] = "accounts.google.com"
	if rec := h.post("Bearer "+h.sign(c), envelope(notification(inboundMailbox), "")); rec.Code != http.StatusNoContent {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// stubVerifier accepts every token with a fixed payload, like a verifier
// that checks signature, expiry and audience but not the issuer (as
// google.golang.org/api/idtoken does).
type stubVerifier struct{ payload *idtoken.Payload }

func (v stubVerifier) Validate(context.Context, string, string) (*idtoken.Payload, error) {
	return v.payload, nil
}

func TestGmailPush_HandlerChecksTheIssuerItself(t *testing.T) {
	for iss, want := range map[string]int{
		"https://accounts.google.com": http.StatusNoContent,
		"https://attacker.example":    http.StatusUnauthorized,
		"":                            http.StatusUnauthorized,
	} {
		t.Run(iss, func(t *testing.T) {
			tc := &mocks.Client{}
			if want == http.StatusNoContent {
				tc.On("SignalWithStartWorkflow", mock.Anything, "mailbox/"+inboundMailbox, mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything).
					Return(nil, nil).Once()
			}
			cfg, err := config.FromLookup(func(k string) (string, bool) {
				v, ok := map[string]string{"PUBSUB_SERVICE_ACCOUNT": pushServiceAccount}[k]
				return v, ok
			})
			if err != nil {
				t.Fatal(err)
			}
			h := api.New(api.Deps{
				Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Temporal: tc, Metrics: metrics.New(),
				PushVerifier: stubVerifier{&idtoken.Payload{Issuer: iss, Claims: claims()}},
			})
			req := httptest.NewRequest(http.MethodPost, "/webhooks/gmail", strings.NewReader(envelope(notification(inboundMailbox), "")))
			req.Header.Set("Authorization", "Bearer x.y.z")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != want {
				t.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
			}
			tc.AssertExpectations(t)
			if want != http.StatusNoContent {
				tc.AssertNotCalled(t, "SignalWithStartWorkflow")
			}
		})
	}
}

func TestGmailPush_SubscriptionMustMatchWhenConfigured(t *testing.T) {
	for _, c := range []struct {
		name         string
		subscription string
		status       int
	}{
		{"configured subscription", pushSubscription, http.StatusNoContent},
		{"another subscription", "projects/attacker/subscriptions/gmail-push", http.StatusForbidden},
		{"no subscription", "", http.StatusForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newPushHarness(t, map[string]string{"PUBSUB_SUBSCRIPTION": pushSubscription})
			if c.status == http.StatusNoContent {
				h.expectSignal(inboundMailbox, "4242")
			} else {
				h.expectNoSignal()
			}
			rec := h.post("Bearer "+h.sign(claims()), envelope(notification(inboundMailbox), c.subscription))
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
		})
	}
}

func TestGmailPush_MalformedPushesAreBadRequests(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for name, body := range map[string]string{
		"not JSON":               `{"message":`,
		"data not base64":        `{"message":{"data":"%%%not base64%%%"}}`,
		"no data":                `{"message":{}}`,
		"data not JSON":          `{"message":{"data":"` + b64("hello") + `"}}`,
		"no emailAddress":        `{"message":{"data":"` + b64(`{"historyId":4242}`) + `"}}`,
		"empty emailAddress":     `{"message":{"data":"` + b64(`{"emailAddress":"","historyId":4242}`) + `"}}`,
		"no historyId":           `{"message":{"data":"` + b64(`{"emailAddress":"ai@besunny.ai"}`) + `"}}`,
		"historyId not a number": `{"message":{"data":"` + b64(`{"emailAddress":"ai@besunny.ai","historyId":"latest"}`) + `"}}`,
		"negative historyId":     `{"message":{"data":"` + b64(`{"emailAddress":"ai@besunny.ai","historyId":-1}`) + `"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			h := newPushHarness(t, nil)
			h.expectNoSignal()
			rec := h.post("Bearer "+h.sign(claims()), body)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestGmailPush_TemporalFailureIsAServerErrorSoPubSubRetries(t *testing.T) {
	h := newPushHarness(t, nil)
	h.temporal.On("SignalWithStartWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything).
		Return(nil, errors.New("connection refused")).Once()
	rec := h.post("Bearer "+h.sign(claims()), envelope(notification(inboundMailbox), ""))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500: %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "connection refused") {
		t.Fatal("internal details leak into the answer")
	}
}

func TestGmailPush_IsNotFoundWhenGoogleIsOff(t *testing.T) {
	tc := &mocks.Client{}
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		v, ok := map[string]string{"GOOGLE_MODE": "off"}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Deps{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Temporal: tc, Metrics: metrics.New()})
	req := httptest.NewRequest(http.MethodPost, "/webhooks/gmail", strings.NewReader(envelope(notification(inboundMailbox), "")))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d, want 404: %s", rec.Code, rec.Body)
	}
	tc.AssertNotCalled(t, "SignalWithStartWorkflow")
}
