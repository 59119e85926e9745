package api_test

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/mocks"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/testenv"
)

// apiHarness is the Echo application on a fresh database (Google off
// unless env says otherwise) with a mocked Temporal client and the API's
// JSON log captured.
type apiHarness struct {
	t        testing.TB
	cfg      config.Config
	store    *store.Store
	temporal *mocks.Client
	metrics  *metrics.Metrics
	e        *echo.Echo
	logs     *syncBuffer
	service  string
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testConfig(t testing.TB, env map[string]string) config.Config {
	t.Helper()
	values := map[string]string{"PUBLIC_URL": "https://besunny.example", "GOOGLE_MODE": "off"}
	for k, v := range env {
		values[k] = v
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := values[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newAPIHarness(t *testing.T, env map[string]string) *apiHarness {
	t.Helper()
	return newAPIHarnessWithStore(t, env, testenv.NewDatabase(t).Store)
}

func newAPIHarnessWithStore(t testing.TB, env map[string]string, st *store.Store) *apiHarness {
	t.Helper()
	cfg := testConfig(t, env)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	verifier, err := auth.NewVerifier(api.VerifierConfig(cfg, logger))
	if err != nil {
		t.Fatal(err)
	}
	tc := &mocks.Client{}
	t.Cleanup(func() { tc.AssertExpectations(t) })
	h := &apiHarness{t: t, cfg: cfg, store: st, temporal: tc, metrics: metrics.New(), logs: logs}
	h.e = api.New(api.Deps{Config: cfg, Logger: logger, Store: st, Temporal: tc, Verifier: verifier, Metrics: h.metrics})
	h.service = h.mint(auth.TokenSpec{Role: auth.RoleService})
	return h
}

func (h *apiHarness) mint(spec auth.TokenSpec) string {
	h.t.Helper()
	spec.Audience = h.cfg.JWT.Audience
	if spec.TTL == 0 {
		spec.TTL = time.Hour
	}
	tok, err := auth.MintHS256(h.cfg.JWT.Secret, spec, time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// user mints a token for a new user.
func (h *apiHarness) user() (uuid.UUID, string) {
	id := uuid.New()
	return id, h.mintUser(id)
}

// mintUser mints a token for the user id.
func (h *apiHarness) mintUser(id uuid.UUID) string {
	return h.mint(auth.TokenSpec{UserID: id, Role: auth.RoleAuthenticated, Email: id.String()[:8] + "@example.com"})
}

// request is one HTTP request to the application.
type request struct {
	method, target, bearer, body, contentType string
	remoteAddr                                string
	header                                    http.Header
}

func (h *apiHarness) do(r request) *httptest.ResponseRecorder {
	h.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.target, body)
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	} else if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if r.remoteAddr != "" {
		req.RemoteAddr = r.remoteAddr
	}
	rec := httptest.NewRecorder()
	h.e.ServeHTTP(rec, req)
	return rec
}

// serve runs the application on a real listener (with the server's
// timeouts) and returns its address.
func (h *apiHarness) serve() string {
	h.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	h.e.Listener = ln
	go func() { _ = h.e.Start("") }()
	h.t.Cleanup(func() { _ = h.e.Close() })
	return ln.Addr().String()
}
