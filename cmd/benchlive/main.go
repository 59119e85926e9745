// Command benchlive measures the live event stream on one API process
// (`make bench-live`): how many SSE subscribers it holds and in how much
// memory, and how long an event takes from its commit to a client while
// events are being written.
//
// It starts a Temporal dev server (the API needs one), a fresh database, and
// the real cmd/api binary as a child process (its RSS is the API's alone);
// the bench process holds the client side of every stream and writes the
// events into PostgreSQL as the pipelines do (documents rows; the triggers
// log and announce them).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/testenv"
)

const benchSecret = "benchlive-secret-0123456789abcdef0123456789"

type options struct {
	hold, subscribers, rate int
	duration, broadcast     time.Duration
}

func main() {
	var o options
	flag.IntVar(&o.hold, "hold", envInt("BENCH_LIVE_HOLD", 10000), "SSE subscribers to hold at once")
	flag.IntVar(&o.subscribers, "subscribers", envInt("BENCH_LIVE_SUBSCRIBERS", 1000), "subscribers of the latency phase")
	flag.IntVar(&o.rate, "rate", envInt("BENCH_LIVE_RATE", 100), "events written per second in the latency phase")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "length of the latency phase")
	flag.DurationVar(&o.broadcast, "broadcast", 20*time.Second, "length of the broadcast phase (every subscriber gets every event; 0 skips it)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-live:", err)
		os.Exit(1)
	}
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

func run(ctx context.Context, o options) error {
	limit, err := raiseFileLimit()
	if err != nil {
		return fmt.Errorf("raise the open-file limit: %w", err)
	}
	if need := uint64(o.hold + 200); limit < need {
		return fmt.Errorf("the open-file limit is %d, %d streams need %d: raise the hard limit (ulimit -Hn)", limit, o.hold, need)
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "besunny-benchlive-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Printf("bench-live: open-file limit %d; logs in %s\n", limit, dir)

	temporal, err := startTemporal(ctx, root, filepath.Join(dir, "temporal.log"))
	if err != nil {
		return err
	}
	defer func() { _ = temporal.Stop() }()
	dbURL, drop, err := createDatabase(ctx)
	if err != nil {
		return err
	}
	defer drop()
	api, err := startAPI(ctx, root, dir, []string{
		"DATABASE_URL=" + dbURL, "TEMPORAL_ADDRESS=" + temporal.FrontendHostPort(), "TEMPORAL_NAMESPACE=default",
		"GOOGLE_MODE=off", "JWT_SECRET=" + benchSecret, "LOG_LEVEL=warn",
		"EVENTS_MAX_CONNECTIONS_PER_USER=" + strconv.Itoa(o.subscribers+10),
		"EVENTS_MAX_CONNECTIONS=" + strconv.Itoa(o.hold+o.subscribers+100),
	}, filepath.Join(dir, "api.log"))
	if err != nil {
		return err
	}
	defer api.stop()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	addr := api.url[len("http://"):]
	rss0, _, _ := api.memory()
	fmt.Printf("api started: rss %s\n", mb(rss0))

	users := make([]uuid.UUID, max(o.hold, o.subscribers))
	tokens := make([]string, len(users))
	for i := range users {
		users[i] = uuid.New()
		tokens[i], err = auth.MintHS256(benchSecret, auth.TokenSpec{UserID: users[i], Role: auth.RoleAuthenticated,
			Audience: "authenticated", TTL: 2 * time.Hour, Email: fmt.Sprintf("u%d@bench.example", i)}, time.Now())
		if err != nil {
			return err
		}
	}
	if err := hold(ctx, o, rss0, api, pool, addr, users, tokens); err != nil {
		return err
	}
	if err := latency(ctx, "per-user", o.subscribers, o.rate, o.duration, pool, addr, users, tokens, false); err != nil {
		return err
	}
	if o.broadcast > 0 {
		service, err := auth.MintHS256(benchSecret, auth.TokenSpec{Role: auth.RoleService, Audience: "authenticated", TTL: 2 * time.Hour}, time.Now())
		if err != nil {
			return err
		}
		all := make([]string, o.subscribers)
		for i := range all {
			all[i] = service
		}
		if err := latency(ctx, "broadcast", o.subscribers, o.rate, o.broadcast, pool, addr, users, all, true); err != nil {
			return err
		}
	}
	_, peak, _ := api.memory()
	fmt.Printf("api peak rss over the whole run: %s\n", mb(peak))
	return nil
}

// openAll opens n streams, 100 at a time.
func openAll(ctx context.Context, addr string, tokens []string, n int, onData func(i int, data []byte, at time.Time)) ([]*subscriber, error) {
	subs := make([]*subscriber, n)
	sem := make(chan struct{}, 100)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for i := 0; i < n && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			s, err := subscribe(addr, "/api/v1/events", tokens[i], func(data []byte, at time.Time) { onData(i, data, at) })
			if err != nil {
				firstErr.CompareAndSwap(nil, fmt.Errorf("stream %d: %w", i, err))
				return
			}
			subs[i] = s
		}(i)
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		closeAll(subs)
		return nil, err
	}
	return subs, ctx.Err()
}

func closeAll(subs []*subscriber) {
	for _, s := range subs {
		if s != nil {
			s.close()
		}
	}
}

