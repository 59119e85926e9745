package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/besunny/workflows/internal/config"
)

// clean removes the local stack's state: .data (Temporal history, sandbox
// Google, private PostgreSQL, tokens) and the local database, which must go
// together — a database that remembers sandbox mail the fresh sandbox never
// had would point at messages that do not exist.
func clean(ctx context.Context, cfg config.Config) error {
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if isLocal(u.Hostname()) && name != "" && name != "postgres" {
		admin := *u
		admin.Path = "/postgres"
		if conn, err := pgx.Connect(ctx, admin.String()); err == nil {
			_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			conn.Close(ctx)
			if err != nil {
				return fmt.Errorf("drop database %s: %w", name, err)
			}
			fmt.Printf("dropped database %s\n", name)
		}
	}
	if err := os.RemoveAll(dataDir); err != nil {
		return err
	}
	fmt.Printf("removed %s\n", dataDir)
	return nil
}
