// Package unitwindow keeps a sliding log of weighted calls: how many units
// (quota units, queries) were spent in the last span, exactly, where a token
// bucket lets a burst and a refill through within the same span. The Gmail
// client paces itself with it and the sandbox Google enforces its quotas
// with it, so both count a second the same way.
package unitwindow

import "time"

// Window admits at most Limit units in any span of Span. A Limit of zero or
// less admits everything and still counts. A Window is not safe for
// concurrent use: its owner locks, and passes times in order.
type Window struct {
	Limit int
	Span  time.Duration

	spends []spend // oldest first
	sum    int
}

type spend struct {
	at    time.Time
	units int
}

// Take charges units at now if they fit and reports whether it did. When
// they do not, it reports how long after now enough of the window will have
// expired for them to fit; units above Limit never fit.
func (w *Window) Take(units int, now time.Time) (time.Duration, bool) {
	cut := now.Add(-w.Span)
	i := 0
	for i < len(w.spends) && !w.spends[i].at.After(cut) {
		w.sum -= w.spends[i].units
		i++
	}
	if i > 0 {
		// Copy down so the backing array does not grow without bound.
		w.spends = append(w.spends[:0], w.spends[i:]...)
	}
	if w.Limit <= 0 || w.sum+units <= w.Limit {
		w.spends = append(w.spends, spend{at: now, units: units})
		w.sum += units
		return 0, true
	}
	excess := w.sum + units - w.Limit
	for _, s := range w.spends {
		excess -= s.units
		if excess <= 0 {
			return s.at.Add(w.Span).Sub(now), false
		}
	}
	return w.Span, false // units > Limit: not even an empty window holds them
}

// Sum is the units charged in the span that ended at the last Take.
func (w *Window) Sum() int { return w.sum }
