package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/workflows"
)

// SandboxDeliverMail drops a raw message into the sandbox mailbox. From there
// everything is what production does: push, mailbox workflow, message run.
func (s *Server) SandboxDeliverMail(c echo.Context) error {
	if s.sandbox == nil {
		return notFound("sandbox routes exist only when GOOGLE_MODE=sandbox")
	}
	if _, err := requireService(c); err != nil {
		return err
	}
	raw, err := s.readRawMessage(c)
	if err != nil {
		return err
	}
	id, historyID, err := s.sandbox.DeliverMail(c.Request().Context(), s.cfg.Inbound.Mailbox, raw)
	if err != nil {
		return fmt.Errorf("deliver to the sandbox mailbox: %w", err)
	}
	wf := workflows.EmailWorkflowID(id, 1)
	return c.JSON(http.StatusAccepted, apigen.SandboxDelivery{
		GmailMessageId: id,
		HistoryId:      strconv.FormatUint(historyID, 10),
		WorkflowId:     wf,
		StatusUrl:      s.cfg.PublicURL + "/api/v1/runs/" + url.PathEscape(wf),
	})
}
