package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/store"
)

// GetMe returns the caller's user row and the names they may take back.
func (s *Server) GetMe(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.store.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	out := s.userBody(u)
	if out.ReservedUsernames, err = s.reservedUsernames(ctx, u); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) reservedUsernames(ctx context.Context, u db.User) (*[]apigen.UsernameReservation, error) {
	rows, err := s.store.ListUsernameReservationsForUser(ctx, &u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]apigen.UsernameReservation, 0, len(rows))
	for _, r := range rows {
		out = append(out, apigen.UsernameReservation{Username: r.Username, ReleasedAt: r.ReleasedAt, ReservedUntil: r.ReservedUntil})
	}
	return &out, nil
}

// maxUsernameReservations bounds the names one user keeps reserved at once.
const maxUsernameReservations = 5

// errUsernameUnavailable is a name another user holds or has reserved, or a
// rename that would reserve too many.
type errUsernameUnavailable struct{ detail string }

func (e *errUsernameUnavailable) Error() string { return e.detail }

// SetUsername sets the caller's username after checking the rules. The name
// given up stays reserved for the caller for USERNAME_RESERVATION, so
// nobody else can receive the mail still sent to the old address; a name
// reserved by someone else is refused with the date it frees up.
func (s *Server) SetUsername(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var req apigen.SetUsernameRequest
	if err := c.Bind(&req); err != nil {
		return bindFailed(err, `send a JSON body like {"username": "alice"}`)
	}
	if !mail.ValidUsername(req.Username) {
		return badRequest("a username has 3 to 30 letters or digits and does not start with a digit")
	}
	ctx := c.Request().Context()
	var u db.User
	err = s.store.InTx(ctx, func(q *db.Queries) error {
		cur, err := q.GetUserForUpdate(ctx, p.UserID)
		if err != nil {
			return err
		}
		if err := s.claimUsername(ctx, q, cur, req.Username); err != nil {
			return err
		}
		u, err = q.SetUsername(ctx, db.SetUsernameParams{ID: p.UserID, Username: &req.Username})
		return err
	})
	var unavailable *errUsernameUnavailable
	switch {
	case errors.As(err, &unavailable):
		return conflict(unavailable.detail)
	case store.IsUniqueViolation(err, "users_username_key"):
		return conflict("the username " + req.Username + " is taken")
	case err != nil:
		return err
	}
	out := s.userBody(u)
	if out.ReservedUsernames, err = s.reservedUsernames(ctx, u); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// claimUsername checks that the caller (row cur, locked) may take name and
// moves the reservations: the caller's own reservation of name ends, and
// the name they give up is reserved for them. It runs in the transaction
// that sets the name, and locks the reservation it reads, so two users
// cannot both pass it for the same name.
func (s *Server) claimUsername(ctx context.Context, q *db.Queries, cur db.User, name string) error {
	if cur.Username != nil && strings.EqualFold(*cur.Username, name) {
		return nil // the same name, perhaps in another case: nothing is released
	}
	// Lock the name taken and the name given up, in one order for everyone
	// (no deadlock), so a claim of X waits for a rename away from X to
	// commit its reservation, and then sees it.
	names := []string{strings.ToLower(name)}
	if cur.Username != nil {
		names = append(names, strings.ToLower(*cur.Username))
	}
	slices.Sort(names)
	for _, n := range names {
		if err := q.LockUsername(ctx, n); err != nil {
			return err
		}
	}
	r, err := q.GetUsernameReservationForUpdate(ctx, name)
	switch {
	case store.IsNotFound(err):
	case err != nil:
		return err
	case r.UserID == nil || *r.UserID != cur.ID:
		return &errUsernameUnavailable{fmt.Sprintf(
			"the username %s was given up on %s and is reserved for its previous owner until %s (mail to it still reaches them)",
			name, r.ReleasedAt.UTC().Format(time.DateOnly), r.ReservedUntil.UTC().Format(time.RFC3339))}
	default:
		if err := q.DeleteUsernameReservation(ctx, name); err != nil {
			return err
		}
	}
	if cur.Username == nil || s.cfg.UsernameReservation <= 0 {
		return nil
	}
	// Without a bound, renaming in a loop would reserve any name one likes
	// for the whole period (squatting).
	held, err := q.CountUsernameReservationsForUser(ctx, &cur.ID)
	if err != nil {
		return err
	}
	if held >= maxUsernameReservations {
		until, err := q.FirstUsernameReservationEnd(ctx, &cur.ID)
		if err != nil {
			return err
		}
		return &errUsernameUnavailable{fmt.Sprintf(
			"you have given up %d usernames that are still reserved for you: take one of them back, or change your username again after %s",
			held, until.UTC().Format(time.RFC3339))}
	}
	return q.ReserveUsername(ctx, db.ReserveUsernameParams{
		Username: *cur.Username, UserID: &cur.ID, ReservedUntil: time.Now().Add(s.cfg.UsernameReservation),
	})
}

func (s *Server) userBody(u db.User) apigen.User {
	out := apigen.User{Id: u.ID, Email: u.Email, Name: u.Name, Username: u.Username, DisplayName: u.DisplayName, CreatedAt: u.CreatedAt, AutoJoinMeetings: u.AutoJoinMeetings}
	if u.Username != nil && len(s.cfg.Inbound.Domains) > 0 {
		addr := s.cfg.Inbound.LocalPart + "+" + *u.Username + "@" + s.cfg.Inbound.Domains[0]
		out.VirtualAddress = &addr
	}
	return out
}
