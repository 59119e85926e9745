// Command worker runs BeSunny's Temporal workers: every workflow and activity,
// the namespace's search attributes, and /metrics on METRICS_ADDR. It stops
// gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/workerapp"
)

func main() {
	cfg, logger := app.LoadConfig()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	base, err := app.Open(ctx, cfg, logger)
	if err != nil {
		logger.Error("worker cannot start", "error", err)
		os.Exit(1)
	}
	defer base.Close()
	err = workerapp.Run(ctx, workerapp.Deps{
		Config: cfg, Logger: logger, Store: base.Store, Temporal: base.Temporal, Metrics: base.Metrics,
	})
	if err != nil {
		logger.Error("worker failed", "error", err)
		os.Exit(1)
	}
}
