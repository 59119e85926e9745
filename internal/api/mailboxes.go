package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// ListMailboxes lists the mailboxes with their workflows' status.
func (s *Server) ListMailboxes(c echo.Context) error {
	if _, err := requireService(c); err != nil {
		return err
	}
	rows, err := s.store.Queries.ListMailboxes(c.Request().Context())
	if err != nil {
		return err
	}
	out := apigen.MailboxList{Mailboxes: make([]apigen.Mailbox, 0, len(rows))}
	for _, m := range rows {
		out.Mailboxes = append(out.Mailboxes, s.mailboxBody(c.Request().Context(), m))
	}
	return c.JSON(http.StatusOK, out)
}

// GetMailbox shows one mailbox.
func (s *Server) GetMailbox(c echo.Context, address string) error {
	if _, err := requireService(c); err != nil {
		return err
	}
	m, err := s.store.GetMailbox(c.Request().Context(), strings.ToLower(address))
	if store.IsNotFound(err) {
		return notFound("no mailbox " + address)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.mailboxBody(c.Request().Context(), m))
}

// SyncMailbox asks the mailbox's workflow to sync now.
func (s *Server) SyncMailbox(c echo.Context, address string) error {
	if _, err := requireService(c); err != nil {
		return err
	}
	address = strings.ToLower(address)
	if address != s.cfg.Inbound.Mailbox {
		if _, err := s.store.GetMailbox(c.Request().Context(), address); store.IsNotFound(err) {
			return notFound("no mailbox " + address)
		}
	}
	if s.cfg.Google.Mode == config.GoogleOff {
		return newProblem(http.StatusConflict, "Gmail is switched off (GOOGLE_MODE=off)")
	}
	id := workflows.MailboxWorkflowID(address)
	_, err := s.temporal.SignalWithStartWorkflow(c.Request().Context(), id, workflows.SyncNowSignal, nil,
		workflows.MailboxStartOptions(s.cfg.Temporal.TaskQueue, address), workflows.MailboxWorkflow, workflows.MailboxInput{Address: address})
	if err != nil {
		return fmt.Errorf("signal %s: %w", id, err)
	}
	return c.JSON(http.StatusAccepted, apigen.SyncResponse{WorkflowId: id})
}

func (s *Server) mailboxBody(ctx context.Context, m db.Mailbox) apigen.Mailbox {
	id := workflows.MailboxWorkflowID(m.Address)
	out := apigen.Mailbox{
		Address: m.Address, HistoryId: m.HistoryID, WatchExpiration: m.WatchExpiration,
		LastPushAt: m.LastPushAt, LastPollAt: m.LastPollAt, LastResyncAt: m.LastResyncAt,
		AccessError: &m.AccessError, AccessErrorAt: m.AccessErrorAt,
		WorkflowId: &id,
	}
	desc, err := s.temporal.DescribeWorkflow(ctx, id, "")
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		out.ExecutionStatus = ptr("NotStarted")
		return out
	case err != nil:
		s.log.WarnContext(ctx, "describe mailbox workflow", "workflow_id", id, "error", err)
		return out
	}
	out.ExecutionStatus = ptr(executionStatus(desc.RawResponse.GetWorkflowExecutionInfo()))
	if st, err := s.queryStatus(ctx, id); err == nil {
		out.Status = &st
	}
	return out
}
