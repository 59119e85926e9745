package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/api"
	"github.com/stretchr/testify/mock"
)

// tightLimits make every limit small enough to reach in a test.
var tightLimits = map[string]string{
	"RATE_LIMIT_USER": "100/m:8", "RATE_LIMIT_USER_WORKFLOW": "3/m:3",
	"RATE_LIMIT_IP": "100/m:12", "RATE_LIMIT_IP_WORKFLOW": "6/m:5",
	"RATE_LIMIT_SERVICE_WORKFLOW": "2/m:2",
}

func withEnv(base map[string]string, extra map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

type problemBody struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// refused checks rec is a 429 problem with a Retry-After in [min, max]
// seconds, and returns its detail.
func refused(t *testing.T, rec interface {
	Result() *http.Response
}, minWait, maxWait int) string {
	t.Helper()
	resp := rec.Result()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q", ct)
	}
	wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || wait < minWait || wait > maxWait {
		t.Fatalf("Retry-After %q, want %d–%d seconds", resp.Header.Get("Retry-After"), minWait, maxWait)
	}
	var p problemBody
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || p.Status != 429 {
		t.Fatalf("body: %+v %v", p, err)
	}
	return p.Detail
}

func TestRateLimit_UserLoopingReclassifyIsRefusedWithRetryAfter(t *testing.T) {
	h := newAPIHarness(t, tightLimits)
	_, alice := h.user()
	_, bob := h.user()
	reclassify := func(bearer, addr string) *request {
		return &request{method: http.MethodPost, target: "/api/v1/documents/" + uuid.NewString() + "/reclassify", bearer: bearer, remoteAddr: addr}
	}
	// Three reclassify requests (here of documents that do not exist: every
	// attempt counts), then the user's workflow bucket is empty.
	for i := range 3 {
		if rec := h.do(*reclassify(alice, "203.0.113.1:4000")); rec.Code != http.StatusNotFound {
			t.Fatalf("reclassify %d: %d %s", i+1, rec.Code, rec.Body.String())
		}
	}
	detail := refused(t, h.do(*reclassify(alice, "203.0.113.1:4000")), 19, 21) // 3/min: a token every 20 s
	if !strings.Contains(detail, "user") || !strings.Contains(detail, "workflow") {
		t.Fatalf("detail %q does not say which limit", detail)
	}
	// From another address too: the limit is the user's.
	refused(t, h.do(*reclassify(alice, "198.51.100.9:4000")), 19, 21)
	// Reading is another, larger bucket; another user has their own.
	if rec := h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: alice, remoteAddr: "203.0.113.1:4000"}); rec.Code != http.StatusOK {
		t.Fatalf("alice reads: %d", rec.Code)
	}
	if rec := h.do(*reclassify(bob, "198.51.100.9:4000")); rec.Code != http.StatusNotFound {
		t.Fatalf("bob reclassifies: %d %s", rec.Code, rec.Body.String())
	}
	if n := h.metric("besunny_http_rate_limited_total", map[string]string{"scope": "user", "class": "workflow"}); n != 2 {
		t.Fatalf("besunny_http_rate_limited_total{scope=user,class=workflow} = %v, want 2", n)
	}
}

// metric reads a counter or gauge of the API's registry (0 when absent).
func (h *apiHarness) metric(name string, labels map[string]string) float64 {
	h.t.Helper()
	families, err := h.metrics.Registry.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue next
				}
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			return m.Gauge.GetValue()
		}
	}
	return 0
}

func TestRateLimit_ManyUsersFromOneAddressShareItsBucket(t *testing.T) {
	h := newAPIHarness(t, tightLimits)
	// 12 requests from one address, each by a new user (accounts are
	// cheap to make): the 13th is refused though its user is new too.
	for i := range 12 {
		_, bearer := h.user()
		if rec := h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: "203.0.113.7:5000"}); rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, rec.Code)
		}
	}
	_, bearer := h.user()
	detail := refused(t, h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: "203.0.113.7:5000"}), 1, 1)
	if !strings.Contains(detail, "address") {
		t.Fatalf("detail %q does not say it is the address's limit", detail)
	}
	// An IPv6 client is one /64: changing the interface id does not help.
	for i := range 12 {
		addr := "[2001:db8:1:2::" + strconv.Itoa(i+1) + "]:5000"
		_, bearer := h.user()
		if rec := h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: addr}); rec.Code != http.StatusOK {
			t.Fatalf("IPv6 request %d: %d", i+1, rec.Code)
		}
	}
	_, bearer = h.user()
	refused(t, h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: "[2001:db8:1:2::ffff]:5000"}), 1, 1)
	// Another address is not affected.
	_, bearer = h.user()
	if rec := h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: "198.51.100.1:5000"}); rec.Code != http.StatusOK {
		t.Fatalf("another address: %d", rec.Code)
	}
	if n := h.metric("besunny_http_rate_limited_total", map[string]string{"scope": "ip", "class": "standard"}); n != 2 {
		t.Fatalf("refusals counted: %v, want 2", n)
	}
}

func TestRateLimit_RefusedTokensAreLimitedPerAddressBeforeAnyWork(t *testing.T) {
	h := newAPIHarness(t, tightLimits)
	for i := range 12 {
		if rec := h.do(request{method: http.MethodGet, target: "/api/v1/me", bearer: "not-a-token", remoteAddr: "203.0.113.8:1"}); rec.Code != http.StatusUnauthorized {
			t.Fatalf("bad token %d: %d", i+1, rec.Code)
		}
	}
	refused(t, h.do(request{method: http.MethodGet, target: "/api/v1/me", remoteAddr: "203.0.113.8:1"}), 1, 1)
	// A valid token from the same address is refused as well: the address
	// spent its budget.
	_, bearer := h.user()
	refused(t, h.do(request{method: http.MethodGet, target: "/api/v1/me", bearer: bearer, remoteAddr: "203.0.113.8:1"}), 1, 1)
}

