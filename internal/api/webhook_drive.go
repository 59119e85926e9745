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

// DrivePush receives a Drive channel notification. The channel must be one
// we opened and still use, and its token must match the stored hash; then the
// file's workflow is signalled and Drive gets 204 at once.
func (s *Server) DrivePush(c echo.Context, params apigen.DrivePushParams) error {
	ctx := c.Request().Context()
	number, err := strconv.ParseInt(params.XGoogMessageNumber, 10, 64)
	if err != nil {
		return badRequest("X-Goog-Message-Number is not a number")
	}
	ch, err := s.store.GetDriveChannel(ctx, params.XGoogChannelID)
	if store.IsNotFound(err) || (err == nil && !ch.Active) {
		// 404 tells Drive the channel is gone, so it stops sending.
		return notFound("unknown or stopped channel")
	}
	if err != nil {
		return err
	}
	token := ""
	if params.XGoogChannelToken != nil {
		token = *params.XGoogChannelToken
	}
	sum := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(sum[:], ch.TokenHash) != 1 {
		s.log.WarnContext(ctx, "drive push with a wrong channel token", "channel_id", ch.ChannelID)
		return newProblem(http.StatusUnauthorized, "the channel token does not match")
	}
	state := params.XGoogResourceState
	entry := db.InsertDriveWebhookLogParams{ChannelID: ch.ChannelID, MessageNumber: number, FileID: ch.FileID, ResourceState: state}
	if params.XGoogChanged != nil {
		entry.Changed = *params.XGoogChanged
	}
	seen, err := s.store.DriveWebhookSeen(ctx, db.DriveWebhookSeenParams{ChannelID: ch.ChannelID, MessageNumber: number})
	if err != nil {
		return err
	}
	switch {
	case seen:
		return c.NoContent(http.StatusNoContent)
	case state == "sync":
		// The channel's first message only confirms it works.
		entry.Outcome = "sync"
	default:
		err := s.temporal.SignalWorkflow(ctx, workflows.DriveFileWorkflowID(ch.FileID), "", workflows.ChangedSignal,
			workflows.DriveChange{ResourceState: state, MessageNumber: number, At: time.Now().UTC()})
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			entry.Outcome = "no watch"
			_ = s.store.DeactivateDriveChannel(ctx, ch.ChannelID)
			_, _ = s.store.InsertDriveWebhookLog(ctx, entry)
			return notFound("the file is no longer watched")
		}
		if err != nil {
			// Not recorded: Drive retries with the same number, which must
			// then be signalled, not taken for a duplicate.
			return fmt.Errorf("signal %s: %w", ch.FileID, err)
		}
		entry.Outcome = "signalled"
	}
	if _, err := s.store.InsertDriveWebhookLog(ctx, entry); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
