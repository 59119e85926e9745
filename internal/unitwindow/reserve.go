package unitwindow

import "time"

// Spend is a charge of units at an instant, as a shared window stores it.
type Spend struct {
	At    time.Time
	Units int
}

// Reserve finds the first instant, not before now nor before the latest
// spend, at which units fit in a window of span admitting limit units, and
// returns the spends that still matter with the new one appended there.
// Reservations are kept in time order, so a caller that waits until its
// instant before calling never puts more than limit units in any span,
// however many callers share the spends. Spends that left every window
// ending at or after now are dropped. Units above limit are charged as
// limit (such a call waits for an otherwise empty window). When the instant
// is later than now+maxWait, nothing is charged and ok is false.
func Reserve(spends []Spend, now time.Time, units, limit int, span, maxWait time.Duration) (kept []Spend, at time.Time, ok bool) {
	limit = max(limit, 1)
	units = min(max(units, 0), limit)
	cut := now.Add(-span)
	i := 0
	for i < len(spends) && !spends[i].At.After(cut) {
		i++
	}
	kept = spends[i:]
	at = now
	sum := units
	for _, s := range kept {
		sum += s.Units
		if s.At.After(at) {
			at = s.At
		}
	}
	// The window ending at the new spend must hold it: drop the oldest
	// spends from it until it does, moving the instant past each.
	excess := sum - limit
	for _, s := range kept {
		if excess <= 0 {
			break
		}
		excess -= s.Units
		if free := s.At.Add(span); free.After(at) {
			at = free
		}
	}
	if at.Sub(now) > maxWait {
		return kept, at, false
	}
	return append(kept, Spend{At: at, Units: units}), at, true
}
