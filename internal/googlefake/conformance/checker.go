package conformance

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Mode is what a Checker does with a violation.
type Mode string

// The modes. Every mode but ModeOff records violations (Violations, Err).
const (
	// ModeOff checks nothing.
	ModeOff Mode = "off"
	// ModeRecord records violations silently, for tests that report them
	// at cleanup (ReportTo).
	ModeRecord Mode = "record"
	// ModeLog records and logs each distinct violation once (warning).
	ModeLog Mode = "log"
	// ModeFail logs and refuses: a request that breaks a rule is answered
	// 400 in Google's error format without reaching the fake, as Google
	// would refuse it; an answer that breaks one is replaced by a 500
	// naming the violation.
	ModeFail Mode = "fail"
)

// ParseMode reads a mode name (off, record, log, fail).
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeOff, ModeRecord, ModeLog, ModeFail:
		return m, nil
	}
	return "", fmt.Errorf("conformance mode %q is not off, record, log or fail", s)
}

// adminPrefix is the fake's own admin API, which is not Google's.
const adminPrefix = "/_fake/"

// maxBody bounds the bodies a Checker reads; Gmail's largest message is
// about 35 MB encoded.
const maxBody = 64 << 20

// Checker checks the traffic of one sandbox against a Spec: every request
// the product sends to the fake and every answer (Middleware), and every
// push or notification the fake sends (Transport). It is safe for
// concurrent use.
type Checker struct {
	spec *Spec
	mode Mode
	log  *slog.Logger

	mu         sync.Mutex
	violations []Violation
	counts     map[string]int
	calls      map[string]int
	tolerate   []func(Violation) bool
	tolerated  int
}

// New returns a Checker for spec. logger nil discards.
func New(spec *Spec, mode Mode, logger *slog.Logger) *Checker {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Checker{spec: spec, mode: mode, log: logger, counts: map[string]int{}, calls: map[string]int{}}
}

// Spec returns what the Checker checks against.
func (c *Checker) Spec() *Spec { return c.spec }

// Mode returns the Checker's mode.
func (c *Checker) Mode() Mode { return c.mode }

// Middleware checks every exchange through next, the fake's handler —
// whatever routes it serves now or later — except the fake's admin API.
func (c *Checker) Middleware(next http.Handler) http.Handler {
	if c.mode == ModeOff {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, adminPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ex := &exchange{verb: r.Method, path: r.URL.EscapedPath(), rawQ: r.URL.RawQuery, query: r.URL.Query(),
			reqHdr: r.Header.Clone(), reqBody: body}

		rt, params := c.spec.match(r.Method, ex.path)
		var reqProblems []problem
		switch {
		case rt == nil:
			reqProblems = []problem{c.unknownCall(ex)}
		case rt.hand != nil:
			reqProblems = rt.hand.checkRequest(ex)
		default:
			reqProblems = checkDiscoveryRequest(rt, params, ex)
		}
		method, source := "unknown", "the discovery documents of "+c.spec.String()
		if rt != nil {
			method, source = rt.method.ID, rt.source()
			c.count(method)
		}
		if len(reqProblems) > 0 && c.mode == ModeFail {
			bad := c.record(method, Request, source, ex, reqProblems)
			writeRefusal(w, http.StatusBadRequest, "invalidArgument", "sandbox conformance: the request breaks "+source+": "+bad.String())
			return
		}

		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r)
		if !rec.wroteHeader {
			// The handler wrote nothing: a hanging call released by the
			// client going away or by the fake closing. There is no
			// answer to check, but the request was sent.
			c.record(method, Request, source, ex, reqProblems)
			return
		}
		ex.status, ex.respHdr, ex.body = rec.code(), rec.header, rec.buf.Bytes()
		// Request problems are recorded with the fake's answer, so a test
		// that sends a bad request on purpose can tell a refusal (4xx, as
		// Google answers) from an acceptance Google would not give.
		c.record(method, Request, source, ex, reqProblems)
		var respProblems []problem
		switch {
		case rt == nil:
		case rt.hand != nil:
			respProblems = rt.hand.checkResponse(ex)
		default:
			respProblems = checkDiscoveryResponse(rt, ex)
		}
		if bad := c.record(method, Response, source, ex, respProblems); bad != nil && c.mode == ModeFail {
			writeRefusal(w, http.StatusInternalServerError, "backendError", "sandbox conformance: the sandbox's answer breaks "+source+": "+bad.String())
			return
		}
		rec.copyTo(w)
	})
}

