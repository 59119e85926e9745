package live_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/testenv"
)

// BenchmarkMeetingTrigger_FullSyncRereadsUnchangedMeetings measures what the
// meetings trigger adds to the commonest meeting write: a full sync that
// re-reads 200 unchanged events in one transaction (no event is written).
// Sub-benchmarks run the same writes with the trigger on and disabled.
func BenchmarkMeetingTrigger_FullSyncRereadsUnchangedMeetings(b *testing.B) {
	d := testenv.NewDatabase(b)
	pool := d.Store.Pool
	ctx := context.Background()
	owner := newUser(b, pool)
	const meetings = 200
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	params := make([]db.UpsertMeetingParams, meetings)
	q := db.New(pool)
	for i := range params {
		params[i] = syncedMeeting(owner, fmt.Sprintf("e%d", i), start.Add(time.Duration(i)*time.Hour))
		if _, err := q.UpsertMeeting(ctx, params[i]); err != nil {
			b.Fatal(err)
		}
	}
	for _, mode := range []string{"trigger", "no_trigger"} {
		b.Run(mode, func(b *testing.B) {
			action := "ENABLE"
			if mode == "no_trigger" {
				action = "DISABLE"
			}
			if _, err := pool.Exec(ctx, "ALTER TABLE meetings "+action+" TRIGGER meetings_events"); err != nil {
				b.Fatal(err)
			}
			var before int64
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM events").Scan(&before); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				tx, err := pool.Begin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				tq := db.New(tx)
				for i := range params {
					params[i].SeenInFullSync = int64(n + 2)
					if _, err := tq.UpsertMeeting(ctx, params[i]); err != nil {
						b.Fatal(err)
					}
				}
				if err := tx.Commit(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var after int64
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM events").Scan(&after); err != nil {
				b.Fatal(err)
			}
			if after != before {
				b.Fatalf("an unchanged re-read wrote %d events", after-before)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*meetings), "µs/meeting")
		})
	}
}
