// Package google builds BeSunny's Google API clients: with real credentials in
// live mode, or against the sandbox fakes of internal/googlefake (which speak
// Google's wire format) in sandbox mode. Nothing else in BeSunny decides which.
package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"golang.org/x/oauth2/google"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/idtoken"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/googlefake"
)

// ErrOff is returned when GOOGLE_MODE=off.
var ErrOff = errors.New("Google is switched off (GOOGLE_MODE=off)")

// NewGmail returns a Gmail client for the inbound mailbox: in live mode a
// service account with domain-wide delegation impersonates INBOUND_MAILBOX
// with the gmail.modify scope; in sandbox mode the client talks to the fake.
// Either way its calls are paced to the mailbox's quota: by a window of the
// client's own, or with WithSharedQuota by the window every worker shares.
func NewGmail(ctx context.Context, cfg config.Config, opts ...GmailOption) (*gmail.Service, error) {
	var o gmailOptions
	for _, opt := range opts {
		opt(&o)
	}
	switch cfg.Google.Mode {
	case config.GoogleSandbox:
		return gmail.NewService(ctx,
			option.WithEndpoint(cfg.Google.SandboxURL+"/"),
			option.WithoutAuthentication(),
			option.WithHTTPClient(withGmailQuota(&http.Client{Timeout: 2 * time.Minute}, cfg.Gmail.QuotaUnitsPerSecond, o.shared)))
	case config.GoogleLive:
		key, err := os.ReadFile(cfg.Google.ServiceAccountFile)
		if err != nil {
			return nil, fmt.Errorf("GOOGLE_SERVICE_ACCOUNT_FILE: %w", err)
		}
		jwt, err := google.JWTConfigFromJSON(key, gmail.GmailModifyScope)
		if err != nil {
			return nil, fmt.Errorf("GOOGLE_SERVICE_ACCOUNT_FILE is not a service-account key: %w", err)
		}
		// Domain-wide delegation: act as the mailbox itself.
		jwt.Subject = cfg.Inbound.Mailbox
		return gmail.NewService(ctx, option.WithHTTPClient(withGmailQuota(jwt.Client(ctx), cfg.Gmail.QuotaUnitsPerSecond, o.shared)))
	default:
		return nil, ErrOff
	}
}

// GmailOption configures NewGmail.
type GmailOption func(*gmailOptions)

type gmailOptions struct{ shared SharedQuota }

// WithSharedQuota paces the client by the mailbox's quota window shared with
// every other worker process (store.GmailQuotaWindow), so the quota holds
// exactly however many workers call Gmail.
func WithSharedQuota(q SharedQuota) GmailOption {
	return func(o *gmailOptions) { o.shared = q }
}

// PushVerifier checks the OIDC token Pub/Sub attaches to push requests.
// idtoken's validator implements it in live mode, the sandbox's verifier (the
// fake's own key pair) in sandbox mode.
type PushVerifier interface {
	Validate(ctx context.Context, token, audience string) (*idtoken.Payload, error)
}

// NewPushVerifier returns the verifier for the configured mode.
func NewPushVerifier(ctx context.Context, cfg config.Config) (PushVerifier, error) {
	switch cfg.Google.Mode {
	case config.GoogleSandbox:
		return googlefake.NewTokenVerifier(cfg.Google.SandboxURL+"/oauth2/v3/certs", &http.Client{Timeout: 10 * time.Second}), nil
	case config.GoogleLive:
		v, err := idtoken.NewValidator(ctx)
		if err != nil {
			return nil, fmt.Errorf("Google ID token validator: %w", err)
		}
		return v, nil
	default:
		return nil, ErrOff
	}
}

// Sandbox returns the admin client of the sandbox Google, or nil outside
// sandbox mode. Only sandbox routes use it.
func Sandbox(cfg config.Config) *googlefake.AdminClient {
	if cfg.Google.Mode != config.GoogleSandbox {
		return nil
	}
	return googlefake.NewAdminClient(cfg.Google.SandboxURL, &http.Client{Timeout: 30 * time.Second})
}
