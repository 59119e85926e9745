package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/attendeefake"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
	"github.com/besunny/workflows/internal/openaifake"
	"github.com/besunny/workflows/internal/retryafter"
	"github.com/besunny/workflows/internal/workerapp"
)

// Stack is the whole back end running in the test process: a fresh database,
// a fresh namespace on the dev server, the worker and the API on a free port.
type Stack struct {
	Config config.Config
	Base   *app.Base
	DB     *Database
	// URL is the API's base URL.
	URL string
	// ServiceToken is a service-role JWT.
	ServiceToken string
	// Google is the sandbox Google when the stack runs with
	// GOOGLE_MODE=sandbox (nil otherwise).
	Google *googlefake.Server
	// OpenAI is the fake OpenAI when CLASSIFIER is openai or hybrid and
	// env sets no OPENAI_BASE_URL (nil otherwise).
	OpenAI *openaifake.Fake
	// Attendee is the sandbox Attendee, with a fast lifecycle (see
	// startFakeAttendee), unless env sets ATTENDEE_API_KEY or
	// ATTENDEE_BASE_URL (nil then).
	Attendee *attendeefake.Fake
}

// StartStack starts a Stack; env overrides settings (as environment
// variables would). Google is off unless env sets GOOGLE_MODE=sandbox, in
// which case a sandbox Google (with quota GMAIL_QUOTA_UNITS_PER_SECOND)
// starts with the stack and pushes to its API. With DynamicConfigEnv set,
// the stack runs on a dev server of its own with that dynamic config.
// Everything stops when the test ends.
func StartStack(t testing.TB, env map[string]string) *Stack {
	t.Helper()
	database := NewDatabase(t)
	var address string
	if dc := env[DynamicConfigEnv]; dc != "" {
		address = TunedTemporalAddress(t, dc)
	} else {
		address = TemporalAddress(t)
	}
	values := map[string]string{
		"DATABASE_URL":       database.URL,
		"TEMPORAL_ADDRESS":   address,
		"TEMPORAL_NAMESPACE": FreshNamespace(t),
		"TASK_QUEUE":         "test-" + randomHex(4),
		"MIGRATE_ON_START":   "false",
		"GOOGLE_MODE":        "off",
	}
	for k, v := range env {
		if k != DynamicConfigEnv {
			values[k] = v
		}
	}
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	values["PUBLIC_URL"] = "http://" + apiLn.Addr().String()
	var fake *googlefake.Server
	if values["GOOGLE_MODE"] == "sandbox" {
		fake, values["GOOGLE_SANDBOX_URL"] = startFakeGoogle(t, values)
	}
	var attendeeFake *attendeefake.Fake
	if values["ATTENDEE_API_KEY"] == "" && values["ATTENDEE_BASE_URL"] == "" {
		attendeeFake, values["ATTENDEE_BASE_URL"] = startFakeAttendee(t)
	}
	var llm *openaifake.Fake
	if c := values["CLASSIFIER"]; (c == "openai" || c == "hybrid") && values["OPENAI_BASE_URL"] == "" {
		llm = openaifake.New(openaifake.Options{RetryAfter: 100 * time.Millisecond})
		srv := httptest.NewServer(llm)
		t.Cleanup(srv.Close)
		values["OPENAI_BASE_URL"] = srv.URL + "/v1"
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := values[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	metricsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	logger := Logger(t)
	base, err := app.Open(ctx, cfg, logger)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &Stack{Config: cfg, Base: base, DB: database, URL: cfg.PublicURL, Google: fake, OpenAI: llm, Attendee: attendeeFake}
	s.ServiceToken = s.mint(t, auth.TokenSpec{Role: auth.RoleService})

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		errs <- workerapp.Run(ctx, workerapp.Deps{Config: cfg, Logger: logger, Store: base.Store, Temporal: base.Temporal, Metrics: base.Metrics, MetricsListener: metricsLn})
	}()
	go func() {
		defer wg.Done()
		errs <- api.Serve(ctx, base, apiLn)
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("stack stopped with error: %v", err)
			}
		}
		base.Close()
	})
	s.waitReady(t)
	return s
}

