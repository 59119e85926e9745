package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/store"
)

// CheckUsername says whether name can be chosen: available, taken or
// invalid with the rule it breaks.
func (s *Server) CheckUsername(c echo.Context, name string) error {
	out := apigen.UsernameCheck{Username: name}
	if problem := mail.UsernameProblem(name); problem != "" {
		out.Status, out.Reason = apigen.Invalid, &problem
		return c.JSON(http.StatusOK, out)
	}
	owner, err := s.store.UserByUsername(c.Request().Context(), name)
	switch {
	case store.IsNotFound(err):
		out.Status, out.Available = apigen.Available, true
	case err != nil:
		return err
	case owner == principal(c).UserID:
		out.Status, out.Available, out.Reason = apigen.Available, true, ptr("it is already your username")
	default:
		out.Status, out.Reason = apigen.Taken, ptr("someone else has this username (case does not matter)")
	}
	return c.JSON(http.StatusOK, out)
}
