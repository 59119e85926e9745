package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Attendee modes.
const (
	// AttendeeLive talks to Attendee (attendee.dev or a self-hosted one).
	AttendeeLive = "live"
	// AttendeeSandbox talks to internal/attendeefake (make run, tests).
	AttendeeSandbox = "sandbox"
	// AttendeeOff sends no notetaker: bot requests end failed with a reason.
	AttendeeOff = "off"
)

// SandboxAttendeeWebhookSecret signs the sandbox Attendee's webhooks (base64
// of 32 bytes, as Attendee's dashboard shows a secret); refused in
// production.
const SandboxAttendeeWebhookSecret = "YmVzdW5ueS1zYW5kYm94LWF0dGVuZGVlLXNlY3JldCE="

// Attendee configures the meeting notetaker (Attendee bots).
type Attendee struct {
	// Mode is live with an API key, else sandbox in development and off in
	// production.
	Mode string // derived from ATTENDEE_API_KEY and APP_ENV
	// APIKey authenticates as "Authorization: Token <key>".
	APIKey string // ATTENDEE_API_KEY
	// BaseURL is Attendee's root (the API is under /api/v1/).
	BaseURL string // ATTENDEE_BASE_URL
	// SandboxURL is where make run serves the sandbox Attendee.
	SandboxURL string // ATTENDEE_SANDBOX_URL
	// WebhookSecrets verify X-Webhook-Signature: the project's secret from
	// Attendee's Settings → Webhooks (base64), comma-separated while one is
	// being rotated.
	WebhookSecrets []string // ATTENDEE_WEBHOOK_SECRET
	// BotName is the name the bot joins with.
	BotName string // ATTENDEE_BOT_NAME
	// JoinEarly is how long before the start the bot joins.
	JoinEarly time.Duration // ATTENDEE_JOIN_EARLY
	// PollGrace is how late expected news (the bot joining at join time, the
	// bot ending after the meeting) may be before the workflow polls.
	PollGrace time.Duration // ATTENDEE_POLL_GRACE
	// PollInterval is how often a bot that should be changing state (joining,
	// post-processing, or past the meeting's end) is polled while no
	// webhook comes, and how often without webhooks at all.
	PollInterval time.Duration // ATTENDEE_POLL_INTERVAL
	// ReviewConfidence is the classification confidence below which a
	// transcript stays unclassified for the owner to assign.
	ReviewConfidence float64 // MEETING_REVIEW_CONFIDENCE
	// WebhookBaseURL is the public base Attendee calls
	// (<base>/webhooks/attendee); WEBHOOK_BASE_URL, shared with Drive.
	WebhookBaseURL string
}

// WebhookURL is the bot-level webhook BeSunny subscribes its bots to, or ""
// without a public base URL (bots are then polled only).
func (a Attendee) WebhookURL() string {
	if a.WebhookBaseURL == "" {
		return ""
	}
	return a.WebhookBaseURL + "/webhooks/attendee"
}

// WebhookKeys decodes the webhook secrets into HMAC keys (invalid ones are
// reported by validation and left out here).
func (a Attendee) WebhookKeys() [][]byte {
	var keys [][]byte
	for _, s := range a.WebhookSecrets {
		if k, err := decodeAttendeeSecret(s); err == nil {
			keys = append(keys, k)
		}
	}
	return keys
}

