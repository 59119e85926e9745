package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/testenv"
)

// benchConnections is the number of concurrent client connections.
const benchConnections = 200

// BenchmarkGetDocument_RateLimiter measures what the rate limiter costs on
// a cached GET /api/v1/documents/{id} (the row in PostgreSQL's buffer
// cache, the caller's user row already known to the process) with 200
// client connections over real TCP: the limiter off, then on with limits
// high enough that nothing is refused, so only its bookkeeping is
// measured. It reports the rate, and the process's CPU time per request
// (server and client), which a shared machine disturbs less. "users=200" gives each connection its own user (the buckets
// of 200 users and one address, as behind a proxy without
// TRUSTED_PROXIES); "users=1" sends all 200 through one user's buckets,
// the most contended case.
//
//	go test -c -o /tmp/api.test ./internal/api && cd internal/api && for i in 1 2 3 4 5 6 7 8; do
//	  /tmp/api.test -test.run '^$' -test.bench BenchmarkGetDocument_RateLimiter -test.benchtime 10000x; done
func BenchmarkGetDocument_RateLimiter(b *testing.B) {
	database := testenv.NewDatabase(b)
	for _, users := range []int{benchConnections, 1} {
		targets := benchDocuments(b, database, users)
		for _, limiter := range []string{"off", "on"} {
			env := map[string]string{"RATE_LIMIT_ENABLED": "false"}
			if limiter == "on" {
				huge := "1000000/s:1000000"
				env = map[string]string{"RATE_LIMIT_USER": huge, "RATE_LIMIT_IP": huge, "RATE_LIMIT_USER_WORKFLOW": huge, "RATE_LIMIT_IP_WORKFLOW": huge}
			}
			b.Run(fmt.Sprintf("users=%d/limiter=%s", users, limiter), func(b *testing.B) {
				benchGet(b, database, env, targets)
			})
		}
	}
}

type benchTarget struct {
	path   string
	userID uuid.UUID
}

// benchDocuments stores one document for each of n users.
func benchDocuments(b *testing.B, database *testenv.Database, n int) []benchTarget {
	b.Helper()
	ctx := context.Background()
	out := make([]benchTarget, n)
	for i := range out {
		id := uuid.New()
		if _, err := database.Store.UpsertUserFromClaims(ctx, db.UpsertUserFromClaimsParams{ID: id, Email: id.String()[:8] + "@example.com"}); err != nil {
			b.Fatal(err)
		}
		doc, err := database.Store.UpsertDocument(ctx, db.UpsertDocumentParams{
			OwnerID: id, Source: "upload", SourceID: "bench-" + id.String(), Type: "email", Title: "Harbor kickoff",
			Author: "pat@client.example", Content: strings.Repeat("The kickoff is on Monday. ", 80), Metadata: json.RawMessage(`{}`),
			ReceivedAt: time.Now(),
		})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = benchTarget{path: "/api/v1/documents/" + doc.ID.String(), userID: id}
	}
	return out
}

func benchGet(b *testing.B, database *testenv.Database, env map[string]string, targets []benchTarget) {
	h := newAPIHarnessWithStore(b, env, database.Store)
	srv := httptest.NewServer(h.e)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchConnections, MaxConnsPerHost: benchConnections}}
	tokens := make([]string, len(targets))
	for i, tg := range targets {
		tokens[i] = h.mintUser(tg.userID)
	}
	get := func(i int) error {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+targets[i%len(targets)].path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[i%len(tokens)])
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	for i := range benchConnections { // warm: connections, caches, the known-users set
		if err := get(i); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	var failed atomic.Value
	b.SetParallelism(max(1, benchConnections/runtime.GOMAXPROCS(0)))
	cpuBefore := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		conn := int(next.Add(1))
		for pb.Next() {
			if err := get(conn); err != nil {
				failed.Store(err)
			}
		}
	})
	b.StopTimer()
	cpu := processCPU() - cpuBefore
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU time of this process (server and client) per request: on a
	// shared machine it moves far less with other tenants' load than the
	// wall-clock rate does.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
