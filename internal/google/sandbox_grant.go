package google

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/uuid"
)

// ConnectSandbox runs the authorization-code flow against the sandbox
// Google for a user, as their browser would: the sandbox's consent screen
// grants at once and redirects with a code, which is exchanged like any
// other. `make run` connects the demo user this way.
func (a *Accounts) ConnectSandbox(ctx context.Context, userID uuid.UUID, account string) (string, error) {
	if a.driveURL == "" {
		return "", errors.New("ConnectSandbox works only in sandbox mode")
	}
	buf := make([]byte, 16)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	state := base64.RawURLEncoding.EncodeToString(buf)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.AuthCodeURL(state, account), nil)
	if err != nil {
		return "", err
	}
	noFollow := *a.hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		return "", fmt.Errorf("sandbox consent: %w", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("sandbox consent answered %d", resp.StatusCode)
	}
	if loc.Query().Get("state") != state {
		return "", errors.New("sandbox consent returned another state")
	}
	return a.Connect(ctx, userID, loc.Query().Get("code"))
}
