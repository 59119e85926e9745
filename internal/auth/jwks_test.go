package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// idp is a JWKS endpoint whose behaviour a test switches: serve the keys,
// fail with 500, or hang until the test ends.
type idp struct {
	srv      *httptest.Server
	requests atomic.Int64
	mode     atomic.Value // "serve", "fail", "hang"
	release  chan struct{}
	mu       sync.Mutex
	set      map[string]any
}

func newIDP(t *testing.T, k keyPair, kids ...string) *idp {
	t.Helper()
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	var keys []map[string]string
	for _, kid := range kids {
		keys = append(keys, map[string]string{"kid": kid, "kty": "RSA", "use": "sig", "n": b64(k.rsa.N.Bytes()), "e": b64(big.NewInt(int64(k.rsa.E)).Bytes())})
	}
	p := &idp{release: make(chan struct{}), set: map[string]any{"keys": keys}}
	p.mode.Store("serve")
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		switch p.mode.Load() {
		case "hang":
			select {
			case <-p.release:
			case <-r.Context().Done():
			}
			return
		case "fail":
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		_ = json.NewEncoder(w).Encode(p.set)
	}))
	t.Cleanup(func() {
		close(p.release)
		p.srv.Close()
	})
	return p
}

// clock is a settable time for the key cache.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func jwksVerifier(t *testing.T, p *idp, clk *clock) *Verifier {
	t.Helper()
	v, err := NewVerifier(Config{
		JWKSURL: p.srv.URL, Audience: "authenticated",
		JWKSRefresh: time.Hour, JWKSMaxStale: 6 * time.Hour,
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	if clk != nil {
		v.jwks.now = clk.now
	}
	return v
}

func rsaToken(t *testing.T, k keyPair, kid string) string {
	t.Helper()
	return sign(t, jwt.SigningMethodRS256, k.rsa, kid, userClaims(uuid.NewString(), "authenticated", time.Now().Add(time.Hour)))
}

// verifyAll verifies tokens concurrently and returns the errors and the
// slowest call's duration.
func verifyAll(v *Verifier, tokens []string) ([]error, time.Duration) {
	errs := make([]error, len(tokens))
	durations := make([]time.Duration, len(tokens))
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			_, errs[i] = v.Verify(context.Background(), tok)
			durations[i] = time.Since(start)
		}()
	}
	wg.Wait()
	var slowest time.Duration
	for _, d := range durations {
		slowest = max(slowest, d)
	}
	return errs, slowest
}

func repeat(tok string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = tok
	}
	return out
}

func TestJWKS_HangingIdPDoesNotDelayRequestsWhileKeysAreStale(t *testing.T) {
	keys := newKeys(t)
	p := newIDP(t, keys, "k1")
	clk := &clock{t: time.Now()}
	v := jwksVerifier(t, p, clk)
	tok := rsaToken(t, keys, "k1")
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}

	// The key set is past its refresh age and the IdP hangs: every request
	// is answered at once from the last good keys, and one refresh is
	// attempted in the background.
	p.mode.Store("hang")
	clk.advance(2 * time.Hour)
	errs, slowest := verifyAll(v, repeat(tok, 50))
	for _, err := range errs {
		if err != nil {
			t.Fatalf("a request failed while stale keys are usable: %v", err)
		}
	}
	if slowest > 500*time.Millisecond {
		t.Fatalf("the slowest request took %v behind the hanging IdP", slowest)
	}
	// The background refresh reaches the IdP soon after; it is the only one.
	deadline := time.Now().Add(5 * time.Second)
	for p.requests.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if n := p.requests.Load(); n != 2 {
		t.Fatalf("%d JWKS requests, want 2 (the first fetch, one background refresh)", n)
	}
}

func TestJWKS_ColdStartWithAHangingIdPRefusesFastWithOneFetch(t *testing.T) {
	keys := newKeys(t)
	p := newIDP(t, keys, "k1")
	p.mode.Store("hang")
	v := jwksVerifier(t, p, nil)
	start := time.Now()
	errs, _ := verifyAll(v, repeat(rsaToken(t, keys, "k1"), 20))
	for _, err := range errs {
		if !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("err = %v, want a refusal", err)
		}
	}
	// Nothing queues behind the fetch: all 20 are refused within the wait
	// bound of one fetch, and only one request reached the IdP.
	if took := time.Since(start); took > jwksWait+time.Second {
		t.Fatalf("20 requests took %v with the IdP hanging, want about %v", took, jwksWait)
	}
	if n := p.requests.Load(); n != 1 {
		t.Fatalf("%d JWKS requests, want 1 (single flight)", n)
	}
}