// hold opens o.hold streams (one user each), measures the API's memory, then
// writes one event for every user and waits until each stream has its own.
func hold(ctx context.Context, o options, rss0 int64, api *apiProcess, pool *pgxpool.Pool, addr string, users []uuid.UUID, tokens []string) error {
	var received atomic.Int64
	start := time.Now()
	subs, err := openAll(ctx, addr, tokens, o.hold, func(_ int, data []byte, _ time.Time) {
		if bytes.Contains(data, []byte(`"kind":"document.created"`)) {
			received.Add(1)
		}
	})
	if err != nil {
		return err
	}
	defer closeAll(subs)
	opened := time.Since(start)
	time.Sleep(5 * time.Second) // let the API settle (GC, idle goroutines)
	rss, peak, err := api.memory()
	if err != nil {
		return err
	}
	fmt.Printf("hold: %d SSE streams open in %.1fs; api rss %s (peak %s, goal ≤ 300 MB), %.1f KB more per stream than at start\n",
		o.hold, opened.Seconds(), mb(rss), mb(peak), float64(rss-rss0)/1024/float64(o.hold))
	fmt.Printf("hold: api %s\n", runtimeMetrics(api.url))
	t0 := time.Now()
	if _, err := pool.Exec(ctx, `INSERT INTO documents (owner_id, source, source_id, title)
		SELECT id, 'upload', 'hold-' || id, 'hold' FROM users`); err != nil {
		return err
	}
	committed := time.Since(t0)
	deadline := time.Now().Add(2 * time.Minute)
	for received.Load() < int64(o.hold) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	rss2, peak2, _ := api.memory()
	fmt.Printf("hold: one event per user, %d documents in one transaction (%.1fs to commit): %d of %d streams got theirs %.1fs after the commit; api rss %s (peak %s)\n",
		o.hold, committed.Seconds(), received.Load(), o.hold, time.Since(t0).Seconds()-committed.Seconds(), mb(rss2), mb(peak2))
	if received.Load() < int64(o.hold) {
		return fmt.Errorf("only %d of %d streams received their event", received.Load(), o.hold)
	}
	return nil
}

// latency writes rate events a second for d while n streams are open and
// measures commit → client per delivery. Per-user: event i goes to user i mod
// n, each stream one user's. Broadcast: every stream is the service role's
// and receives every event.
func latency(ctx context.Context, name string, n, rate int, d time.Duration, pool *pgxpool.Pool, addr string, users []uuid.UUID, tokens []string, broadcast bool) error {
	total := int(d.Seconds()) * rate
	committedAt := make([]atomic.Int64, total) // unix nanos, just before COMMIT
	var mu sync.Mutex
	lat := make([]time.Duration, 0, total*map[bool]int{true: n, false: 1}[broadcast])
	subs, err := openAll(ctx, addr, tokens, n, func(_ int, data []byte, at time.Time) {
		i := bytes.Index(data, []byte(`"title":"lat-`))
		if i < 0 {
			return
		}
		rest := data[i+len(`"title":"lat-`):]
		j := bytes.IndexByte(rest, '"')
		seq, err := strconv.Atoi(string(rest[:j]))
		if err != nil || seq >= total {
			return
		}
		c := committedAt[seq].Load()
		if c == 0 {
			return
		}
		mu.Lock()
		lat = append(lat, at.Sub(time.Unix(0, c)))
		mu.Unlock()
	})
	if err != nil {
		return err
	}
	defer closeAll(subs)
	time.Sleep(2 * time.Second)

	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	var writeErr atomic.Value
	tag := uuid.NewString()[:8]
	for seq := 0; seq < total && ctx.Err() == nil; seq++ {
		<-tick.C
		wg.Add(1)
		go func(seq int) {
			defer wg.Done()
			tx, err := pool.Begin(ctx)
			if err == nil {
				_, err = tx.Exec(ctx, "INSERT INTO documents (owner_id, source, source_id, title) VALUES ($1, 'upload', $2, $3)",
					users[seq%n], fmt.Sprintf("lat-%s-%d", tag, seq), fmt.Sprintf("lat-%d", seq))
				committedAt[seq].Store(time.Now().UnixNano())
				if err == nil {
					err = tx.Commit(ctx)
				} else {
					_ = tx.Rollback(ctx)
				}
			}
			if err != nil {
				writeErr.CompareAndSwap(nil, err)
			}
		}(seq)
	}
	wg.Wait()
	if err, _ := writeErr.Load().(error); err != nil {
		return err
	}
	want := total
	if broadcast {
		want = total * n
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		got := len(lat)
		mu.Unlock()
		if got >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Printf("latency %s: %d subscribers, %d events/s for %s: %d of %d deliveries; commit → client p50 %s p90 %s p99 %s max %s (goal p50 ≤ 50ms, p99 ≤ 250ms)\n",
		name, n, rate, d, len(lat), want, ms(pct(0.5)), ms(pct(0.9)), ms(pct(0.99)), ms(pct(1)))
	return nil
}

// runtimeMetrics is where the API's memory goes, from its /metrics.
func runtimeMetrics(base string) string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out []string
	for _, name := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes", "go_memstats_heap_idle_bytes", "go_memstats_heap_released_bytes"} {
		if m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(b); m != nil {
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			if strings.HasSuffix(name, "_bytes") {
				out = append(out, fmt.Sprintf("%s %s", strings.TrimPrefix(strings.TrimSuffix(name, "_bytes"), "go_memstats_"), mb(int64(v))))
			} else {
				out = append(out, fmt.Sprintf("%s %.0f", strings.TrimPrefix(name, "go_"), v))
			}
		}
	}
	return strings.Join(out, ", ")
}

func mb(b int64) string         { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
