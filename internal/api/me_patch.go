package api

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
)

// UpdateMe changes the caller's settings: only the fields sent change.
// Turning auto-join on or off has every watched calendar review its
// upcoming meetings' notetaker.
func (s *Server) UpdateMe(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(c.Request().Body)
	var in apigen.MePatch
	if err != nil || json.Unmarshal(body, &in) != nil {
		return badRequest(`send {"auto_join_meetings": true | false}`)
	}
	ctx := c.Request().Context()
	u, err := s.store.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	if in.AutoJoinMeetings != nil && *in.AutoJoinMeetings != u.AutoJoinMeetings {
		if u, err = s.store.SetAutoJoinMeetings(ctx, db.SetAutoJoinMeetingsParams{ID: p.UserID, AutoJoinMeetings: *in.AutoJoinMeetings}); err != nil {
			return err
		}
		calendars, err := s.store.ListActiveCalendarsForOwner(ctx, p.UserID)
		if err != nil {
			return err
		}
		for _, id := range calendars {
			if err := s.botPreferencesChanged(ctx, p.UserID, id, ""); err != nil {
				return err
			}
		}
	}
	return c.JSON(http.StatusOK, s.userBody(u))
}
