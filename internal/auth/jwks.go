package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// JWKS defaults (see Config).
const (
	DefaultJWKSRefresh  = time.Hour
	DefaultJWKSMaxStale = 24 * time.Hour
	// jwksMinInterval spaces fetches for unknown kids, so a flood of forged
	// kids cannot turn into a flood of requests to the identity provider.
	jwksMinInterval = time.Minute
	// jwksFetchTimeout bounds one fetch.
	jwksFetchTimeout = 10 * time.Second
	// jwksWait bounds how long a request that has no usable key waits for
	// the fetch in flight; past it the request is refused, never queued
	// behind a hanging identity provider.
	jwksWait = 2 * time.Second
	// Backoff after failed fetches: 5 s, doubling, at most 5 min.
	jwksBackoffMin = 5 * time.Second
	jwksBackoffMax = 5 * time.Minute
)

// errJWKSUnavailable is returned when no usable key set exists and none
// could be fetched in time.
var errJWKSUnavailable = errors.New("the JWKS is unavailable")

// jwks caches the keys of a JSON Web Key Set.
//
// No request ever holds a lock across a fetch. Keys older than refresh are
// refreshed in the background while the cached ones keep verifying; when
// fetches fail, the last good keys are used for up to maxStale after they
// were fetched, then dropped. One fetch runs at a time (single flight);
// after a failure the next one waits for a growing backoff; an unknown kid
// triggers a fetch at most once per jwksMinInterval. A request that has no
// usable key waits for the fetch in flight for at most jwksWait.
type jwks struct {
	url      string
	hc       *http.Client
	log      *slog.Logger
	refresh  time.Duration
	maxStale time.Duration
	now      func() time.Time

	mu        sync.Mutex
	keys      map[string]any
	fetchedAt time.Time     // of the keys
	inflight  chan struct{} // closed when the running fetch ends; nil when none runs
	notBefore time.Time     // no fetch before this (backoff after a failure)
	kidFetch  time.Time     // last fetch started for an unknown kid
	failures  int           // consecutive failed fetches
	lastErr   error
}

func newJWKS(url string, hc *http.Client, log *slog.Logger, refresh, maxStale time.Duration) *jwks {
	if refresh <= 0 {
		refresh = DefaultJWKSRefresh
	}
	if maxStale < refresh {
		maxStale = max(refresh, DefaultJWKSMaxStale)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &jwks{url: url, hc: hc, log: log, refresh: refresh, maxStale: maxStale, now: time.Now}
}

// key returns the verification key named kid.
func (j *jwks) key(ctx context.Context, kid string) (any, error) {
	j.mu.Lock()
	now := j.now()
	usable := j.keys != nil && now.Sub(j.fetchedAt) <= j.maxStale
	if !usable {
		j.keys = nil // past the stale bound, the old keys prove nothing
	}
	if k, ok := j.keys[kid]; ok {
		if now.Sub(j.fetchedAt) > j.refresh {
			j.startFetchLocked(now)
		}
		j.mu.Unlock()
		return k, nil
	}
	var wait chan struct{}
	switch {
	case j.inflight != nil:
		wait = j.inflight
	case !usable:
		wait = j.startFetchLocked(now)
	case now.Sub(j.kidFetch) >= jwksMinInterval:
		// A kid we do not know may be a new key after a rotation.
		if wait = j.startFetchLocked(now); wait != nil {
			j.kidFetch = now
		}
	}
	lastErr := j.lastErr
	j.mu.Unlock()
	if wait == nil {
		if !usable {
			return nil, fmt.Errorf("%w (retrying after a backoff): %w", errJWKSUnavailable, lastErr)
		}
		return nil, fmt.Errorf("no key with kid %q", kid)
	}

	timer := time.NewTimer(jwksWait)
	defer timer.Stop()
	select {
	case <-wait:
	case <-timer.C:
		return nil, fmt.Errorf("%w: the identity provider did not answer within %v", errJWKSUnavailable, jwksWait)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if k, ok := j.keys[kid]; ok {
		return k, nil
	}
	if j.keys == nil {
		return nil, fmt.Errorf("%w: %w", errJWKSUnavailable, j.lastErr)
	}
	return nil, fmt.Errorf("no key with kid %q", kid)
}

// startFetchLocked starts a background fetch unless one runs or the backoff
// forbids it, and returns the channel closed when the fetch in flight ends
// (nil when none runs). j.mu must be held.
func (j *jwks) startFetchLocked(now time.Time) chan struct{} {
	if j.inflight != nil {
		return j.inflight
	}
	if now.Before(j.notBefore) {
		return nil
	}
	done := make(chan struct{})
	j.inflight = done
	go j.runFetch(done)
	return done
}

// runFetch fetches the set with its own deadline (not a request's: the
// request that started it may end first) and records the outcome.
func (j *jwks) runFetch(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), jwksFetchTimeout)
	defer cancel()
	keys, err := j.fetch(ctx)

	j.mu.Lock()
	defer j.mu.Unlock()
	defer close(done)
	j.inflight = nil
	now := j.now()
	if err != nil {
		j.failures++
		j.lastErr = err
		backoff := min(jwksBackoffMin<<min(j.failures-1, 16), jwksBackoffMax)
		j.notBefore = now.Add(backoff)
		attrs := []any{"url", j.url, "error", err, "failures", j.failures, "retry_in", backoff}
		if j.keys != nil {
			attrs = append(attrs, "serving_keys_fetched", j.fetchedAt, "stale_until", j.fetchedAt.Add(j.maxStale))
		}
		j.log.Warn("JWKS fetch failed", attrs...)
		return
	}
	if j.failures > 0 {
		j.log.Info("JWKS fetch recovered", "url", j.url, "after_failures", j.failures, "keys", len(keys))
	}
	j.keys, j.fetchedAt, j.failures, j.lastErr, j.notBefore = keys, now, 0, nil, time.Time{}
}

type jsonWebKey struct {
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

func (j *jwks) fetch(ctx context.Context) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := j.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS: status %d", resp.StatusCode)
	}
	var set struct {
		Keys []jsonWebKey `json:"keys"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	keys := map[string]any{}
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		pub, err := k.publicKey()
		if err != nil {
			continue // one unusable key must not disable the others
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		// An empty answer (a misconfigured or half-deployed IdP) must not
		// replace keys that work.
		return nil, errors.New("decode JWKS: no usable signing key")
	}
	return keys, nil
}

func (k jsonWebKey) publicKey() (any, error) {
	switch k.Kty {
	case "RSA":
		n, err1 := b64int(k.N)
		e, err2 := b64int(k.E)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	case "EC":
		var curve elliptic.Curve
		switch k.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, fmt.Errorf("curve %q", k.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := b64coordinate(k.X, size)
		y, err2 := b64coordinate(k.Y, size)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		// Parsing the uncompressed point also checks that it is on the curve.
		return ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
	}
	return nil, fmt.Errorf("key type %q", k.Kty)
}

// b64coordinate decodes an EC coordinate to exactly size bytes (RFC 7518
// wants them full length; shorter ones are left-padded).
func b64coordinate(s string, size int) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b) > size {
		return nil, fmt.Errorf("coordinate of %d bytes for a %d-byte curve", len(b), size)
	}
	return append(make([]byte, size-len(b), size), b...), nil
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b), nil
}
