package googlefake

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Faults configures failure injection into Gmail and Drive API calls (not
// OAuth, JWKS or admin endpoints). Faults strike after quota, as on a real
// server that counts a request when it arrives and only then is slow or
// fails, and before the call's effect, so a failed modify changes nothing. Rates are
// probabilities in [0,1]; the error rates are exclusive of each other and
// should add up to at most 1. The zero value injects nothing.
//
// In JSON (PUT /_fake/faults) durations are strings such as "250ms".
type Faults struct {
	// Seed makes the sequence of decisions reproducible: the same seed
	// and the same sequence of calls give the same faults.
	Seed uint64

	Rate429 float64 // answer 429 RESOURCE_EXHAUSTED (rate-limit body)
	Rate500 float64 // answer 500 INTERNAL (backendError)
	Rate503 float64 // answer 503 UNAVAILABLE (backendError)

	// Latency is added to every call, plus a uniform random [0, Jitter).
	Latency time.Duration
	Jitter  time.Duration

	// SlowRate of calls additionally take SlowDelay (default 2 s).
	SlowRate  float64
	SlowDelay time.Duration

	// HangRate of calls never answer: they block until the client's
	// context ends (or the server closes).
	HangRate float64

	// Methods, when set, limits injection to calls whose method name
	// (as in Stats.Calls) starts with one of these prefixes, e.g.
	// "gmail.users.history" or "drive.".
	Methods []string
}

type faultsJSON struct {
	Seed      uint64   `json:"seed,omitempty"`
	Rate429   float64  `json:"rate_429,omitempty"`
	Rate500   float64  `json:"rate_500,omitempty"`
	Rate503   float64  `json:"rate_503,omitempty"`
	Latency   string   `json:"latency,omitempty"`
	Jitter    string   `json:"jitter,omitempty"`
	SlowRate  float64  `json:"slow_rate,omitempty"`
	SlowDelay string   `json:"slow_delay,omitempty"`
	HangRate  float64  `json:"hang_rate,omitempty"`
	Methods   []string `json:"methods,omitempty"`
}

// MarshalJSON writes durations as Go duration strings.
func (f Faults) MarshalJSON() ([]byte, error) {
	d := func(v time.Duration) string {
		if v == 0 {
			return ""
		}
		return v.String()
	}
	return json.Marshal(faultsJSON{f.Seed, f.Rate429, f.Rate500, f.Rate503, d(f.Latency), d(f.Jitter),
		f.SlowRate, d(f.SlowDelay), f.HangRate, f.Methods})
}

// UnmarshalJSON reads durations as Go duration strings ("2s", "150ms").
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	out := Faults{Seed: j.Seed, Rate429: j.Rate429, Rate500: j.Rate500, Rate503: j.Rate503,
		SlowRate: j.SlowRate, HangRate: j.HangRate, Methods: j.Methods}
	for _, p := range []struct {
		s   string
		dst *time.Duration
	}{{j.Latency, &out.Latency}, {j.Jitter, &out.Jitter}, {j.SlowDelay, &out.SlowDelay}} {
		if p.s == "" {
			continue
		}
		v, err := time.ParseDuration(p.s)
		if err != nil {
			return err
		}
		*p.dst = v
	}
	*f = out
	return nil
}

type faultInjector struct {
	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
}

func newFaultInjector() *faultInjector {
	return &faultInjector{rng: rand.New(rand.NewPCG(0, 0))}
}

// faultPlan is what one call suffers.
type faultPlan struct {
	delay  time.Duration
	slow   bool
	hang   bool
	status int
}

// plan draws the faults for one call. It always draws the same number of
// random values per call so that decisions stay aligned with the seed
// whatever the outcome of earlier draws.
func (fi *faultInjector) plan(method string) faultPlan {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	c := fi.cfg
	if c.Rate429+c.Rate500+c.Rate503+c.SlowRate+c.HangRate == 0 && c.Latency == 0 && c.Jitter == 0 {
		return faultPlan{}
	}
	if len(c.Methods) > 0 && !hasAnyPrefix(method, c.Methods) {
		return faultPlan{}
	}
	uErr, uSlow, uHang, uJit := fi.rng.Float64(), fi.rng.Float64(), fi.rng.Float64(), fi.rng.Float64()
	p := faultPlan{delay: c.Latency + time.Duration(uJit*float64(c.Jitter))}
	if uSlow < c.SlowRate {
		p.slow = true
		p.delay += c.SlowDelay
		if c.SlowDelay == 0 {
			p.delay += 2 * time.Second
		}
	}
	p.hang = uHang < c.HangRate
	switch {
	case uErr < c.Rate429:
		p.status = http.StatusTooManyRequests
	case uErr < c.Rate429+c.Rate500:
		p.status = http.StatusInternalServerError
	case uErr < c.Rate429+c.Rate500+c.Rate503:
		p.status = http.StatusServiceUnavailable
	}
	return p
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// SetFaults replaces the fault configuration and reseeds the random source.
// It is safe to call while requests are in flight.
func (s *Server) SetFaults(f Faults) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.cfg = f
	s.faults.cfg.Methods = append([]string(nil), f.Methods...)
	s.faults.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
}

// Faults returns the current fault configuration.
func (s *Server) Faults() Faults {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	f := s.faults.cfg
	f.Methods = append([]string(nil), f.Methods...)
	return f
}

// injectFaults applies the planned faults for one call and reports whether
// the call may proceed. rateReason is the API's own 429 reason.
func (s *Server) injectFaults(w http.ResponseWriter, r *http.Request, method, rateReason string) bool {
	p := s.faults.plan(method)
	if p.slow {
		s.stats.fault("slow")
	}
	if !s.sleep(r.Context(), p.delay) {
		return false
	}
	if p.hang {
		s.stats.fault("hang")
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return false
	}
	switch p.status {
	case http.StatusTooManyRequests:
		s.stats.fault("429")
		s.writeRateLimited(w, rateReason)
		return false
	case http.StatusInternalServerError:
		s.stats.fault("500")
		writeError(w, p.status, "backendError", "Internal error encountered.")
		return false
	case http.StatusServiceUnavailable:
		s.stats.fault("503")
		writeError(w, p.status, "backendError", "The service is currently unavailable.")
		return false
	}
	return true
}

// writeRateLimited answers 429 the way the API does: Gmail says
// rateLimitExceeded with a retry time, Drive says userRateLimitExceeded.
func (s *Server) writeRateLimited(w http.ResponseWriter, reason string) {
	msg := "User rate limit exceeded."
	if reason == "rateLimitExceeded" {
		msg = "User-rate limit exceeded.  Retry after " +
			s.now().Add(time.Second).UTC().Format("2006-01-02T15:04:05.000Z")
	}
	writeError(w, http.StatusTooManyRequests, reason, msg)
}
