package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/mocks"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// connectHarness is the API in sandbox mode on a fresh database, with the
// sandbox Google, a mocked Temporal client and the API's JSON log captured.
type connectHarness struct {
	t       *testing.T
	handler http.Handler
	cfg     config.Config
	tokens  *googlefake.TokenLog
	logs    *bytes.Buffer
	user    uuid.UUID
	bearer  string
	// temporal is the mocked client; connecting watches the primary
	// calendar through it.
	temporal *mocks.Client
}

func newConnectHarness(t *testing.T) *connectHarness {
	t.Helper()
	database := testenv.NewDatabase(t)
	fake := googlefake.New(googlefake.Options{})
	granted := &googlefake.TokenLog{}
	srv := httptest.NewServer(granted.Wrap(fake.Handler()))
	t.Cleanup(func() {
		srv.Close()
		fake.Close()
	})
	env := map[string]string{"GOOGLE_MODE": "sandbox", "GOOGLE_SANDBOX_URL": srv.URL, "PUBLIC_URL": "https://besunny.example"}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := google.NewAccounts(cfg, database.Store)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(auth.Config{Secret: cfg.JWT.Secret, Audience: cfg.JWT.Audience})
	if err != nil {
		t.Fatal(err)
	}
	tc := &mocks.Client{}
	t.Cleanup(func() { tc.AssertExpectations(t) })
	logs := &bytes.Buffer{}
	h := &connectHarness{t: t, cfg: cfg, tokens: granted, logs: logs, user: uuid.New(), temporal: tc}
	tc.On("SignalWithStartWorkflow", mock.Anything, workflows.CalendarWorkflowID(h.user.String(), "primary"), workflows.SyncNowSignal, nil,
		mock.Anything, mock.Anything, mock.Anything).Return(nil, nil).Maybe()
	h.handler = api.New(api.Deps{
		Config:   cfg,
		Logger:   slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Store:    database.Store,
		Temporal: tc,
		Verifier: verifier,
		Metrics:  metrics.New(),
		Accounts: accounts,
		Sandbox:  google.Sandbox(cfg),
	})
	h.bearer, err = auth.MintHS256(cfg.JWT.Secret, auth.TokenSpec{
		UserID: h.user, Role: auth.RoleAuthenticated, Email: "pat@sandbox.example.com", Audience: cfg.JWT.Audience, TTL: time.Hour,
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.noTokenInLogs)
	return h
}

func (h *connectHarness) do(method, target string, bearer bool) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if bearer {
		req.Header.Set("Authorization", "Bearer "+h.bearer)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// consent starts the flow and follows the sandbox's consent screen; it
// returns the callback path with its query, as the browser would call it.
func (h *connectHarness) consent() string {
	h.t.Helper()
	rec := h.do(http.MethodGet, "/api/v1/google/connect", true)
	if rec.Code != http.StatusOK {
		h.t.Fatalf("connect: %d %s", rec.Code, rec.Body.String())
	}
	var start struct {
		URL string `json:"authorization_url"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &start); err != nil {
		h.t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(start.URL)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		h.t.Fatalf("consent answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != h.cfg.PublicURL+"/api/v1/google/callback" {
		h.t.Fatalf("consent redirected to %s", got)
	}
	return loc.Path + "?" + loc.RawQuery
}

func (h *connectHarness) connected() bool {
	h.t.Helper()
	rec := h.do(http.MethodGet, "/api/v1/google/connection", true)
	var conn struct {
		Connected bool `json:"connected"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &conn) != nil {
		h.t.Fatalf("connection: %d %s", rec.Code, rec.Body.String())
	}
	return conn.Connected
}

func (h *connectHarness) noTokenInLogs() {
	out := h.logs.String()
	for _, tok := range h.tokens.All() {
		if strings.Contains(out, tok) {
			h.t.Errorf("a Google token appears in the API's log:\n%s", out)
			return
		}
	}
}

func TestGoogleConnect_FlowConnectsTheCallerWithoutLoggingTokens(t *testing.T) {
	h := newConnectHarness(t)
	if h.connected() {
		t.Fatal("connected before the flow")
	}

	rec := h.do(http.MethodGet, h.consent(), false) // the browser carries no bearer token
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "pat@sandbox.example.com") {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body.String())
	}
	if !h.connected() {
		t.Fatal("not connected after the callback")
	}
	if n := len(h.tokens.All()); n != 2 {
		t.Fatalf("%d tokens issued, want 2", n)
	}
	body := h.do(http.MethodGet, "/api/v1/google/connection", true).Body.String()
	for _, tok := range h.tokens.All() {
		if strings.Contains(body, tok) {
			t.Fatal("GET /google/connection shows a token")
		}
	}
	if !strings.Contains(h.logs.String(), "google connected") {
		t.Fatalf("the connection is not logged:\n%s", h.logs.String())
	}
}

func TestGoogleConnect_CallbackStateIsSingleUse(t *testing.T) {
	h := newConnectHarness(t)
	callback := h.consent()
	if rec := h.do(http.MethodGet, callback, false); rec.Code != http.StatusOK {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body.String())
	}
	// Replayed: the state is used up.
	if rec := h.do(http.MethodGet, callback, false); rec.Code != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d, want 400", rec.Code)
	}
	// Forged or missing state.
	for _, target := range []string{
		"/api/v1/google/callback?state=forged&code=4/0abc",
		"/api/v1/google/callback?code=4/0abc",
	} {
		if rec := h.do(http.MethodGet, target, false); rec.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 400", target, rec.Code)
		}
	}
}

func TestGoogleConnect_RefusedConsentOrBadCodeConnectsNothing(t *testing.T) {
	h := newConnectHarness(t)
	cb, err := url.Parse(h.consent())
	if err != nil {
		t.Fatal(err)
	}
	q := cb.Query()
	q.Del("code")
	q.Set("error", "access_denied")
	if rec := h.do(http.MethodGet, cb.Path+"?"+q.Encode(), false); rec.Code != http.StatusBadRequest {
		t.Fatalf("refused consent: %d, want 400", rec.Code)
	}

	cb, err = url.Parse(h.consent())
	if err != nil {
		t.Fatal(err)
	}
	q = cb.Query()
	q.Set("code", "4/0-not-a-code")
	rec := h.do(http.MethodGet, cb.Path+"?"+q.Encode(), false)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "invalid_grant") {
		t.Fatalf("bad code: %d %s, want 400 saying invalid_grant", rec.Code, rec.Body.String())
	}
	if h.connected() {
		t.Fatal("connected without a valid code")
	}
	if !strings.Contains(h.logs.String(), "google connection failed") {
		t.Fatalf("the failure is not logged:\n%s", h.logs.String())
	}
}

func TestGoogleConnect_DisconnectDeletesTheConnection(t *testing.T) {
	h := newConnectHarness(t)
	if rec := h.do(http.MethodGet, h.consent(), false); rec.Code != http.StatusOK {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body.String())
	}

	// No watch: no workflow is signalled (the mocked client expects none).
	if rec := h.do(http.MethodDelete, "/api/v1/google/connection", true); rec.Code != http.StatusNoContent {
		t.Fatalf("disconnect: %d %s", rec.Code, rec.Body.String())
	}
	if h.connected() {
		t.Fatal("still connected")
	}
	if rec := h.do(http.MethodDelete, "/api/v1/google/connection", true); rec.Code != http.StatusNotFound {
		t.Fatalf("second disconnect: %d, want 404", rec.Code)
	}
}