func readAttendee(r *reader, c Config) Attendee {
	a := Attendee{
		APIKey:           r.str("ATTENDEE_API_KEY", ""),
		SandboxURL:       strings.TrimRight(r.str("ATTENDEE_SANDBOX_URL", "http://127.0.0.1:8097"), "/"),
		BotName:          r.str("ATTENDEE_BOT_NAME", "BeSunny Notetaker"),
		JoinEarly:        r.duration("ATTENDEE_JOIN_EARLY", 2*time.Minute),
		PollGrace:        r.duration("ATTENDEE_POLL_GRACE", 2*time.Minute),
		PollInterval:     r.duration("ATTENDEE_POLL_INTERVAL", 10*time.Minute),
		ReviewConfidence: r.float("MEETING_REVIEW_CONFIDENCE", 0.7),
		WebhookBaseURL:   c.Drive.WebhookBaseURL,
	}
	switch {
	case a.APIKey != "":
		a.Mode = AttendeeLive
	case c.Env != EnvProduction:
		a.Mode = AttendeeSandbox
	default:
		a.Mode = AttendeeOff
	}
	defaultBase := "https://app.attendee.dev"
	defaultSecret := ""
	if a.Mode == AttendeeSandbox {
		defaultBase = a.SandboxURL
		defaultSecret = SandboxAttendeeWebhookSecret
	}
	a.BaseURL = strings.TrimRight(r.str("ATTENDEE_BASE_URL", defaultBase), "/")
	if a.Mode == AttendeeSandbox && a.WebhookBaseURL == "" {
		// The sandbox Attendee calls the local API, as the sandbox Google does.
		a.WebhookBaseURL = c.PublicURL
	}
	a.WebhookSecrets = r.list("ATTENDEE_WEBHOOK_SECRET", nonEmpty(defaultSecret))
	return a
}

func (a Attendee) validate(c Config) []string {
	var p []string
	if u, err := url.Parse(a.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		p = append(p, fmt.Sprintf("ATTENDEE_BASE_URL=%q: set it to Attendee's root URL such as https://app.attendee.dev", a.BaseURL))
	}
	for _, s := range a.WebhookSecrets {
		if _, err := decodeAttendeeSecret(s); err != nil {
			p = append(p, "ATTENDEE_WEBHOOK_SECRET: "+err.Error())
		}
	}
	if a.Mode == AttendeeLive && a.WebhookBaseURL != "" && len(a.WebhookSecrets) == 0 {
		p = append(p, "ATTENDEE_API_KEY with WEBHOOK_BASE_URL needs ATTENDEE_WEBHOOK_SECRET (Attendee → Settings → Webhooks), or webhooks cannot be verified")
	}
	if a.Mode == AttendeeLive && c.Env == EnvProduction && a.WebhookBaseURL != "" && !strings.HasPrefix(a.WebhookBaseURL, "https://") {
		p = append(p, "WEBHOOK_BASE_URL must be https:// for Attendee's webhooks")
	}
	if c.Env == EnvProduction {
		for _, s := range a.WebhookSecrets {
			if s == SandboxAttendeeWebhookSecret {
				p = append(p, "ATTENDEE_WEBHOOK_SECRET is the sandbox secret: set your project's own when APP_ENV=production")
			}
		}
	}
	if strings.TrimSpace(a.BotName) == "" {
		p = append(p, "ATTENDEE_BOT_NAME must not be empty")
	}
	if a.JoinEarly < 0 || a.JoinEarly > time.Hour {
		p = append(p, "ATTENDEE_JOIN_EARLY must be between 0 and 1h")
	}
	if a.PollGrace < 10*time.Second || a.PollInterval < time.Minute {
		p = append(p, "ATTENDEE_POLL_GRACE must be at least 10s and ATTENDEE_POLL_INTERVAL at least 1m")
	}
	if a.ReviewConfidence <= 0 || a.ReviewConfidence > 1 {
		p = append(p, "MEETING_REVIEW_CONFIDENCE must be in (0, 1]")
	}
	return p
}

// decodeAttendeeSecret reads a secret as Attendee's dashboard shows it.
func decodeAttendeeSecret(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		k, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("%q is not a base64 secret of Attendee (Settings → Webhooks shows 44 characters)", redactSecret(s))
	}
	return k, nil
}

func redactSecret(s string) string {
	if len(s) <= 6 {
		return "…"
	}
	return s[:3] + "…" + s[len(s)-2:]
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
