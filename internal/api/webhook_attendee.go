package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// Outcomes of an Attendee delivery (attendee_webhook_logs.outcome).
const (
	hookReceived   = "received"
	hookSignalled  = "signalled"
	hookDuplicate  = "duplicate"
	hookUnknownBot = "unknown_bot"
	hookNoWorkflow = "no_workflow"
	hookIgnored    = "ignored"
)

// AttendeePush receives an Attendee webhook. The signature is checked
// against the canonical JSON of the body before anything else; then the
// delivery is recorded under its idempotency key, and — unless that key
// already reached its workflow — the meeting's MeetingBotWorkflow is
// signalled. Attendee gets 200 within milliseconds: no Attendee call, no
// pipeline work here.
func (s *Server) AttendeePush(c echo.Context, params apigen.AttendeePushParams) error {
	ctx := c.Request().Context()
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return badRequest("the body could not be read")
	}
	sig := ""
	if params.XWebhookSignature != nil {
		sig = *params.XWebhookSignature
	}
	if err := attendee.Verify(body, sig, s.cfg.Attendee.WebhookKeys()...); err != nil {
		s.log.WarnContext(ctx, "attendee webhook refused", "reason", err.Error(), "bytes", len(body),
			"remote", c.RealIP(), "request_id", requestID(c))
		return newProblem(http.StatusUnauthorized, "the X-Webhook-Signature does not match the body (ATTENDEE_WEBHOOK_SECRET)")
	}
	w, err := attendee.ParseWebhook(body)
	if err != nil {
		s.log.WarnContext(ctx, "attendee webhook unreadable", "error", err, "request_id", requestID(c))
		return badRequest(err.Error())
	}
	var change attendee.StateChange
	if w.Trigger == attendee.TriggerStateChange {
		if change, err = w.StateChange(); err != nil {
			return badRequest(err.Error())
		}
	}
	meetingID, err := s.meetingOfBot(c, w)
	if err != nil {
		return err
	}
	entry := db.RecordAttendeeWebhookParams{IdempotencyKey: w.IdempotencyKey, BotID: w.BotID, Trigger: w.Trigger,
		NewState: change.NewState, EventType: change.EventType, EventSubType: change.EventSubType}
	if meetingID != uuid.Nil {
		entry.MeetingID = &meetingID
	}
	rec, err := s.store.RecordAttendeeWebhook(ctx, entry)
	if err != nil {
		return fmt.Errorf("record attendee webhook: %w", err)
	}
	logDelivery := func(outcome string) {
		s.log.InfoContext(ctx, "attendee webhook", "idempotency_key", w.IdempotencyKey, "bot_id", w.BotID,
			"trigger", w.Trigger, "new_state", change.NewState, "event_sub_type", change.EventSubType,
			"meeting_id", meetingID, "outcome", outcome, "deliveries", rec.Deliveries, "request_id", requestID(c))
	}
	if rec.Deliveries > 1 && rec.Outcome != hookReceived {
		// Attendee retried a delivery that was handled (our 200 got lost).
		logDelivery(hookDuplicate)
		return c.JSON(http.StatusOK, apigen.AttendeeWebhookAck{Outcome: hookDuplicate})
	}
	outcome := hookSignalled
	switch {
	case meetingID == uuid.Nil:
		outcome = hookUnknownBot
	case w.Trigger != attendee.TriggerStateChange:
		outcome = hookIgnored
	default:
		notice := workflows.BotEventNotice{IdempotencyKey: w.IdempotencyKey, BotID: w.BotID, Trigger: w.Trigger,
			OldState: change.OldState, NewState: change.NewState, EventType: change.EventType,
			EventSubType: change.EventSubType, CreatedAt: change.CreatedAt}
		err := s.temporal.SignalWorkflow(ctx, workflows.MeetingBotWorkflowID(meetingID.String()), "", workflows.BotEventSignal, notice)
		var nf *serviceerror.NotFound
		switch {
		case errors.As(err, &nf):
			outcome = hookNoWorkflow
		case err != nil:
			// Left "received": Attendee's retry signals again.
			logDelivery("signal failed")
			return fmt.Errorf("signal the bot of meeting %s: %w", meetingID, err)
		}
	}
	if err := s.store.SetAttendeeWebhookOutcome(ctx, db.SetAttendeeWebhookOutcomeParams{IdempotencyKey: w.IdempotencyKey, Outcome: outcome}); err != nil {
		return fmt.Errorf("record attendee webhook outcome: %w", err)
	}
	logDelivery(outcome)
	return c.JSON(http.StatusOK, apigen.AttendeeWebhookAck{Outcome: apigen.AttendeeWebhookAckOutcome(outcome)})
}

// meetingOfBot finds the meeting a delivery is about: the meeting id BeSunny
// put in the bot's metadata, or the meeting that holds the bot id. Nil when
// BeSunny does not know the bot.
func (s *Server) meetingOfBot(c echo.Context, w attendee.Webhook) (uuid.UUID, error) {
	ctx := c.Request().Context()
	if id, err := uuid.Parse(w.MetadataString(activities.BotMetadataMeetingID)); err == nil {
		m, err := s.store.GetMeetingOwner(ctx, id)
		switch {
		case err == nil:
			return m.ID, nil
		case !store.IsNotFound(err):
			return uuid.Nil, err
		}
	}
	if w.BotID == "" {
		return uuid.Nil, nil
	}
	m, err := s.store.FindMeetingByBotID(ctx, &w.BotID)
	switch {
	case err == nil:
		return m.ID, nil
	case store.IsNotFound(err):
		return uuid.Nil, nil
	}
	return uuid.Nil, err
}
