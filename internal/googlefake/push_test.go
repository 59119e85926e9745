package googlefake

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	drive "google.golang.org/api/drive/v3"
	gmail "google.golang.org/api/gmail/v1"

	"github.com/besunny/workflows/internal/googlefake/conformance"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
)

const pushAud = "https://app.besunny.test/webhooks/gmail"

func TestGmailPushEnvelopeAndToken(t *testing.T) {
	// The first attempt is refused: Pub/Sub must retry.
	rec := newRecorder(t, 503)
	fake, ts := newFake(t, Options{PushEndpoint: rec.srv.URL, PushAudience: pushAud,
		PushServiceAccount: "push@sandbox.iam.gserviceaccount.com", PushBackoff: 10 * time.Millisecond})
	svc := gmailClient(t, ts.URL)

	// No watch yet: no push.
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "before", time.Now(), "x"), DeliverOptions{})
	w, err := svc.Users.Watch(mbox, &gmail.WatchRequest{TopicName: "projects/sandbox/topics/gmail", LabelIds: []string{"INBOX"}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	// A sent message does not match the INBOX filter.
	fake.Deliver(mbox, rawMail(mbox, "a@x.com", "sent", time.Now(), "x"), DeliverOptions{Labels: []string{"SENT"}})
	_, hid, _ := fake.Deliver(mbox, rawMail("a@x.com", mbox, "after", time.Now(), "x"), DeliverOptions{})

	got := rec.next(t)
	if rec.attempts() != 2 {
		t.Fatalf("attempts %d, want a retry after 503", rec.attempts())
	}
	var env struct {
		Message struct {
			Data        string `json:"data"`
			MessageID   string `json:"messageId"`
			PublishTime string `json:"publishTime"`
		} `json:"message"`
		Subscription string `json:"subscription"`
	}
	if err := json.Unmarshal(got.body, &env); err != nil {
		t.Fatal(err)
	}
	data, err := base64.StdEncoding.DecodeString(env.Message.Data)
	if err != nil {
		t.Fatal(err)
	}
	var note map[string]any
	json.Unmarshal(data, &note)
	if note["emailAddress"] != mbox || note["historyId"] != float64(hid) || hid <= w.HistoryId {
		t.Fatalf("notification %s (delivered history %d)", data, hid)
	}
	if env.Subscription != "projects/sandbox/subscriptions/gmail-push" || env.Message.MessageID == "" {
		t.Fatalf("envelope %+v", env)
	}
	if _, err := time.Parse(time.RFC3339, env.Message.PublishTime); err != nil {
		t.Fatal(err)
	}

	tok, ok := strings.CutPrefix(got.header.Get("Authorization"), "Bearer ")
	if !ok {
		t.Fatal("no bearer token on push")
	}
	v := NewTokenVerifier(ts.URL+"/oauth2/v3/certs", nil)
	p, err := v.Validate(context.Background(), tok, pushAud)
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer != "https://accounts.google.com" || p.Audience != pushAud || p.Claims["email"] != "push@sandbox.iam.gserviceaccount.com" ||
		p.Claims["email_verified"] != true || p.Subject == "" || p.Expires-p.IssuedAt != 3600 {
		t.Fatalf("payload %+v", p)
	}
	rec.none(t, 100*time.Millisecond)
	if st := fake.Stats(); st.PushesSent != 1 || st.PushesFailed != 0 {
		t.Fatalf("stats %+v", st)
	}

	// After stop, nothing is pushed.
	if err := svc.Users.Stop(mbox).Do(); err != nil {
		t.Fatal(err)
	}
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "stopped", time.Now(), "x"), DeliverOptions{})
	rec.none(t, 100*time.Millisecond)
}

func TestPushStopsAfterWatchExpires(t *testing.T) {
	clock := newTestClock()
	rec := newRecorder(t)
	fake, ts := newFake(t, Options{Clock: clock.Now, PushEndpoint: rec.srv.URL})
	svc := gmailClient(t, ts.URL)
	if _, err := svc.Users.Watch(mbox, &gmail.WatchRequest{TopicName: "projects/p/topics/t"}).Do(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(7*24*time.Hour + time.Second)
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "late", clock.Now(), "x"), DeliverOptions{})
	rec.none(t, 100*time.Millisecond)
}

