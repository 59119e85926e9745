// Package app opens what every BeSunny binary needs — configuration, logger,
// metrics, database (migrated) and Temporal client — in one place, so the
// binaries' main functions only say what they run.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/logging"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/temporalclient"
)

// Base holds the connections shared by the API and the worker.
type Base struct {
	Config   config.Config
	Logger   *slog.Logger
	Metrics  *metrics.Metrics
	Store    *store.Store
	Temporal client.Client
}

// Open connects to PostgreSQL (applying migrations when MIGRATE_ON_START) and
// Temporal, waiting for both to come up.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Base, error) {
	b := &Base{Config: cfg, Logger: logger, Metrics: metrics.New()}
	st, err := store.Open(ctx, cfg.DatabaseURL, 30*time.Second)
	if err != nil {
		return nil, err
	}
	b.Store = st
	if cfg.MigrateOnStart {
		if err := st.Migrate(ctx, logger); err != nil {
			b.Close()
			return nil, err
		}
	}
	tc, err := temporalclient.Dial(ctx, cfg.Temporal, logger, b.Metrics.Temporal)
	if err != nil {
		b.Close()
		return nil, err
	}
	b.Temporal = tc
	return b, nil
}

// Close releases every connection.
func (b *Base) Close() {
	if b.Temporal != nil {
		b.Temporal.Close()
	}
	if b.Store != nil {
		b.Store.Close()
	}
	_ = b.Metrics.Close()
}

// LoadConfig reads the configuration and builds the logger, or explains on
// stderr what to fix and exits.
func LoadConfig() (config.Config, *slog.Logger) {
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	logger := logging.New(os.Stderr, cfg.LogFormat, cfg.LogLevel)
	if cfg.Dev() && cfg.JWT.Secret == config.DevJWTSecret {
		logger.Warn("using the built-in development JWT secret; set JWT_SECRET (and APP_ENV=production) in real deployments")
	}
	return cfg, logger
}

// Main runs a binary: configuration, logger, connections, then serve until
// SIGINT or SIGTERM. It exits the process with a logged reason on failure.
func Main(name string, serve func(ctx context.Context, base *Base) error) {
	cfg, logger := LoadConfig()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	base, err := Open(ctx, cfg, logger)
	if err != nil {
		logger.Error(name+" cannot start", "error", err)
		os.Exit(1)
	}
	defer base.Close()
	if err := serve(ctx, base); err != nil {
		logger.Error(name+" failed", "error", err)
		base.Close()
		os.Exit(1)
	}
}
