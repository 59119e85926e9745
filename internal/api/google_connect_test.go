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
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
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
	fake    *googlefake.Server
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
	return newConnectHarnessWith(t, nil)
}

func newConnectHarnessWith(t *testing.T, extra map[string]string) *connectHarness {
	t.Helper()
	database := testenv.NewDatabase(t)
	fake := googlefake.New(googlefake.Options{Conformance: conformancetest.Checker(t)})
	granted := &googlefake.TokenLog{}
	srv := httptest.NewServer(granted.Wrap(fake.Handler()))
	t.Cleanup(func() {
		srv.Close()
		fake.Close()
	})
	env := map[string]string{"GOOGLE_MODE": "sandbox", "GOOGLE_SANDBOX_URL": srv.URL, "PUBLIC_URL": "https://besunny.example"}
	for k, v := range extra {
		env[k] = v
	}
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
	h := &connectHarness{t: t, cfg: cfg, fake: fake, tokens: granted, logs: logs, user: uuid.New(), temporal: tc}
	// Every user the harness connects gets their primary calendar watched.
	tc.On("SignalWithStartWorkflow", mock.Anything, mock.MatchedBy(func(id string) bool { return strings.HasPrefix(id, "calendar/") && strings.HasSuffix(id, "/primary") }), workflows.SyncNowSignal, nil,
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
	h.bearer = h.mint(h.user, "pat@sandbox.example.com")
	t.Cleanup(h.noTokenInLogs)
	return h
}

// mint signs a user token for id with the given email (the sandbox grants
// that address's Google account).
func (h *connectHarness) mint(id uuid.UUID, email string) string {
	h.t.Helper()
	tok, err := auth.MintHS256(h.cfg.JWT.Secret, auth.TokenSpec{
		UserID: id, Role: auth.RoleAuthenticated, Email: email, Audience: h.cfg.JWT.Audience, TTL: time.Hour,
	}, time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
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

// oauthFlow is a started connection as the browser holds it: the callback
// Google's consent screen redirected to, and the cookies the API set when
// the flow started.
type oauthFlow struct {
	callback string
	cookies  []*http.Cookie
}

// consent starts the flow for the harness's user and follows the sandbox's
// consent screen.
func (h *connectHarness) consent() oauthFlow { return h.consentAs(h.bearer) }

// consentAs starts the flow with bearer, as the frontend calls connect, and
// follows the sandbox's consent screen.
func (h *connectHarness) consentAs(bearer string) oauthFlow {
	h.t.Helper()
	authURL, cookies := h.start(bearer, false)
	return oauthFlow{callback: h.consentAt(authURL), cookies: cookies}
}

// start calls connect with bearer (redirect=true: as a navigation that
// follows the redirect) and returns Google's authorization URL and the
// cookies the answer set.
func (h *connectHarness) start(bearer string, redirect bool) (string, []*http.Cookie) {
	h.t.Helper()
	target := "/api/v1/google/connect"
	if redirect {
		target += "?redirect=true"
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	if redirect {
		if rec.Code != http.StatusFound {
			h.t.Fatalf("connect?redirect=true: %d %s", rec.Code, rec.Body.String())
		}
		return rec.Header().Get("Location"), rec.Result().Cookies()
	}
	if rec.Code != http.StatusOK {
		h.t.Fatalf("connect: %d %s", rec.Code, rec.Body.String())
	}
	var start struct {
		URL string `json:"authorization_url"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &start); err != nil {
		h.t.Fatal(err)
	}
	return start.URL, rec.Result().Cookies()
}

// consentAt follows the sandbox's consent screen at authURL and returns
// the callback path with its query, as the browser would call it.
func (h *connectHarness) consentAt(authURL string) string {
	h.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
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

// browserCallback is the browser arriving at target with cookies (and no
// bearer token).
func (h *connectHarness) browserCallback(target string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// finish is the browser that started f coming back from Google.
func (h *connectHarness) finish(f oauthFlow) *httptest.ResponseRecorder {
	h.t.Helper()
	return h.browserCallback(f.callback, f.cookies...)
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

	rec := h.finish(h.consent()) // the browser carries no bearer token
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
	flow := h.consent()
	if rec := h.finish(flow); rec.Code != http.StatusOK {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body.String())
	}
	// Replayed: the state is used up.
	if rec := h.finish(flow); rec.Code != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d, want 400", rec.Code)
	}
	// Forged or missing state.
	for _, target := range []string{
		"/api/v1/google/callback?state=forged&code=4/0abc",
		"/api/v1/google/callback?code=4/0abc",
	} {
		if rec := h.browserCallback(target, flow.cookies...); rec.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 400", target, rec.Code)
		}
	}
}

func TestGoogleConnect_RefusedConsentOrBadCodeConnectsNothing(t *testing.T) {
	h := newConnectHarness(t)
	flow := h.consent()
	cb, err := url.Parse(flow.callback)
	if err != nil {
		t.Fatal(err)
	}
	q := cb.Query()
	q.Del("code")
	q.Set("error", "access_denied")
	if rec := h.browserCallback(cb.Path+"?"+q.Encode(), flow.cookies...); rec.Code != http.StatusBadRequest {
		t.Fatalf("refused consent: %d, want 400", rec.Code)
	}

	flow = h.consent()
	cb, err = url.Parse(flow.callback)
	if err != nil {
		t.Fatal(err)
	}
	q = cb.Query()
	q.Set("code", "4/0-not-a-code")
	rec := h.browserCallback(cb.Path+"?"+q.Encode(), flow.cookies...)
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
	if rec := h.finish(h.consent()); rec.Code != http.StatusOK {
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

// connectedAs reports whether bearer's user has a Google connection.
func (h *connectHarness) connectedAs(bearer string) bool {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/google/connection", nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	var conn struct {
		Connected bool `json:"connected"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &conn) != nil {
		h.t.Fatalf("connection: %d %s", rec.Code, rec.Body.String())
	}
	return conn.Connected
}

func TestGoogleConnect_AttackersStateInTheVictimsBrowserIsRefused(t *testing.T) {
	h := newConnectHarness(t)
	attacker := h.bearer
	victimID := uuid.New()
	victim := h.mint(victimID, "victim@sandbox.example.com")

	// The attacker starts a connection in their own browser and sends the
	// victim the authorization URL; the victim consents with their own
	// Google account.
	attackerFlow := func() (callback string, attackerCookies []*http.Cookie) {
		authURL, cookies := h.start(attacker, false)
		u, err := url.Parse(authURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("login_hint", "victim@sandbox.example.com")
		u.RawQuery = q.Encode()
		return h.consentAt(u.String()), cookies
	}

	// The victim's browser comes back without the attacker's cookie: with
	// none at all, and with the cookie of a connection the victim started
	// themselves.
	_, victimCookies := h.start(victim, false)
	for _, cookies := range [][]*http.Cookie{nil, victimCookies} {
		callback, attackerCookies := attackerFlow()
		rec := h.browserCallback(callback, cookies...)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("the attacker's state in the victim's browser (%d cookies): %d %s, want 403", len(cookies), rec.Code, rec.Body.String())
		}
		// The refused state is used up: the victim's code cannot be
		// redeemed with it afterwards, not even from the attacker's browser.
		if rec := h.browserCallback(callback, attackerCookies...); rec.Code != http.StatusBadRequest {
			t.Fatalf("the refused state replayed from the attacker's browser: %d %s, want 400", rec.Code, rec.Body.String())
		}
	}
	if h.connectedAs(attacker) {
		t.Fatal("the victim's Google account landed in the attacker's BeSunny account")
	}
	if h.connectedAs(victim) {
		t.Fatal("the victim got connected by a flow they did not finish")
	}
	if !strings.Contains(h.logs.String(), "started in another browser") {
		t.Fatalf("the refusal is not logged:\n%s", h.logs.String())
	}
}

func TestGoogleConnect_StateCookieIsHttpOnlyLaxScopedAndShortLived(t *testing.T) {
	h := newConnectHarness(t) // PUBLIC_URL is https
	for _, redirect := range []bool{false, true} {
		_, cookies := h.start(h.bearer, redirect)
		if len(cookies) != 1 {
			t.Fatalf("redirect=%v: %d cookies, want 1", redirect, len(cookies))
		}
		c := cookies[0]
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/api/v1/google/callback" ||
			c.MaxAge <= 0 || c.MaxAge > 15*60 || c.Domain != "" || len(c.Value) < 40 {
			t.Fatalf("redirect=%v: cookie %+v, want HttpOnly, Secure, SameSite=Lax, Path=/api/v1/google/callback, host-only, a random value, at most 15 min", redirect, c)
		}
	}
}

func TestGoogleConnect_StateCookieIsNotSecureOverPlainHTTP(t *testing.T) {
	h := newConnectHarnessWith(t, map[string]string{"PUBLIC_URL": "http://localhost:8080"})
	_, cookies := h.start(h.bearer, false)
	if len(cookies) != 1 || cookies[0].Secure || !cookies[0].HttpOnly {
		t.Fatalf("cookies %+v, want one HttpOnly cookie without Secure (the browser would not send it back over http)", cookies)
	}
}

func TestGoogleConnect_TwoFlowsInOneBrowserBothComplete(t *testing.T) {
	h := newConnectHarness(t)
	first := h.consent()
	second := h.consent()
	// The browser holds both cookies (two tabs); each callback finds its own.
	jar := append(append([]*http.Cookie{}, first.cookies...), second.cookies...)
	if rec := h.browserCallback(first.callback, jar...); rec.Code != http.StatusOK {
		t.Fatalf("first flow: %d %s", rec.Code, rec.Body.String())
	}
	if rec := h.browserCallback(second.callback, jar...); rec.Code != http.StatusOK {
		t.Fatalf("second flow: %d %s", rec.Code, rec.Body.String())
	}
}

func TestGoogleConnect_CallbackClearsItsCookie(t *testing.T) {
	h := newConnectHarness(t)
	flow := h.consent()
	rec := h.finish(flow)
	if rec.Code != http.StatusOK {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body.String())
	}
	cleared := false
	for _, c := range rec.Result().Cookies() {
		if c.Name == flow.cookies[0].Name && c.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Fatalf("the callback did not clear %s: %v", flow.cookies[0].Name, rec.Result().Cookies())
	}
}
