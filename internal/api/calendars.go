package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// primaryCalendar is Calendar's name for a user's main calendar.
const primaryCalendar = "primary"

// ListCalendars lists the caller's calendars (watched or not any more) with
// their workflows' status.
func (s *Server) ListCalendars(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, err := s.store.ListCalendarsForOwner(ctx, p.UserID)
	if err != nil {
		return err
	}
	out := apigen.CalendarList{Calendars: make([]apigen.Calendar, 0, len(rows))}
	for _, r := range rows {
		id := workflows.CalendarWorkflowID(p.UserID.String(), r.CalendarID)
		item := apigen.Calendar{
			CalendarId: r.CalendarID, Active: r.Active, Summary: r.Summary, TimeZone: r.TimeZone, SyncTokenAt: r.SyncTokenAt,
			LastFullSyncAt: r.LastFullSyncAt, LastIncrementalSyncAt: r.LastIncrementalSyncAt, LastWebhookAt: r.LastWebhookAt,
			LastPollAt: r.LastPollAt, LastError: r.LastError, EndedReason: r.EndedReason, WorkflowId: id, UiUrl: ptr(s.workflowUIURL(id)),
		}
		if r.Active {
			if st, err := s.queryStatus(ctx, id); err == nil {
				item.Status = &st
			}
		}
		out.Calendars = append(out.Calendars, item)
	}
	return c.JSON(http.StatusOK, out)
}

// WatchCalendar starts watching one of the caller's calendars (or syncs it
// now when it is watched already).
func (s *Server) WatchCalendar(c echo.Context, calendarID apigen.CalendarId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if s.accounts == nil {
		return conflict("Calendar is switched off (GOOGLE_MODE=off)")
	}
	conn, err := s.accounts.Connection(ctx, p.UserID)
	if errors.Is(err, google.ErrNotConnected) {
		return conflict("connect Google first: GET /api/v1/google/connect")
	} else if err != nil {
		return err
	}
	id, err := normalCalendarID(calendarID, conn.Email)
	if err != nil {
		return err
	}
	wf, err := s.watchCalendar(ctx, p.UserID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, s.started(wf))
}

// watchCalendar starts the calendar's workflow with a sync-now, or signals
// the running one.
func (s *Server) watchCalendar(ctx context.Context, owner uuid.UUID, calendarID string) (string, error) {
	id := workflows.CalendarWorkflowID(owner.String(), calendarID)
	_, err := s.temporal.SignalWithStartWorkflow(ctx, id, workflows.SyncNowSignal, nil,
		workflows.CalendarStartOptions(s.cfg.Temporal.TaskQueue, owner.String(), calendarID),
		workflows.CalendarWorkflow, workflows.CalendarInput{UserID: owner.String(), CalendarID: calendarID})
	if err != nil {
		return id, fmt.Errorf("watch %s: %w", id, err)
	}
	return id, nil
}

// watchPrimaryCalendar starts watching the user's main calendar once they
// connected Google. Failing to start it does not undo the connection: the
// worker starts it at its next start, and PUT …/watch does at once.
func (s *Server) watchPrimaryCalendar(ctx context.Context, owner uuid.UUID) {
	if _, err := s.watchCalendar(ctx, owner, primaryCalendar); err != nil {
		s.log.WarnContext(ctx, "the primary calendar's watch did not start", "user_id", owner, "error", err)
	}
}

// UnwatchCalendar stops watching a calendar; its meetings stay.
func (s *Server) UnwatchCalendar(c echo.Context, calendarID apigen.CalendarId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id, err := s.watchedCalendar(ctx, p.UserID, calendarID)
	if err != nil {
		return err
	}
	if err := s.unwatchCalendar(ctx, p.UserID, id, "unwatched"); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

// unwatchCalendar tells the calendar's workflow to end; if it no longer
// runs, the calendar is ended in the store directly.
func (s *Server) unwatchCalendar(ctx context.Context, owner uuid.UUID, calendarID, reason string) error {
	err := s.temporal.SignalWorkflow(ctx, workflows.CalendarWorkflowID(owner.String(), calendarID), "", workflows.UnwatchSignal,
		workflows.CalendarUnwatch{Reason: reason})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return s.store.EndCalendar(ctx, db.EndCalendarParams{OwnerID: owner, CalendarID: calendarID, EndedReason: reason})
	}
	return err
}

// unwatchWait bounds how long a disconnect waits for the calendars' workflows
// to stop their push channels, which needs the grant about to be revoked.
const unwatchWait = 10 * time.Second

// unwatchCalendars ends every watched calendar of the user and waits (a
// little) for their workflows to finish: they stop their push channels
// with the user's grant, so the grant is revoked only afterwards. A
// channel not stopped in time is refused by the webhook (404) until it
// expires.
func (s *Server) unwatchCalendars(ctx context.Context, owner uuid.UUID, reason string) {
	ids, err := s.store.ListActiveCalendarsForOwner(ctx, owner)
	if err != nil {
		s.log.WarnContext(ctx, "calendars of a disconnecting user not listed", "user_id", owner, "error", err)
		return
	}
	for _, id := range ids {
		if err := s.unwatchCalendar(ctx, owner, id, reason); err != nil {
			s.log.WarnContext(ctx, "unwatch on disconnect failed", "calendar_id", id, "error", err)
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, unwatchWait)
	defer cancel()
	for _, id := range ids {
		wf := workflows.CalendarWorkflowID(owner.String(), id)
		if err := s.temporal.GetWorkflow(waitCtx, wf, "").Get(waitCtx, nil); err != nil {
			s.log.WarnContext(ctx, "calendar workflow not finished before the disconnect", "workflow_id", wf, "error", err)
		}
	}
}

// SyncCalendar syncs a watched calendar now (restarting its workflow if an
// operator ended it).
func (s *Server) SyncCalendar(c echo.Context, calendarID apigen.CalendarId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id, err := s.watchedCalendar(ctx, p.UserID, calendarID)
	if err != nil {
		return err
	}
	wf, err := s.watchCalendar(ctx, p.UserID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, s.started(wf))
}

// watchedCalendar resolves a calendar id of the caller that is watched now,
// or answers 404.
func (s *Server) watchedCalendar(ctx context.Context, owner uuid.UUID, raw string) (string, error) {
	email := ""
	if s.accounts != nil {
		if conn, err := s.accounts.Connection(ctx, owner); err == nil {
			email = conn.Email
		}
	}
	id, err := normalCalendarID(raw, email)
	if err != nil {
		return "", err
	}
	row, err := s.store.GetCalendar(ctx, db.GetCalendarParams{OwnerID: owner, CalendarID: id})
	if store.IsNotFound(err) || (err == nil && !row.Active) {
		return "", notFound("you do not watch the calendar " + id)
	}
	return id, err
}

// normalCalendarID checks a calendar id and names the connected account's
// own calendar "primary", so it has one workflow whichever way it is named.
func normalCalendarID(raw, accountEmail string) (string, error) {
	id := strings.TrimSpace(raw)
	if id == "" || len(id) > 1024 || strings.ContainsFunc(id, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) || r == '/' }) {
		return "", badRequest("a calendar id is \"primary\" or a Google calendar id such as name@example.com")
	}
	if accountEmail != "" && strings.EqualFold(id, accountEmail) {
		return primaryCalendar, nil
	}
	return id, nil
}
