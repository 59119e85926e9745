package live_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/testenv"
)

type logged struct {
	ID   int64
	User *uuid.UUID
	Kind string
}

func eventsAfter(t *testing.T, pool *pgxpool.Pool, after int64) []logged {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT id, user_id, kind FROM events WHERE id > $1 ORDER BY id", after)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[logged])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func quote(id uuid.UUID) string { return "'" + id.String() + "'" }

func newUser(t testing.TB, pool *pgxpool.Pool) uuid.UUID {
	t.Helper()
	id := uuid.New()
	if _, err := pool.Exec(context.Background(), "INSERT INTO users (id, email) VALUES ($1, 'u@example.com')", id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestTriggers_KindsFollowTheRowChange(t *testing.T) {
	d := testenv.NewDatabase(t)
	pool := d.Store.Pool
	ctx := context.Background()
	user := newUser(t, pool)
	var project uuid.UUID
	if err := pool.QueryRow(ctx, "INSERT INTO projects (owner_id, name) VALUES ($1, 'P') RETURNING id", user).Scan(&project); err != nil {
		t.Fatal(err)
	}
	var doc uuid.UUID
	if err := pool.QueryRow(ctx, "INSERT INTO inbound_emails (message_key, source, sha256, raw, size_bytes) VALUES ('k1', 'upload', 'x', 'raw', 3) RETURNING id").Scan(new(uuid.UUID)); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		sql  string
		want []string // kinds added by the step, in order
	}{
		{"insert a document", "INSERT INTO documents (id, owner_id, source, source_id, title) VALUES ($2, $1, 'upload', 'k1', 'Hello')", []string{"document.created"}},
		{"the same write again", "UPDATE documents SET title = 'Hello', updated_at = now() WHERE id = $2", nil},
		{"its text changes", "UPDATE documents SET content = 'new text' WHERE id = $2", []string{"document.updated"}},
		{"a classifier sets the project", "UPDATE documents SET project_id = $3, classification_source = 'local', classified_at = now() WHERE id = $2", []string{"document.classified"}},
		{"a classifier decides none", "UPDATE documents SET project_id = NULL, classification_source = 'none', classified_at = now() WHERE id = $2", []string{"document.classified"}},
		{"the user assigns", "UPDATE documents SET project_id = $3, classification_source = 'manual', classified_at = now() WHERE id = $2", []string{"document.assigned"}},
		{"re-synced and re-classified at once", "UPDATE documents SET content = 'v3', status = 'updated', classification_source = 'ai', classified_at = now() WHERE id = $2", []string{"document.updated", "document.classified"}},
		{"the Drive file is trashed", "UPDATE documents SET status = 'deleted', status_reason = 'trashed' WHERE id = $2", []string{"document.deleted"}},
		{"pending log", "INSERT INTO email_processing_logs (message_key, extracted_username, user_id, status, workflow_id) VALUES ('k1', 'u', $1, 'pending', 'email/k1')", nil},
		{"the run finishes", "UPDATE email_processing_logs SET status = 'processed', document_id = $2 WHERE message_key = 'k1'", []string{"email.finished"}},
		{"the outcome is written again", "UPDATE email_processing_logs SET status = 'processed', processed_at = now() WHERE message_key = 'k1'", nil},
		{"a re-processing run finishes", "UPDATE email_processing_logs SET workflow_id = 'email/k1/r2' WHERE message_key = 'k1'", []string{"email.finished"}},
		{"a Drive watch starts", "INSERT INTO drive_file_watches (file_id, owner_id) VALUES ('f1', $1)", []string{"drive_watch.changed"}},
		{"it is polled", "UPDATE drive_file_watches SET last_poll_at = now() WHERE file_id = 'f1'", nil},
		{"it ends", "UPDATE drive_file_watches SET active = false, last_error = 'unsubscribed' WHERE file_id = 'f1'", []string{"drive_watch.changed"}},
		{"the user deletes the document", "UPDATE documents SET deleted_at = now() WHERE id = $2", []string{"document.deleted"}},
		{"a deleted document changes", "UPDATE documents SET content = 'after' WHERE id = $2", nil},
	}
	doc = uuid.New()
	cursor := int64(0)
	for _, st := range steps {
		sql := strings.NewReplacer("$1", quote(user), "$2", quote(doc), "$3", quote(project)).Replace(st.sql)
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := eventsAfter(t, pool, cursor)
		var kinds []string
		for _, e := range got {
			kinds = append(kinds, e.Kind)
			if e.User == nil || *e.User != user {
				t.Fatalf("%s: event %+v is not the user's", st.name, e)
			}
			cursor = e.ID
		}
		if !slices.Equal(kinds, st.want) {
			t.Errorf("%s: kinds %v, want %v", st.name, kinds, st.want)
		}
	}
}

func TestTriggers_RolledBackChangeIsNeitherLoggedNorAnnounced(t *testing.T) {
	d := testenv.NewDatabase(t)
	ctx := context.Background()
	user := newUser(t, d.Store.Pool)
	listener, err := pgx.Connect(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, "LISTEN besunny_events"); err != nil {
		t.Fatal(err)
	}
	tx, err := d.Store.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO documents (owner_id, source, source_id) VALUES ($1, 'upload', 'gone')", user); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if n, err := listener.WaitForNotification(waitCtx); err == nil {
		t.Fatalf("a rolled-back change was announced: %+v", n)
	}
	if got := eventsAfter(t, d.Store.Pool, 0); len(got) != 0 {
		t.Fatalf("a rolled-back change was logged: %+v", got)
	}
	// A committed one is announced with its id.
	if _, err := d.Store.Pool.Exec(ctx, "INSERT INTO documents (owner_id, source, source_id) VALUES ($1, 'upload', 'kept')", user); err != nil {
		t.Fatal(err)
	}
	waitCtx2, cancel2 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel2()
	n, err := listener.WaitForNotification(waitCtx2)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id" : 1, "user_id" : "` + user.String() + `"}`; n.Payload != want {
		t.Fatalf("payload %q, want %q", n.Payload, want)
	}
}

