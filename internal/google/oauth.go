package google

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
	googleoauth "golang.org/x/oauth2/google"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/secrets"
	"github.com/besunny/workflows/internal/store"
)

// Scopes a user grants when connecting Google: Drive read-only now, Calendar
// read-only for the calendar pipeline, and their email address.
var Scopes = []string{
	drive.DriveReadonlyScope,
	"https://www.googleapis.com/auth/calendar.readonly",
	"openid",
	"email",
}

// ErrNotConnected is returned for a user who has not connected Google.
var ErrNotConnected = errors.New("the user has not connected Google")

// Accounts keeps users' Google connections: the OAuth flow, encrypted tokens
// that refresh themselves (and are saved again when they do), revocation, and
// Drive clients acting as the user. Tokens never leave this type except
// encrypted into the store, and are never logged.
type Accounts struct {
	store   *store.Store
	keys    *secrets.Keyring
	oauth   *oauth2.Config
	hc      *http.Client
	infoURL string
	revoke  string
	// driveURL is the Drive endpoint in sandbox mode ("" for Google's).
	driveURL string
}

// NewAccounts builds the accounts keeper for the configured mode.
func NewAccounts(cfg config.Config, st *store.Store) (*Accounts, error) {
	keys, err := secrets.ParseKeyring(cfg.TokenEncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("TOKEN_ENCRYPTION_KEY: %w", err)
	}
	a := &Accounts{
		store: st, keys: keys, hc: &http.Client{Timeout: 30 * time.Second},
		oauth: &oauth2.Config{
			ClientID: cfg.OAuth.ClientID, ClientSecret: cfg.OAuth.ClientSecret,
			RedirectURL: cfg.OAuth.RedirectURL, Scopes: Scopes, Endpoint: googleoauth.Endpoint,
		},
		infoURL: "https://openidconnect.googleapis.com/v1/userinfo",
		revoke:  "https://oauth2.googleapis.com/revoke",
	}
	if cfg.Google.Mode == config.GoogleSandbox {
		base := cfg.Google.SandboxURL
		a.oauth.Endpoint = oauth2.Endpoint{AuthURL: base + "/o/oauth2/auth", TokenURL: base + "/token", AuthStyle: oauth2.AuthStyleInParams}
		a.infoURL, a.revoke, a.driveURL = base+"/oauth2/v3/userinfo", base+"/revoke", base+"/drive/v3/"
	}
	return a, nil
}

// Configured reports whether an OAuth client is set up.
func (a *Accounts) Configured() bool { return a.oauth.ClientID != "" }

// AuthCodeURL is where to send the user's browser to grant access; state is
// the CSRF token the callback must bring back.
func (a *Accounts) AuthCodeURL(state, loginHint string) string {
	opts := []oauth2.AuthCodeOption{oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent"), oauth2.SetAuthURLParam("include_granted_scopes", "true")}
	if loginHint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", loginHint))
	}
	return a.oauth.AuthCodeURL(state, opts...)
}

// Connect exchanges an authorization code for tokens, reads the account's
// email and stores the connection. It returns the Google email.
func (a *Accounts) Connect(ctx context.Context, userID uuid.UUID, code string) (string, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.hc)
	tok, err := a.oauth.Exchange(ctx, code)
	if err != nil {
		return "", fmt.Errorf("exchange the authorization code: %w", scrub(err))
	}
	if tok.RefreshToken == "" {
		return "", errors.New("Google returned no refresh token (offline access was not granted)")
	}
	email, err := a.userEmail(ctx, tok)
	if err != nil {
		return "", err
	}
	scopes := a.oauth.Scopes
	if s, ok := tok.Extra("scope").(string); ok && s != "" {
		scopes = strings.Fields(s)
	}
	if err := a.save(ctx, userID, email, scopes, tok); err != nil {
		return "", err
	}
	return email, nil
}

