package api

import (
	"crypto/rand"
	"encoding/base64"
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

// oauthStateTTL bounds how long a user has to finish the consent screen.
const oauthStateTTL = 15 * time.Minute

// callbackPath is reached by the browser coming back from Google, without a
// bearer token: the one-time state authenticates it.
const callbackPath = "/api/v1/google/callback"

// GoogleConnect starts the authorization-code flow for the caller.
func (s *Server) GoogleConnect(c echo.Context, params apigen.GoogleConnectParams) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if s.accounts == nil || !s.accounts.Configured() {
		return conflict("Google connections are not configured: set GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (or use GOOGLE_MODE=sandbox)")
	}
	ctx := c.Request().Context()
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	state := base64.RawURLEncoding.EncodeToString(buf)
	if err := s.store.InsertOAuthState(ctx, db.InsertOAuthStateParams{State: state, UserID: p.UserID, ExpiresAt: time.Now().Add(oauthStateTTL)}); err != nil {
		return err
	}
	_ = s.store.DeleteExpiredOAuthStates(ctx)
	u := s.accounts.AuthCodeURL(state, p.Email)
	if params.Redirect != nil && *params.Redirect {
		return c.Redirect(http.StatusFound, u)
	}
	return c.JSON(http.StatusOK, apigen.GoogleConnect{AuthorizationUrl: u})
}

// GoogleCallback completes the flow: the state must be one this API issued,
// unused and fresh (CSRF), then the code is exchanged and the tokens stored
// encrypted.
func (s *Server) GoogleCallback(c echo.Context, params apigen.GoogleCallbackParams) error {
	if s.accounts == nil {
		return notFound("Google connections are not configured")
	}
	if params.State == nil || *params.State == "" {
		return badRequest("the callback has no state")
	}
	ctx := c.Request().Context()
	userID, err := s.store.TakeOAuthState(ctx, *params.State)
	if store.IsNotFound(err) {
		return badRequest("the state is unknown, used or expired: start again from /api/v1/google/connect")
	}
	if err != nil {
		return err
	}
	if params.Error != nil && *params.Error != "" {
		return badRequest("Google did not grant access: " + *params.Error)
	}
	if params.Code == nil || *params.Code == "" {
		return badRequest("the callback has no code")
	}
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
