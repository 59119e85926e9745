package googlefake

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"google.golang.org/api/idtoken"
)

// googleIssuer is the iss of Google-signed ID tokens, including Pub/Sub's.
const googleIssuer = "https://accounts.google.com"

// signer holds the fake's RSA signing key. It is generated on first use:
// most fakes in tests never sign anything and should not pay for keygen.
type signer struct {
	once sync.Once
	key  *rsa.PrivateKey
	kid  string
	err  error
}

func (g *signer) get() (*rsa.PrivateKey, string, error) {
	g.once.Do(func() {
		g.key, g.err = rsa.GenerateKey(rand.Reader, 2048)
		if g.err == nil {
			// Google's kids are 40 hex digits; derive ours from the key so
			// it changes exactly when the key does.
			sum := sha256.Sum256(g.key.N.Bytes())
			g.kid = hex.EncodeToString(sum[:20])
		}
	})
	return g.key, g.kid, g.err
}

// subjectFor derives a stable Google-style numeric subject id for an email.
func subjectFor(email string) string {
	h := fnv.New64a()
	h.Write([]byte(normalizeAddress(email)))
	return "1" + fmt.Sprintf("%020d", h.Sum64())
}

// SignIDToken signs claims as an RS256 JWT with the fake's key (header kid
// set), the way Google signs ID tokens. iss, iat and exp (iat + 1 h) are
// filled in when absent. Tokens validate with a TokenVerifier pointed at
// this server's /oauth2/v3/certs.
func (s *Server) SignIDToken(claims map[string]any) (string, error) {
	key, kid, err := s.signer.get()
	if err != nil {
		return "", err
	}
	return signJWT(key, kid, s.withDefaultClaims(claims))
}

func (s *Server) withDefaultClaims(claims map[string]any) jwt.MapClaims {
	c := jwt.MapClaims(maps.Clone(claims))
	if c == nil {
		c = jwt.MapClaims{}
	}
	now := s.now()
	if _, ok := c["iss"]; !ok {
		c["iss"] = googleIssuer
	}
	if _, ok := c["iat"]; !ok {
		c["iat"] = now.Unix()
	}
	if _, ok := c["exp"]; !ok {
		c["exp"] = now.Add(time.Hour).Unix()
	}
	return c
}

func signJWT(key *rsa.PrivateKey, kid string, c jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = kid
	return t.SignedString(key)
}

// Forgery selects how ForgeIDToken breaks a token.
type Forgery int

const (
	// ForgeOtherKey signs with a throwaway key under the fake's real kid,
	// so only the signature check can catch it.
	ForgeOtherKey Forgery = iota + 1
	// ForgeAlgNone produces an unsigned token with alg "none".
	ForgeAlgNone
	// ForgeUnknownKid signs with the real key but names a kid the JWKS
	// does not publish.
	ForgeUnknownKid
)

// ForgeIDToken mints a deliberately invalid token for negative tests of
// the verifying side. (Expired or wrong-audience tokens need no forgery:
// pass such exp/aud claims to SignIDToken.)
func (s *Server) ForgeIDToken(claims map[string]any, how Forgery) (string, error) {
	key, kid, err := s.signer.get()
	if err != nil {
		return "", err
	}
	c := s.withDefaultClaims(claims)
	switch how {
	case ForgeOtherKey:
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return "", err
		}
		return signJWT(other, kid, c)
	case ForgeAlgNone:
		t := jwt.NewWithClaims(jwt.SigningMethodNone, c)
		t.Header["kid"] = kid
		return t.SignedString(jwt.UnsafeAllowNoneSignatureType)
	case ForgeUnknownKid:
		return signJWT(key, "0000000000000000000000000000000000000000", c)
	}
	return "", fmt.Errorf("googlefake: unknown forgery %d", how)
}

type jwk struct {
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

type jwks struct {
	Keys []jwk `json:"keys"`
}

// certs serves the public signing key as a JWKS, like
// https://www.googleapis.com/oauth2/v3/certs.
func (s *Server) certs(w http.ResponseWriter, r *http.Request) {
	key, kid, err := s.signer.get()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "backendError", err.Error())
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600, must-revalidate, no-transform")
	writeJSON(w, http.StatusOK, jwks{Keys: []jwk{{
		Kty: "RSA", Alg: "RS256", Use: "sig", Kid: kid,
		N: base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}}})
}