func TestJWKS_StaleKeysAreServedOnlyForTheStalePeriod(t *testing.T) {
	keys := newKeys(t)
	p := newIDP(t, keys, "k1")
	clk := &clock{t: time.Now()}
	v := jwksVerifier(t, p, clk)
	tok := rsaToken(t, keys, "k1")
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	p.mode.Store("fail")
	for _, step := range []time.Duration{2 * time.Hour, 2 * time.Hour, time.Hour + 59*time.Minute} { // 5 h 59 min
		clk.advance(step)
		if _, err := v.Verify(context.Background(), tok); err != nil {
			t.Fatalf("refused within the stale period: %v", err)
		}
	}
	waitIdle(t, v)
	clk.advance(2 * time.Minute) // 6 h 01 min: past JWKSMaxStale
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("err = %v: keys past the stale period still verify", err)
	}
	// The IdP recovers: the next fetch (after the backoff) brings the keys back.
	p.mode.Store("serve")
	waitIdle(t, v)
	clk.advance(jwksBackoffMax)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("after the IdP recovered: %v", err)
	}
}

func TestJWKS_FailedFetchesBackOff(t *testing.T) {
	keys := newKeys(t)
	p := newIDP(t, keys, "k1")
	p.mode.Store("fail")
	clk := &clock{t: time.Now()}
	v := jwksVerifier(t, p, clk)
	tok := rsaToken(t, keys, "k1")
	// 100 requests in the same instant: one fetch, then the backoff.
	for range 100 {
		if _, err := v.Verify(context.Background(), tok); err == nil {
			t.Fatal("verified without keys")
		}
	}
	if n := p.requests.Load(); n != 1 {
		t.Fatalf("%d fetches for 100 requests in the backoff, want 1", n)
	}
	// Each retry waits twice as long as the one before.
	for i, wait := range []time.Duration{jwksBackoffMin, 2 * jwksBackoffMin, 4 * jwksBackoffMin} {
		clk.advance(wait - time.Second)
		_, _ = v.Verify(context.Background(), tok)
		waitIdle(t, v)
		if n := p.requests.Load(); n != int64(i+1) {
			t.Fatalf("retry %d: %d fetches before the backoff of %v elapsed", i+1, n, wait)
		}
		clk.advance(time.Second)
		_, _ = v.Verify(context.Background(), tok)
		waitIdle(t, v)
		if n := p.requests.Load(); n != int64(i+2) {
			t.Fatalf("retry %d: %d fetches after the backoff of %v, want %d", i+1, n, wait, i+2)
		}
	}
}

func TestJWKS_UnknownKidFetchesAtMostOncePerInterval(t *testing.T) {
	keys := newKeys(t)
	p := newIDP(t, keys, "k1")
	clk := &clock{t: time.Now()}
	v := jwksVerifier(t, p, clk)
	if _, err := v.Verify(context.Background(), rsaToken(t, keys, "k1")); err != nil {
		t.Fatal(err)
	}
	clk.advance(jwksMinInterval)
	for i := range 200 {
		if _, err := v.Verify(context.Background(), rsaToken(t, keys, "forged-"+uuid.NewString())); err == nil {
			t.Fatalf("forged kid %d verified", i)
		}
	}
	if n := p.requests.Load(); n != 2 {
		t.Fatalf("%d JWKS requests for 200 forged kids, want 2 (the first fetch and one refetch)", n)
	}

	// A real rotation: the new kid is picked up by the next allowed refetch.
	p.mu.Lock()
	p.set["keys"] = append(p.set["keys"].([]map[string]string), map[string]string{
		"kid": "k2", "kty": "RSA", "n": base64.RawURLEncoding.EncodeToString(keys.rsa.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(keys.rsa.E)).Bytes())})
	p.mu.Unlock()
	rotated := rsaToken(t, keys, "k2")
	if _, err := v.Verify(context.Background(), rotated); err == nil {
		t.Fatal("the new kid verified before a refetch was allowed")
	}
	clk.advance(jwksMinInterval)
	if _, err := v.Verify(context.Background(), rotated); err != nil {
		t.Fatalf("the rotated key: %v", err)
	}
}

// waitIdle waits until no fetch is in flight.
func waitIdle(t *testing.T, v *Verifier) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		v.jwks.mu.Lock()
		busy := v.jwks.inflight != nil
		v.jwks.mu.Unlock()
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a JWKS fetch is still in flight")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestJWKS_ECKeyOffTheCurveIsIgnored(t *testing.T) {
	keys := newKeys(t)
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	x, y := keys.ec.X.Bytes(), keys.ec.Y.Bytes()
	bad := append([]byte{}, y...)
	bad[len(bad)-1] ^= 1 // (x, y') is not a point of P-256
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{
			{"kid": "good", "kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y)},
			{"kid": "bad", "kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(bad)},
		}})
	}))
	t.Cleanup(srv.Close)
	v, err := NewVerifier(Config{JWKSURL: srv.URL, Audience: "authenticated"})
	if err != nil {
		t.Fatal(err)
	}
	claims := userClaims(uuid.NewString(), "authenticated", time.Now().Add(time.Hour))
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodES256, keys.ec, "good", claims)); err != nil {
		t.Fatalf("the valid EC key: %v", err)
	}
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodES256, keys.ec, "bad", claims)); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("a key off the curve verified: %v", err)
	}
}
