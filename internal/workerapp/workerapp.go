// Package workerapp runs BeSunny's Temporal workers: it registers every
// workflow and activity, prepares the namespace and serves the worker's
// metrics. cmd/worker, the local stack (cmd/dev) and the integration tests all
// run it the same way.
package workerapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/temporalclient"
	"github.com/besunny/workflows/workflows"
)

// Deps are the worker's connections, opened by the caller.
type Deps struct {
	Config   config.Config
	Logger   *slog.Logger
	Store    *store.Store
	Temporal client.Client
	Metrics  *metrics.Metrics
	// MetricsListener, when set, serves /metrics instead of listening on
	// Config.MetricsAddr (tests pass a listener on a free port).
	MetricsListener net.Listener
}

// Run prepares the namespace, starts the workers and blocks until ctx ends,
// then stops them gracefully: running activities get WorkerStopTimeout to
// finish, and unfinished work is retried by Temporal elsewhere.
func Run(ctx context.Context, d Deps) error {
	cfg := d.Config
	if err := temporalclient.EnsureSearchAttributes(ctx, d.Temporal, cfg.Temporal.Namespace, workflows.SearchAttributes(), d.Logger); err != nil {
		return err
	}

	w := worker.New(d.Temporal, cfg.Temporal.TaskQueue, worker.Options{
		WorkerStopTimeout: 30 * time.Second,
	})
	ca, ob := classifiers(d)
	da, err := driveActivities(d)
	if err != nil {
		return err
	}
	Register(w, d, ca, ob, da)
	mb, err := meetingBotActivities(d)
	if err != nil {
		return err
	}
	w.RegisterActivity(mb)
	workers := []worker.Worker{w}
	if usesLLM(cfg) {
		workers = append(workers, llmWorker(d, ca, ob))
	}

	if cfg.Google.Mode != config.GoogleOff {
		gw, ga, err := gmailWorker(ctx, d)
		if err != nil {
			return err
		}
		// For the email runs' local fetch.
		w.RegisterActivity(ga)
		workers = append(workers, gw)
	}

	metricsSrv, err := serveMetrics(d)
	if err != nil {
		return err
	}
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = metricsSrv.Shutdown(shutdownCtx)
	}()

	for _, w := range workers {
		if err := w.Start(); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
		defer w.Stop()
	}
	d.Logger.Info("worker started", "task_queue", cfg.Temporal.TaskQueue, "namespace", cfg.Temporal.Namespace, "google", cfg.Google.Mode)
	if err := startUp(ctx, d); err != nil {
		if ctx.Err() != nil {
			// Stopped while starting up: a clean stop, not a failure.
			d.Logger.Info("worker stopping during start-up", "error", err)
			return nil
		}
		return err
	}
	<-ctx.Done()
	d.Logger.Info("worker stopping")
	return nil
}

// startUp makes sure the schedules exist and starts the long-lived
// workflows the worker owns: the mailbox's, and the primary calendars of
// connected users who have none.
func startUp(ctx context.Context, d Deps) error {
	cfg := d.Config
	if err := ensureSchedules(ctx, d); err != nil {
		return err
	}
	if cfg.Google.Mode == config.GoogleOff {
		return nil
	}
	if err := StartMailbox(ctx, d.Temporal, cfg, cfg.Inbound.Mailbox); err != nil {
		return err
	}
	return watchUnwatchedPrimaryCalendars(ctx, d, d.Store)
}

// Register adds every workflow and the activities of the main task queue to w.
func Register(w worker.Registry, d Deps, ca *activities.Classify, ob *activities.Onboarding, da *activities.Drive) {
	cfg := d.Config
	for _, wf := range workflows.All() {
		w.RegisterWorkflow(wf)
	}
	w.RegisterActivity(da)
	w.RegisterActivity(calendarActivities(d, da.Accounts))
	w.RegisterActivity(ca)
	w.RegisterActivity(ob)
	w.RegisterActivity(&activities.Events{Store: d.Store, Retention: cfg.Live.Retention})
	w.RegisterActivity(&activities.Mailboxes{Store: d.Store, Config: mailboxSettings(cfg)})
	w.RegisterActivity(&activities.Email{
		Store: d.Store,
		Rules: mail.RecipientRules{LocalPart: cfg.Inbound.LocalPart, Domains: cfg.Inbound.Domains},
		Ignore: mail.IgnorePolicy{
			InboundMailbox: cfg.Inbound.Mailbox,
			IgnoreBulk:     cfg.Inbound.IgnoreBulk,
		},
		Limits:                 mail.Limits{MaxBytes: cfg.Inbound.MaxEmailBytes, MaxDepth: mail.DefaultLimits.MaxDepth, ExcerptRunes: mail.DefaultLimits.ExcerptRunes},
		Mailbox:                cfg.Inbound.Mailbox,
		WatchedLinksPerMessage: cfg.Drive.WatchedLinksPerMessage,
	})
}

func mailboxSettings(cfg config.Config) activities.MailboxSettings {
	return activities.MailboxSettings{
		PollInterval:   cfg.Gmail.PollInterval,
		MaxInFlight:    cfg.Gmail.MaxInFlight,
		FetchDeadline:  cfg.Gmail.FetchDeadline,
		MarkAction:     cfg.Gmail.MarkAction,
		ProcessedLabel: cfg.Gmail.ProcessedLabel,
		PubSubTopic:    cfg.Gmail.PubSubTopic,
		InboundMailbox: cfg.Inbound.Mailbox,
	}
}

func serveMetrics(d Deps) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", d.Metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ln := d.MetricsListener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", d.Config.MetricsAddr); err != nil {
			return nil, fmt.Errorf("listen on METRICS_ADDR %s: %w", d.Config.MetricsAddr, err)
		}
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.Logger.Error("metrics server stopped", "error", err)
		}
	}()
	d.Logger.Info("metrics served", "addr", ln.Addr().String())
	return srv, nil
}
