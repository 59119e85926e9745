package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
)

type devTokens struct {
	user, service string
}

// writeTokens mints a user token for demo and a service-role token (30 days,
// signed with the configured secret) into .data/.
func writeTokens(cfg config.Config, demo db.User) (devTokens, error) {
	if cfg.JWT.Secret == "" {
		return devTokens{}, fmt.Errorf("development tokens need JWT_SECRET (HS256); with JWT_JWKS_URL only, mint tokens with your identity provider")
	}
	now := time.Now()
	// 30 days, or less when JWT_MAX_TOKEN_LIFETIME would refuse that.
	spec := auth.TokenSpec{Audience: cfg.JWT.Audience, Issuer: cfg.JWT.Issuer, TTL: min(30*24*time.Hour, cfg.JWT.MaxTokenLifetime)}
	userSpec := spec
	userSpec.UserID, userSpec.Role, userSpec.Email, userSpec.Name = demo.ID, auth.RoleAuthenticated, demo.Email, demo.Name
	serviceSpec := spec
	serviceSpec.Role = auth.RoleService
	var t devTokens
	var err error
	if t.user, err = auth.MintHS256(cfg.JWT.Secret, userSpec, now); err != nil {
		return t, err
	}
	if t.service, err = auth.MintHS256(cfg.JWT.Secret, serviceSpec, now); err != nil {
		return t, err
	}
	if err := os.WriteFile(dataPath("dev-token"), []byte(t.user+"\n"), 0o600); err != nil {
		return t, err
	}
	return t, os.WriteFile(dataPath("service-token"), []byte(t.service+"\n"), 0o600)
}

// demoGoogleAccount is the demo user's account in the sandbox Google.
const demoGoogleAccount = "demo@besunny.local"

// connectDemoGoogle connects the demo user to the sandbox Google account
// (through the real authorization-code flow) so Drive links in demo mail are
// watched at once.
func connectDemoGoogle(ctx context.Context, cfg config.Config, base *app.Base, demo db.User) error {
	accounts, err := google.NewAccounts(cfg, base.Store)
	if err != nil {
		return err
	}
	if _, err := accounts.Connection(ctx, demo.ID); err == nil {
		return nil
	}
	if _, err := accounts.ConnectSandbox(ctx, demo.ID, demoGoogleAccount); err != nil {
		return fmt.Errorf("connect the demo user to the sandbox Google: %w", err)
	}
	return nil
}
