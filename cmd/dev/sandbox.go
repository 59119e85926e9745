package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/googlefake"
)

// startSandboxGoogle serves the sandbox Google (Gmail, Drive, OAuth, Pub/Sub
// push) on GOOGLE_SANDBOX_URL, keeping its mailbox and files in
// .data/google-sandbox.json across runs. Its pushes go to the API's webhook,
// signed with its own key, exactly as Google's would.
func startSandboxGoogle(cfg config.Config, logger *slog.Logger) (stop func(), err error) {
	u, err := url.Parse(cfg.Google.SandboxURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("GOOGLE_SANDBOX_URL=%q is not a URL", cfg.Google.SandboxURL)
	}
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("the sandbox Google cannot listen on %s (GOOGLE_SANDBOX_URL): %w", u.Host, err)
	}
	fake := googlefake.New(googlefake.Options{
		QuotaUnitsPerSecond: cfg.Gmail.QuotaUnitsPerSecond,
		StateFile:           dataPath("google-sandbox.json"),
		PushEndpoint:        localURL(cfg.HTTPAddr) + "/webhooks/gmail",
		PushAudience:        cfg.Gmail.PushAudience,
		PushServiceAccount:  cfg.Gmail.PushServiceAccount,
		PushSubscription:    cfg.Gmail.PushSubscription,
		BaseURL:             cfg.Google.SandboxURL,
		DefaultMailbox:      cfg.Inbound.Mailbox,
		DefaultAccount:      "demo@besunny.local",
		Logger:              logger.With("component", "sandbox-google"),
	})
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("sandbox Google stopped", "error", err)
		}
	}()
	logger.Info("sandbox Google listening", "url", cfg.Google.SandboxURL, "state", dataPath("google-sandbox.json"))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		fake.Close()
	}, nil
}
