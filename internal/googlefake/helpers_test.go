package googlefake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	drive "google.golang.org/api/drive/v3"
	gmail "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
)

// newFake starts a fake behind an httptest server; both stop at cleanup.
// The conformance checker is on: anything the fake serves or sends that
// Google's documents forbid fails the test.
func newFake(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Conformance == nil {
		opts.Conformance = conformancetest.Checker(t)
	}
	fake := New(opts)
	ts := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		fake.Close() // first: releases hung handlers so ts.Close can return
		ts.Close()
	})
	return fake, ts
}

func gmailClient(t *testing.T, base string) *gmail.Service {
	t.Helper()
	svc, err := gmail.NewService(context.Background(), option.WithEndpoint(base+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// driveClient is a Drive client authenticated as account through the
// fake's programmatic grant.
func driveClient(t *testing.T, fake *Server, base, account string, scopes ...string) *drive.Service {
	t.Helper()
	tok := fake.Token(account, "test-client", scopes...)
	svc, err := drive.NewService(context.Background(), option.WithEndpoint(base+"/drive/v3/"),
		option.WithHTTPClient(&http.Client{Transport: bearer(tok.AccessToken)}))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// labelBody is a labels.create body with the visibilities discovery
// requires.
func labelBody(name string) *gmail.Label {
	return &gmail.Label{Name: name, LabelListVisibility: "labelShow", MessageListVisibility: "show"}
}

// bearer is a transport adding a fixed access token.
type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

// apiErr asserts err is a *googleapi.Error with code and reason.
func apiErr(t *testing.T, err error, code int, reason string) {
	t.Helper()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("want *googleapi.Error %d %s, got %T %v", code, reason, err, err)
	}
	if gerr.Code != code {
		t.Fatalf("code = %d, want %d (%v)", gerr.Code, code, gerr)
	}
	if reason != "" && (len(gerr.Errors) == 0 || gerr.Errors[0].Reason != reason) {
		t.Fatalf("reason = %+v, want %s", gerr.Errors, reason)
	}
}

// testClock is a manually advanced clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rawMail builds a simple RFC 822 message with CRLF line ends.
func rawMail(from, to, subject string, date time.Time, body string, extra ...string) []byte {
	h := []string{
		"From: " + from,
		"To: " + to,
		"Subject: " + subject,
		"Date: " + date.Format(time.RFC1123Z),
		fmt.Sprintf("Message-ID: <%d.%s@example.com>", date.UnixNano(), strings.ReplaceAll(subject, " ", "-")),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=UTF-8",
	}
	h = append(h, extra...)
	return []byte(strings.Join(h, "\r\n") + "\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n"))
}

// recorder is an HTTP endpoint that records requests and answers with the
// queued status codes (then 204).
type recorder struct {
	mu       sync.Mutex
	statuses []int
	reqs     []recorded
	ch       chan recorded
	srv      *httptest.Server
}

type recorded struct {
	header http.Header
	body   []byte
}

func newRecorder(t *testing.T, statuses ...int) *recorder {
	rec := &recorder{statuses: statuses, ch: make(chan recorded, 100)}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rr := recorded{header: r.Header.Clone(), body: b}
		rec.mu.Lock()
		code := http.StatusNoContent
		if len(rec.statuses) > 0 {
			code, rec.statuses = rec.statuses[0], rec.statuses[1:]
		}
		rec.reqs = append(rec.reqs, rr)
		rec.mu.Unlock()
		w.WriteHeader(code)
		if code/100 == 2 {
			rec.ch <- rr
		}
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

// next waits for the next acknowledged request.
func (rec *recorder) next(t *testing.T) recorded {
	t.Helper()
	select {
	case r := <-rec.ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no request received")
		return recorded{}
	}
}

// none asserts no acknowledged request arrives within d.
func (rec *recorder) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case r := <-rec.ch:
		t.Fatalf("unexpected request: %v", r.header)
	case <-time.After(d):
	}
}

func (rec *recorder) attempts() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}
