package activities_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
	"github.com/besunny/workflows/internal/testenv"
)

const mailbox = "ai@besunny.ai"

// gmailFake serves a fake Google and returns it with the real Gmail client
// wired to it the way sandbox mode wires it.
func gmailFake(t *testing.T, opts googlefake.Options) (*googlefake.Server, *gmail.Service) {
	t.Helper()
	if opts.Conformance == nil {
		opts.Conformance = conformancetest.Checker(t)
	}
	fake := googlefake.New(opts)
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		fake.Close() // first: releases hung handlers so srv.Close can return
		srv.Close()
	})
	return fake, gmailService(t, srv.URL)
}

func gmailService(t *testing.T, base string) *gmail.Service {
	t.Helper()
	svc, err := gmail.NewService(context.Background(), option.WithEndpoint(base+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func rawMessage(i int) []byte {
	return []byte(fmt.Sprintf("From: Pat <pat@client.example>\r\nTo: ai+demo@besunny.ai\r\nSubject: Message %d\r\n"+
		"Date: Tue, 24 Nov 2026 10:%02d:%02d +0000\r\nMessage-ID: <m%d@client.example>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nBody of message %d.\r\n", i, (i/60)%60, i%60, i, i))
}

func deliver(t *testing.T, fake *googlefake.Server, n int, opts googlefake.DeliverOptions) []string {
	t.Helper()
	ids := make([]string, 0, n)
	for i := range n {
		id, _, err := fake.Deliver(mailbox, rawMessage(i), opts)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// appError asserts err is a Temporal application error of errType and
// returns it.
func appError(t *testing.T, err error, errType string) *temporal.ApplicationError {
	t.Helper()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		t.Fatalf("error = %v (%T), want an application error of type %s", err, err, errType)
	}
	if appErr.Type() != errType {
		t.Fatalf("error type = %s (%v), want %s", appErr.Type(), err, errType)
	}
	return appErr
}

func TestGetProfile_ReturnsTheCurrentHistoryID(t *testing.T) {
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc}
	deliver(t, fake, 3, googlefake.DeliverOptions{})

	p, err := g.GetProfile(t.Context(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	if p.EmailAddress != mailbox || p.HistoryID != strconv.FormatUint(fake.Mailbox(mailbox).HistoryID, 10) {
		t.Fatalf("profile = %+v, mailbox history id %d", p, fake.Mailbox(mailbox).HistoryID)
	}
}

func TestListHistory_PagesThroughMoreThan500Messages(t *testing.T) {
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc}
	start, err := g.GetProfile(t.Context(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	want := deliver(t, fake, 1203, googlefake.DeliverOptions{})
	// Sent mail is a messageAdded record too (the workflow skips it).
	if _, _, err := fake.Deliver(mailbox, rawMessage(9999), googlefake.DeliverOptions{Labels: []string{"SENT"}}); err != nil {
		t.Fatal(err)
	}
	// A label change is history, but not a messageAdded record.
	if _, err := svc.Users.Messages.Modify(mailbox, want[10], &gmail.ModifyMessageRequest{AddLabelIds: []string{"STARRED"}}).Do(); err != nil {
		t.Fatal(err)
	}

	// Page the way MailboxWorkflow does: the cursor moves to each page's
	// last record, and the next page is asked from there with the token.
	cursor, token := start.HistoryID, ""
	var got []activities.MessageRef
	var sizes []int
	for {
		page, err := g.ListHistory(t.Context(), activities.HistoryPageInput{Mailbox: mailbox, StartHistoryID: cursor, PageToken: token})
		if err != nil {
			t.Fatalf("page %d: %v", len(sizes)+1, err)
		}
		sizes = append(sizes, len(page.Messages))
		got = append(got, page.Messages...)
		if page.MailboxHistoryID != strconv.FormatUint(fake.Mailbox(mailbox).HistoryID, 10) {
			t.Fatalf("page %d: mailbox history id %s", len(sizes), page.MailboxHistoryID)
		}
		if page.NextPageToken == "" {
			last, _ := strconv.ParseUint(page.LastRecordID, 10, 64)
			if mbox, _ := strconv.ParseUint(page.MailboxHistoryID, 10, 64); last == 0 || last >= mbox {
				t.Fatalf("last page: last messageAdded record %s, mailbox history id %s (past the label change)", page.LastRecordID, page.MailboxHistoryID)
			}
			break
		}
		if page.LastRecordID == "" || page.LastRecordID == cursor {
			t.Fatalf("page %d: last record id %q does not move past %s", len(sizes), page.LastRecordID, cursor)
		}
		cursor, token = page.LastRecordID, page.NextPageToken
		if len(sizes) > 10 {
			t.Fatal("paging does not end")
		}
	}
	if !slices.Equal(sizes, []int{500, 500, 204}) {
		t.Fatalf("page sizes = %v, want 500, 500, 204", sizes)
	}
	ids := make([]string, len(got))
	for i, m := range got {
		ids[i] = m.ID
	}
	sent := ids[len(ids)-1]
	if !slices.Equal(ids[:len(ids)-1], want) {
		t.Fatal("history does not list every delivered message once, in order")
	}
	if !slices.Equal(got[len(got)-1].Labels, []string{"SENT"}) || !slices.Contains(fake.Mailbox(mailbox).Messages[sent], "SENT") {
		t.Fatalf("the sent message's labels = %v", got[len(got)-1].Labels)
	}
	if !slices.Equal(got[0].Labels, []string{"INBOX", "UNREAD"}) {
		t.Fatalf("labels = %v, want the message's labels as history reports them", got[0].Labels)
	}
}

func TestListHistory_NothingNewIsOneEmptyPage(t *testing.T) {
	_, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc}
	p, err := g.GetProfile(t.Context(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	page, err := g.ListHistory(t.Context(), activities.HistoryPageInput{Mailbox: mailbox, StartHistoryID: p.HistoryID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 0 || page.NextPageToken != "" || page.LastRecordID != "" || page.MailboxHistoryID != p.HistoryID {
		t.Fatalf("page = %+v", page)
	}
}

func TestListHistory_ExpiredHistoryIsANonRetryableHistoryExpiredError(t *testing.T) {
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc}
	old, err := g.GetProfile(t.Context(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, fake, 2, googlefake.DeliverOptions{})
	fake.ExpireHistory(mailbox)

	_, err = g.ListHistory(t.Context(), activities.HistoryPageInput{Mailbox: mailbox, StartHistoryID: old.HistoryID})
	appErr := appError(t, err, activities.ErrTypeGmailHistoryExpired)
	if !appErr.NonRetryable() {
		t.Fatal("an expired history cursor must not be retried: the workflow resyncs instead")
	}

	// A fresh cursor works again.
	fresh, err := g.GetProfile(t.Context(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.ListHistory(t.Context(), activities.HistoryPageInput{Mailbox: mailbox, StartHistoryID: fresh.HistoryID}); err != nil {
		t.Fatalf("history from a fresh cursor: %v", err)
	}
}

func TestListHistory_InvalidCursorIsRefusedWithoutACall(t *testing.T) {
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc}
	for _, cursor := range []string{"", "0", "abc", "-5"} {
		_, err := g.ListHistory(t.Context(), activities.HistoryPageInput{Mailbox: mailbox, StartHistoryID: cursor})
		if appErr := appError(t, err, activities.ErrTypeInvalidInput); !appErr.NonRetryable() {
			t.Fatalf("cursor %q: retryable", cursor)
		}
	}
	if n := fake.Stats().Calls["gmail.users.history.list"]; n != 0 {
		t.Fatalf("history.list called %d times", n)
	}
}

func TestListMessagesSince_ListsInboxMailFromADayBeforeAcrossPages(t *testing.T) {
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc}
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	// 600 recent inbox messages, one a little older than the day of
	// overlap, one within it, a sent one and a draft.
	var recent []string
	for i := range 600 {
		id, _, err := fake.Deliver(mailbox, rawMessage(i), googlefake.DeliverOptions{InternalDate: base.Add(time.Duration(i) * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		recent = append(recent, id)
	}
	old, _, _ := fake.Deliver(mailbox, rawMessage(1000), googlefake.DeliverOptions{InternalDate: base.Add(-25 * time.Hour)})
	overlap, _, _ := fake.Deliver(mailbox, rawMessage(1001), googlefake.DeliverOptions{InternalDate: base.Add(-23 * time.Hour)})
	sent, _, _ := fake.Deliver(mailbox, rawMessage(1002), googlefake.DeliverOptions{InternalDate: base, Labels: []string{"SENT"}})
	draft, _, _ := fake.Deliver(mailbox, rawMessage(1003), googlefake.DeliverOptions{InternalDate: base, Labels: []string{"DRAFT"}})

	in := activities.MessagesSinceInput{Mailbox: mailbox, After: base}
	var got []string
	pages := 0
	for {
		page, err := g.ListMessagesSince(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range page.Messages {
			if !slices.Equal(m.Labels, []string{"INBOX"}) {
				t.Fatalf("labels of %s = %v", m.ID, m.Labels)
			}
			got = append(got, m.ID)
		}
		if page.NextPageToken == "" {
			break
		}
		in.PageToken = page.NextPageToken
	}
	if pages != 2 {
		t.Fatalf("%d pages, want 2 (500 per page)", pages)
	}
	wantSet := append(slices.Clone(recent), overlap)
	slices.Sort(wantSet)
	slices.Sort(got)
	if !slices.Equal(got, wantSet) {
		t.Fatalf("listed %d messages, want the %d inbox messages since a day before (old %s, sent %s, draft %s excluded)",
			len(got), len(wantSet), old, sent, draft)
	}
}

// TestGmailErrors_MapToWhatTemporalShouldDo checks the error mapping against
// a server answering each status the way Google's APIs do.
func TestGmailErrors_MapToWhatTemporalShouldDo(t *testing.T) {
	retryAt := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		name       string
		status     int
		reason     string
		retryAfter string
		wantType   string
		retryable  bool
		wantDelay  time.Duration // 0: none; otherwise within a second of it
	}{
		{"400 invalid argument", 400, "invalidArgument", "", activities.ErrTypeGmailRejected, false, 0},
		{"400 invalid id", 400, "invalidArgument", "", activities.ErrTypeGmailRejected, false, 0},
		// 401 and 403 are about the mailbox's credentials or delegation,
		// not the message: retried (and reported) until an operator fixes them.
		{"401 unauthenticated", 401, "authError", "", activities.ErrTypeGmailAccessDenied, true, 0},
		{"403 forbidden", 403, "forbidden", "", activities.ErrTypeGmailAccessDenied, true, 0},
		{"403 insufficient permissions", 403, "insufficientPermissions", "", activities.ErrTypeGmailAccessDenied, true, 0},
		{"403 delegation denied", 403, "domainPolicy", "", activities.ErrTypeGmailAccessDenied, true, 0},
		{"403 rate limit", 403, "rateLimitExceeded", "", activities.ErrTypeGmailRateLimited, true, 0},
		{"403 user rate limit", 403, "userRateLimitExceeded", "", activities.ErrTypeGmailRateLimited, true, 0},
		{"404 not found", 404, "notFound", "", activities.ErrTypeGmailRejected, false, 0},
		{"429 without Retry-After", 429, "rateLimitExceeded", "", activities.ErrTypeGmailRateLimited, true, 0},
		{"429 Retry-After seconds", 429, "rateLimitExceeded", "7", activities.ErrTypeGmailRateLimited, true, 7 * time.Second},
		{"429 Retry-After date", 429, "rateLimitExceeded", retryAt, activities.ErrTypeGmailRateLimited, true, 30 * time.Second},
		{"429 Retry-After garbage", 429, "rateLimitExceeded", "soon", activities.ErrTypeGmailRateLimited, true, 0},
		{"500 backend error", 500, "backendError", "", activities.ErrTypeGmailUnavailable, true, 0},
		{"502 bad gateway", 502, "backendError", "", activities.ErrTypeGmailUnavailable, true, 0},
		{"503 unavailable", 503, "backendError", "", activities.ErrTypeGmailUnavailable, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if c.retryAfter != "" {
					w.Header().Set("Retry-After", c.retryAfter)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				fmt.Fprintf(w, `{"error":{"code":%d,"message":"%s","errors":[{"message":"%s","domain":"global","reason":"%s"}]}}`,
					c.status, c.name, c.name, c.reason)
			}))
			defer srv.Close()
			g := &activities.Gmail{Service: gmailService(t, srv.URL)}

			_, err := g.GetProfile(t.Context(), mailbox)
			appErr := appError(t, err, c.wantType)
			if appErr.NonRetryable() == c.retryable {
				t.Fatalf("retryable = %v, want %v", !appErr.NonRetryable(), c.retryable)
			}
			if d := appErr.NextRetryDelay(); c.wantDelay == 0 && d != 0 || c.wantDelay != 0 && (d < c.wantDelay-time.Second || d > c.wantDelay) {
				t.Fatalf("next retry delay = %v, want %v", d, c.wantDelay)
			}
			if !strings.Contains(err.Error(), "getProfile") || !strings.Contains(err.Error(), strconv.Itoa(c.status)) {
				t.Fatalf("error %q does not name the call and the status", err)
			}
			if n := calls.Load(); n != 1 {
				t.Fatalf("%d requests: the client must not retry by itself (retries are Temporal's)", n)
			}
		})
	}
}

// TestGmailErrors_FromTheFake checks the mapping of what the sandbox Google
// actually sends: injected faults, its own quota, and a rejected request.
func TestGmailErrors_FromTheFake(t *testing.T) {
	t.Run("injected 429 is retryable and, as the fake sends no Retry-After, uses the retry policy's backoff", func(t *testing.T) {
		fake, svc := gmailFake(t, googlefake.Options{})
		fake.SetFaults(googlefake.Faults{Rate429: 1})
		_, err := (&activities.Gmail{Service: svc}).GetProfile(t.Context(), mailbox)
		appErr := appError(t, err, activities.ErrTypeGmailRateLimited)
		if appErr.NonRetryable() || appErr.NextRetryDelay() != 0 {
			t.Fatalf("non-retryable %v, next retry delay %v", appErr.NonRetryable(), appErr.NextRetryDelay())
		}
	})
	for _, f := range []struct {
		name   string
		faults googlefake.Faults
	}{{"injected 500", googlefake.Faults{Rate500: 1}}, {"injected 503", googlefake.Faults{Rate503: 1}}} {
		t.Run(f.name+" is a retryable outage", func(t *testing.T) {
			fake, svc := gmailFake(t, googlefake.Options{})
			fake.SetFaults(f.faults)
			_, err := (&activities.Gmail{Service: svc}).ListHistory(t.Context(), activities.HistoryPageInput{Mailbox: mailbox, StartHistoryID: "1"})
			if appErr := appError(t, err, activities.ErrTypeGmailUnavailable); appErr.NonRetryable() {
				t.Fatal("an outage must be retried")
			}
		})
	}
	t.Run("quota exhausted is a retryable rate limit", func(t *testing.T) {
		// A frozen clock: the one-second window never slides.
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		fake, svc := gmailFake(t, googlefake.Options{QuotaUnitsPerSecond: 10, Clock: func() time.Time { return now }})
		g := &activities.Gmail{Service: svc}
		for i := range 10 { // getProfile costs 1 unit
			if _, err := g.GetProfile(t.Context(), mailbox); err != nil {
				t.Fatalf("call %d within quota: %v", i+1, err)
			}
		}
		_, err := g.GetProfile(t.Context(), mailbox)
		if appErr := appError(t, err, activities.ErrTypeGmailRateLimited); appErr.NonRetryable() {
			t.Fatal("a rate limit must be retried")
		}
		if st := fake.Stats(); st.QuotaRejected["gmail.users.getProfile"] != 1 || st.MaxGmailUnitsPerSecond != 10 {
			t.Fatalf("stats = %+v", st)
		}
	})
	t.Run("a rejected watch (400) is not retried", func(t *testing.T) {
		_, svc := gmailFake(t, googlefake.Options{})
		_, err := (&activities.Gmail{Service: svc}).Watch(t.Context(), mailbox, "not-a-topic")
		if appErr := appError(t, err, activities.ErrTypeGmailRejected); !appErr.NonRetryable() {
			t.Fatal("a rejected request must not be retried")
		}
	})
}

func TestEnsureLabel_CreatesOnceThenFindsIt(t *testing.T) {
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc}

	first, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first, "Label_") {
		t.Fatalf("label id = %q", first)
	}
	second, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil {
		t.Fatal(err)
	}
	third, err := g.EnsureLabel(t.Context(), mailbox, "besunny/processed")
	if err != nil {
		t.Fatal(err)
	}
	if second != first || third != first {
		t.Fatalf("ids = %s, %s, %s: the label must be found, not created again", first, second, third)
	}
	st := fake.Stats()
	if st.Calls["gmail.users.labels.create"] != 1 || st.Calls["gmail.users.labels.list"] != 3 {
		t.Fatalf("calls = %v, want one create and a list per call", st.Calls)
	}
}

func TestEnsureLabel_UsesTheLabelAnotherRunCreatedMeanwhile(t *testing.T) {
	// The first list finds nothing, the create loses a race (409), and the
	// second list finds the other run's label.
	var lists atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/labels"):
			if lists.Add(1) == 1 {
				fmt.Fprint(w, `{"labels":[{"id":"INBOX","name":"INBOX","type":"system"}]}`)
				return
			}
			fmt.Fprint(w, `{"labels":[{"id":"INBOX","name":"INBOX","type":"system"},{"id":"Label_9","name":"BeSunny/Processed","type":"user"}]}`)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/labels"):
			w.WriteHeader(http.StatusConflict)
			fmt.Fprint(w, `{"error":{"code":409,"message":"Label name exists or conflicts","errors":[{"reason":"duplicate"}]}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	id, err := (&activities.Gmail{Service: gmailService(t, srv.URL)}).EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil || id != "Label_9" {
		t.Fatalf("id, err = %q, %v; want Label_9", id, err)
	}
}

func TestWatch_ReturnsTheExpirationAndHistoryID(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	fake, svc := gmailFake(t, googlefake.Options{Clock: func() time.Time { return now }})
	deliver(t, fake, 2, googlefake.DeliverOptions{})

	w, err := (&activities.Gmail{Service: svc}).Watch(t.Context(), mailbox, "projects/besunny/topics/gmail-push")
	if err != nil {
		t.Fatal(err)
	}
	if !w.Expiration.Equal(now.Add(7*24*time.Hour)) || w.Expiration.Location() != time.UTC {
		t.Fatalf("expiration = %v, want %v in UTC", w.Expiration, now.Add(7*24*time.Hour))
	}
	if w.HistoryID != strconv.FormatUint(fake.Mailbox(mailbox).HistoryID, 10) {
		t.Fatalf("history id = %s", w.HistoryID)
	}
	if !fake.Mailbox(mailbox).WatchExpiration.Equal(w.Expiration) {
		t.Fatal("the mailbox is not watched")
	}
}

// --- with PostgreSQL ---

func TestFetchMessage_StoresTheRawMessageOnce(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc, Store: database.Store}
	raw := rawMessage(7)
	id, _, err := fake.Deliver(mailbox, raw, googlefake.DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}

	res, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: id})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Downloaded || res.SizeBytes != int64(len(raw)) {
		t.Fatalf("first fetch = %+v", res)
	}
	stored, err := database.Store.GetInboundEmailRaw(t.Context(), db.GetInboundEmailRawParams{MessageKey: id, MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if string(stored.Raw) != string(raw) {
		t.Fatalf("stored raw = %q", stored.Raw)
	}
	email, err := database.Store.GetInboundEmail(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	wantReceived := time.Date(2026, 11, 24, 10, 0, 7, 0, time.UTC) // the Date header: Gmail's internalDate
	if email.Source != "gmail" || email.Mailbox != mailbox || email.Sha256 != hex.EncodeToString(sum[:]) ||
		email.SizeBytes != int64(len(raw)) || !email.ReceivedAt.Equal(wantReceived) || email.Status != "pending" {
		t.Fatalf("stored email = %+v", email)
	}

	again, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: id})
	if err != nil {
		t.Fatal(err)
	}
	if again.Downloaded {
		t.Fatalf("second fetch = %+v, want no download", again)
	}
	if n := fake.Stats().Calls["gmail.users.messages.get"]; n != 1 {
		t.Fatalf("messages.get called %d times, want 1: a stored message costs no quota", n)
	}
}

func TestFetchMessage_DeletedMessageIsRejected(t *testing.T) {
	database := testenv.NewDatabase(t)
	_, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc, Store: database.Store}
	_, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: "18c0ffee00000001"})
	if appErr := appError(t, err, activities.ErrTypeGmailRejected); !appErr.NonRetryable() {
		t.Fatal("a message that is gone must not be retried")
	}
	if exists, _ := database.Store.InboundEmailExists(t.Context(), "18c0ffee00000001"); exists {
		t.Fatal("nothing is stored for a message that could not be fetched")
	}
}

// finished stores the messages through FetchMessage and gives them a
// terminal status, as their runs would.
func finished(t *testing.T, g *activities.Gmail, ids []string) {
	t.Helper()
	for _, id := range ids {
		if _, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: id}); err != nil {
			t.Fatal(err)
		}
		if err := g.Store.SetInboundEmailStatus(t.Context(), db.SetInboundEmailStatusParams{MessageKey: id, Status: "processed"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMarkProcessed_LabelsFinishedMessagesInOneBatchModify(t *testing.T) {
	for _, c := range []struct {
		action      string
		wantInbox   bool
		wantLabel   bool
		wantBatches int64
	}{
		{config.MarkLabel, true, true, 1},
		{config.MarkLabelAndArchive, false, true, 1},
		{config.MarkNone, true, false, 0},
	} {
		t.Run(c.action, func(t *testing.T) {
			database := testenv.NewDatabase(t)
			fake, svc := gmailFake(t, googlefake.Options{})
			g := &activities.Gmail{Service: svc, Store: database.Store, MarkAction: c.action}
			label, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
			if err != nil {
				t.Fatal(err)
			}
			ids := deliver(t, fake, 6, googlefake.DeliverOptions{})
			finished(t, g, ids[:5])
			// ids[5] is stored but its run has not finished.
			if _, err := g.FetchMessage(t.Context(), activities.FetchInput{Mailbox: mailbox, MessageID: ids[5]}); err != nil {
				t.Fatal(err)
			}

			n, err := g.MarkProcessed(t.Context(), activities.MarkInput{Mailbox: mailbox, LabelID: label})
			if err != nil {
				t.Fatal(err)
			}
			if n != 5 {
				t.Fatalf("marked %d, want 5", n)
			}
			st := fake.Stats()
			if st.Calls["gmail.users.messages.batchModify"] != c.wantBatches || st.Calls["gmail.users.messages.modify"] != 0 {
				t.Fatalf("calls = %v, want %d batchModify and no per-message modify", st.Calls, c.wantBatches)
			}
			snap := fake.Mailbox(mailbox)
			for _, id := range ids[:5] {
				labels := snap.Messages[id]
				if slices.Contains(labels, label) != c.wantLabel || slices.Contains(labels, "UNREAD") == c.wantLabel ||
					slices.Contains(labels, "INBOX") != c.wantInbox {
					t.Fatalf("labels of %s = %v", id, labels)
				}
			}
			if labels := snap.Messages[ids[5]]; !slices.Equal(labels, []string{"INBOX", "UNREAD"}) {
				t.Fatalf("the unfinished message was touched: %v", labels)
			}
			unmarked, err := database.Store.ListUnmarkedMessages(t.Context(), db.ListUnmarkedMessagesParams{Mailbox: mailbox, MaxRows: 100})
			if err != nil || len(unmarked) != 0 {
				t.Fatalf("unmarked after marking = %v, %v", unmarked, err)
			}

			// Nothing left: no call at all.
			again, err := g.MarkProcessed(t.Context(), activities.MarkInput{Mailbox: mailbox, LabelID: label})
			if err != nil || again != 0 {
				t.Fatalf("second mark = %d, %v", again, err)
			}
			if got := fake.Stats().Calls["gmail.users.messages.batchModify"]; got != c.wantBatches {
				t.Fatalf("batchModify calls = %d after an empty mark", got)
			}
		})
	}
}

func TestMarkProcessed_MarksAtMost1000PerCall(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc, Store: database.Store, MarkAction: config.MarkLabel}
	label, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil {
		t.Fatal(err)
	}
	ids := deliver(t, fake, 1003, googlefake.DeliverOptions{})
	// Stored directly: 1003 fetches would only slow the test down.
	for _, id := range ids {
		_, err := database.Store.InsertInboundEmail(t.Context(), db.InsertInboundEmailParams{
			MessageKey: id, Source: "gmail", Mailbox: mailbox, Sha256: "x", Raw: []byte("x"), SizeBytes: 1, ReceivedAt: time.Now(),
		})
		if err == nil {
			err = database.Store.SetInboundEmailStatus(t.Context(), db.SetInboundEmailStatusParams{MessageKey: id, Status: "ignored"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var got []int
	for range 3 {
		n, err := g.MarkProcessed(t.Context(), activities.MarkInput{Mailbox: mailbox, LabelID: label})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if !slices.Equal(got, []int{1000, 3, 0}) {
		t.Fatalf("marked per call = %v, want 1000, 3, 0", got)
	}
	if n := fake.Mailbox(mailbox).Count(label); n != 1003 {
		t.Fatalf("%d messages carry the label, want 1003", n)
	}
	if n := fake.Stats().Calls["gmail.users.messages.batchModify"]; n != 2 {
		t.Fatalf("batchModify calls = %d, want 2", n)
	}
}

// vanished stores a finished message that is no longer in the mailbox
// (deleted there after it was processed), processed after the others.
func vanished(t *testing.T, g *activities.Gmail, id string) {
	t.Helper()
	_, err := g.Store.InsertInboundEmail(t.Context(), db.InsertInboundEmailParams{
		MessageKey: id, Source: "gmail", Mailbox: mailbox, Sha256: "x", Raw: []byte("x"), SizeBytes: 1, ReceivedAt: time.Now(),
	})
	if err == nil {
		err = g.Store.SetInboundEmailStatus(t.Context(), db.SetInboundEmailStatusParams{MessageKey: id, Status: "processed"})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestMarkProcessed_AVanishedMessageDoesNotBlockTheOthers(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc, Store: database.Store, MarkAction: config.MarkLabel}
	label, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil {
		t.Fatal(err)
	}
	ids := deliver(t, fake, 4, googlefake.DeliverOptions{})
	finished(t, g, ids)
	vanished(t, g, "18c0ffee00000001")

	// As the mailbox workflow does: call again while a call marked some.
	n := 0
	for calls := 1; ; calls++ {
		got, err := g.MarkProcessed(t.Context(), activities.MarkInput{Mailbox: mailbox, LabelID: label})
		if err != nil {
			t.Fatal(err)
		}
		if got == 0 {
			break
		}
		n += got
		if calls > 3 {
			t.Fatalf("still marking after %d calls", calls)
		}
	}
	if n != 5 || fake.Mailbox(mailbox).Count(label) != 4 {
		t.Fatalf("marked %d, %d labelled; want 5 marked (the vanished one too) and the 4 in the mailbox labelled", n, fake.Mailbox(mailbox).Count(label))
	}
	unmarked, err := database.Store.ListUnmarkedMessages(t.Context(), db.ListUnmarkedMessagesParams{Mailbox: mailbox, MaxRows: 100})
	if err != nil || len(unmarked) != 0 {
		t.Fatalf("unmarked = %v, %v: the vanished message must not be tried again forever", unmarked, err)
	}
}

// TestMarkProcessed_AVanishedMessageInAFullBatchConvergesUnderTheQuota: one
// by one, a batch of 100 costs 500 units, twice the mailbox's quota per
// second, so the quota cuts the loop short; Temporal's retries must then go
// on from where the last attempt stopped, or they repeat the same first
// messages forever while the mailbox workflow waits on the mark.
func TestMarkProcessed_AVanishedMessageInAFullBatchConvergesUnderTheQuota(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc := gmailFake(t, googlefake.Options{QuotaUnitsPerSecond: 250})
	g := &activities.Gmail{Service: svc, Store: database.Store, MarkAction: config.MarkLabel}
	label, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil {
		t.Fatal(err)
	}
	ids := deliver(t, fake, 99, googlefake.DeliverOptions{})
	for _, id := range ids {
		_, err := database.Store.InsertInboundEmail(t.Context(), db.InsertInboundEmailParams{
			MessageKey: id, Source: "gmail", Mailbox: mailbox, Sha256: "x", Raw: []byte("x"), SizeBytes: 1, ReceivedAt: time.Now(),
		})
		if err == nil {
			err = database.Store.SetInboundEmailStatus(t.Context(), db.SetInboundEmailStatusParams{MessageKey: id, Status: "processed"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	vanished(t, g, "18c0ffee00000001")

	// Calls as the mailbox workflow makes them: again while a call marked
	// some, and a rate-limited call retried after a second (the retry
	// policy's first interval; the fake sends no Retry-After). Each call
	// stays within the quota, so none is rate limited for long.
	marked, calls := 0, 0
	for attempt := 1; ; attempt++ {
		n, err := g.MarkProcessed(t.Context(), activities.MarkInput{Mailbox: mailbox, LabelID: label})
		if err == nil {
			calls++
			if n == 0 {
				t.Logf("marked %d in %d calls, %d attempts", marked, calls, attempt)
				break
			}
			marked += n
			continue
		}
		appError(t, err, activities.ErrTypeGmailRateLimited)
		if attempt == 20 {
			t.Fatalf("still not done after %d attempts; %d of 99 labelled", attempt, fake.Mailbox(mailbox).Count(label))
		}
		time.Sleep(1100 * time.Millisecond)
	}
	if n := fake.Mailbox(mailbox).Count(label); n != 99 {
		t.Fatalf("%d of 99 labelled", n)
	}
	unmarked, err := database.Store.ListUnmarkedMessages(t.Context(), db.ListUnmarkedMessagesParams{Mailbox: mailbox, MaxRows: 1000})
	if err != nil || len(unmarked) != 0 {
		t.Fatalf("unmarked = %d, %v (last attempt marked %d)", len(unmarked), err, marked)
	}
}
