// Package api is BeSunny's HTTP API: Echo handlers implementing the interface
// generated from api/openapi.yaml. Handlers verify, record the minimum and
// start, signal or query workflows; they never do pipeline work themselves.
package api

import (
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/attendeefake"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/live"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/store"
)

// Deps are the API's connections, opened by the caller.
type Deps struct {
	Config   config.Config
	Logger   *slog.Logger
	Store    *store.Store
	Temporal client.Client
	Verifier *auth.Verifier
	Metrics  *metrics.Metrics
	// PushVerifier checks Gmail push tokens; nil when Google is off.
	PushVerifier google.PushVerifier
	// Sandbox drives the sandbox Google; nil outside sandbox mode.
	Sandbox *googlefake.AdminClient
	// Accounts keeps users' Google connections; nil when Google is off.
	Accounts *google.Accounts
	// Live is the event hub of the stream routes; nil answers them 503.
	Live *live.Hub
	// AttendeeSandbox drives the sandbox Attendee; nil outside its sandbox.
	AttendeeSandbox *attendeefake.AdminClient
}

// Server implements apigen.ServerInterface.
type Server struct {
	cfg      config.Config
	log      *slog.Logger
	store    *store.Store
	temporal client.Client
	verifier *auth.Verifier
	users    knownUsers
	limits   *limiter

	pushVerifier    google.PushVerifier
	sandbox         *googlefake.AdminClient
	accounts        *google.Accounts
	live            *live.Hub
	attendeeSandbox *attendeefake.AdminClient
}

var _ apigen.ServerInterface = (*Server)(nil)

// defaultBodyLimit bounds JSON bodies; raw email uploads have their own limit.
const defaultBodyLimit = 1 << 20

// New builds the Echo application with its middleware and every route.
func New(d Deps) *echo.Echo {
	s := &Server{
		cfg: d.Config, log: d.Logger, store: d.Store, temporal: d.Temporal, verifier: d.Verifier,
		pushVerifier: d.PushVerifier, sandbox: d.Sandbox, accounts: d.Accounts, live: d.Live,
		limits:          newLimiter(d.Config.RateLimit, d.Metrics),
		attendeeSandbox: d.AttendeeSandbox,
	}
	e := echo.New()
	e.IPExtractor = ipExtractor(d.Config.RateLimit.TrustedProxies)
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Binder = jsonBinder{}
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.ReadTimeout = d.Config.HTTPReadTimeout
	e.Server.WriteTimeout = d.Config.HTTPWriteTimeout
	e.Server.IdleTimeout = d.Config.HTTPIdleTimeout
	e.Use(liftDeadlines)

	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: func() string { return uuid.NewString() }}))
	e.Use(s.accessLog())
	// The metrics middleware renders errors itself, so the access log and
	// the metrics both see the final status; panics below it become errors.
	e.Use(newHTTPMetrics(d.Metrics).middleware)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic in handler", "error", err, "path", c.Path(), "request_id", requestID(c), "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: d.Config.CORSOrigins,
		// Credentials only for named origins: a frontend that calls
		// /google/connect with fetch(…, {credentials: "include"}) must be
		// able to receive the flow's browser cookie. No route reads a
		// cookie for authentication; the bearer token stays the only one.
		AllowCredentials: !slices.Contains(d.Config.CORSOrigins, "*"),
		AllowHeaders:     []string{echo.HeaderAuthorization, echo.HeaderContentType, echo.HeaderXRequestID},
		ExposeHeaders:    []string{echo.HeaderXRequestID, echo.HeaderLocation},
		MaxAge:           3600,
	}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   strconv.Itoa(defaultBodyLimit),
		Skipper: func(c echo.Context) bool { return isEmailUpload(c.Request()) || isSandboxFileUpload(c.Request()) },
	}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   strconv.FormatInt(sandboxFileBodyLimit(d.Config), 10),
		Skipper: func(c echo.Context) bool { return !isSandboxFileUpload(c.Request()) },
	}))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
		Timeout: d.Config.HTTPTimeout,
		Skipper: func(c echo.Context) bool { return isStreaming(c.Request()) },
	}))
	e.Use(s.authenticate)

	apigen.RegisterHandlers(e, s)
	e.GET("/metrics", echo.WrapHandler(d.Metrics.Handler()))
	e.GET("/openapi.json", s.openAPI)
	e.GET("/docs", s.docs)
	return e
}

// isEmailUpload reports whether r carries a raw message, which has its own
// size limit (MAX_UPLOAD_BYTES).
func isEmailUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := strings.TrimRight(r.URL.Path, "/")
	return p == "/api/v1/emails" || p == "/api/v1/sandbox/mail"
}

// isSandboxFileUpload reports whether r creates a sandbox Drive file, whose
// JSON body carries the file's text and so gets a larger limit than other
// JSON bodies.
func isSandboxFileUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.TrimRight(r.URL.Path, "/") == "/api/v1/sandbox/drive/files"
}

// sandboxFileBodyLimit leaves room for a file somewhat over
// DRIVE_MAX_FILE_BYTES (to try the cap) and for JSON escaping.
func sandboxFileBodyLimit(cfg config.Config) int64 { return 2 * cfg.Drive.MaxFileBytes }

func (s *Server) accessLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return p == "/healthz" || p == "/metrics"
		},
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			uri := v.URI
			if c.Request().URL.Path == callbackPath {
				// The OAuth code and state are credentials: keep them out of logs.
				uri = callbackPath
			}
			if isStreamPath(c.Request().URL.Path) {
				uri = redactTicket(c.Request().URL)
			}
			s.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("uri", uri), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID))
			return nil
		},
	})
}

// redactTicket is the stream URL for the access log: a ticket is single use
// and short-lived, but still a credential until it is used.
func redactTicket(u *url.URL) string {
	q := u.Query()
	if q.Has("ticket") {
		q.Set("ticket", "REDACTED")
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}
