package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/store"
)

// GetMe returns the caller's user row.
func (s *Server) GetMe(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	u, err := s.store.GetUser(c.Request().Context(), p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.userBody(u))
}

// SetUsername sets the caller's username after checking the rules.
func (s *Server) SetUsername(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var req apigen.SetUsernameRequest
	if err := c.Bind(&req); err != nil {
		return badRequest("send a JSON body like {\"username\": \"alice\"}")
	}
	if !mail.ValidUsername(req.Username) {
		return badRequest("a username has 3 to 30 letters or digits and does not start with a digit")
	}
	u, err := s.store.SetUsername(c.Request().Context(), db.SetUsernameParams{ID: p.UserID, Username: &req.Username})
	if store.IsUniqueViolation(err, "users_username_key") {
		return conflict("the username " + req.Username + " is taken")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.userBody(u))
}

func (s *Server) userBody(u db.User) apigen.User {
	out := apigen.User{Id: u.ID, Email: u.Email, Name: u.Name, Username: u.Username, CreatedAt: u.CreatedAt, AutoJoinMeetings: u.AutoJoinMeetings}
	if u.Username != nil && len(s.cfg.Inbound.Domains) > 0 {
		addr := s.cfg.Inbound.LocalPart + "+" + *u.Username + "@" + s.cfg.Inbound.Domains[0]
		out.VirtualAddress = &addr
	}
	return out
}
