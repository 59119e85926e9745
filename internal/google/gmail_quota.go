package google

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// gmailQuotaShare is the share of GMAIL_QUOTA_UNITS_PER_SECOND one client
// spends in a window; the rest is left for calls priced wrong.
const gmailQuotaShare = 0.95

// gmailQuotaSpan is the window the client keeps its budget over: Gmail's
// second plus an allowance for network jitter. A call counted at the start
// of one window may reach Gmail later than a call counted at the start of
// the next; without the allowance both would land in Gmail's same second.
const gmailQuotaSpan = time.Second + 100*time.Millisecond

// gmailCallUnits is the quota cost Gmail charges for the request, from
// Google's published per-method usage units.
func gmailCallUnits(r *http.Request) int {
	// Paths look like /gmail/v1/users/{user}/{resource...}.
	_, rest, _ := strings.Cut(r.URL.Path, "/users/")
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if len(parts) > 1 {
		parts = parts[1:] // the user id
	}
	post := r.Method == http.MethodPost
	switch {
	case parts[0] == "profile":
		return 1
	case parts[0] == "history":
		return 2
	case parts[0] == "watch":
		return 100
	case parts[0] == "stop":
		return 50
	case parts[0] == "labels" && !post:
		return 1
	case parts[0] == "messages" && len(parts) == 2 && parts[1] == "batchModify":
		return 50
	default:
		// messages.get/list/modify, attachments.get, labels.create.
		return 5
	}
}

// quotaTransport paces Gmail calls so that no sliding window of
// gmailQuotaSpan carries more quota units than the budget. The gmail task
// queue's rate limit bounds the cluster as a whole; this keeps each worker
// exact, which a per-activity rate cannot: one batchModify costs ten
// messages.get.
type quotaTransport struct {
	base   http.RoundTripper
	window *unitWindow
}

func (t *quotaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.window.wait(r.Context(), gmailCallUnits(r)); err != nil {
		return nil, err
	}
	return t.base.RoundTrip(r)
}

// withGmailQuota returns client with its transport paced to a share of
// quotaUnitsPerSecond.
func withGmailQuota(client *http.Client, quotaUnitsPerSecond int) *http.Client {
	base := client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	paced := *client
	paced.Transport = &quotaTransport{base: base, window: newUnitWindow(int(gmailQuotaShare*float64(quotaUnitsPerSecond)), gmailQuotaSpan)}
	return &paced
}

// unitWindow admits weighted calls so that the calls admitted in any window
// of span together weigh at most limit: a sliding log, exact where a token
// bucket lets a burst plus a refill through in the same second.
type unitWindow struct {
	limit int
	span  time.Duration
	// now is read under the lock, so the log stays in time order.
	now func() time.Time

	mu     sync.Mutex
	spends []unitSpend // oldest first
	sum    int
}

type unitSpend struct {
	at    time.Time
	units int
}

func newUnitWindow(limit int, span time.Duration) *unitWindow {
	return &unitWindow{limit: max(limit, 1), span: span, now: time.Now}
}

// wait blocks until units fit in the window, then charges them. A call
// costlier than the whole limit waits for an empty window.
func (w *unitWindow) wait(ctx context.Context, units int) error {
	units = min(units, w.limit)
	for {
		until, ok := w.take(units)
		if ok {
			return nil
		}
		timer := time.NewTimer(until)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// take charges units now if they fit; otherwise it reports how long until
// enough of the window has expired.
func (w *unitWindow) take(units int) (time.Duration, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	cut := now.Add(-w.span)
	i := 0
	for i < len(w.spends) && !w.spends[i].at.After(cut) {
		w.sum -= w.spends[i].units
		i++
	}
	if i > 0 {
		w.spends = append(w.spends[:0], w.spends[i:]...)
	}
	if w.sum+units <= w.limit {
		w.spends = append(w.spends, unitSpend{at: now, units: units})
		w.sum += units
		return 0, true
	}
	excess := w.sum + units - w.limit
	for _, s := range w.spends {
		excess -= s.units
		if excess <= 0 {
			return s.at.Add(w.span).Sub(now), false
		}
	}
	return w.span, false // unreachable: units <= limit
}
