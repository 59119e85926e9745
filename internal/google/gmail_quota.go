package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/besunny/workflows/internal/unitwindow"
)

// gmailQuotaShare is the share of GMAIL_QUOTA_UNITS_PER_SECOND one client
// spends in a window; the rest is left for calls priced wrong.
const gmailQuotaShare = 0.95

// gmailQuotaSpan is the window the client keeps its budget over: Gmail's
// second plus an allowance for network jitter. A call counted at the start
// of one window may reach Gmail later than a call counted at the start of
// the next; without the allowance both would land in Gmail's same second.
const gmailQuotaSpan = time.Second + 100*time.Millisecond

// Quota units Gmail charges per call, from Google's published usage limits.
const (
	GmailUnitsMessages   = 5 // messages.get, list, modify; attachments.get
	GmailUnitsHistory    = 2
	GmailUnitsBatchLabel = 50 // messages.batchModify
	GmailUnitsWatch      = 100
	GmailUnitsStop       = 50
	GmailUnitsProfile    = 1
	GmailUnitsLabelsList = 1
	GmailUnitsLabelsNew  = 5
)

// gmailCallUnits is the quota cost Gmail charges for the request.
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
		return GmailUnitsProfile
	case parts[0] == "history":
		return GmailUnitsHistory
	case parts[0] == "watch":
		return GmailUnitsWatch
	case parts[0] == "stop":
		return GmailUnitsStop
	case parts[0] == "labels" && post:
		return GmailUnitsLabelsNew
	case parts[0] == "labels":
		return GmailUnitsLabelsList
	case parts[0] == "messages" && len(parts) == 2 && parts[1] == "batchModify":
		return GmailUnitsBatchLabel
	default:
		return GmailUnitsMessages
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
	// shared, when set, replaces window: the mailbox's window kept for
	// every worker process (store.GmailQuotaWindow).
	shared SharedQuota
}

// SharedQuota is a Gmail quota window shared by every process that calls
// Gmail for a mailbox. Reserve charges units at the first instant they fit
// in any span of span (at most limit units) and says how long from now that
// is; beyond maxWait it charges nothing and reports !ok.
type SharedQuota interface {
	Reserve(ctx context.Context, mailbox string, units, limit int, span, maxWait time.Duration) (wait time.Duration, ok bool, err error)
}

// ErrQuotaWaitTooLong: the call would have waited for the mailbox's quota
// longer than its context allows (WithQuotaWaitLimit); it was not made.
var ErrQuotaWaitTooLong = errors.New("gmail quota: the call would wait too long")

type quotaWaitKey struct{}

// WithQuotaWaitLimit bounds how long the Gmail calls made with ctx wait for
// the shared quota window: a call that would wait longer fails at once with
// ErrQuotaWaitTooLong and charges nothing. Without it, calls wait as long as
// the window needs.
func WithQuotaWaitLimit(ctx context.Context, limit time.Duration) context.Context {
	return context.WithValue(ctx, quotaWaitKey{}, limit)
}

// unboundedQuotaWait is the wait a call accepts without WithQuotaWaitLimit.
const unboundedQuotaWait = 24 * time.Hour

func (t *quotaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	units := gmailCallUnits(r)
	if t.shared == nil {
		if err := t.window.wait(r.Context(), units); err != nil {
			return nil, err
		}
		return t.base.RoundTrip(r)
	}
	maxWait, bounded := r.Context().Value(quotaWaitKey{}).(time.Duration)
	if !bounded {
		maxWait = unboundedQuotaWait
	}
	wait, ok, err := t.shared.Reserve(r.Context(), gmailCallUser(r), units, t.window.w.Limit, t.window.w.Span, maxWait)
	if err != nil {
		return nil, fmt.Errorf("gmail quota: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("%w (%s for the quota of %s)", ErrQuotaWaitTooLong, wait.Round(time.Millisecond), gmailCallUser(r))
	}
	if wait > 0 {
		timer := time.NewTimer(wait)
		select {
		case <-r.Context().Done():
			timer.Stop()
			return nil, r.Context().Err()
		case <-timer.C:
		}
	}
	return t.base.RoundTrip(r)
}

// gmailCallUser is the mailbox a Gmail request is for: its quota's owner.
func gmailCallUser(r *http.Request) string {
	_, rest, _ := strings.Cut(r.URL.Path, "/users/")
	user, _, _ := strings.Cut(rest, "/")
	return strings.ToLower(user)
}

// withGmailQuota returns client with its transport paced to a share of
// quotaUnitsPerSecond: by shared when it is set, else by a window of its own.
func withGmailQuota(client *http.Client, quotaUnitsPerSecond int, shared SharedQuota) *http.Client {
	base := client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	paced := *client
	paced.Transport = &quotaTransport{
		base:   base,
		window: newUnitWindow(int(gmailQuotaShare*float64(quotaUnitsPerSecond)), gmailQuotaSpan),
		shared: shared,
	}
	return &paced
}

// unitWindow is a unitwindow.Window shared by concurrent calls, which wait
// for room rather than being refused.
type unitWindow struct {
	mu sync.Mutex
	w  unitwindow.Window
	// now is read under the lock, so the log stays in time order.
	now func() time.Time
}

func newUnitWindow(limit int, span time.Duration) *unitWindow {
	return &unitWindow{w: unitwindow.Window{Limit: max(limit, 1), Span: span}, now: time.Now}
}

// wait blocks until units fit in the window, then charges them. A call
// costlier than the whole limit waits for an empty window.
func (w *unitWindow) wait(ctx context.Context, units int) error {
	units = min(units, w.w.Limit)
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
	return w.w.Take(units, w.now())
}
