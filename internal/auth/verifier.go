package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
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
	// MaxLifetime refuses tokens that live longer: exp − iat, or exp − now
	// for tokens without iat (default DefaultMaxLifetime). A stolen
	// long-lived token cannot be revoked, so it must not live long.
	MaxLifetime time.Duration
	// JWKSRefresh is the age after which the key set is refreshed in the
	// background (default DefaultJWKSRefresh).
	JWKSRefresh time.Duration
	// JWKSMaxStale is how long after their fetch the last good keys keep
	// verifying while the JWKS cannot be fetched (default
	// DefaultJWKSMaxStale; at least JWKSRefresh).
	JWKSMaxStale time.Duration
	// Logger reports JWKS fetch failures (default: discarded).
	Logger *slog.Logger
}

// DefaultMaxLifetime is the longest token lifetime accepted by default; the
// development tokens of `make run` live exactly this long.
const DefaultMaxLifetime = 30 * 24 * time.Hour

// leeway absorbs clock skew between the token issuer and this server.
const leeway = 30 * time.Second

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
	if cfg.MaxLifetime <= 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
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
		v.jwks = newJWKS(cfg.JWKSURL, hc, cfg.Logger, cfg.JWKSRefresh, cfg.JWKSMaxStale)
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
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
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
	if err := v.checkLifetime(claims.RegisteredClaims, time.Now()); err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	// Only the two roles BeSunny serves: Supabase also signs anon (no
	// user), supabase_admin and custom roles, none of which may call us.
	if claims.Role != RoleAuthenticated && claims.Role != RoleService {
		return Principal{}, fmt.Errorf("%w: role %q is not accepted (want %s or %s)", ErrInvalidToken, claims.Role, RoleAuthenticated, RoleService)
	}
	p := Principal{Role: claims.Role, Email: claims.Email}
	if claims.ExpiresAt != nil {
		p.ExpiresAt = claims.ExpiresAt.Time
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

// checkLifetime refuses a token that lives longer than MaxLifetime: from
// iat to exp, or from now to exp when it carries no iat.
func (v *Verifier) checkLifetime(c jwt.RegisteredClaims, now time.Time) error {
	from := now
	if c.IssuedAt != nil {
		from = c.IssuedAt.Time
	}
	if life := c.ExpiresAt.Sub(from); life > v.cfg.MaxLifetime+leeway {
		return fmt.Errorf("the token lives %v, more than the maximum %v (JWT_MAX_TOKEN_LIFETIME)", life.Round(time.Second), v.cfg.MaxLifetime)
	}
	return nil
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
