// Command worker runs BeSunny's Temporal workers: every workflow and activity,
// the namespace's search attributes and schedules, and /metrics on
// METRICS_ADDR. It stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"

	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/workerapp"
)

func main() {
	app.Main("worker", func(ctx context.Context, base *app.Base) error {
		return workerapp.Run(ctx, workerapp.Deps{
			Config: base.Config, Logger: base.Logger, Store: base.Store, Temporal: base.Temporal, Metrics: base.Metrics,
		})
	})
}