// TestTriggers_EventIdsFollowCommitOrder: a transaction that changed a row
// first but commits last gets the larger id, so a reader that resumes "after
// the last id it saw" never skips one that commits later.
func TestTriggers_EventIdsFollowCommitOrder(t *testing.T) {
	d := testenv.NewDatabase(t)
	pool := d.Store.Pool
	ctx := context.Background()
	user := newUser(t, pool)

	early, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := early.Exec(ctx, "INSERT INTO documents (owner_id, source, source_id, title) VALUES ($1, 'upload', 'a', 'changed first')", user); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "INSERT INTO documents (owner_id, source, source_id, title) VALUES ($1, 'upload', 'b', 'committed first')", user); err != nil {
		t.Fatal(err)
	}
	if err := early.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, "SELECT data->>'title' FROM events ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	titles, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	if !slices.Equal(titles, []string{"committed first", "changed first"}) {
		t.Fatalf("events in id order: %v, want commit order", titles)
	}
}

// TestTriggers_ReaderFollowingByIdMissesNothingUnderConcurrentWriters runs
// writers that interleave their transactions while a reader does what the
// listener does (read id > cursor, advance the cursor) as fast as it can: it
// must see every committed event exactly once.
func TestTriggers_ReaderFollowingByIdMissesNothingUnderConcurrentWriters(t *testing.T) {
	d := testenv.NewDatabase(t)
	pool := d.Store.Pool
	ctx := context.Background()
	user := newUser(t, pool)
	q := db.New(pool)

	const writers, txs = 6, 40
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var seen []int64
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		cursor := int64(0)
		read := func() int {
			rows, err := q.EventsAfter(ctx, db.EventsAfterParams{After: cursor, MaxRows: 1000})
			if err != nil {
				t.Error(err)
				return 0
			}
			for _, r := range rows {
				seen = append(seen, r.ID)
				cursor = r.ID
			}
			return len(rows)
		}
		for {
			select {
			case <-stop:
				// Every writer has committed: read to the end once more.
				for read() > 0 {
				}
				return
			default:
				read()
			}
		}
	}()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < txs; i++ {
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					// Write, dawdle, write again: transactions overlap in every order.
					if _, err := tx.Exec(ctx, "INSERT INTO documents (owner_id, source, source_id) VALUES ($1, 'upload', $2)", user, uuid.NewString()); err != nil {
						return err
					}
					time.Sleep(time.Duration((w*7+i*3)%5) * time.Millisecond)
					_, err := tx.Exec(ctx, "INSERT INTO documents (owner_id, source, source_id) VALUES ($1, 'upload', $2)", user, uuid.NewString())
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	<-readerDone
	var all []int64
	for _, e := range eventsAfter(t, pool, 0) {
		all = append(all, e.ID)
	}
	if len(all) != writers*txs*2 {
		t.Fatalf("%d events logged, want %d", len(all), writers*txs*2)
	}
	if !slices.Equal(seen, all) {
		t.Fatalf("the reader saw %d events, the log holds %d: a reader following by id skipped or repeated some", len(seen), len(all))
	}
}
