package workerapp

import (
	"fmt"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/google"
)

// driveActivities builds the Drive adapter. With Google off it still serves
// the store-only steps (the email pipeline asks which links to watch, and
// finds none).
func driveActivities(d Deps) (*activities.Drive, error) {
	cfg := d.Config
	da := &activities.Drive{
		Store: d.Store, ChannelTTL: cfg.Drive.ChannelTTL, MaxFileBytes: cfg.Drive.MaxFileBytes,
		Debounce: cfg.Drive.Debounce, PushGrace: cfg.Drive.PushGrace,
	}
	if cfg.Drive.WebhookBaseURL != "" {
		da.WebhookURL = cfg.Drive.WebhookBaseURL + "/webhooks/drive"
	}
	if cfg.Google.Mode == config.GoogleOff {
		return da, nil
	}
	accounts, err := google.NewAccounts(cfg, d.Store)
	if err != nil {
		return nil, fmt.Errorf("Google accounts: %w", err)
	}
	da.Accounts = accounts
	return da, nil
}
