// Command api serves BeSunny's HTTP API on HTTP_ADDR: the REST routes of
// api/openapi.yaml, webhooks, /openapi.json, /docs and /metrics. It stops
// gracefully on SIGINT or SIGTERM, finishing requests in flight.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/app"
)

func main() {
	cfg, logger := app.LoadConfig()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	base, err := app.Open(ctx, cfg, logger)
	if err != nil {
		logger.Error("api cannot start", "error", err)
		os.Exit(1)
	}
	defer base.Close()
	if err := api.Serve(ctx, base, nil); err != nil {
		logger.Error("api failed", "error", err)
		os.Exit(1)
	}
}