func (c *Checker) unknownCall(ex *exchange) problem {
	if verbs := c.spec.knownPath(ex.path); len(verbs) > 0 {
		return problem{path: "HTTP method", got: ex.verb, want: "this path is served with " + strings.Join(verbs, " or ")}
	}
	return problem{path: "path", got: quoteShort(ex.path), want: "a path of a method they describe, or of a documented OAuth endpoint"}
}

// record stores problems as violations and returns the first, or nil.
func (c *Checker) record(method string, side Side, source string, ex *exchange, ps []problem) *Violation {
	if len(ps) == 0 {
		return nil
	}
	var first *Violation
	for _, p := range ps {
		src := source
		if p.source != "" {
			src = p.source
		}
		v := Violation{Method: method, Side: side, Path: p.path, Got: p.got, Want: p.want, Source: src,
			Call: ex.call(), Status: ex.status}
		c.add(v)
		if first == nil {
			first = &v
		}
	}
	return first
}

// add stores v unless an equal one (up to array indices) is stored, then
// only counts it, so a fault repeated on every call of a suite is one line.
func (c *Checker) add(v Violation) {
	c.mu.Lock()
	for _, ok := range c.tolerate {
		if ok(v) {
			c.tolerated++
			c.mu.Unlock()
			return
		}
	}
	k := v.key()
	c.counts[k]++
	isNew := c.counts[k] == 1
	if isNew {
		c.violations = append(c.violations, v)
	}
	c.mu.Unlock()
	if isNew && c.mode != ModeRecord {
		c.log.Warn("googlefake conformance violation", "method", v.Method, "side", string(v.Side), "path", v.Path,
			"got", v.Got, "want", v.Want, "source", v.Source, "call", v.Call)
	}
}

func (c *Checker) count(method string) {
	c.mu.Lock()
	c.calls[method]++
	c.mu.Unlock()
}

// Tolerate stops reporting violations that match: for tests of the fake
// that break a rule on purpose, typically with RefusedRequest. Tolerated
// violations are only counted (Tolerated).
func (c *Checker) Tolerate(match func(Violation) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tolerate = append(c.tolerate, match)
}

// Tolerated returns how many violations Tolerate let pass.
func (c *Checker) Tolerated() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tolerated
}

// Violations returns the distinct violations seen so far, in order.
func (c *Checker) Violations() []Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.violations)
}

// Calls returns how many calls of each method id were checked.
func (c *Checker) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

// Err returns nil, or an error listing every distinct violation with how
// often it happened.
func (c *Checker) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.violations) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the sandbox broke Google's documented contract (%d distinct violations; checked against %s):", len(c.violations), c.spec)
	for _, v := range c.violations {
		fmt.Fprintf(&b, "\n  - %s", v)
		if n := c.counts[v.key()]; n > 1 {
			fmt.Fprintf(&b, " (×%d)", n)
		}
	}
	return &Error{text: b.String(), Violations: slices.Clone(c.violations)}
}

// Error lists a Checker's violations.
type Error struct {
	text string
	// Violations are the distinct violations.
	Violations []Violation
}

// Error lists the violations, one a line.
func (e *Error) Error() string { return e.text }

// TB is the part of testing.TB that ReportTo needs.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
}

// ReportTo fails t at its cleanup when the Checker has seen violations,
// listing each with the method, the JSON path and what the authority
// says. Register it before anything that serves traffic, so it runs after
// the servers stopped (cleanups run last-registered first).
func (c *Checker) ReportTo(t TB) {
	t.Helper()
	t.Cleanup(func() {
		if err := c.Err(); err != nil {
			t.Errorf("%v", err)
		}
	})
}

// writeRefusal answers in Google's error format (ModeFail).
func writeRefusal(w http.ResponseWriter, code int, reason, msg string) {
	status := canonicalStatus[code][0]
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"error":{"code":%d,"message":%q,"errors":[{"message":%q,"domain":"global","reason":%q}],"status":%q}}`,
		code, msg, msg, reason, status)
}

// recorder buffers the fake's answer so the checker can read it before the
// client does: a violation is on record by the time the client sees the
// response, and in ModeFail the answer can still be replaced.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	buf         bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.buf.Write(b)
}

func (r *recorder) code() int {
	if !r.wroteHeader {
		return http.StatusOK
	}
	return r.status
}

func (r *recorder) copyTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.code())
	_, _ = w.Write(r.buf.Bytes())
}
