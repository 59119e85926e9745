package attendeefake

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIFault is an injectable failure of a bots API call.
type APIFault string

// API faults.
const (
	// Fault429 answers 429 with Retry-After, as Attendee's throttle does.
	Fault429 APIFault = "429"
	// Fault500 answers 500.
	Fault500 APIFault = "500"
	// Fault503 answers 503 with Retry-After.
	Fault503 APIFault = "503"
	// FaultLostResponse does what the call asks and then answers 502, as a
	// connection dropped after the server committed: the caller cannot
	// tell that its bot exists.
	FaultLostResponse APIFault = "lost_response"
)

// WebhookFault is an injectable disturbance of a webhook delivery.
type WebhookFault string

// Webhook faults.
const (
	// WebhookDrop never sends the delivery.
	WebhookDrop WebhookFault = "drop"
	// WebhookDuplicate sends it twice with the same idempotency_key.
	WebhookDuplicate WebhookFault = "duplicate"
	// WebhookDelay holds it back (Faults.WebhookDelay), so later ones
	// overtake it.
	WebhookDelay WebhookFault = "delay"
)

// Faults configures random failures. Rates are probabilities in [0,1];
// the API error rates are exclusive of each other. The zero value injects
// nothing. In JSON (PUT /_fake/faults) durations are strings ("5s").
type Faults struct {
	Seed uint64 `json:"seed,omitempty"`

	Rate429          float64 `json:"rate_429,omitempty"`
	Rate500          float64 `json:"rate_500,omitempty"`
	Rate503          float64 `json:"rate_503,omitempty"`
	RateLostResponse float64 `json:"rate_lost_response,omitempty"`
	// RetryAfter is announced with 429 and 503; default 1 s.
	RetryAfter Duration `json:"retry_after,omitempty"`
	// Ops limits API faults to these operations ("create bot", "get bot",
	// "patch bot", "delete bot", "leave", "list bots", "transcript").
	Ops []string `json:"ops,omitempty"`

	WebhookDropRate      float64 `json:"webhook_drop_rate,omitempty"`
	WebhookDuplicateRate float64 `json:"webhook_duplicate_rate,omitempty"`
	WebhookDelayRate     float64 `json:"webhook_delay_rate,omitempty"`
	// WebhookDelay is how long a delayed delivery waits; default 5 s.
	WebhookDelay Duration `json:"webhook_delay,omitempty"`
}

type faultInjector struct {
	mu       sync.Mutex
	cfg      Faults
	rng      *rand.Rand
	nextAPI  []scriptedAPIFault
	nextHook []WebhookFault
}

type scriptedAPIFault struct {
	op    string
	fault APIFault
}

func newFaultInjector() *faultInjector { return &faultInjector{rng: rand.New(rand.NewPCG(0, 0))} }

// SetFaults replaces the random fault configuration and reseeds it.
func (f *Fake) SetFaults(c Faults) {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	f.faults.cfg = c
	f.faults.rng = rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
}

// Faults returns the random fault configuration.
func (f *Fake) Faults() Faults {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	return f.faults.cfg
}

// FailNext makes the next n calls of op ("" for any operation) fail with
// fault, after any failures scripted before.
func (f *Fake) FailNext(op string, fault APIFault, n int) {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	for range n {
		f.faults.nextAPI = append(f.faults.nextAPI, scriptedAPIFault{op, fault})
	}
}

// DisturbNextWebhooks applies fault to the next n webhook deliveries.
func (f *Fake) DisturbNextWebhooks(fault WebhookFault, n int) {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	for range n {
		f.faults.nextHook = append(f.faults.nextHook, fault)
	}
}

// apiPlan is what one API call suffers.
type apiPlan struct {
	status       int
	retryAfter   time.Duration
	lostResponse bool
}

