// Command migrate applies BeSunny's pending database migrations to
// DATABASE_URL and exits (`make migrate`). The API and the worker do the same
// at start unless MIGRATE_ON_START=false.
package main

import (
	"context"
	"os"
	"os/signal"
	"time"

	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/store"
)

func main() {
	cfg, logger := app.LoadConfig()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, err := store.Open(ctx, cfg.DatabaseURL, 10*time.Second)
	if err != nil {
		logger.Error("cannot migrate", "error", err)
		os.Exit(1)
	}
	defer st.Close()
	if err := st.Migrate(ctx, logger); err != nil {
		logger.Error("migration failed", "error", err)
		os.Exit(1)
	}
	logger.Info("database is up to date")
}