func TestRateLimit_ForwardedForIsBelievedOnlyFromTrustedProxies(t *testing.T) {
	h := newAPIHarness(t, withEnv(tightLimits, map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8", "RATE_LIMIT_USER": "off"}))
	_, bearer := h.user()
	get := func(peer, forwarded string) int {
		r := request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: peer, header: http.Header{}}
		r.header.Set("X-Forwarded-For", forwarded)
		return h.do(r).Code
	}
	// Through the proxy, each client has its own bucket.
	for i := range 12 {
		if code := get("10.1.1.1:80", "203.0.113.50"); code != http.StatusOK {
			t.Fatalf("client A through the proxy, request %d: %d", i+1, code)
		}
	}
	if code := get("10.1.1.1:80", "203.0.113.50"); code != http.StatusTooManyRequests {
		t.Fatalf("client A's 13th: %d, want 429", code)
	}
	if code := get("10.1.1.1:80", "203.0.113.51"); code != http.StatusOK {
		t.Fatalf("client B through the same proxy: %d", code)
	}
	// A client that is not a trusted proxy cannot pick its address.
	for i := range 12 {
		get("198.51.100.20:80", "203.0.113."+strconv.Itoa(100+i))
	}
	if code := get("198.51.100.20:80", "203.0.113.200"); code != http.StatusTooManyRequests {
		t.Fatalf("a spoofed X-Forwarded-For from an untrusted peer evaded the limit: %d", code)
	}
}

func TestRateLimit_WebhooksHealthAndMetricsAreNeverLimited(t *testing.T) {
	h := newAPIHarness(t, tightLimits)
	for i := range 50 {
		// Drive's notifications: an unknown channel is 404, never 429.
		rec := h.do(request{method: http.MethodPost, target: "/webhooks/drive", remoteAddr: "203.0.113.9:1", header: http.Header{
			"X-Goog-Channel-Id": {"unknown"}, "X-Goog-Resource-State": {"update"}, "X-Goog-Message-Number": {strconv.Itoa(i + 1)},
		}})
		if rec.Code == http.StatusTooManyRequests {
			t.Fatalf("Drive webhook %d was rate limited", i+1)
		}
		for _, path := range []string{"/healthz", "/metrics"} {
			if rec := h.do(request{method: http.MethodGet, target: path, remoteAddr: "203.0.113.9:1"}); rec.Code != http.StatusOK {
				t.Fatalf("%s %d: %d", path, i+1, rec.Code)
			}
		}
	}
	// And they do not spend the address's budget.
	_, bearer := h.user()
	if rec := h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: "203.0.113.9:1"}); rec.Code != http.StatusOK {
		t.Fatalf("after the webhooks: %d", rec.Code)
	}
	if n := h.metric("besunny_rate_limit_buckets", map[string]string{"scope": "ip", "class": "standard"}); n != 1 {
		t.Fatalf("%v address buckets, want 1 (webhooks and probes make none)", n)
	}
}

func TestRateLimit_ServiceRoleIsLimitedOnlyWhereItStartsWork(t *testing.T) {
	h := newAPIHarness(t, tightLimits)
	// Reads are not limited for the trusted back office, nor counted
	// against its address.
	for i := range 40 {
		if rec := h.do(request{method: http.MethodGet, target: "/api/v1/emails/sha256:00", bearer: h.service, remoteAddr: "203.0.113.10:1"}); rec.Code == http.StatusTooManyRequests {
			t.Fatalf("service read %d was limited", i+1)
		}
	}
	// Uploads start workflows: 2 at once, then 429.
	h.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(nil, nil).Twice()
	upload := request{method: http.MethodPost, target: "/api/v1/emails", bearer: h.service, contentType: "message/rfc822", remoteAddr: "203.0.113.10:1"}
	for i := range 2 {
		upload.body = "Subject: " + strconv.Itoa(i) + "\r\n\r\nhello"
		if rec := h.do(upload); rec.Code != http.StatusAccepted {
			t.Fatalf("upload %d: %d %s", i+1, rec.Code, rec.Body.String())
		}
	}
	upload.body = "Subject: 3\r\n\r\nhello"
	refused(t, h.do(upload), 29, 31) // 2/min
}

func TestRateLimit_EveryWorkflowRouteExists(t *testing.T) {
	h := newAPIHarness(t, nil)
	routes := map[string]bool{}
	for _, r := range h.e.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	for _, r := range api.WorkflowRoutes() {
		if !routes[r] {
			t.Errorf("the workflow-class route %q is not served: the table in ratelimit.go is stale", r)
		}
	}
}

func TestRateLimit_OffLimitsNothing(t *testing.T) {
	h := newAPIHarness(t, map[string]string{"RATE_LIMIT_ENABLED": "false", "RATE_LIMIT_IP": "1/h:1"})
	_, bearer := h.user()
	for i := range 20 {
		if rec := h.do(request{method: http.MethodGet, target: "/api/v1/projects", bearer: bearer, remoteAddr: "203.0.113.11:1"}); rec.Code != http.StatusOK {
			t.Fatalf("request %d with RATE_LIMIT_ENABLED=false: %d", i+1, rec.Code)
		}
	}
}
