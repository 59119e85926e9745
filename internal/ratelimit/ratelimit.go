// Package ratelimit keeps one token bucket per key (a user, a client
// address) in bounded memory. The buckets are golang.org/x/time/rate
// limiters; this package only decides which bucket a key has and when a
// bucket may be forgotten.
package ratelimit

import (
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a sustained rate and a burst. The zero Rate is unlimited.
type Rate struct {
	// PerSecond is the sustained rate (tokens added per second).
	PerSecond float64
	// Burst is the bucket's size: how many requests may come at once.
	Burst int
}

// Unlimited reports whether r limits nothing.
func (r Rate) Unlimited() bool { return r.PerSecond <= 0 || r.Burst <= 0 }

// refill is how long an empty bucket takes to fill up again.
func (r Rate) refill() time.Duration {
	return time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second))
}

// shards spread the keys over independently locked maps, so concurrent
// requests of different callers do not wait on one lock.
const shards = 32

// Buckets holds the buckets of one Rate, one per key, created on first use.
//
// Memory is bounded in two ways. A bucket that has refilled completely is
// the same as a new one, so it is forgotten (swept) without changing any
// outcome. And a shard never holds more than its share of MaxKeys: when a
// flood of distinct keys fills it with buckets still in use, a quarter of
// them is forgotten at random (those keys start again with a full bucket),
// which Evicted counts.
type Buckets struct {
	rate    Rate
	limit   rate.Limit
	perMax  int
	sweep   time.Duration
	seed    maphash.Seed
	shards  [shards]shard
	evicted atomic.Int64
}

type shard struct {
	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	nextSweep time.Time
}

// New returns the buckets of r for at most maxKeys keys (at least one per
// shard). r must not be Unlimited.
func New(r Rate, maxKeys int) *Buckets {
	b := &Buckets{
		rate:   r,
		limit:  rate.Limit(r.PerSecond),
		perMax: max(1, int(math.Ceil(float64(maxKeys)/shards))),
		// Sweep as often as a bucket can refill, between once a second and
		// once a minute: often enough that idle keys go, rare enough to cost
		// nothing per request.
		sweep: min(max(r.refill(), time.Second), time.Minute),
		seed:  maphash.MakeSeed(),
	}
	for i := range b.shards {
		b.shards[i].buckets = map[string]*rate.Limiter{}
	}
	return b
}

// Rate returns the rate the buckets were made with.
func (b *Buckets) Rate() Rate { return b.rate }

// Reserve takes a token from key's bucket at now. The reservation says how
// long the caller would have to wait (DelayFrom(now) > 0 means "over the
// limit"); a caller that will not go ahead must CancelAt(now) to give the
// token back.
func (b *Buckets) Reserve(key string, now time.Time) *rate.Reservation {
	s := &b.shards[maphash.String(b.seed, key)%shards]
	s.mu.Lock()
	if now.After(s.nextSweep) || len(s.buckets) >= b.perMax {
		b.sweepLocked(s, now)
	}
	lim, ok := s.buckets[key]
	if !ok {
		lim = rate.NewLimiter(b.limit, b.rate.Burst)
		s.buckets[key] = lim
	}
	s.mu.Unlock()
	return lim.ReserveN(now, 1)
}

// sweepLocked forgets the buckets that are full again and, if the shard is
// still at its bound, a quarter of the rest. s.mu must be held.
func (b *Buckets) sweepLocked(s *shard, now time.Time) {
	s.nextSweep = now.Add(b.sweep)
	full := float64(b.rate.Burst)
	for k, lim := range s.buckets {
		if lim.TokensAt(now) >= full {
			delete(s.buckets, k)
		}
	}
	if len(s.buckets) < b.perMax {
		return
	}
	drop := max(1, len(s.buckets)/4)
	for k := range s.buckets { // map order: a random choice
		delete(s.buckets, k)
		b.evicted.Add(1)
		if drop--; drop == 0 {
			break
		}
	}
}

// Sweep forgets, in every shard, the buckets that are full again at now
// (Reserve also does this as it goes).
func (b *Buckets) Sweep(now time.Time) {
	for i := range b.shards {
		s := &b.shards[i]
		s.mu.Lock()
		b.sweepLocked(s, now)
		s.mu.Unlock()
	}
}

// Len returns how many buckets are kept.
func (b *Buckets) Len() int {
	n := 0
	for i := range b.shards {
		s := &b.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}

// Evicted returns how many buckets still in use were forgotten because the
// key bound was reached.
func (b *Buckets) Evicted() int64 { return b.evicted.Load() }
