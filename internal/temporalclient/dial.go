// Package temporalclient connects BeSunny's binaries to Temporal — a local dev
// server, a self-hosted cluster or Temporal Cloud — and prepares the namespace
// (search attributes).
package temporalclient

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/besunny/workflows/internal/config"
)

// Dial connects to Temporal, retrying until cfg.ConnectTimeout so a binary
// started together with its Temporal server waits for it instead of failing.
func Dial(ctx context.Context, cfg config.Temporal, logger *slog.Logger, metrics client.MetricsHandler) (client.Client, error) {
	opts := client.Options{
		HostPort:       cfg.Address,
		Namespace:      cfg.Namespace,
		Logger:         sdklog.NewStructuredLogger(logger.With("component", "temporal")),
		MetricsHandler: metrics,
	}
	if cfg.TLS || cfg.APIKey != "" || cfg.TLSCertFile != "" {
		tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.TLSCertFile != "" {
			cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
			if err != nil {
				return nil, fmt.Errorf("load TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: %w", err)
			}
			tlsCfg.Certificates = []tls.Certificate{cert}
		}
		opts.ConnectionOptions.TLS = tlsCfg
	}
	if cfg.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.APIKey)
	}

	deadline := time.Now().Add(cfg.ConnectTimeout)
	for attempt := 1; ; attempt++ {
		dialCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		c, err := client.DialContext(dialCtx, opts)
		cancel()
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("Temporal at %s (namespace %q) does not answer after %d attempts: %w; "+
				"start it with `make run` or `bin/temporal server start-dev`, or set TEMPORAL_ADDRESS", cfg.Address, cfg.Namespace, attempt, err)
		}
		if attempt == 1 || attempt%10 == 0 {
			logger.Warn("waiting for Temporal", "address", cfg.Address, "attempt", attempt, "error", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
