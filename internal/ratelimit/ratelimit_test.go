package ratelimit

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func allowed(b *Buckets, key string, now time.Time) bool {
	r := b.Reserve(key, now)
	if r.DelayFrom(now) > 0 {
		r.CancelAt(now)
		return false
	}
	return true
}

func TestBuckets_EachKeyHasItsOwnBucket(t *testing.T) {
	b := New(Rate{PerSecond: 1, Burst: 3}, 100)
	for i := range 3 {
		if !allowed(b, "alice", t0) {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	if allowed(b, "alice", t0) {
		t.Fatal("the 4th request at once was allowed with a burst of 3")
	}
	if !allowed(b, "bob", t0) {
		t.Fatal("another key shares alice's bucket")
	}
	if !allowed(b, "alice", t0.Add(time.Second)) {
		t.Fatal("no token after a second at 1/s")
	}
}

func TestBuckets_DelaySaysWhenTheNextTokenComes(t *testing.T) {
	b := New(Rate{PerSecond: 1.0 / 60, Burst: 2}, 100) // 1 a minute
	b.Reserve("k", t0)
	b.Reserve("k", t0)
	r := b.Reserve("k", t0)
	if d := r.DelayFrom(t0); d < 59*time.Second || d > time.Minute {
		t.Fatalf("delay %v, want a minute", d)
	}
	r.CancelAt(t0)
	// The cancelled token is given back: the wait stays one minute.
	if d := b.Reserve("k", t0.Add(30*time.Second)).DelayFrom(t0.Add(30 * time.Second)); d > 31*time.Second {
		t.Fatalf("after a cancel, delay %v, want 30s", d)
	}
}

func TestBuckets_RefilledBucketsAreForgotten(t *testing.T) {
	b := New(Rate{PerSecond: 10, Burst: 20}, 100_000) // refills in 2 s
	for i := range 1000 {
		b.Reserve("idle-"+strconv.Itoa(i), t0)
	}
	for range 20 { // empties busy's bucket at t0+1s
		b.Reserve("busy", t0.Add(time.Second))
	}
	if n := b.Len(); n != 1001 {
		t.Fatalf("%d buckets, want 1001", n)
	}
	// At t0+2.05s the idle buckets are full again; busy's (used at t0+1s) is not.
	b.Sweep(t0.Add(2050 * time.Millisecond))
	if n := b.Len(); n != 1 {
		t.Fatalf("%d buckets after the sweep, want only the busy one", n)
	}
	if b.Evicted() != 0 {
		t.Fatalf("%d buckets in use were evicted", b.Evicted())
	}
}

func TestBuckets_MemoryStaysBoundedUnderAFloodOfKeys(t *testing.T) {
	const maxKeys = 3200
	b := New(Rate{PerSecond: 1, Burst: 5}, maxKeys)
	for i := range 200_000 {
		b.Reserve("flood-"+strconv.Itoa(i), t0) // all in use: none refilled
		if i%10_000 == 0 {
			if n := b.Len(); n > maxKeys {
				t.Fatalf("%d buckets after %d keys, bound %d", n, i+1, maxKeys)
			}
		}
	}
	if n := b.Len(); n > maxKeys {
		t.Fatalf("%d buckets, bound %d", n, maxKeys)
	}
	if b.Evicted() == 0 {
		t.Fatal("no eviction counted")
	}
}

func TestBuckets_ConcurrentReservationsNeverExceedTheBurst(t *testing.T) {
	b := New(Rate{PerSecond: 0.001, Burst: 50}, 1000)
	var mu sync.Mutex
	granted := 0
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				if allowed(b, "shared", t0) {
					mu.Lock()
					granted++
					mu.Unlock()
				}
				allowed(b, "own-"+strconv.Itoa(i%7), t0)
			}
		}()
	}
	wg.Wait()
	if granted != 50 {
		t.Fatalf("%d of 1600 concurrent requests granted, want exactly the burst of 50", granted)
	}
}

// BenchmarkBuckets_Reserve is the cost of one admission (reserve a token
// from a key's bucket) with 200 goroutines, over 200 keys and over one, and
// from one goroutine.
//
//	go test ./internal/ratelimit -run '^$' -bench . -count 5
func BenchmarkBuckets_Reserve(b *testing.B) {
	b.Run("serial", func(b *testing.B) {
		bk := New(Rate{PerSecond: 1e9, Burst: 1e9}, 50_000)
		names := make([]string, 200)
		for i := range names {
			names[i] = "user-" + strconv.Itoa(i)
		}
		now := time.Now()
		for i := 0; b.Loop(); i++ {
			now = now.Add(time.Microsecond)
			bk.Reserve(names[i%200], now)
		}
	})
	for _, keys := range []int{200, 1} {
		b.Run("keys="+strconv.Itoa(keys), func(b *testing.B) {
			bk := New(Rate{PerSecond: 1e9, Burst: 1e9}, 50_000)
			names := make([]string, keys)
			for i := range names {
				names[i] = "user-" + strconv.Itoa(i)
			}
			var next sync.Mutex
			n := 0
			b.SetParallelism(100)
			b.RunParallel(func(pb *testing.PB) {
				next.Lock()
				key := names[n%keys]
				n++
				next.Unlock()
				// The clock is read once: time.Now itself costs more than a
				// reservation on this VM (kvm-clock), and the API reads it
				// once per request anyway.
				now := time.Now()
				for pb.Next() {
					now = now.Add(time.Microsecond)
					bk.Reserve(key, now)
				}
			})
		})
	}
}
