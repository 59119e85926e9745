package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// DeleteDocument soft-deletes one of the caller's documents (the trigger
// announces document.deleted). A Drive document's watch ends for the
// caller; the file's workflow stops its channel and ends when the caller was
// its last owner.
func (s *Server) DeleteDocument(c echo.Context, id openapi_types.UUID) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, err := s.store.SoftDeleteDocument(ctx, db.SoftDeleteDocumentParams{ID: id, OwnerID: p.UserID})
	if store.IsNotFound(err) {
		return notFound("no document " + id.String())
	}
	if err != nil {
		return err
	}
	if d.Source == "drive" && d.FileID != nil {
		w, err := s.store.GetDriveWatch(ctx, db.GetDriveWatchParams{FileID: *d.FileID, OwnerID: p.UserID})
		if err == nil && w.Active {
			if err := s.unsubscribe(ctx, *d.FileID, p.UserID.String()); err != nil {
				return err
			}
		} else if err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	return c.NoContent(http.StatusNoContent)
}
