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

	"github.com/besunny/workflows/internal/attendeefake"
	"github.com/besunny/workflows/internal/config"
)

// startSandboxAttendee serves the sandbox Attendee on ATTENDEE_SANDBOX_URL,
// keeping its bots and meeting scripts in .data/attendee-sandbox.json. Its
// webhooks go to the API's /webhooks/attendee, signed with the sandbox
// secret the API verifies. Bots live at a demo's pace: in the meeting a few
// seconds after joining, a meeting without a script lasts two minutes.
func startSandboxAttendee(cfg config.Config, logger *slog.Logger) (stop func(), err error) {
	u, err := url.Parse(cfg.Attendee.SandboxURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("ATTENDEE_SANDBOX_URL=%q is not a URL", cfg.Attendee.SandboxURL)
	}
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("the sandbox Attendee cannot listen on %s (ATTENDEE_SANDBOX_URL): %w", u.Host, err)
	}
	secret := config.SandboxAttendeeWebhookSecret
	if len(cfg.Attendee.WebhookSecrets) > 0 {
		secret = cfg.Attendee.WebhookSecrets[0]
	}
	fake := attendeefake.New(attendeefake.Options{
		WebhookSecret: secret,
		BaseURL:       cfg.Attendee.SandboxURL,
		StateFile:     dataPath("attendee-sandbox.json"),
		Lifecycle: attendeefake.Lifecycle{JoinDelay: 3 * time.Second, RecordingDelay: 2 * time.Second,
			MeetingDuration: 2 * time.Minute, PostProcessing: 5 * time.Second},
		Logger: logger.With("component", "sandbox-attendee"),
	})
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("sandbox Attendee stopped", "error", err)
		}
	}()
	logger.Info("sandbox Attendee listening", "url", cfg.Attendee.SandboxURL, "state", dataPath("attendee-sandbox.json"))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		fake.Close()
	}, nil
}
