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
	ctx := c.Request().Context()
	owner, err := s.store.UserByUsername(ctx, name)
	switch {
	case store.IsNotFound(err):
		// Free unless its previous owner gave it up recently: it stays
		// theirs for USERNAME_RESERVATION (see PUT /api/v1/me/username).
		r, rerr := s.store.GetActiveUsernameReservation(ctx, name)
		switch {
		case store.IsNotFound(rerr):
			out.Status, out.Available = apigen.Available, true
		case rerr != nil:
			return rerr
		case r.UserID != nil && *r.UserID == principal(c).UserID:
			out.Status, out.Available, out.Reason = apigen.Available, true, ptr("you gave it up and it is still reserved for you")
		default:
			out.Status, out.Reason = apigen.Taken, ptr("its previous owner gave it up and it is reserved for them until "+r.ReservedUntil.UTC().Format("2006-01-02"))
		}
	case err != nil:
		return err
	case owner == principal(c).UserID:
		out.Status, out.Available, out.Reason = apigen.Available, true, ptr("it is already your username")
	default:
		out.Status, out.Reason = apigen.Taken, ptr("someone else has this username (case does not matter)")
	}
	return c.JSON(http.StatusOK, out)
}
