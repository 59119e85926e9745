package googlefake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"
	drive "google.golang.org/api/drive/v3"
	"google.golang.org/api/option"
)

func oauthConfig(base string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: "besunny-web", ClientSecret: "secret",
		Endpoint:    oauth2.Endpoint{AuthURL: base + "/o/oauth2/auth", TokenURL: base + "/token"},
		RedirectURL: "http://localhost:3000/oauth/callback",
		Scopes:      []string{"openid", "email", drive.DriveReadonlyScope},
	}
}

// authorize follows the authorization endpoint like a browser would, up to
// the redirect to the app, and returns the redirect's query.
func authorize(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Host != "localhost:3000" || loc.Path != "/oauth/callback" {
		t.Fatalf("redirected to %s", loc)
	}
	return loc.Query()
}

func TestOAuthCodeRefreshRevoke(t *testing.T) {
	fake, ts := newFake(t, Options{})
	ctx := context.Background()
	cfg := oauthConfig(ts.URL)
	f, _ := fake.CreateFile("carol@x.com", "notes.txt", "text/plain", "hello")

	q := authorize(t, cfg.AuthCodeURL("st4te", oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("login_hint", "Carol@x.com")))
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("redirect query %v", q)
	}
	tok, err := cfg.Exchange(ctx, q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.TokenType != "Bearer" || time.Until(tok.Expiry) < 50*time.Minute {
		t.Fatalf("token %+v", tok)
	}
	if idt, _ := tok.Extra("id_token").(string); idt == "" {
		t.Fatal("no id_token for openid scope")
	} else if p, err := NewTokenVerifier(ts.URL+"/oauth2/v3/certs", nil).Validate(ctx, idt, cfg.ClientID); err != nil || p.Claims["email"] != "carol@x.com" {
		t.Fatalf("id_token: %v %v", err, p)
	}
	// Codes are single use.
	_, err = cfg.Exchange(ctx, q.Get("code"))
	wantGrantError(t, err, "invalid_grant")

	// Userinfo names the account.
	req, _ := http.NewRequest("GET", ts.URL+"/oauth2/v3/userinfo", nil)
	tok.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info["email"] != "carol@x.com" {
		t.Fatalf("userinfo %v", info)
	}

	// Drive through the real oauth2 token source.
	src := cfg.TokenSource(ctx, tok)
	svc, err := drive.NewService(ctx, option.WithEndpoint(ts.URL+"/drive/v3/"), option.WithTokenSource(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Files.Get(f.ID).Do(); err != nil {
		t.Fatal(err)
	}

	// Expired access tokens answer 401 until the client refreshes.
	fake.ExpireAccessTokens()
	static, _ := drive.NewService(ctx, option.WithEndpoint(ts.URL+"/drive/v3/"), option.WithTokenSource(oauth2.StaticTokenSource(tok)))
	_, err = static.Files.Get(f.ID).Do()
	apiErr(t, err, 401, "authError")
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Minute)
	refreshed, err := cfg.TokenSource(ctx, &stale).Token()
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.AccessToken == tok.AccessToken || refreshed.RefreshToken != tok.RefreshToken {
		t.Fatalf("refresh gave %+v", refreshed)
	}
	svc2, _ := drive.NewService(ctx, option.WithEndpoint(ts.URL+"/drive/v3/"), option.WithTokenSource(oauth2.StaticTokenSource(refreshed)))
	if _, err := svc2.Files.Get(f.ID).Do(); err != nil {
		t.Fatal(err)
	}

	// Revoking the refresh token revokes the grant and its access tokens.
	resp, err = http.PostForm(ts.URL+"/revoke", url.Values{"token": {tok.RefreshToken}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	_, err = svc2.Files.Get(f.ID).Do()
	apiErr(t, err, 401, "authError")
	_, err = cfg.TokenSource(ctx, &stale).Token()
	wantGrantError(t, err, "invalid_grant")
	resp, _ = http.PostForm(ts.URL+"/revoke", url.Values{"token": {tok.RefreshToken}})
	if resp.StatusCode != 400 {
		t.Fatalf("second revoke: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

func wantGrantError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != code {
		t.Fatalf("want oauth2 error %s, got %v", code, err)
	}
}

func TestOAuthOnlineAccessAndChecks(t *testing.T) {
	_, ts := newFake(t, Options{DefaultAccount: "Default@x.com"})
	ctx := context.Background()
	cfg := oauthConfig(ts.URL)
	q := authorize(t, cfg.AuthCodeURL("s"))
	tok, err := cfg.Exchange(ctx, q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" {
		t.Fatal("refresh token issued without access_type=offline")
	}
	if p, _ := NewTokenVerifier(ts.URL+"/oauth2/v3/certs", nil).Validate(ctx, tok.Extra("id_token").(string), ""); p.Claims["email"] != "default@x.com" {
		t.Fatalf("default account not used: %v", p.Claims)
	}

	// A code redeems only for its client and redirect_uri.
	q = authorize(t, cfg.AuthCodeURL("s"))
	other := *cfg
	other.ClientID = "someone-else"
	_, err = other.Exchange(ctx, q.Get("code"))
	wantGrantError(t, err, "invalid_grant")
	other = *cfg
	other.RedirectURL = "http://localhost:3000/elsewhere"
	_, err = other.Exchange(ctx, q.Get("code"))
	wantGrantError(t, err, "redirect_uri_mismatch")
}

func TestDriveNeedsDriveScope(t *testing.T) {
	fake, ts := newFake(t, Options{})
	f, _ := fake.CreateFile("u@x.com", "a.txt", "", "x")
	svc := driveClient(t, fake, ts.URL, "u@x.com", "openid", "email")
	_, err := svc.Files.Get(f.ID).Do()
	apiErr(t, err, 403, "insufficientPermissions")
	anon, _ := drive.NewService(context.Background(), option.WithEndpoint(ts.URL+"/drive/v3/"), option.WithoutAuthentication())
	_, err = anon.Files.Get(f.ID).Do()
	apiErr(t, err, 401, "authError")
}
