package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
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
	mediaType, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mediaType != "message/rfc822" {
		return newProblem(http.StatusUnsupportedMediaType, "send the raw message with Content-Type: message/rfc822")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, s.cfg.Inbound.MaxUploadBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return newProblem(http.StatusRequestEntityTooLarge, "the message is larger than MAX_UPLOAD_BYTES")
	}
	if err != nil {
		return badRequest("the body could not be read: " + err.Error())
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
