package activities_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"golang.org/x/oauth2"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
)

// refusingGmail serves the fake Gmail behind a switch: while refuse is set,
// every call is answered 403 forbidden, as Gmail answers a service account
// whose domain-wide delegation was revoked.
func refusingGmail(t *testing.T) (*googlefake.Server, *gmail.Service, *atomic.Bool) {
	t.Helper()
	fake := googlefake.New(googlefake.Options{})
	var refuse atomic.Bool
	h := fake.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error":{"code":403,"message":"Delegation denied for ai@besunny.ai","errors":[{"message":"Delegation denied for ai@besunny.ai","domain":"global","reason":"forbidden"}],"status":"PERMISSION_DENIED"}}`)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		fake.Close()
		srv.Close()
	})
	return fake, gmailService(t, srv.URL), &refuse
}

func TestFetchMessage_RefusedCredentialsAreRetriedAndReportedUntilTheyWork(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc, refuse := refusingGmail(t)
	var logs bytes.Buffer
	denied := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "besunny_gmail_access_denied_total"}, []string{"operation"})
	g := &activities.Gmail{Service: svc, Store: database.Store, Log: slog.New(slog.NewTextHandler(&logs, nil)), AccessDenied: denied}
	if _, err := database.Store.EnsureMailbox(t.Context(), mailbox); err != nil {
		t.Fatal(err)
	}
	id, _, err := fake.Deliver(mailbox, rawMessage(3), googlefake.DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}

	refuse.Store(true)
	for range 2 {
		_, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: id})
		if appErr := appError(t, err, activities.ErrTypeGmailAccessDenied); appErr.NonRetryable() {
			t.Fatal("a refused credential must be retried: the message is still there once an operator fixes it")
		}
	}
	if exists, _ := database.Store.InboundEmailExists(t.Context(), id); exists {
		t.Fatal("nothing may be stored for a refused fetch (no placeholder: the message is not gone)")
	}
	mb, err := database.Store.GetMailbox(t.Context(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mb.AccessError, "403") || !strings.Contains(mb.AccessError, "Delegation denied") || mb.AccessErrorAt == nil {
		t.Fatalf("mailbox access error = %q at %v, want Gmail's answer for the operator", mb.AccessError, mb.AccessErrorAt)
	}
	var m dto.Metric
	if err := denied.WithLabelValues("messages.get").Write(&m); err != nil {
		t.Fatal(err)
	}
	if n := m.GetCounter().GetValue(); n != 2 {
		t.Fatalf("besunny_gmail_access_denied_total{operation=messages.get} = %v, want 2", n)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "credentials") || !strings.Contains(logs.String(), "messages.get") {
		t.Fatalf("log = %q, want an error line naming the call", logs.String())
	}

	refuse.Store(false)
	res, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: id})
	if err != nil || !res.Downloaded {
		t.Fatalf("fetch once the credentials work = %+v, %v", res, err)
	}
	if mb, err = database.Store.GetMailbox(t.Context(), mailbox); err != nil || mb.AccessError != "" || mb.AccessErrorAt != nil {
		t.Fatalf("mailbox after a success = %+v, %v: the access error must be cleared", mb, err)
	}
}

func TestGmailErrors_NoAccessTokenForTheMailboxIsAccessDenied(t *testing.T) {
	// The service account's token endpoint refuses (delegation revoked): the
	// client never reaches Gmail, and the error is an oauth2 one.
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method."}`)
	}))
	defer tokens.Close()
	_, svc := gmailFake(t, googlefake.Options{})
	cfg := &oauth2.Config{ClientID: "sa", Endpoint: oauth2.Endpoint{TokenURL: tokens.URL}}
	hc := oauth2.NewClient(context.Background(), cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: "r"}))
	refused, err := gmail.NewService(context.Background(), option.WithEndpoint(svc.BasePath), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&activities.Gmail{Service: refused}).GetProfile(t.Context(), mailbox)
	if appErr := appError(t, err, activities.ErrTypeGmailAccessDenied); appErr.NonRetryable() {
		t.Fatal("a refused token must be retried")
	}
	if !strings.Contains(err.Error(), "unauthorized_client") {
		t.Fatalf("error %q does not say what the token endpoint answered", err)
	}
}

func TestFetchMessage_APlaceholderIsFetchedAgain(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc, Store: database.Store}
	raw := rawMessage(11)
	id, _, err := fake.Deliver(mailbox, raw, googlefake.DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An earlier run could not fetch it (say Gmail refused it then) and
	// recorded it failed on a placeholder.
	e := &activities.Email{Store: database.Store}
	if err := e.StorePlaceholder(t.Context(), activities.PlaceholderInput{MessageKey: id, Mailbox: mailbox}); err != nil {
		t.Fatal(err)
	}
	if err := database.Store.SetInboundEmailStatus(t.Context(), db.SetInboundEmailStatusParams{MessageKey: id, Status: "failed", StatusReason: "gmail_unavailable: 403"}); err != nil {
		t.Fatal(err)
	}

	res, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: id})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Downloaded || res.SizeBytes != int64(len(raw)) {
		t.Fatalf("fetch over a placeholder = %+v, want the message downloaded", res)
	}
	stored, err := database.Store.GetInboundEmailRaw(t.Context(), db.GetInboundEmailRawParams{MessageKey: id, MaxBytes: 1 << 20})
	if err != nil || string(stored.Raw) != string(raw) {
		t.Fatalf("stored raw = %q, %v", stored.Raw, err)
	}
	if ok, _ := database.Store.InboundEmailHasRaw(t.Context(), id); !ok {
		t.Fatal("the row is still a placeholder")
	}

	// A placeholder written again (a late retry of the old run) does not
	// overwrite the message, and the next fetch costs no quota.
	if err := e.StorePlaceholder(t.Context(), activities.PlaceholderInput{MessageKey: id, Mailbox: mailbox}); err != nil {
		t.Fatal(err)
	}
	if again, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: id}); err != nil || again.Downloaded {
		t.Fatalf("second fetch = %+v, %v; want no download", again, err)
	}
	if n := fake.Stats().Calls["gmail.users.messages.get"]; n != 1 {
		t.Fatalf("messages.get called %d times, want 1", n)
	}
}
