package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// ListDocuments pages through the caller's documents, newest first.
func (s *Server) ListDocuments(c echo.Context, params apigen.ListDocumentsParams) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	limit := 50
	if params.Limit != nil {
		limit = min(max(*params.Limit, 1), 200)
	}
	q := db.ListDocumentsForOwnerParams{OwnerID: p.UserID, MaxRows: int32(limit + 1), ProjectID: params.ProjectId}
	if params.Unclassified != nil {
		q.Unclassified = *params.Unclassified
	}
	if params.Cursor != nil {
		at, id, err := decodeCursor(*params.Cursor)
		if err != nil {
			return badRequest("cursor is not one this API returned")
		}
		q.BeforeReceivedAt, q.BeforeID = &at, &id
	}
	rows, err := s.store.ListDocumentsForOwner(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := apigen.DocumentList{Documents: make([]apigen.DocumentSummary, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			last := rows[limit-1]
			out.NextCursor = ptr(encodeCursor(last.ReceivedAt, last.ID))
			break
		}
		out.Documents = append(out.Documents, apigen.DocumentSummary{
			Id: r.ID, ProjectId: r.ProjectID, Source: apigen.DocumentSummarySource(r.Source), SourceId: r.SourceID,
			Type: r.Type, Title: r.Title, Author: r.Author, ReceivedAt: r.ReceivedAt,
			Status:               apigen.DocumentSummaryStatus(r.Status),
			ClassificationSource: apigen.DocumentSummaryClassificationSource(r.ClassificationSource),
			Confidence:           r.Confidence, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		})
	}
	return c.JSON(http.StatusOK, out)
}

// GetDocument returns one of the caller's documents; others' are 404.
func (s *Server) GetDocument(c echo.Context, id openapi_types.UUID) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	d, err := s.store.GetDocumentForOwner(c.Request().Context(), db.GetDocumentForOwnerParams{ID: id, OwnerID: p.UserID})
	if store.IsNotFound(err) {
		return notFound("no document " + id.String())
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, documentBody(d))
}

func documentBody(d db.Document) apigen.Document {
	var metadata map[string]any
	if err := json.Unmarshal(d.Metadata, &metadata); err != nil || metadata == nil {
		metadata = map[string]any{}
	}
	return apigen.Document{
		Id: d.ID, ProjectId: d.ProjectID, Source: apigen.DocumentSource(d.Source), SourceId: d.SourceID,
		Type: d.Type, Title: d.Title, Author: d.Author, Content: d.Content, Metadata: metadata,
		ReceivedAt: d.ReceivedAt, Status: apigen.DocumentStatus(d.Status),
		ClassificationSource: apigen.DocumentClassificationSource(d.ClassificationSource),
		Confidence:           d.Confidence, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// A cursor is the (received_at, id) of the last row of a page, opaque to
// clients.
func encodeCursor(at time.Time, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id.String()))
}

func decodeCursor(s string) (time.Time, uuid.UUID, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, uuid.Nil, err
	}
	ts, idStr, _ := strings.Cut(string(b), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, uuid.Nil, err
	}
	id, err := uuid.Parse(idStr)
	return at, id, err
}
