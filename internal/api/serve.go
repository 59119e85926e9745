package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/attendeefake"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/live"
)

// Serve runs the API on ln (or on HTTP_ADDR when ln is nil) until ctx ends,
// then shuts down gracefully.
func Serve(ctx context.Context, base *app.Base, ln net.Listener) error {
	cfg := base.Config
	verifier, err := auth.NewVerifier(VerifierConfig(cfg, base.Logger))
	if err != nil {
		return err
	}
	deps := Deps{
		Config: cfg, Logger: base.Logger, Store: base.Store, Temporal: base.Temporal,
		Verifier: verifier, Metrics: base.Metrics, Sandbox: google.Sandbox(cfg),
	}
	if cfg.Attendee.Mode == config.AttendeeSandbox {
		deps.AttendeeSandbox = attendeefake.NewAdminClient(cfg.Attendee.BaseURL, nil)
	}
	if cfg.Google.Mode != config.GoogleOff {
		if deps.PushVerifier, err = google.NewPushVerifier(ctx, cfg); err != nil {
			return err
		}
		if deps.Accounts, err = google.NewAccounts(cfg, base.Store); err != nil {
			return err
		}
	}
	streams, err := live.Start(ctx, base.Store.Queries, cfg.DatabaseURL, live.Limits{
		Buffer: cfg.Live.Buffer, PerKey: cfg.Live.MaxConnectionsPerUser, Total: cfg.Live.MaxConnections,
	}, base.Logger, base.Metrics.Registry)
	if err != nil {
		return err
	}
	deps.Live = streams.Hub
	e := New(deps)
	// Streams end first, so Shutdown does not wait for them; their clients
	// resume on another replica with Last-Event-ID.
	e.Server.RegisterOnShutdown(streams.Close)
	defer streams.Close()
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			return fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
		}
	}
	e.Listener = ln
	errc := make(chan error, 1)
	go func() { errc <- e.Start("") }()
	base.Logger.Info("api listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := e.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// VerifierConfig is the token verification the configuration asks for.
func VerifierConfig(cfg config.Config, log *slog.Logger) auth.Config {
	return auth.Config{
		Secret: cfg.JWT.Secret, JWKSURL: cfg.JWT.JWKSURL, Audience: cfg.JWT.Audience, Issuer: cfg.JWT.Issuer,
		MaxLifetime: cfg.JWT.MaxTokenLifetime, JWKSRefresh: cfg.JWT.JWKSRefresh, JWKSMaxStale: cfg.JWT.JWKSMaxStale,
		Logger: log,
	}
}
