package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/googlefake"
)

// env is the configuration of the API and the worker, as environment
// variables: the in-process API reads it through config.FromLookup, the
// worker process gets it as its environment, so both see the same settings
// and nothing leaks in from the caller's environment or a .env file.
type env map[string]string

func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }

func (e env) list() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// stackEnv is what `make run` would use in sandbox mode, on the bench's
// own ports, database and dev server.
func stackEnv(o options, databaseURL, temporalAddr, apiURL, googleURL string) env {
	return env{
		"APP_ENV":                      config.EnvDevelopment,
		"LOG_LEVEL":                    "info",
		"DATABASE_URL":                 databaseURL,
		"MIGRATE_ON_START":             "false",
		"TEMPORAL_ADDRESS":             temporalAddr,
		"TEMPORAL_NAMESPACE":           "default",
		"TASK_QUEUE":                   "besunny",
		"PUBLIC_URL":                   apiURL,
		"METRICS_ADDR":                 "127.0.0.1:0",
		"GOOGLE_MODE":                  config.GoogleSandbox,
		"GOOGLE_SANDBOX_URL":           googleURL,
		"INBOUND_MAILBOX":              mailbox,
		"GMAIL_QUOTA_UNITS_PER_SECOND": strconv.Itoa(o.quota),
		"GMAIL_MAX_IN_FLIGHT":          strconv.Itoa(o.inFlight),
		"CLASSIFIER":                   config.ClassifierLocal,
	}
}

// startGoogle serves the sandbox Google on a free loopback port with the
// mailbox's quota enforced; its Gmail pushes go to the API's webhook,
// signed as the sandbox's Pub/Sub service account.
func startGoogle(quota int, apiURL string, logger *slog.Logger) (*googlefake.Server, string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	base := "http://" + ln.Addr().String()
	fake := googlefake.New(googlefake.Options{
		QuotaUnitsPerSecond: quota,
		PushEndpoint:        apiURL + "/webhooks/gmail",
		PushAudience:        apiURL + "/webhooks/gmail",
		PushServiceAccount:  config.SandboxPushServiceAccount,
		BaseURL:             base,
		DefaultMailbox:      mailbox,
		Logger:              logger.With("component", "sandbox-google"),
	})
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("sandbox Google stopped", "error", err)
		}
	}()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		fake.Close()
	}
	return fake, base, stop, nil
}

// serveAPI runs the real API on ln until stop, and waits until it is ready.
func serveAPI(ctx context.Context, base *app.Base, ln net.Listener, apiURL string) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, base, ln) }()
	stop = func() { cancel(); <-done }
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(apiURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
		select {
		case err := <-done:
			cancel()
			return nil, fmt.Errorf("the API stopped: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return nil, errors.New("the API was not ready within 30s")
		}
	}
}