func (a *Accounts) userEmail(ctx context.Context, tok *oauth2.Token) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.infoURL, nil)
	if err != nil {
		return "", err
	}
	tok.SetAuthHeader(req)
	resp, err := a.hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("read the Google account: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("read the Google account: status %d", resp.StatusCode)
	}
	var info struct {
		Email string `json:"email"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&info); err != nil {
		return "", fmt.Errorf("read the Google account: %w", err)
	}
	return info.Email, nil
}

func (a *Accounts) save(ctx context.Context, userID uuid.UUID, email string, scopes []string, tok *oauth2.Token) error {
	aad := []byte(userID.String())
	keyID, access, err := a.keys.Encrypt([]byte(tok.AccessToken), aad)
	if err != nil {
		return err
	}
	_, refresh, err := a.keys.Encrypt([]byte(tok.RefreshToken), aad)
	if err != nil {
		return err
	}
	var expiry *time.Time
	if !tok.Expiry.IsZero() {
		expiry = &tok.Expiry
	}
	return a.store.UpsertGoogleCredentials(ctx, db.UpsertGoogleCredentialsParams{
		UserID: userID, GoogleEmail: email, Scopes: scopes, KeyID: keyID,
		AccessTokenEnc: access, RefreshTokenEnc: refresh, TokenType: "Bearer", Expiry: expiry,
	})
}

// Connection describes a user's Google connection (no tokens).
type Connection struct {
	Email     string
	Scopes    []string
	UpdatedAt time.Time
}

// Connection returns the user's connection or ErrNotConnected.
func (a *Accounts) Connection(ctx context.Context, userID uuid.UUID) (Connection, error) {
	row, err := a.store.GetGoogleCredentials(ctx, userID)
	if store.IsNotFound(err) {
		return Connection{}, ErrNotConnected
	}
	if err != nil {
		return Connection{}, err
	}
	return Connection{Email: row.GoogleEmail, Scopes: row.Scopes, UpdatedAt: row.UpdatedAt}, nil
}

func (a *Accounts) load(ctx context.Context, userID uuid.UUID) (*oauth2.Token, error) {
	row, err := a.store.GetGoogleCredentials(ctx, userID)
	if store.IsNotFound(err) {
		return nil, ErrNotConnected
	}
	if err != nil {
		return nil, fmt.Errorf("load Google credentials: %w", err)
	}
	aad := []byte(userID.String())
	access, err := a.keys.Decrypt(row.KeyID, row.AccessTokenEnc, aad)
	if err != nil {
		return nil, fmt.Errorf("decrypt Google credentials: %w", err)
	}
	refresh, err := a.keys.Decrypt(row.KeyID, row.RefreshTokenEnc, aad)
	if err != nil {
		return nil, fmt.Errorf("decrypt Google credentials: %w", err)
	}
	tok := &oauth2.Token{AccessToken: string(access), RefreshToken: string(refresh), TokenType: row.TokenType}
	if row.Expiry != nil {
		tok.Expiry = *row.Expiry
	}
	return tok, nil
}

// TokenSource returns the user's tokens, refreshed when expired; a refreshed
// token is encrypted and saved, so the next process starts from it.
func (a *Accounts) TokenSource(ctx context.Context, userID uuid.UUID) (oauth2.TokenSource, error) {
	tok, err := a.load(ctx, userID)
	if err != nil {
		return nil, err
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.hc)
	return &persistingSource{
		base: a.oauth.TokenSource(ctx, tok),
		renew: func(refresh string) oauth2.TokenSource {
			return a.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh})
		},
		last: tok,
		save: func(t *oauth2.Token) error { return a.saveRefreshed(ctx, userID, t) },
	}, nil
}

func (a *Accounts) saveRefreshed(ctx context.Context, userID uuid.UUID, t *oauth2.Token) error {
	aad := []byte(userID.String())
	keyID, access, err := a.keys.Encrypt([]byte(t.AccessToken), aad)
	if err != nil {
		return err
	}
	_, refresh, err := a.keys.Encrypt([]byte(t.RefreshToken), aad)
	if err != nil {
		return err
	}
	var expiry *time.Time
	if !t.Expiry.IsZero() {
		expiry = &t.Expiry
	}
	return a.store.UpdateGoogleAccessToken(ctx, db.UpdateGoogleAccessTokenParams{
		UserID: userID, KeyID: keyID, AccessTokenEnc: access, RefreshTokenEnc: refresh, Expiry: expiry,
	})
}

// persistingSource saves every new token its base source hands out.
type persistingSource struct {
	// renew makes a base source that refreshes from the refresh token.
	renew func(refresh string) oauth2.TokenSource
	save  func(*oauth2.Token) error
	mu    sync.Mutex
	base  oauth2.TokenSource
	last  *oauth2.Token
}

func (p *persistingSource) Token() (*oauth2.Token, error) {
	p.mu.Lock()
	base := p.base
	p.mu.Unlock()
	t, err := base.Token()
	if err != nil {
		return nil, scrub(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.AccessToken == p.last.AccessToken {
		return t, nil
	}
	if t.RefreshToken == "" {
		// Google sends a new refresh token only sometimes; keep the old one.
		t.RefreshToken = p.last.RefreshToken
	}
	if err := p.save(t); err != nil {
		return nil, fmt.Errorf("save the refreshed Google token: %w", err)
	}
	p.last = t
	return t, nil
}

// refresh gets a new access token after Google refused the one given,
// unless another call already replaced it.
func (p *persistingSource) refresh(refused string) (*oauth2.Token, error) {
	p.mu.Lock()
	if p.last.AccessToken == refused {
		p.base = p.renew(p.last.RefreshToken)
	}
	p.mu.Unlock()
	return p.Token()
}

// refreshOn401 authorizes Drive calls with the user's token. Google may
// refuse an access token before the expiry it announced (a revoked session,
// a clock running behind Google's): the token is then refreshed once and the
// call retried, so only a grant that no longer refreshes (invalid_grant)
// reads as lost access.
type refreshOn401 struct {
	src  *persistingSource
	next http.RoundTripper
}

func (t *refreshOn401) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.src.Token()
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	r := req.Clone(req.Context())
	tok.SetAuthHeader(r)
	resp, err := t.next.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || (req.Body != nil && req.GetBody == nil) {
		return resp, err
	}
	resp.Body.Close()
	if tok, err = t.src.refresh(tok.AccessToken); err != nil {
		return nil, err
	}
	r = req.Clone(req.Context())
	if req.GetBody != nil {
		if r.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	tok.SetAuthHeader(r)
	return t.next.RoundTrip(r)
}

// Disconnect revokes the user's grant at Google and deletes the stored
// tokens. A grant Google already forgot is not an error.
func (a *Accounts) Disconnect(ctx context.Context, userID uuid.UUID) error {
	tok, err := a.load(ctx, userID)
	if err != nil {
		return err
	}
	form := url.Values{"token": {tok.RefreshToken}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.revoke, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("revoke the Google grant: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("revoke the Google grant: status %d", resp.StatusCode)
	}
	_, err = a.store.DeleteGoogleCredentials(ctx, userID)
	return err
}

// Drive returns a Drive client acting as the user.
func (a *Accounts) Drive(ctx context.Context, userID uuid.UUID) (*drive.Service, error) {
	ts, err := a.TokenSource(ctx, userID)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: &refreshOn401{src: ts.(*persistingSource), next: http.DefaultTransport}}
	opts := []option.ClientOption{option.WithHTTPClient(hc)}
	if a.driveURL != "" {
		opts = append(opts, option.WithEndpoint(a.driveURL))
	}
	return drive.NewService(ctx, opts...)
}

// scrub drops the response body from OAuth errors: it can echo tokens.
func scrub(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" {
			code = "request failed"
		}
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return fmt.Errorf("oauth2: %s (status %d)", code, status)
	}
	return err
}
