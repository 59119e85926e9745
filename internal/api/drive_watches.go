package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/workflows"
)

var driveFileID = regexp.MustCompile(`^[A-Za-z0-9_-]{10,128}$`)

// CreateDriveWatch subscribes the caller to a Drive file: SignalWithStart on
// the file's workflow, which syncs the caller's document at once.
func (s *Server) CreateDriveWatch(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var in apigen.DriveWatchRequest
	if err := c.Bind(&in); err != nil || !driveFileID.MatchString(in.FileId) {
		return badRequest(`send {"file_id": "<Drive file id>"}`)
	}
	ctx := c.Request().Context()
	if s.accounts == nil {
		return conflict("Drive is switched off (GOOGLE_MODE=off)")
	}
	if _, err := s.accounts.Connection(ctx, p.UserID); errors.Is(err, google.ErrNotConnected) {
		return conflict("connect Google first: GET /api/v1/google/connect")
	} else if err != nil {
		return err
	}
	id := workflows.DriveFileWorkflowID(in.FileId)
	_, err = s.temporal.SignalWithStartWorkflow(ctx, id, workflows.SubscribeSignal, workflows.DriveOwnerNotice{UserID: p.UserID.String()},
		workflows.DriveFileStartOptions(s.cfg.Temporal.TaskQueue, in.FileId), workflows.DriveFileWorkflow, workflows.DriveFileInput{FileID: in.FileId})
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", id, err)
	}
	return c.JSON(http.StatusAccepted, s.started(id))
}

// DeleteDriveWatch unsubscribes the caller from a file.
func (s *Server) DeleteDriveWatch(c echo.Context, fileID apigen.FileId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	w, err := s.store.GetDriveWatch(ctx, db.GetDriveWatchParams{FileID: fileID, OwnerID: p.UserID})
	if err != nil || !w.Active {
		return notFound("you do not watch the file " + fileID)
	}
	if err := s.unsubscribe(ctx, fileID, p.UserID.String()); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

// unsubscribe tells the file's workflow; if it no longer runs, the watch is
// ended in the store directly.
func (s *Server) unsubscribe(ctx context.Context, fileID, owner string) error {
	err := s.temporal.SignalWorkflow(ctx, workflows.DriveFileWorkflowID(fileID), "", workflows.UnsubscribeSignal, workflows.DriveOwnerNotice{UserID: owner})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		id, _ := uuid.Parse(owner)
		return s.store.EndDriveWatch(ctx, db.EndDriveWatchParams{FileID: fileID, OwnerID: id, LastError: "unsubscribed"})
	}
	return err
}

// ListDriveWatches lists the caller's watches with their workflows' status.
func (s *Server) ListDriveWatches(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, err := s.store.ListDriveWatchesForOwner(ctx, p.UserID)
	if err != nil {
		return err
	}
	out := apigen.DriveWatchList{Watches: make([]apigen.DriveWatch, 0, len(rows))}
	for _, w := range rows {
		item := apigen.DriveWatch{
			FileId: w.FileID, DocumentId: w.DocumentID, Active: w.Active, LastVersion: &w.LastVersion,
			LastSyncedAt: w.LastSyncedAt, LastWebhookAt: w.LastWebhookAt, LastPollAt: w.LastPollAt,
			LastError: w.LastError, WorkflowId: workflows.DriveFileWorkflowID(w.FileID),
		}
		if w.Active {
			// The file's workflow serves every watcher: the caller sees
			// their own part of its status.
			if st, err := s.driveStatusFor(ctx, item.WorkflowId, p.UserID.String()); err == nil {
				item.Status = &st
			}
		}
		out.Watches = append(out.Watches, item)
	}
	return c.JSON(http.StatusOK, out)
}
