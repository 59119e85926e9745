package migrations_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/besunny/workflows/db/migrations"
	"github.com/besunny/workflows/internal/testenv"
)

// TestClassifiedRevision_BackfillsTheNewestAppliedDecision: documents
// classified before migration 00008 carry the revision of their newest
// applied decision (automatic or manual), so the guarded apply treats them
// as it treats new ones; unclassified documents carry none.
func TestClassifiedRevision_BackfillsTheNewestAppliedDecision(t *testing.T) {
	database := testenv.NewDatabase(t)
	ctx := context.Background()
	sqlDB := stdlib.OpenDBFromPool(database.Store.Pool)
	defer sqlDB.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.DownTo(ctx, 7); err != nil {
		t.Fatal(err)
	}

	pool := database.Store.Pool
	owner := uuid.New()
	if _, err := pool.Exec(ctx, `INSERT INTO users (id, username) VALUES ($1, 'backfill')`, owner); err != nil {
		t.Fatal(err)
	}
	doc := func(name string) uuid.UUID {
		var id uuid.UUID
		if err := pool.QueryRow(ctx, `INSERT INTO documents (owner_id, source, source_id, classify_revision) VALUES ($1, 'upload', $2, 3) RETURNING id`,
			owner, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	decide := func(doc uuid.UUID, revision int, path string, applied bool) {
		if _, err := pool.Exec(ctx, `INSERT INTO classification_decisions (document_id, revision, path, classifier, applied) VALUES ($1, $2, $3, $3, $4)`,
			doc, revision, path, applied); err != nil {
			t.Fatal(err)
		}
	}
	auto, manual, never := doc("auto"), doc("manual"), doc("never")
	decide(auto, 1, "local", true)
	decide(auto, 2, "local", false) // kept for comparison, not applied
	decide(auto, 2, "llm", true)
	decide(manual, 1, "local", true)
	decide(manual, 2, "manual", true)
	decide(manual, 3, "local", false) // refused: the assignment stands

	if _, err := provider.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[uuid.UUID]*int32{auto: ptr(int32(2)), manual: ptr(int32(2)), never: nil} {
		var got *int32
		if err := pool.QueryRow(ctx, `SELECT classified_revision FROM documents WHERE id = $1`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Fatalf("document %s: classified_revision = %v, want %v", id, deref(got), deref(want))
		}
	}
}

func ptr[T any](v T) *T { return &v }

func deref(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}
