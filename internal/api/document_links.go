package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// ListDocumentLinks pages through the Drive links of one of the caller's
// documents, in message order, with whether each asks for a watch.
func (s *Server) ListDocumentLinks(c echo.Context, id apigen.DocumentId, params apigen.ListDocumentLinksParams) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.GetDocumentForOwner(ctx, db.GetDocumentForOwnerParams{ID: id, OwnerID: p.UserID}); store.IsNotFound(err) {
		return notFound("no document " + id.String())
	} else if err != nil {
		return err
	}
	limit := 100
	if params.Limit != nil {
		limit = min(max(*params.Limit, 1), 1000)
	}
	// Before the first link: position -1 sorts before every one.
	q := db.ListDocumentLinksPageParams{DocumentID: id, AfterPosition: -1, MaxRows: int32(limit + 1)}
	if params.Cursor != nil {
		pos, file, err := decodeLinkCursor(*params.Cursor)
		if err != nil {
			return badRequest("cursor is not one this API returned")
		}
		q.AfterPosition, q.AfterFileID = pos, file
	}
	rows, err := s.store.ListDocumentLinksPage(ctx, q)
	if err != nil {
		return err
	}
	out := apigen.DocumentLinkList{Links: make([]apigen.DocumentLink, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			last := rows[limit-1]
			out.NextCursor = ptr(encodeLinkCursor(last.Position, last.FileID))
			break
		}
		out.Links = append(out.Links, apigen.DocumentLink{
			FileId: r.FileID, Kind: apigen.DocumentLinkKind(r.Kind), Url: r.Url, Watch: r.Watch, Position: int(r.Position),
		})
	}
	return c.JSON(http.StatusOK, out)
}

func encodeLinkCursor(position int32, fileID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(int(position)) + "|" + fileID))
}

func decodeLinkCursor(s string) (int32, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, "", err
	}
	pos, file, _ := strings.Cut(string(b), "|")
	n, err := strconv.ParseInt(pos, 10, 32)
	return int32(n), file, err
}