// startFakeAttendee serves a sandbox Attendee whose bots live in seconds:
// staged a minute before their join time, in the meeting a second after
// joining, recording a second later, ended two seconds after the meeting
// (20 s unless scripted); webhooks are retried after 200 ms.
func startFakeAttendee(t testing.TB) (*attendeefake.Fake, string) {
	fake := attendeefake.New(attendeefake.Options{
		TickInterval:   100 * time.Millisecond,
		WebhookBackoff: 200 * time.Millisecond,
		Lifecycle: attendeefake.Lifecycle{StageLead: time.Minute, JoinDelay: time.Second, RecordingDelay: time.Second,
			MeetingDuration: 20 * time.Second, LeaveDelay: time.Second, PostProcessing: 2 * time.Second, WaitingRoomTimeout: 30 * time.Second},
	})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		srv.Close()
		fake.Close()
	})
	return fake, srv.URL
}

// startFakeGoogle serves a sandbox Google for the stack, pushing Gmail
// notifications to the stack's webhook like Pub/Sub would. Its conformance
// checker is on: whatever the stack sends Google, and whatever the sandbox
// answers or pushes, that breaks Google's documented contract fails the
// test at cleanup.
func startFakeGoogle(t testing.TB, values map[string]string) (*googlefake.Server, string) {
	quota, _ := strconv.Atoi(values["GMAIL_QUOTA_UNITS_PER_SECOND"])
	mailbox := values["INBOUND_MAILBOX"]
	if mailbox == "" {
		mailbox = "ai@besunny.ai"
	}
	fake := googlefake.New(googlefake.Options{
		QuotaUnitsPerSecond: quota,
		PushEndpoint:        values["PUBLIC_URL"] + "/webhooks/gmail",
		PushAudience:        values["PUBLIC_URL"] + "/webhooks/gmail",
		PushServiceAccount:  config.SandboxPushServiceAccount,
		DefaultMailbox:      mailbox,
		Logger:              Logger(t),
		Conformance:         conformancetest.Checker(t),
	})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		srv.Close()
		fake.Close()
	})
	return fake, srv.URL
}

