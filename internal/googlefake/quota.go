package googlefake

import (
	"maps"
	"sync"
	"time"

	"github.com/besunny/workflows/internal/unitwindow"
)

// GmailUnitCost is the per-user quota cost of each Gmail method the fake
// serves, from Google's published Gmail API usage limits. Keys are the
// method names used in Stats.Calls.
var GmailUnitCost = map[string]int{
	"gmail.users.messages.get":             5,
	"gmail.users.messages.list":            5,
	"gmail.users.messages.modify":          5,
	"gmail.users.messages.batchModify":     50,
	"gmail.users.messages.attachments.get": 5,
	"gmail.users.history.list":             2,
	"gmail.users.labels.list":              1,
	"gmail.users.labels.create":            5,
	"gmail.users.getProfile":               1,
	"gmail.users.watch":                    100,
	"gmail.users.stop":                     50,
}

// quota is a per-key sliding one-second window of spent units. A sliding
// window (rather than fixed seconds) is closer to Google's moving average
// and does not let a client burst twice the limit across a second boundary.
type quota struct {
	mu      sync.Mutex
	windows map[string]*unitwindow.Window
	maxSeen int
}

func newQuota() *quota { return &quota{windows: map[string]*unitwindow.Window{}} }

// take charges units to key if that keeps the last second within limit
// (limit <= 0: unlimited) and reports whether it did. Usage is tracked even
// when unlimited so benchmarks can read the peak rate from Stats.
func (q *quota) take(key string, units, limit int, now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	w := q.windows[key]
	if w == nil {
		w = &unitwindow.Window{Span: time.Second}
		q.windows[key] = w
	}
	w.Limit = limit
	if _, ok := w.Take(units, now); !ok {
		return false
	}
	q.maxSeen = max(q.maxSeen, w.Sum())
	return true
}

func (q *quota) peak() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.maxSeen
}

func (q *quota) reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.windows = map[string]*unitwindow.Window{}
	q.maxSeen = 0
}

// Stats are counters for tests and benchmarks. Calls include calls that
// were then rejected by quota or failed by an injected fault.
type Stats struct {
	// Calls counts calls per method, e.g. "gmail.users.messages.get",
	// "drive.files.export".
	Calls map[string]int64 `json:"calls"`
	// QuotaRejected counts calls refused with 429 because of quota, per
	// method.
	QuotaRejected map[string]int64 `json:"quota_rejected"`
	// Faults counts injected faults by kind: "429", "500", "503", "slow",
	// "hang".
	Faults map[string]int64 `json:"faults"`
	// MaxGmailUnitsPerSecond is the most units any one Gmail user spent in
	// a one-second window.
	MaxGmailUnitsPerSecond int `json:"max_gmail_units_per_second"`
	// MaxDriveQueriesPerSecond is the same for Drive, per account.
	MaxDriveQueriesPerSecond int `json:"max_drive_queries_per_second"`
	// PushesSent and PushesFailed count Gmail Pub/Sub push deliveries
	// (acknowledged, and dropped after the last retry).
	PushesSent   int64 `json:"pushes_sent"`
	PushesFailed int64 `json:"pushes_failed"`
	// NotificationsSent and NotificationsFailed count Drive channel
	// notifications the same way.
	NotificationsSent   int64 `json:"notifications_sent"`
	NotificationsFailed int64 `json:"notifications_failed"`
}

// TotalRejected is the number of calls refused for quota, all methods.
func (st Stats) TotalRejected() int64 {
	var n int64
	for _, v := range st.QuotaRejected {
		n += v
	}
	return n
}

type statsRecorder struct {
	mu sync.Mutex
	s  Stats
}

func newStatsRecorder() *statsRecorder {
	r := &statsRecorder{}
	r.reset()
	return r
}

func (r *statsRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s = Stats{Calls: map[string]int64{}, QuotaRejected: map[string]int64{}, Faults: map[string]int64{}}
}

func (r *statsRecorder) update(f func(*Stats)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.s)
}

func (r *statsRecorder) call(method string) { r.update(func(s *Stats) { s.Calls[method]++ }) }
func (r *statsRecorder) rejected(method string) {
	r.update(func(s *Stats) { s.QuotaRejected[method]++ })
}
func (r *statsRecorder) fault(kind string) { r.update(func(s *Stats) { s.Faults[kind]++ }) }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	out := s.stats.s
	out.Calls = maps.Clone(out.Calls)
	out.QuotaRejected = maps.Clone(out.QuotaRejected)
	out.Faults = maps.Clone(out.Faults)
	s.stats.mu.Unlock()
	out.MaxGmailUnitsPerSecond = s.gmailQuota.peak()
	out.MaxDriveQueriesPerSecond = s.driveQuota.peak()
	return out
}

// ResetStats zeroes the counters and the quota windows, e.g. between the
// phases of a benchmark.
func (s *Server) ResetStats() {
	s.stats.reset()
	s.gmailQuota.reset()
	s.driveQuota.reset()
	s.calendarQuota.reset()
}
