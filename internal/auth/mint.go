package auth

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// TokenSpec describes a token to mint with MintHS256.
type TokenSpec struct {
	UserID   uuid.UUID // zero for a service-role token without subject
	Role     string
	Email    string
	Name     string
	Audience string
	Issuer   string
	TTL      time.Duration
}

// MintHS256 signs a token the way Supabase does with its JWT secret. The local
// stack uses it for the development tokens, and tests for every case.
func MintHS256(secret string, s TokenSpec, now time.Time) (string, error) {
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Audience:  jwt.ClaimStrings{s.Audience},
			Issuer:    s.Issuer,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.TTL)),
		},
		Role:  s.Role,
		Email: s.Email,
	}
	if s.UserID != uuid.Nil {
		claims.Subject = s.UserID.String()
	}
	if s.Name != "" {
		claims.UserMetadata = map[string]any{"full_name": s.Name}
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}
