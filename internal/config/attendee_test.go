package config

import (
	"strings"
	"testing"
	"time"
)

func TestAttendee_ModeFollowsTheKeyAndTheEnvironment(t *testing.T) {
	prod := map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("s", 40), "TOKEN_ENCRYPTION_KEY": "k1:" + strings.Repeat("A", 43) + "="}
	cases := []struct {
		name    string
		env     map[string]string
		mode    string
		base    string
		webhook string
	}{
		{"development without a key: the sandbox", nil, AttendeeSandbox, "http://127.0.0.1:8097", "http://localhost:8080/webhooks/attendee"},
		{"a key: Attendee", map[string]string{"ATTENDEE_API_KEY": "k", "ATTENDEE_WEBHOOK_SECRET": SandboxAttendeeWebhookSecret, "WEBHOOK_BASE_URL": "https://api.example.com"},
			AttendeeLive, "https://app.attendee.dev", "https://api.example.com/webhooks/attendee"},
		{"a self-hosted Attendee, no public URL: polled", map[string]string{"ATTENDEE_API_KEY": "k", "ATTENDEE_BASE_URL": "https://attendee.internal/", "GOOGLE_MODE": "off"},
			AttendeeLive, "https://attendee.internal", ""},
		{"production without a key: off", prod, AttendeeOff, "https://app.attendee.dev", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := FromLookup(lookup(c.env))
			if err != nil {
				t.Fatal(err)
			}
			a := cfg.Attendee
			if a.Mode != c.mode || a.BaseURL != c.base || a.WebhookURL() != c.webhook {
				t.Fatalf("attendee = %+v (webhook %q)", a, a.WebhookURL())
			}
		})
	}
}

func TestAttendee_DefaultsAndSecrets(t *testing.T) {
	cfg, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Attendee
	if a.BotName != "BeSunny Notetaker" || a.JoinEarly != 2*time.Minute || a.ReviewConfidence != 0.7 ||
		a.PollGrace != 2*time.Minute || a.PollInterval != 10*time.Minute || len(a.WebhookKeys()) != 1 {
		t.Fatalf("defaults = %+v", a)
	}
	rotated, err := FromLookup(lookup(map[string]string{"ATTENDEE_WEBHOOK_SECRET": SandboxAttendeeWebhookSecret + ", " + strings.Repeat("B", 43) + "="}))
	if err != nil || len(rotated.Attendee.WebhookKeys()) != 2 {
		t.Fatalf("rotation: %v %+v", err, rotated.Attendee.WebhookSecrets)
	}
}

func TestAttendee_RefusesWhatCannotWork(t *testing.T) {
	prod := func(extra map[string]string) map[string]string {
		env := map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("s", 40), "TOKEN_ENCRYPTION_KEY": "k1:" + strings.Repeat("A", 43) + "="}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"secret not base64", map[string]string{"ATTENDEE_WEBHOOK_SECRET": "not base64!!"}, "ATTENDEE_WEBHOOK_SECRET"},
		{"webhooks without a secret", map[string]string{"ATTENDEE_API_KEY": "k", "WEBHOOK_BASE_URL": "https://api.example.com"}, "needs ATTENDEE_WEBHOOK_SECRET"},
		{"sandbox secret in production", prod(map[string]string{"ATTENDEE_API_KEY": "k", "ATTENDEE_WEBHOOK_SECRET": SandboxAttendeeWebhookSecret}), "sandbox secret"},
		{"plain http webhooks in production", prod(map[string]string{"ATTENDEE_API_KEY": "k", "ATTENDEE_WEBHOOK_SECRET": strings.Repeat("C", 43) + "=", "WEBHOOK_BASE_URL": "http://api.example.com"}), "https://"},
		{"review threshold", map[string]string{"MEETING_REVIEW_CONFIDENCE": "0"}, "MEETING_REVIEW_CONFIDENCE"},
		{"join early", map[string]string{"ATTENDEE_JOIN_EARLY": "2h"}, "ATTENDEE_JOIN_EARLY"},
		{"polls", map[string]string{"ATTENDEE_POLL_INTERVAL": "5s"}, "ATTENDEE_POLL_INTERVAL"},
		{"base URL", map[string]string{"ATTENDEE_BASE_URL": "attendee"}, "ATTENDEE_BASE_URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromLookup(lookup(c.env))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}
