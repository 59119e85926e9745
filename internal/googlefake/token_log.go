package googlefake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
)

// TokenLog records every token the fake's /token endpoint hands out, so a
// test can look for them where they must never appear: logs, errors,
// workflow payloads, the database in clear.
type TokenLog struct {
	mu     sync.Mutex
	tokens []string
}

// All returns the tokens in the order they were issued; within one answer
// the access token comes before the refresh token.
func (l *TokenLog) All() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...)
}

// Wrap returns next (the fake's handler) with /token answers copied through
// and their tokens recorded.
func (l *TokenLog) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/token" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil {
			l.mu.Lock()
			for _, t := range []string{body.AccessToken, body.RefreshToken} {
				if t != "" {
					l.tokens = append(l.tokens, t)
				}
			}
			l.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}
