// Command api serves BeSunny's HTTP API on HTTP_ADDR: the REST routes of
// api/openapi.yaml, webhooks, /openapi.json, /docs and /metrics. It stops
// gracefully on SIGINT or SIGTERM, finishing requests in flight.
package main

import (
	"context"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/app"
)

func main() {
	app.Main("api", func(ctx context.Context, base *app.Base) error {
		return api.Serve(ctx, base, nil)
	})
}