func (s *Stack) mint(t testing.TB, spec auth.TokenSpec) string {
	t.Helper()
	spec.Audience, spec.TTL = s.Config.JWT.Audience, time.Hour
	tok, err := auth.MintHS256(s.Config.JWT.Secret, spec, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// UserToken mints a user token for id.
func (s *Stack) UserToken(t testing.TB, id uuid.UUID) string {
	return s.mint(t, auth.TokenSpec{UserID: id, Role: auth.RoleAuthenticated, Email: id.String()[:8] + "@example.com"})
}

// CreateUser signs a new user up through the API with the given username and
// returns their id and token.
func (s *Stack) CreateUser(t testing.TB, username string) (uuid.UUID, string) {
	t.Helper()
	id := uuid.New()
	tok := s.UserToken(t, id)
	s.Do(t, tok, http.MethodPut, "/api/v1/me/username", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":%q}`, username)), http.StatusOK, nil)
	return id, tok
}

// Do sends a request and checks the status; out (if not nil) receives the
// JSON answer. It returns the raw body. Unless the test expects a 429, a
// 429 is waited out and the request sent again (up to maxRateLimitWaits
// times, after the answer's Retry-After), as the frontend does: a test
// that reads every document of a run would otherwise trip the per-user
// rate limit (10/s, bursts of 50) depending on how fast the machine ran
// what came before.
func (s *Stack) Do(t testing.TB, token, method, path, contentType string, body io.Reader, wantStatus int, out any) []byte {
	t.Helper()
	var payload []byte
	if body != nil {
		var err error
		if payload, err = io.ReadAll(body); err != nil {
			t.Fatal(err)
		}
	}
	for wait := 0; ; wait++ {
		req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusTooManyRequests && wantStatus != http.StatusTooManyRequests && wait < maxRateLimitWaits {
			time.Sleep(rateLimitWait(resp.Header))
			continue
		}
		if resp.StatusCode != wantStatus {
			t.Fatalf("%s %s: status %d, want %d; body: %s", method, path, resp.StatusCode, wantStatus, b)
		}
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
			}
		}
		return b
	}
}

// maxRateLimitWaits bounds how often Do waits out a 429 for one request.
const maxRateLimitWaits = 5

// rateLimitWait is the delay a 429 of the API asks for: its Retry-After,
// else one second.
func rateLimitWait(h http.Header) time.Duration {
	if d := retryafter.Parse(h.Get("Retry-After"), time.Now()); d > 0 {
		return d
	}
	return time.Second
}

// ConnectGoogle connects the user to the sandbox Google through the API's
// OAuth flow, as a browser would: connect (the answer sets the flow's
// browser cookie) → consent (the sandbox grants at once) → callback with
// that cookie.
func (s *Stack) ConnectGoogle(t testing.TB, token string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	req, err := http.NewRequest(http.MethodGet, s.URL+"/api/v1/google/connect", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var start struct {
		URL string `json:"authorization_url"`
	}
	err = json.NewDecoder(resp.Body).Decode(&start)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("connect answered %d: %v", resp.StatusCode, err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noFollow.Get(start.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(callback, s.URL+"/api/v1/google/callback") {
		t.Fatalf("consent answered %d, Location %q", resp.StatusCode, callback)
	}
	resp, err = browser.Get(callback)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("callback answered %d: %s", resp.StatusCode, body)
	}
}

// Status sends a GET and returns the status code, decoding a 200 answer into
// out; for polling things that may not exist yet.
func (s *Stack) Status(t testing.TB, token, path string, out any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// PostEmail uploads a raw message as the service role and returns the answer.
func (s *Stack) PostEmail(t testing.TB, raw []byte) IngestAnswer {
	t.Helper()
	var out IngestAnswer
	s.Do(t, s.ServiceToken, http.MethodPost, "/api/v1/emails", "message/rfc822", bytes.NewReader(raw), http.StatusAccepted, &out)
	return out
}

// IngestAnswer is the JSON answer of POST /api/v1/emails.
type IngestAnswer struct {
	WorkflowID string `json:"workflow_id"`
	MessageKey string `json:"message_key"`
	StatusURL  string `json:"status_url"`
	Duplicate  bool   `json:"duplicate"`
}

// progressGrace is how long WaitRun asks a closed run again for its
// progress.
const progressGrace = 5 * time.Second

// RunAnswer is the JSON answer of GET /api/v1/runs/{id}.
type RunAnswer struct {
	WorkflowID      string         `json:"workflow_id"`
	ExecutionStatus string         `json:"execution_status"`
	Progress        map[string]any `json:"progress"`
}

// WaitRun polls the run's status URL until it is no longer running. The
// API asks a closed run for its progress with a query that a worker answers
// by replaying the run, and leaves progress out when that query fails
// (seen once in a CI run on this loaded 2-core machine: a completed email
// run answered without progress), so a closed run without progress is
// asked again for a few seconds before it is returned as it is.
func (s *Stack) WaitRun(t testing.TB, token, workflowID string) RunAnswer {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var closedAt time.Time
	for {
		var run RunAnswer
		s.Do(t, token, http.MethodGet, "/api/v1/runs/"+url.PathEscape(workflowID), "", nil, http.StatusOK, &run)
		if run.ExecutionStatus != "Running" {
			if closedAt.IsZero() {
				closedAt = time.Now()
			}
			if len(run.Progress) > 0 || time.Since(closedAt) > progressGrace {
				return run
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still running after 60s: %+v", workflowID, run)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Stack) waitReady(t testing.TB) { t.Helper(); waitHTTP(t, s.URL+"/readyz") }

// waitHTTP waits until url answers 200.
func waitHTTP(t testing.TB, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack not ready after 30s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