func TestTokenVerifierRejectsBadTokens(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now})
	v := NewTokenVerifier(ts.URL+"/oauth2/v3/certs", ts.Client())
	v.Clock = clock.Now
	ctx := context.Background()
	claims := map[string]any{"aud": pushAud, "email": "push@x.iam.gserviceaccount.com", "sub": "123"}

	good, err := fake.SignIDToken(claims)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Validate(ctx, good, pushAud); err != nil {
		t.Fatalf("good token: %v", err)
	}
	if _, err := v.Validate(ctx, good, ""); err != nil {
		t.Fatalf("empty audience skips the check: %v", err)
	}

	expired, _ := fake.SignIDToken(map[string]any{"aud": pushAud,
		"iat": clock.Now().Add(-3 * time.Hour).Unix(), "exp": clock.Now().Add(-2 * time.Hour).Unix()})
	future, _ := fake.SignIDToken(map[string]any{"aud": pushAud, "iat": clock.Now().Add(time.Hour).Unix()})
	otherIss, _ := fake.SignIDToken(map[string]any{"aud": pushAud, "iss": "https://evil.example.com"})
	otherKey, _ := fake.ForgeIDToken(claims, ForgeOtherKey)
	none, _ := fake.ForgeIDToken(claims, ForgeAlgNone)
	unknownKid, _ := fake.ForgeIDToken(claims, ForgeUnknownKid)
	other := New(Options{Clock: clock.Now})
	defer other.Close()
	otherServer, _ := other.SignIDToken(claims)

	for name, tok := range map[string]string{
		"wrong audience": good, "expired": expired, "issued in the future": future, "other issuer": otherIss,
		"other key": otherKey, "alg none": none, "unknown kid": unknownKid, "other server": otherServer,
		"garbage": "not.a.jwt",
	} {
		aud := pushAud
		if name == "wrong audience" {
			aud = "https://other.example.com"
		}
		if _, err := v.Validate(ctx, tok, aud); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}

	// Skew within the leeway is tolerated.
	clock.Advance(time.Hour + 30*time.Second)
	if _, err := v.Validate(ctx, good, pushAud); err != nil {
		t.Fatalf("within leeway: %v", err)
	}
}

// TestPushes_MatchGooglesDocumentedShape runs what the fake pushes — a
// Gmail push through Pub/Sub and Drive channel notifications of every
// state — through the push tables of package conformance, which cite
// Google's documentation for each field.
func TestPushes_MatchGooglesDocumentedShape(t *testing.T) {
	rec := newRecorder(t)
	fake, ts := newFake(t, Options{PushEndpoint: rec.srv.URL, PushAudience: pushAud})
	spec := conformancetest.Spec(t)
	check := func(got recorded, f func(*http.Request, []byte) []conformance.Violation) {
		t.Helper()
		r, _ := http.NewRequest(http.MethodPost, rec.srv.URL, bytes.NewReader(got.body))
		r.Header = got.header
		if vs := f(r, got.body); len(vs) != 0 {
			t.Fatalf("the fake pushed what Google's documentation does not describe: %v", vs)
		}
	}
	svc := gmailClient(t, ts.URL)
	if _, err := svc.Users.Watch(mbox, &gmail.WatchRequest{TopicName: "projects/sandbox/topics/gmail"}).Do(); err != nil {
		t.Fatal(err)
	}
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "hi", time.Now(), "x"), DeliverOptions{})
	check(rec.next(t), spec.CheckPubSubPush)

	d := driveClient(t, fake, ts.URL, owner)
	f, _ := fake.CreateFile(owner, "Spec", MimeGoogleDoc, "v1")
	if _, err := d.Files.Watch(f.ID, &drive.Channel{Id: "c1", Type: "web_hook", Address: rec.srv.URL, Token: "t"}).Do(); err != nil {
		t.Fatal(err)
	}
	check(rec.next(t), spec.CheckChannelNotification) // sync
	// One change at a time: a notification still queued when the file is
	// deleted is dropped, as Drive stops a dead resource's channel.
	for _, change := range []func(){
		func() { fake.UpdateFile(f.ID, "v2") }, func() { fake.TrashFile(f.ID) },
		func() { fake.UntrashFile(f.ID) }, func() { fake.DeleteFile(f.ID) },
	} {
		change()
		check(rec.next(t), spec.CheckChannelNotification)
	}
	if calls := fake.Conformance().Calls(); calls["pubsub.push"] != 1 || calls["drive.notification"] != 5 {
		t.Fatalf("the outgoing callbacks were not all checked in flight: %v", calls)
	}
}