// TokenVerifier validates Google-style OIDC ID tokens (such as Pub/Sub push
// tokens) against a JWKS URL. It is the sandbox counterpart of
// idtoken.Validate, which is hard-wired to Google's certs URL: the same
// checks (RS256 signature by kid, exp, aud when given) plus iat and the
// issuer, with Leeway for clock skew. Keys are cached per the JWKS
// Cache-Control max-age and refetched on an unknown kid at most every 10 s.
// It is safe for concurrent use.
type TokenVerifier struct {
	certsURL string
	hc       *http.Client

	// Clock is the verifier's notion of now; set it to the fake's clock
	// when the fake runs on a test clock. Default time.Now.
	Clock func() time.Time
	// Leeway tolerated on exp and iat. Default 1 minute.
	Leeway time.Duration

	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	expires   time.Time
	lastFetch time.Time
}

// NewTokenVerifier returns a verifier for certsURL (the fake's
// BaseURL+"/oauth2/v3/certs"). httpClient nil means http.DefaultClient.
func NewTokenVerifier(certsURL string, httpClient *http.Client) *TokenVerifier {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &TokenVerifier{certsURL: certsURL, hc: httpClient, Clock: time.Now, Leeway: time.Minute}
}

// Validate checks token and returns its payload. An empty audience skips
// the audience check, as in idtoken.Validate.
func (v *TokenVerifier) Validate(ctx context.Context, token, audience string) (*idtoken.Payload, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(ctx, kid)
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithLeeway(v.Leeway),
		jwt.WithIssuedAt(),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(v.Clock),
	)
	if err != nil {
		return nil, fmt.Errorf("googlefake: invalid ID token: %w", err)
	}
	iss, _ := claims.GetIssuer()
	if iss != googleIssuer && iss != "accounts.google.com" {
		return nil, fmt.Errorf("googlefake: invalid ID token: issuer %q is not Google", iss)
	}
	aud, _ := claims.GetAudience()
	if audience != "" && (len(aud) != 1 || aud[0] != audience) {
		return nil, errors.New("googlefake: invalid ID token: audience provided does not match aud claim in the JWT")
	}
	p := &idtoken.Payload{Issuer: iss, Claims: claims}
	if len(aud) > 0 {
		p.Audience = aud[0]
	}
	if exp, _ := claims.GetExpirationTime(); exp != nil {
		p.Expires = exp.Unix()
	}
	if iat, _ := claims.GetIssuedAt(); iat != nil {
		p.IssuedAt = iat.Unix()
	}
	p.Subject, _ = claims.GetSubject()
	return p, nil
}

func (v *TokenVerifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := time.Now()
	if k, ok := v.keys[kid]; ok && now.Before(v.expires) {
		return k, nil
	}
	// Refetch when the cache is stale, or for an unknown kid (key
	// rotation) but not more often than every 10 s, so a stream of forged
	// kids cannot turn the verifier into a load generator.
	if !now.Before(v.expires) || now.Sub(v.lastFetch) >= 10*time.Second {
		if err := v.fetch(ctx, now); err != nil {
			return nil, err
		}
	}
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("no certificate for key id %q", kid)
}

// fetch loads the JWKS; v.mu must be held.
func (v *TokenVerifier) fetch(ctx context.Context, now time.Time) error {
	v.lastFetch = now
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.certsURL, nil)
	if err != nil {
		return err
	}
	resp, err := v.hc.Do(req)
	if err != nil {
		return fmt.Errorf("fetching certs: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching certs: HTTP %d", resp.StatusCode)
	}
	var set jwks
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return fmt.Errorf("decoding certs: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	v.keys = keys
	v.expires = now.Add(maxAge(resp.Header.Get("Cache-Control"), time.Hour))
	return nil
}

// maxAge reads max-age from a Cache-Control header.
func maxAge(cc string, def time.Duration) time.Duration {
	for _, d := range strings.Split(cc, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return def
}
