package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/workflows"
)

// IngestEmail stores a raw message and starts its email run (workflows.EmailWorkflow). The
// workflow id is derived from the bytes, so a re-post finds the same run.
func (s *Server) IngestEmail(c echo.Context) error {
	if _, err := requireService(c); err != nil {
		return err
	}
	raw, err := s.readRawMessage(c)
	if err != nil {
		return err
	}
	// Even an empty body is stored and recorded (failed/unparseable): what
	// reaches the ingest path is never silently dropped.

	ctx := c.Request().Context()
	key := workflows.UploadMessageKey(raw)
	row, err := s.store.InsertInboundEmail(ctx, db.InsertInboundEmailParams{
		MessageKey: key,
		Source:     "upload",
		Sha256:     strings.TrimPrefix(key, "sha256:"),
		Raw:        raw,
		SizeBytes:  int64(len(raw)),
		ReceivedAt: time.Now().UTC(),
	})
	if err != nil {
		return fmt.Errorf("store message %s: %w", key, err)
	}
	// Starting again after a duplicate post is deliberate: if an earlier post
	// stored the message but could not reach Temporal, this one heals it.
	id := workflows.EmailWorkflowID(key, 1)
	if err := s.startEmailWorkflow(ctx, id, workflows.ProcessEmailInput{MessageKey: key, Source: "upload"}); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, apigen.IngestEmailResponse{
		WorkflowId: id,
		MessageKey: key,
		StatusUrl:  s.cfg.PublicURL + "/api/v1/runs/" + url.PathEscape(id),
		UiUrl:      ptr(s.workflowUIURL(id)),
		Duplicate:  !row.Inserted,
	})
}

// readRawMessage reads a message/rfc822 body of at most MAX_UPLOAD_BYTES.
func (s *Server) readRawMessage(c echo.Context) ([]byte, error) {
	mediaType, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mediaType != "message/rfc822" {
		return nil, newProblem(http.StatusUnsupportedMediaType, "send the raw message with Content-Type: message/rfc822")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, s.cfg.Inbound.MaxUploadBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the message is larger than %d bytes (MAX_UPLOAD_BYTES)", s.cfg.Inbound.MaxUploadBytes))
	}
	if err != nil {
		return nil, badRequest("the body could not be read: " + err.Error())
	}
	return raw, nil
}

// startEmailWorkflow starts the run, treating "already started" (running or
// completed) as success: a message is processed once per revision. A run
// that failed or was terminated is started again (workflows.EmailReusePolicy),
// so posting the same bytes again re-drives it.
func (s *Server) startEmailWorkflow(ctx context.Context, id string, in workflows.ProcessEmailInput) error {
	_, err := s.temporal.ExecuteWorkflow(ctx, workflows.EmailStartOptions(s.cfg.Temporal.TaskQueue, id, in.Source), workflows.EmailWorkflow, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start workflow %s: %w", id, err)
	}
	return nil
}

func (s *Server) workflowUIURL(id string) string {
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimRight(s.cfg.Temporal.UIURL, "/"),
		url.PathEscape(s.cfg.Temporal.Namespace), url.PathEscape(id))
}

func ptr[T any](v T) *T { return &v }
