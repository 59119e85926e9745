package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/db"
)

// maxDisplayName bounds a display name, in characters.
const maxDisplayName = 100

// UpdateMe changes the fields of the caller's profile and settings that the
// body names (display_name, auto_join_meetings); each field has its own
// small step.
func (s *Server) UpdateMe(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	// Decoded by hand: PATCH must tell "display_name": null (clear) from a
	// field that was not sent.
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return badRequest(`send a JSON object such as {"display_name": "Alice Martin"} or {"auto_join_meetings": true}`)
	}
	ctx := c.Request().Context()
	u, err := s.store.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	if raw, ok := fields["display_name"]; ok {
		if u, err = s.updateDisplayName(c, raw); err != nil {
			return err
		}
	}
	if raw, ok := fields["auto_join_meetings"]; ok {
		if u, err = s.updateAutoJoin(c, raw, u); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, s.userBody(u))
}

// updateAutoJoin turns the notetaker's auto-join on or off; a change has
// every watched calendar review its upcoming meetings' notetaker.
func (s *Server) updateAutoJoin(c echo.Context, raw json.RawMessage, u db.User) (db.User, error) {
	var on bool
	if err := json.Unmarshal(raw, &on); err != nil {
		return u, badRequest("auto_join_meetings is true or false")
	}
	if on == u.AutoJoinMeetings {
		return u, nil
	}
	ctx := c.Request().Context()
	u, err := s.store.SetAutoJoinMeetings(ctx, db.SetAutoJoinMeetingsParams{ID: u.ID, AutoJoinMeetings: on})
	if err != nil {
		return u, err
	}
	calendars, err := s.store.ListActiveCalendarsForOwner(ctx, u.ID)
	if err != nil {
		return u, err
	}
	for _, id := range calendars {
		if err := s.botPreferencesChanged(ctx, u.ID, id, ""); err != nil {
			return u, err
		}
	}
	return u, nil
}

func (s *Server) updateDisplayName(c echo.Context, raw json.RawMessage) (db.User, error) {
	var name *string
	if err := json.Unmarshal(raw, &name); err != nil {
		return db.User{}, badRequest("display_name is a string, or null to clear it")
	}
	if name != nil {
		trimmed := strings.TrimSpace(*name)
		if problem := displayNameProblem(trimmed); problem != "" {
			return db.User{}, badRequest(problem)
		}
		name = &trimmed
		if trimmed == "" {
			name = nil
		}
	}
	return s.store.SetDisplayName(c.Request().Context(), db.SetDisplayNameParams{ID: principal(c).UserID, DisplayName: name})
}

// displayNameProblem says what is wrong with a (trimmed) display name.
func displayNameProblem(name string) string {
	switch {
	case !utf8.ValidString(name):
		return "display_name must be valid UTF-8"
	case utf8.RuneCountInString(name) > maxDisplayName:
		return "display_name has at most 100 characters"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "display_name cannot hold control characters (newlines, tabs …)"
	}
	return ""
}
