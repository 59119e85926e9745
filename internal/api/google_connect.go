package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/store"
)

// oauthStateTTL bounds how long a user has to finish the consent screen;
// the state and its browser cookie expire together.
const oauthStateTTL = 10 * time.Minute

// callbackPath is reached by the browser coming back from Google, without a
// bearer token: the one-time state and the browser's cookie authenticate it.
const callbackPath = "/api/v1/google/callback"

// oauthCookiePrefix names the cookies that bind a flow to its browser; the
// rest of the name is derived from the flow's state, so flows started in two
// tabs do not overwrite each other's cookie.
const oauthCookiePrefix = "besunny_oauth_"

// GoogleConnect starts the authorization-code flow for the caller.
//
// The state in Google's URL names the caller; a second, secret value in an
// HttpOnly cookie names this browser. The callback needs both, so a state
// that reaches another browser (an attacker mailing their own consent URL
// to a victim, to collect the victim's Google tokens into the attacker's
// account) is refused there.
func (s *Server) GoogleConnect(c echo.Context, params apigen.GoogleConnectParams) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if s.accounts == nil || !s.accounts.Configured() {
		return conflict("Google connections are not configured: set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (or use GOOGLE_MODE=sandbox)")
	}
	ctx := c.Request().Context()
	state, err := randomToken()
	if err != nil {
		return err
	}
	browserSecret, err := randomToken()
	if err != nil {
		return err
	}
	browserHash := sha256.Sum256([]byte(browserSecret))
	expires := time.Now().Add(oauthStateTTL)
	if err := s.store.InsertOAuthState(ctx, db.InsertOAuthStateParams{
		State: state, UserID: p.UserID, BrowserHash: browserHash[:], ExpiresAt: expires,
	}); err != nil {
		return err
	}
	_ = s.store.DeleteExpiredOAuthStates(ctx)
	c.SetCookie(s.oauthCookie(state, browserSecret, int(oauthStateTTL/time.Second)))
	u := s.accounts.AuthCodeURL(state, p.Email)
	if params.Redirect != nil && *params.Redirect {
		return c.Redirect(http.StatusFound, u)
	}
	return c.JSON(http.StatusOK, apigen.GoogleConnect{AuthorizationUrl: u})
}

// oauthCookie is the browser binding of the flow with state: sent only to
// the callback (its path), never readable by scripts, sent on the top-level
// GET that comes back from Google (Lax) and over HTTPS only when the
// callback is HTTPS. maxAge < 0 deletes it.
func (s *Server) oauthCookie(state, value string, maxAge int) *http.Cookie {
	path := callbackPath
	secure := false
	if u, err := url.Parse(s.cfg.OAuth.RedirectURL); err == nil {
		if u.Path != "" {
			path = u.Path
		}
		secure = u.Scheme == "https"
	}
	return &http.Cookie{
		Name: oauthCookieName(state), Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
}

func oauthCookieName(state string) string {
	sum := sha256.Sum256([]byte(state))
	return oauthCookiePrefix + hex.EncodeToString(sum[:8])
}

func randomToken() (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// GoogleCallback completes the flow: the state must be one this API issued,
// unused and fresh, and the browser must hold the cookie set when the flow
// started (CSRF); then the code is exchanged and the tokens stored
// encrypted. The state is used up by the first callback that brings it,
// whatever the outcome.
func (s *Server) GoogleCallback(c echo.Context, params apigen.GoogleCallbackParams) error {
	if s.accounts == nil {
		return notFound("Google connections are not configured")
	}
	if params.State == nil || *params.State == "" {
		return badRequest("the callback has no state")
	}
	ctx := c.Request().Context()
	state := *params.State
	cookie, _ := c.Cookie(oauthCookieName(state))
	c.SetCookie(s.oauthCookie(state, "", -1))
	flow, err := s.store.TakeOAuthState(ctx, state)
	if store.IsNotFound(err) {
		return badRequest("the state is unknown, used or expired: start again from /api/v1/google/connect")
	}
	if err != nil {
		return err
	}
	if !sameBrowser(cookie, flow.BrowserHash) {
		s.log.WarnContext(ctx, "google connection refused: the flow was started in another browser",
			"flow_user_id", flow.UserID, "cookie_present", cookie != nil, "request_id", requestID(c))
		return forbidden("this connection was started in another browser (or the browser refused its cookie): start again from BeSunny in this browser")
	}
	if params.Error != nil && *params.Error != "" {
		return badRequest("Google did not grant access: " + *params.Error)
	}
	if params.Code == nil || *params.Code == "" {
		return badRequest("the callback has no code")
	}
	userID := flow.UserID
	email, err := s.accounts.Connect(ctx, userID, *params.Code)
	if err != nil {
		s.log.WarnContext(ctx, "google connection failed", "user_id", userID, "error", err)
		return badRequest("connecting Google failed: " + err.Error())
	}
	s.log.InfoContext(ctx, "google connected", "user_id", userID, "google_email", email)
	s.watchPrimaryCalendar(ctx, userID)
	if s.cfg.OAuth.SuccessURL != "" {
		return c.Redirect(http.StatusFound, s.cfg.OAuth.SuccessURL+"?connected="+url.QueryEscape(email))
	}
	return c.HTML(http.StatusOK, fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>BeSunny</title>
<p style="font:16px system-ui;margin:3em">Google account <b>%s</b> is connected to BeSunny. You can close this page.</p>`, html.EscapeString(email)))
}

// sameBrowser reports whether cookie carries the secret whose hash the flow
// stored.
func sameBrowser(cookie *http.Cookie, hash []byte) bool {
	if cookie == nil || cookie.Value == "" {
		return false
	}
	sum := sha256.Sum256([]byte(cookie.Value))
	return subtle.ConstantTimeCompare(sum[:], hash) == 1
}

// GetGoogleConnection shows the caller's connection (never its tokens).
func (s *Server) GetGoogleConnection(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if s.accounts == nil {
		return c.JSON(http.StatusOK, apigen.GoogleConnection{Connected: false})
	}
	conn, err := s.accounts.Connection(c.Request().Context(), p.UserID)
	if errors.Is(err, google.ErrNotConnected) {
		return c.JSON(http.StatusOK, apigen.GoogleConnection{Connected: false})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apigen.GoogleConnection{Connected: true, Email: &conn.Email, Scopes: &conn.Scopes, ConnectedAt: &conn.UpdatedAt})
}

// DeleteGoogleConnection revokes the grant, deletes the tokens and ends the
// caller's Drive watches and calendars (nothing could read them any more).
func (s *Server) DeleteGoogleConnection(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if s.accounts == nil {
		return notFound("Google is not connected")
	}
	ctx := c.Request().Context()
	s.unwatchCalendars(ctx, p.UserID, "the owner disconnected Google")
	if err := s.accounts.Disconnect(ctx, p.UserID); errors.Is(err, google.ErrNotConnected) {
		return notFound("Google is not connected")
	} else if err != nil {
		return err
	}
	files, err := s.store.ListActiveDriveWatchesForOwner(ctx, p.UserID)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := s.unsubscribe(ctx, f, p.UserID.String()); err != nil {
			s.log.WarnContext(ctx, "unsubscribe after disconnect failed", "file_id", f, "error", err)
		}
	}
	return c.NoContent(http.StatusNoContent)
}
