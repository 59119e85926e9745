package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const testSecret = "0123456789abcdef0123456789abcdef-test"

type keyPair struct {
	rsa *rsa.PrivateKey
	ec  *ecdsa.PrivateKey
}

func newKeys(t *testing.T) keyPair {
	t.Helper()
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{rsa: r, ec: e}
}

func jwksServer(t *testing.T, k keyPair) *httptest.Server {
	t.Helper()
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	set := map[string]any{"keys": []map[string]string{
		{"kid": "rsa1", "kty": "RSA", "use": "sig", "n": b64(k.rsa.N.Bytes()), "e": b64(big.NewInt(int64(k.rsa.E)).Bytes())},
		{"kid": "ec1", "kty": "EC", "crv": "P-256", "x": b64(k.ec.X.Bytes()), "y": b64(k.ec.Y.Bytes())},
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func userClaims(sub string, aud string, exp time.Time) Claims {
	var expiresAt *jwt.NumericDate
	if !exp.IsZero() {
		expiresAt = jwt.NewNumericDate(exp)
	}
	return Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   sub,
			Audience:  jwt.ClaimStrings{aud},
			ExpiresAt: expiresAt,
			IssuedAt:  jwt.NewNumericDate(time.Now()),
		},
		Role:  RoleAuthenticated,
		Email: "alice@example.com",
	}
}

// lifetime sets iat and exp so the token lives d from issued.
func lifetime(c Claims, issued time.Time, d time.Duration) Claims {
	c.IssuedAt = jwt.NewNumericDate(issued)
	c.ExpiresAt = jwt.NewNumericDate(issued.Add(d))
	return c
}

func withoutIAT(c Claims) Claims {
	c.IssuedAt = nil
	return c
}

func withRole(c Claims, role string) Claims {
	c.Role = role
	return c
}

func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, c Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifier(t *testing.T) {
	keys := newKeys(t)
	srv := jwksServer(t, keys)
	user := uuid.New()
	future := time.Now().Add(time.Hour)

	pubDER, err := x509.MarshalPKIXPublicKey(&keys.rsa.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	unsigned := func(c Claims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	serviceClaims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{Audience: jwt.ClaimStrings{"authenticated"}, ExpiresAt: jwt.NewNumericDate(future)},
		Role:             RoleService,
	}

	tests := []struct {
		name     string
		cfg      Config
		token    string
		wantErr  bool
		wantRole string
	}{
		{"HS256 user token is accepted", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims(user.String(), "authenticated", future)), false, RoleAuthenticated},
		{"service role token without subject is accepted", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", serviceClaims), false, RoleService},
		{"alg none is refused", Config{Secret: testSecret, Audience: "authenticated"},
			unsigned(userClaims(user.String(), "authenticated", future)), true, ""},
		{"wrong secret is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), "", userClaims(user.String(), "authenticated", future)), true, ""},
		{"expired token is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims(user.String(), "authenticated", time.Now().Add(-time.Hour))), true, ""},
		{"token without expiry is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims(user.String(), "authenticated", time.Time{})), true, ""},
		{"wrong audience is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims(user.String(), "anon", future)), true, ""},
		{"wrong issuer is refused", Config{Secret: testSecret, Audience: "authenticated", Issuer: "https://project.supabase.co/auth/v1"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims(user.String(), "authenticated", future)), true, ""},
		{"user token without subject is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims("", "authenticated", future)), true, ""},
		{"subject that is not a UUID is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims("alice", "authenticated", future)), true, ""},
		{"RS256 token from the JWKS is accepted", Config{JWKSURL: srv.URL, Audience: "authenticated"},
			sign(t, jwt.SigningMethodRS256, keys.rsa, "rsa1", userClaims(user.String(), "authenticated", future)), false, RoleAuthenticated},
		{"ES256 token from the JWKS is accepted", Config{JWKSURL: srv.URL, Audience: "authenticated"},
			sign(t, jwt.SigningMethodES256, keys.ec, "ec1", userClaims(user.String(), "authenticated", future)), false, RoleAuthenticated},
		{"unknown kid is refused", Config{JWKSURL: srv.URL, Audience: "authenticated"},
			sign(t, jwt.SigningMethodRS256, keys.rsa, "other", userClaims(user.String(), "authenticated", future)), true, ""},
		{"RS256 token naming the EC key is refused", Config{JWKSURL: srv.URL, Audience: "authenticated"},
			sign(t, jwt.SigningMethodRS256, keys.rsa, "ec1", userClaims(user.String(), "authenticated", future)), true, ""},
		{"algorithm confusion: HS256 signed with the RSA public key is refused", Config{JWKSURL: srv.URL, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, pubPEM, "rsa1", userClaims(user.String(), "authenticated", future)), true, ""},
		{"HS256 is refused when only a JWKS is configured, even with the right secret", Config{JWKSURL: srv.URL, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", userClaims(user.String(), "authenticated", future)), true, ""},
		{"public-key token is refused when only a secret is configured", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodRS256, keys.rsa, "rsa1", userClaims(user.String(), "authenticated", future)), true, ""},
		{"token living longer than the maximum (exp - iat) is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", lifetime(userClaims(user.String(), "authenticated", time.Time{}), time.Now(), 31*24*time.Hour)), true, ""},
		{"token without iat expiring after the maximum (exp - now) is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", withoutIAT(userClaims(user.String(), "authenticated", time.Now().Add(31*24*time.Hour)))), true, ""},
		{"token of the development lifetime (30 days) is accepted", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", lifetime(userClaims(user.String(), "authenticated", time.Time{}), time.Now(), 30*24*time.Hour)), false, RoleAuthenticated},
		{"old token of a long lifetime is refused though it expires soon", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", lifetime(userClaims(user.String(), "authenticated", time.Time{}), time.Now().Add(-364*24*time.Hour), 365*24*time.Hour)), true, ""},
		{"a configured shorter maximum is enforced", Config{Secret: testSecret, Audience: "authenticated", MaxLifetime: time.Hour},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", lifetime(userClaims(user.String(), "authenticated", time.Time{}), time.Now(), 2*time.Hour)), true, ""},
		{"token issued in the future is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", lifetime(userClaims(user.String(), "authenticated", time.Time{}), time.Now().Add(time.Hour), time.Hour)), true, ""},
		{"anon role is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", withRole(userClaims(user.String(), "authenticated", future), "anon")), true, ""},
		{"supabase_admin role is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", withRole(userClaims(user.String(), "authenticated", future), "supabase_admin")), true, ""},
		{"token without a role is refused", Config{Secret: testSecret, Audience: "authenticated"},
			sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", withRole(userClaims(user.String(), "authenticated", future), "")), true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewVerifier(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			p, err := v.Verify(context.Background(), tc.token)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("Verify() error = %v, want ErrInvalidToken", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify() error = %v", err)
			}
			if p.Role != tc.wantRole {
				t.Errorf("role = %q, want %q", p.Role, tc.wantRole)
			}
			if tc.wantRole == RoleAuthenticated && (p.UserID != user || p.Email != "alice@example.com") {
				t.Errorf("principal = %+v, want user %s", p, user)
			}
		})
	}
}

func TestNewVerifier_NeedsAKey(t *testing.T) {
	if _, err := NewVerifier(Config{Audience: "authenticated"}); err == nil || !strings.Contains(err.Error(), "JWT_SECRET") {
		t.Fatalf("NewVerifier() error = %v, want a hint to set JWT_SECRET", err)
	}
}

func TestMintHS256_RoundTrips(t *testing.T) {
	v, err := NewVerifier(Config{Secret: testSecret, Audience: "authenticated"})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	tok, err := MintHS256(testSecret, TokenSpec{UserID: id, Role: RoleAuthenticated, Email: "d@example.com", Name: "Demo", Audience: "authenticated", TTL: time.Hour}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID != id || p.Name != "Demo" || !p.IsUser() {
		t.Fatalf("principal = %+v", p)
	}
}
