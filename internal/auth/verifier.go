package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Config says which keys and claims the Verifier accepts.
type Config struct {
	// Secret enables HS256 (the Supabase JWT secret).
	Secret string
	// JWKSURL enables RS256/ES256 with keys from a JSON Web Key Set.
	JWKSURL string
	// Audience is required in `aud`.
	Audience string
	// Issuer, when set, is required in `iss`.
	Issuer string
	// HTTPClient fetches the JWKS (default: a client with a 10 s timeout).
	HTTPClient *http.Client
}

// ErrInvalidToken wraps every verification failure; the wrapped detail is for
// logs, the caller only learns that the token was refused.
var ErrInvalidToken = errors.New("invalid token")

// Verifier checks bearer tokens: signature, algorithm, expiry, audience and
// issuer. Algorithms are pinned to the configured key kinds, so an HS256
// token can never be checked against a public key (algorithm confusion) and
// `alg: none` is always refused.
type Verifier struct {
	cfg     Config
	secret  []byte
	jwks    *jwks
	methods []string
}

// NewVerifier builds a Verifier; at least one of Secret and JWKSURL is needed.
func NewVerifier(cfg Config) (*Verifier, error) {
	v := &Verifier{cfg: cfg}
	if cfg.Secret != "" {
		v.secret = []byte(cfg.Secret)
		v.methods = append(v.methods, jwt.SigningMethodHS256.Alg())
	}
	if cfg.JWKSURL != "" {
		hc := cfg.HTTPClient
		if hc == nil {
			hc = &http.Client{Timeout: 10 * time.Second}
		}
		v.jwks = newJWKS(cfg.JWKSURL, hc)
		v.methods = append(v.methods,
			jwt.SigningMethodRS256.Alg(), jwt.SigningMethodRS384.Alg(), jwt.SigningMethodRS512.Alg(),
			jwt.SigningMethodES256.Alg(), jwt.SigningMethodES384.Alg(), jwt.SigningMethodES512.Alg())
	}
	if len(v.methods) == 0 {
		return nil, errors.New("auth: set JWT_SECRET or JWT_JWKS_URL")
	}
	return v, nil
}

// Claims are the JWT claims BeSunny reads.
type Claims struct {
	jwt.RegisteredClaims
	Role         string         `json:"role"`
	Email        string         `json:"email"`
	UserMetadata map[string]any `json:"user_metadata,omitempty"`
}

// Verify checks token and returns the caller it names.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods),
		jwt.WithExpirationRequired(),
		jwt.WithAudience(v.cfg.Audience),
		jwt.WithLeeway(30 * time.Second),
	}
	if v.cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(v.cfg.Issuer))
	}
	var claims Claims
	_, err := jwt.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		return v.key(ctx, t)
	}, opts...)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	p := Principal{Role: claims.Role, Email: claims.Email}
	if claims.ExpiresAt != nil {
		p.ExpiresAt = claims.ExpiresAt.Time
	}
	if p.Role == "" {
		p.Role = RoleAuthenticated
	}
	if name, ok := claims.UserMetadata["full_name"].(string); ok {
		p.Name = name
	} else if name, ok := claims.UserMetadata["name"].(string); ok {
		p.Name = name
	}
	if claims.Subject != "" {
		id, err := uuid.Parse(claims.Subject)
		if err != nil {
			return Principal{}, fmt.Errorf("%w: sub %q is not a UUID", ErrInvalidToken, claims.Subject)
		}
		p.UserID = id
	}
	if !p.IsService() && p.UserID == uuid.Nil {
		return Principal{}, fmt.Errorf("%w: a user token needs a sub", ErrInvalidToken)
	}
	return p, nil
}

// key picks the verification key for t by its algorithm family, so each key
// kind only ever verifies the algorithms made for it.
func (v *Verifier) key(ctx context.Context, t *jwt.Token) (any, error) {
	switch t.Method.(type) {
	case *jwt.SigningMethodHMAC:
		if v.secret == nil {
			return nil, errors.New("HMAC tokens are not accepted")
		}
		return v.secret, nil
	case *jwt.SigningMethodRSA, *jwt.SigningMethodECDSA:
		if v.jwks == nil {
			return nil, errors.New("public-key tokens are not accepted")
		}
		kid, _ := t.Header["kid"].(string)
		key, err := v.jwks.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		switch t.Method.(type) {
		case *jwt.SigningMethodRSA:
			if _, ok := key.(*rsa.PublicKey); !ok {
				return nil, fmt.Errorf("key %q is not an RSA key", kid)
			}
		case *jwt.SigningMethodECDSA:
			if _, ok := key.(*ecdsa.PublicKey); !ok {
				return nil, fmt.Errorf("key %q is not an EC key", kid)
			}
		}
		return key, nil
	default:
		return nil, fmt.Errorf("algorithm %v is not accepted", t.Header["alg"])
	}
}
