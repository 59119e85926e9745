package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// storedEmail loads a message for a service-role caller.
func (s *Server) storedEmail(c echo.Context, messageKey string) (db.GetInboundEmailRow, error) {
	if _, err := requireService(c); err != nil {
		return db.GetInboundEmailRow{}, err
	}
	e, err := s.store.GetInboundEmail(c.Request().Context(), messageKey)
	if store.IsNotFound(err) {
		return e, notFound("no message " + messageKey)
	}
	return e, err
}

// GetEmail shows everything BeSunny knows about one stored message.
func (s *Server) GetEmail(c echo.Context, messageKey string) error {
	e, err := s.storedEmail(c, messageKey)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	logs, err := s.store.ListProcessingLogs(ctx, messageKey)
	if err != nil {
		return err
	}
	docs, err := s.store.ListDocumentsBySource(ctx, db.ListDocumentsBySourceParams{Source: e.Source, SourceID: messageKey})
	if err != nil {
		return err
	}
	out := apigen.EmailDetail{
		MessageKey: e.MessageKey, Source: apigen.EmailDetailSource(e.Source), Mailbox: &e.Mailbox,
		SizeBytes: e.SizeBytes, ReceivedAt: e.ReceivedAt, Status: apigen.EmailDetailStatus(e.Status),
		StatusReason: e.StatusReason, Revision: int(e.Revision), ProcessedAt: e.ProcessedAt,
		WorkflowId: workflows.EmailWorkflowID(e.MessageKey, int(e.Revision)),
		Subject:    e.Subject, Sender: e.Sender,
		Logs:      make([]apigen.ProcessingLog, 0, len(logs)),
		Documents: make([]apigen.EmailDocument, 0, len(docs)),
	}
	if len(e.Parsed) > 0 {
		var parse map[string]any
		if err := json.Unmarshal(e.Parsed, &parse); err != nil {
			return fmt.Errorf("decode parse result of %s: %w", messageKey, err)
		}
		out.Parse = &parse
	}
	for _, l := range logs {
		out.Logs = append(out.Logs, apigen.ProcessingLog{
			ExtractedUsername: l.ExtractedUsername, UserId: l.UserID, Status: l.Status,
			ErrorMessage: l.ErrorMessage, DocumentId: l.DocumentID, WorkflowId: l.WorkflowID, ProcessedAt: l.ProcessedAt,
		})
	}
	for _, d := range docs {
		out.Documents = append(out.Documents, apigen.EmailDocument{
			Id: d.ID, OwnerId: d.OwnerID, Title: d.Title, Status: d.Status,
			ClassificationSource: d.ClassificationSource, ProjectId: d.ProjectID,
		})
	}
	return c.JSON(http.StatusOK, out)
}

// ReprocessEmail re-runs a stored message under its next revision.
func (s *Server) ReprocessEmail(c echo.Context, messageKey string) error {
	e, err := s.storedEmail(c, messageKey)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rev, err := s.store.BumpInboundEmailRevision(ctx, messageKey)
	if err != nil {
		return err
	}
	id := workflows.EmailWorkflowID(messageKey, int(rev))
	// A gmail message is fetched again when it has only a placeholder (an
	// earlier run could not fetch it), from its own mailbox.
	in := workflows.ProcessEmailInput{
		MessageKey: messageKey, Source: e.Source, Mailbox: e.Mailbox, Revision: int(rev),
		FetchDeadline: s.cfg.Gmail.FetchDeadline,
	}
	if err := s.startEmailWorkflow(ctx, id, in); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, apigen.ReprocessResponse{
		WorkflowId: id, MessageKey: messageKey, Revision: int(rev),
		StatusUrl: s.cfg.PublicURL + "/api/v1/runs/" + url.PathEscape(id),
		UiUrl:     ptr(s.workflowUIURL(id)),
	})
}