func (fi *faultInjector) plan(op string) apiPlan {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	c := fi.cfg
	retry := time.Duration(c.RetryAfter)
	if retry <= 0 {
		retry = time.Second
	}
	fault := APIFault("")
	for i, s := range fi.nextAPI {
		if s.op == "" || s.op == op {
			fault = s.fault
			fi.nextAPI = append(fi.nextAPI[:i], fi.nextAPI[i+1:]...)
			break
		}
	}
	if fault == "" && c.Rate429+c.Rate500+c.Rate503+c.RateLostResponse > 0 && (len(c.Ops) == 0 || contains(c.Ops, op)) {
		u := fi.rng.Float64()
		switch {
		case u < c.Rate429:
			fault = Fault429
		case u < c.Rate429+c.Rate500:
			fault = Fault500
		case u < c.Rate429+c.Rate500+c.Rate503:
			fault = Fault503
		case u < c.Rate429+c.Rate500+c.Rate503+c.RateLostResponse:
			fault = FaultLostResponse
		}
	}
	switch fault {
	case Fault429:
		return apiPlan{status: http.StatusTooManyRequests, retryAfter: retry}
	case Fault500:
		return apiPlan{status: http.StatusInternalServerError}
	case Fault503:
		return apiPlan{status: http.StatusServiceUnavailable, retryAfter: retry}
	case FaultLostResponse:
		return apiPlan{lostResponse: true}
	}
	return apiPlan{}
}

// apply answers a failing call and reports whether it did.
func (p apiPlan) apply(w http.ResponseWriter, now time.Time) bool {
	if p.status == 0 {
		return false
	}
	if p.retryAfter > 0 {
		secs := int((p.retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	switch p.status {
	case http.StatusTooManyRequests:
		secs := int((p.retryAfter + time.Second - 1) / time.Second)
		writeJSON(w, p.status, map[string]string{"detail": "Request was throttled. Expected available in " + strconv.Itoa(secs) + " seconds."})
	case http.StatusServiceUnavailable:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(p.status)
		_, _ = w.Write([]byte("<html><body><h1>503 Service Unavailable</h1></body></html>"))
	default:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(p.status)
		_, _ = w.Write([]byte("<h1>Server Error (500)</h1>"))
	}
	return true
}

// hookPlan is what one webhook delivery suffers.
type hookPlan struct {
	drop           bool
	duplicate      bool
	delay          time.Duration
	duplicateAfter time.Duration
}

func (f *Fake) planWebhook() hookPlan { return f.faults.planWebhook() }

func (fi *faultInjector) planWebhook() hookPlan {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	c := fi.cfg
	delay := time.Duration(c.WebhookDelay)
	if delay <= 0 {
		delay = 5 * time.Second
	}
	var fault WebhookFault
	if len(fi.nextHook) > 0 {
		fault, fi.nextHook = fi.nextHook[0], fi.nextHook[1:]
	} else if c.WebhookDropRate+c.WebhookDuplicateRate+c.WebhookDelayRate > 0 {
		u := fi.rng.Float64()
		switch {
		case u < c.WebhookDropRate:
			fault = WebhookDrop
		case u < c.WebhookDropRate+c.WebhookDuplicateRate:
			fault = WebhookDuplicate
		case u < c.WebhookDropRate+c.WebhookDuplicateRate+c.WebhookDelayRate:
			fault = WebhookDelay
		}
	}
	switch fault {
	case WebhookDrop:
		return hookPlan{drop: true}
	case WebhookDuplicate:
		return hookPlan{duplicate: true, duplicateAfter: 50 * time.Millisecond}
	case WebhookDelay:
		return hookPlan{delay: delay}
	}
	return hookPlan{}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// faultRequest is the body of POST /_fake/faults/next.
type faultRequest struct {
	Op           string       `json:"op,omitempty"`
	Fault        APIFault     `json:"fault,omitempty"`
	WebhookFault WebhookFault `json:"webhook_fault,omitempty"`
	N            int          `json:"n"`
}

func (r *faultRequest) UnmarshalJSON(b []byte) error {
	type plain faultRequest
	p := plain{N: 1}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = faultRequest(p)
	return nil
}
