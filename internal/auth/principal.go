// Package auth verifies the bearer JWTs the API accepts and mints development
// tokens. User tokens follow the Supabase scheme: `sub` is the user id, `aud`
// is `authenticated`, `role` is `authenticated`; trusted back-office callers
// present `role: service_role`.
package auth

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Roles carried in the JWT `role` claim.
const (
	RoleAuthenticated = "authenticated"
	RoleService       = "service_role"
)

// Principal is the verified caller of a request.
type Principal struct {
	// UserID is the JWT subject; zero for service-role tokens without one.
	UserID uuid.UUID
	Role   string
	Email  string
	Name   string
	// ExpiresAt is when the credential expires (the JWT's exp); a stream
	// opened with it ends then.
	ExpiresAt time.Time
}

// IsService reports whether the caller holds the service role.
func (p Principal) IsService() bool { return p.Role == RoleService }

// IsUser reports whether the caller is an end user with an id.
func (p Principal) IsUser() bool { return !p.IsService() && p.UserID != uuid.Nil }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal stored by WithPrincipal.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
