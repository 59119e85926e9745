package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/besunny/workflows/internal/seed"
	"github.com/besunny/workflows/internal/store"
)

// adminDatabaseURL is the server the bench creates its database on.
func adminDatabaseURL() string {
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// database is the bench's own, freshly migrated database.
type database struct {
	name, url string
	drop      func()
}

// createDatabase creates a database with a random name and applies the
// migrations; drop removes it (even with connections still open).
func createDatabase(ctx context.Context) (*database, error) {
	admin := adminDatabaseURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s (set BENCH_DATABASE_URL): %w", admin, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	name := "besunny_bench_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	d := &database{name: name, url: u.String(), drop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	}}
	st, err := store.Open(ctx, d.url, 10*time.Second)
	if err != nil {
		d.drop()
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		d.drop()
		return nil, err
	}
	return d, nil
}

// seedDemo creates the user demo, whom every backlog message is addressed to
// (ai+demo@besunny.ai), and its projects.
func seedDemo(ctx context.Context, st *store.Store) error {
	u, err := seed.DemoUser(ctx, st)
	if err != nil {
		return err
	}
	return seed.DemoProjects(ctx, st, u.ID)
}
