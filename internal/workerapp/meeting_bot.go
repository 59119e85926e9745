package workerapp

import (
	"fmt"
	"net/http"
	"time"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/config"
)

// meetingBotActivities builds the notetaker adapter: Attendee (or its
// sandbox) when configured, the store-only steps otherwise (bot requests
// then end failed with the reason).
func meetingBotActivities(d Deps) (*activities.MeetingBots, error) {
	cfg := d.Config.Attendee
	a := &activities.MeetingBots{Store: d.Store, Settings: activities.MeetingBotSettings{
		Enabled: cfg.Mode != config.AttendeeOff, Mode: cfg.Mode, BotName: cfg.BotName, WebhookURL: cfg.WebhookURL(),
		JoinEarly: cfg.JoinEarly, PollGrace: cfg.PollGrace, PollInterval: cfg.PollInterval,
	}}
	if cfg.Mode == config.AttendeeOff {
		return a, nil
	}
	c, err := attendee.New(attendee.Options{
		BaseURL: cfg.BaseURL, APIKey: cfg.APIKey, HTTPClient: &http.Client{Timeout: 30 * time.Second},
	})
	if err != nil {
		return nil, fmt.Errorf("attendee client: %w", err)
	}
	a.Attendee = c
	return a, nil
}
