package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// CalendarPush receives a Calendar channel notification (headers only, no
// body). The channel must be one we opened and still use, and its token
// must match one of the hashes stored for it; then the calendar's workflow
// is signalled and Google gets 204 at once. The sync notification only
// confirms the channel (and tells its resource id when the events.watch
// answer was lost).
func (s *Server) CalendarPush(c echo.Context, params apigen.CalendarPushParams) error {
	ctx := c.Request().Context()
	number, err := strconv.ParseInt(params.XGoogMessageNumber, 10, 64)
	if err != nil {
		return badRequest("X-Goog-Message-Number is not a number")
	}
	ch, err := s.store.GetCalendarChannel(ctx, params.XGoogChannelID)
	if store.IsNotFound(err) || (err == nil && !ch.Active) {
		s.log.InfoContext(ctx, "calendar push for an unknown or stopped channel", "channel_id", params.XGoogChannelID,
			"resource_state", params.XGoogResourceState, "message_number", number)
		// 404 tells Google the channel is gone, so it stops sending.
		return notFound("unknown or stopped channel")
	}
	if err != nil {
		return err
	}
	if !tokenMatches(params.XGoogChannelToken, ch.TokenHashes) {
		s.log.WarnContext(ctx, "calendar push with a wrong channel token", "channel_id", ch.ChannelID)
		return newProblem(http.StatusUnauthorized, "the channel token does not match")
	}
	state := params.XGoogResourceState
	owner := ch.OwnerID
	entry := db.InsertCalendarWebhookLogParams{ChannelID: ch.ChannelID, MessageNumber: number, OwnerID: &owner,
		CalendarID: ch.CalendarID, ResourceState: state}
	seen, err := s.store.CalendarWebhookSeen(ctx, db.CalendarWebhookSeenParams{ChannelID: ch.ChannelID, MessageNumber: number})
	if err != nil {
		return err
	}
	workflowID := workflows.CalendarWorkflowID(ch.OwnerID.String(), ch.CalendarID)
	switch {
	case seen:
		s.log.InfoContext(ctx, "calendar push repeated", "channel_id", ch.ChannelID, "message_number", number)
		return c.NoContent(http.StatusNoContent)
	case state == "sync":
		if params.XGoogResourceID != nil && ch.ResourceID == "" {
			if err := s.store.LearnCalendarChannelResource(ctx, db.LearnCalendarChannelResourceParams{ChannelID: ch.ChannelID, ResourceID: *params.XGoogResourceID}); err != nil {
				return err
			}
		}
		entry.Outcome = "sync"
	default:
		err := s.temporal.SignalWorkflow(ctx, workflowID, "", workflows.ChangedSignal,
			workflows.CalendarPush{ChannelID: ch.ChannelID, ResourceState: state, MessageNumber: number, At: time.Now().UTC()})
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			entry.Outcome = "no watch"
			_ = s.store.DeactivateCalendarChannel(ctx, ch.ChannelID)
			_, _ = s.store.InsertCalendarWebhookLog(ctx, entry)
			s.log.InfoContext(ctx, "calendar push for a calendar no longer watched", "channel_id", ch.ChannelID, "workflow_id", workflowID)
			return notFound("the calendar is no longer watched")
		}
		if err != nil {
			// Not recorded: Google retries with the same number, which
			// must then be signalled, not taken for a duplicate.
			return fmt.Errorf("signal %s: %w", workflowID, err)
		}
		entry.Outcome = "signalled"
	}
	if _, err := s.store.InsertCalendarWebhookLog(ctx, entry); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "calendar push", "channel_id", ch.ChannelID, "resource_state", state, "message_number", number,
		"workflow_id", workflowID, "outcome", entry.Outcome)
	return c.NoContent(http.StatusNoContent)
}

// tokenMatches compares the token's hash with every hash stored for the
// channel, in constant time each, and without stopping at the first match.
func tokenMatches(token *string, hashes [][]byte) bool {
	t := ""
	if token != nil {
		t = *token
	}
	sum := sha256.Sum256([]byte(t))
	match := 0
	for _, h := range hashes {
		match |= subtle.ConstantTimeCompare(sum[:], h)
	}
	return match == 1
}
