// Command dev runs the whole BeSunny stack on one machine (`make run`): a
// Temporal dev server (unless TEMPORAL_ADDRESS already answers), PostgreSQL
// (the configured server, or a private cluster under .data/ when none answers
// and PostgreSQL is installed), migrations, a seeded `demo` user, the worker
// and the API. It writes development tokens to .data/ and prints where
// everything is. Ctrl-C stops every part it started.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/seed"
	"github.com/besunny/workflows/internal/workerapp"
)

// dataDir holds everything the local stack keeps between runs.
const dataDir = ".data"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "make run:", err)
		os.Exit(1)
	}
}

func run() error {
	started := time.Now()
	cleanOnly := flag.Bool("clean", false, "remove the local state (.data and the local database) and exit")
	flag.Parse()
	cfg, logger := app.LoadConfig()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *cleanOnly {
		return clean(ctx, cfg)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}

	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()

	pg, err := ensurePostgres(ctx, cfg.DatabaseURL, logger)
	if err != nil {
		return err
	}
	if pg.stop != nil {
		cleanups = append(cleanups, pg.stop)
	}
	temporal, err := ensureTemporal(ctx, cfg, logger)
	if err != nil {
		return err
	}
	if temporal.stop != nil {
		cleanups = append(cleanups, temporal.stop)
	}

	if cfg.Google.Mode == config.GoogleSandbox {
		stopSandbox, err := startSandboxGoogle(cfg, logger)
		if err != nil {
			return err
		}
		cleanups = append(cleanups, stopSandbox)
	}

	if cfg.Attendee.Mode == config.AttendeeSandbox && cfg.Attendee.BaseURL == cfg.Attendee.SandboxURL {
		stopAttendee, err := startSandboxAttendee(cfg, logger)
		if err != nil {
			return err
		}
		cleanups = append(cleanups, stopAttendee)
	}

	if cfg.Classify.Mode != config.ClassifierLocal && cfg.Classify.LLMSandbox() {
		stopLLM, err := startSandboxOpenAI(logger)
		if err != nil {
			return err
		}
		cleanups = append(cleanups, stopLLM)
	}

	base, err := app.Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, base.Close)
	demo, err := seed.DemoUser(ctx, base.Store)
	if err != nil {
		return err
	}
	if err := seed.DemoProjects(ctx, base.Store, demo.ID); err != nil {
		return err
	}
	if cfg.Google.Mode == config.GoogleSandbox {
		if err := connectDemoGoogle(ctx, cfg, base, demo); err != nil {
			return err
		}
	}
	tokens, err := writeTokens(cfg, demo)
	if err != nil {
		return err
	}

	var wg sync.WaitGroup
	errc := make(chan error, 2)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Add(2)
	go func() {
		defer wg.Done()
		errc <- workerapp.Run(runCtx, workerapp.Deps{Config: cfg, Logger: logger, Store: base.Store, Temporal: base.Temporal, Metrics: base.Metrics})
	}()
	go func() {
		defer wg.Done()
		errc <- api.Serve(runCtx, base, nil)
	}()
	cleanups = append(cleanups, func() { cancel(); wg.Wait() })

	if err := waitHTTP(ctx, localURL(cfg.HTTPAddr)+"/readyz", 30*time.Second); err != nil {
		return fmt.Errorf("the API did not become ready: %w", err)
	}
	printBanner(cfg, temporal, tokens, time.Since(started))

	select {
	case <-ctx.Done():
		logger.Info("stopping the local stack")
		return nil
	case err := <-errc:
		if err != nil {
			return err
		}
		return nil
	}
}

func dataPath(name string) string { return filepath.Join(dataDir, name) }

func logTo(name string) (*os.File, error) {
	return os.OpenFile(dataPath(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
}
