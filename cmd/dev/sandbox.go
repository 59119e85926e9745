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
	"github.com/besunny/workflows/internal/googlefake/conformance"
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
	checker, err := sandboxConformance(cfg, logger)
	if err != nil {
		ln.Close()
		return nil, err
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
		Conformance:         checker,
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

// sandboxConformance builds the checker GOOGLE_SANDBOX_CONFORMANCE asks
// for: it checks what the stack sends the sandbox and what the sandbox
// answers and pushes against the discovery documents of the
// google.golang.org/api version in go.mod, read from the module cache. In
// log mode a missing module cache only switches the checks off (with a
// warning); in fail mode it is an error.
func sandboxConformance(cfg config.Config, logger *slog.Logger) (*conformance.Checker, error) {
	if cfg.Google.SandboxConformance == config.ConformanceOff {
		return nil, nil
	}
	mode, err := conformance.ParseMode(cfg.Google.SandboxConformance)
	if err != nil {
		return nil, err
	}
	spec, err := conformance.LoadInstalled()
	if err != nil {
		if mode == conformance.ModeFail {
			return nil, fmt.Errorf("GOOGLE_SANDBOX_CONFORMANCE=fail: %w", err)
		}
		logger.Warn("sandbox Google conformance checks are off", "error", err)
		return nil, nil
	}
	logger.Info("sandbox Google checked against Google's discovery documents", "mode", string(mode), "documents", spec.String())
	return conformance.New(spec, mode, logger.With("component", "sandbox-conformance")), nil
}
