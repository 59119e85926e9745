package unitwindow

import (
	"math/rand/v2"
	"testing"
	"time"
)

// Callers that reserve in any order of arrival and call at their instant
// never put more than the limit in any span, and wait no longer than needed.
func TestReserve_NoSpanOfTheReservationsExceedsTheLimit(t *testing.T) {
	const limit, span = 100, time.Second
	start := time.Unix(1000, 0)
	now := start
	var spends, all []Spend
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		now = now.Add(time.Duration(rng.IntN(20)) * time.Millisecond)
		// The drain's mix: messages.get, some history.list, a rare batchModify.
		units := 5
		switch r := rng.IntN(100); {
		case r < 2:
			units = 50
		case r < 10:
			units = 2
		}
		var at time.Time
		var ok bool
		spends, at, ok = Reserve(spends, now, units, limit, span, time.Hour)
		if !ok || at.Before(now) {
			t.Fatalf("reservation at %v for now %v (ok %v)", at, now, ok)
		}
		all = append(all, Spend{At: at, Units: units})
	}
	// Every window (x-span, x] ending at a spend holds at most the limit.
	for i, e := range all {
		sum := 0
		for _, s := range all[:i+1] {
			if s.At.After(e.At.Add(-span)) {
				sum += s.Units
			}
		}
		if sum > limit {
			t.Fatalf("window ending at spend %d holds %d units of %d", i, sum, limit)
		}
	}
	// Demand far above the limit is served at the limit, not below it.
	elapsed := all[len(all)-1].At.Sub(start).Seconds()
	total := 0
	for _, s := range all {
		total += s.Units
	}
	if rate := float64(total) / elapsed; rate < 0.9*limit {
		t.Fatalf("served %.0f units/s of a %d/s window", rate, limit)
	}
}

func TestReserve_AReservationTooFarAheadChargesNothing(t *testing.T) {
	now := time.Unix(1000, 0)
	spends, _, ok := Reserve(nil, now, 90, 100, time.Second, 0)
	if !ok {
		t.Fatal("the first reservation must fit at once")
	}
	kept, at, ok := Reserve(spends, now, 20, 100, time.Second, 500*time.Millisecond)
	if ok || at != now.Add(time.Second) || len(kept) != 1 {
		t.Fatalf("got ok %v at %v with %d spends; want refused for a second, nothing charged", ok, at.Sub(now), len(kept))
	}
	if _, at, ok := Reserve(kept, now, 10, 100, time.Second, 0); !ok || at != now {
		t.Fatalf("the last 10 units must fit at once, got ok %v at +%v", ok, at.Sub(now))
	}
}
