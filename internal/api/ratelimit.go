package api

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/ratelimit"
)

// WorkflowRoutes are the routes (method and Echo path) that start
// workflows or LLM calls, or make the sandbox do so. Each request to them
// is counted in the caller's workflow buckets as well as the standard ones.
// A new route that starts work belongs here.
func WorkflowRoutes() []string {
	return []string{
		"POST /api/v1/documents/:id/reclassify",
		"POST /api/v1/projects/:id/onboard",
		"POST /api/v1/drive/watches",
		"POST /api/v1/emails",
		"POST /api/v1/emails/:messageKey/reprocess",
		"POST /api/v1/mailboxes/:address/sync",
		"POST /api/v1/sandbox/mail",
		"POST /api/v1/sandbox/drive/files",
		"PATCH /api/v1/sandbox/drive/files/:fileId",
		"DELETE /api/v1/sandbox/drive/files/:fileId",
		"PUT /api/v1/calendars/:calendarId/watch",
		"DELETE /api/v1/calendars/:calendarId/watch",
		"POST /api/v1/calendars/:calendarId/sync",
		"POST /api/v1/meetings/:meetingId/bot",
		"DELETE /api/v1/meetings/:meetingId/bot",
		"POST /api/v1/bots",
		"POST /api/v1/sandbox/calendar/events",
		"PATCH /api/v1/sandbox/calendar/events/:eventId",
		"DELETE /api/v1/sandbox/calendar/events/:eventId",
	}
}

// Request classes and limit scopes (metric labels).
const (
	classStandard = "standard"
	classWorkflow = "workflow"
	scopeUser     = "user"
	scopeIP       = "ip"
	scopeService  = "service"
)

// unlimitedPath reports whether a path is never rate limited: webhooks
// (Google retries whatever we refuse, and they are authenticated and cheap),
// the liveness probe and the metrics scrape.
func unlimitedPath(path string) bool {
	return strings.HasPrefix(path, "/webhooks/") || path == "/healthz" || path == "/metrics"
}

// limiter applies the token buckets of RATE_LIMIT_*: per user, per client
// address and for the service role, each in a standard class (every
// request) and a workflow class (WorkflowRoutes). The buckets live in this
// process: with N replicas a caller spread over all of them gets N times
// the rates.
type limiter struct {
	enabled  bool
	workflow map[string]bool
	buckets  map[[2]string]*ratelimit.Buckets // (scope, class) → buckets; absent = unlimited
	refused  *prometheus.CounterVec
}

func newLimiter(cfg config.RateLimit, m *metrics.Metrics) *limiter {
	l := &limiter{enabled: cfg.Enabled, workflow: map[string]bool{}, buckets: map[[2]string]*ratelimit.Buckets{}}
	for _, r := range WorkflowRoutes() {
		l.workflow[r] = true
	}
	l.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "besunny_http_rate_limited_total",
		Help: "Requests refused with 429, by the limit that refused them (scope user, ip or service; class standard or workflow).",
	}, []string{"scope", "class"})
	m.Registry.MustRegister(l.refused)
	for key, r := range map[[2]string]ratelimit.Rate{
		{scopeUser, classStandard}: cfg.User, {scopeUser, classWorkflow}: cfg.UserWorkflow,
		{scopeIP, classStandard}: cfg.IP, {scopeIP, classWorkflow}: cfg.IPWorkflow,
		{scopeService, classWorkflow}: cfg.ServiceWorkflow,
	} {
		if !cfg.Enabled || r.Unlimited() {
			continue
		}
		b := ratelimit.New(r, cfg.MaxKeys)
		l.buckets[key] = b
		labels := prometheus.Labels{"scope": key[0], "class": key[1]}
		m.Registry.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "besunny_rate_limit_buckets", Help: "Token buckets kept in memory, by limit.", ConstLabels: labels,
			}, func() float64 { return float64(b.Len()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "besunny_rate_limit_evictions_total", Help: "Buckets still in use forgotten because RATE_LIMIT_MAX_KEYS was reached.", ConstLabels: labels,
			}, func() float64 { return float64(b.Evicted()) }),
		)
	}
	return l
}

// limit is one bucket a request is counted in.
type limit struct {
	scope, class, key string
}

// limitsFor lists the buckets of a request: the service role's only on
// workflow routes (the trusted back office, not counted by address); a
// user's and their address's otherwise; the address's alone for requests
// without a verified caller.
func (l *limiter) limitsFor(c echo.Context, p *auth.Principal) []limit {
	class := classStandard
	if l.workflow[c.Request().Method+" "+c.Path()] {
		class = classWorkflow
	}
	if p != nil && p.IsService() {
		if class == classWorkflow {
			return []limit{{scopeService, classWorkflow, "service:" + p.UserID.String()}}
		}
		return nil
	}
	ip := clientKey(c.RealIP())
	out := []limit{{scopeIP, classStandard, ip}}
	if class == classWorkflow {
		out = append(out, limit{scopeIP, classWorkflow, ip})
	}
	if p != nil && p.IsUser() {
		out = append(out, limit{scopeUser, classStandard, p.UserID.String()})
		if class == classWorkflow {
			out = append(out, limit{scopeUser, classWorkflow, p.UserID.String()})
		}
	}
	return out
}

// admit counts the request in its buckets, or refuses it with 429 and a
// Retry-After saying when the fullest of them will have a token again. A
// refused request takes no token from any bucket.
func (l *limiter) admit(c echo.Context, p *auth.Principal) error {
	if !l.enabled || unlimitedPath(c.Request().URL.Path) {
		return nil
	}
	limits := l.limitsFor(c, p)
	now := time.Now()
	reservations := make([]*rate.Reservation, 0, len(limits))
	var wait time.Duration
	var worst limit
	for _, lim := range limits {
		b := l.buckets[[2]string{lim.scope, lim.class}]
		if b == nil {
			continue
		}
		r := b.Reserve(lim.key, now)
		reservations = append(reservations, r)
		if d := r.DelayFrom(now); d > wait {
			wait, worst = d, lim
		}
	}
	if wait == 0 {
		return nil
	}
	for _, r := range reservations {
		r.CancelAt(now)
	}
	l.refused.WithLabelValues(worst.scope, worst.class).Inc()
	seconds := int(math.Ceil(wait.Seconds()))
	c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
	return newProblem(http.StatusTooManyRequests, fmt.Sprintf("too many requests: %s; retry after %d s",
		describeLimit(worst, l.buckets[[2]string{worst.scope, worst.class}].Rate()), seconds))
}

// describeLimit says which limit refused a request, e.g. "at most 30
// requests that start workflows a minute per user (bursts of 10) on this
// server".
func describeLimit(lim limit, r ratelimit.Rate) string {
	who := map[string]string{scopeUser: "per user", scopeIP: "per client address", scopeService: "for the service role"}[lim.scope]
	what := "requests"
	if lim.class == classWorkflow {
		what = "requests that start workflows"
	}
	count, period := r.PerSecond, "a second"
	if count < 1 {
		count, period = math.Round(count*60*100)/100, "a minute"
	}
	return fmt.Sprintf("at most %s %s %s %s (bursts of %d) on this server",
		strconv.FormatFloat(count, 'f', -1, 64), what, period, who, r.Burst)
}

// clientKey is the bucket key of a client address: the address itself for
// IPv4, its /64 for IPv6 (one host usually holds a whole /64).
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// ipExtractor is how the client address is found: the TCP peer, or with
// TRUSTED_PROXIES the right-most X-Forwarded-For entry not added by a
// trusted proxy. Echo's default would believe any client's header.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
