package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/googlefake"
)

// sandboxAccount is the caller's connected sandbox Google account.
func (s *Server) sandboxAccount(c echo.Context) (string, error) {
	if s.sandbox == nil {
		return "", notFound("sandbox routes exist only when GOOGLE_MODE=sandbox")
	}
	p, err := requireUser(c)
	if err != nil {
		return "", err
	}
	conn, err := s.accounts.Connection(c.Request().Context(), p.UserID)
	if errors.Is(err, google.ErrNotConnected) {
		return "", conflict("connect the sandbox Google account first: GET /api/v1/google/connect")
	}
	return conn.Email, err
}

// SandboxCreateDriveFile creates a file in the caller's sandbox Drive.
func (s *Server) SandboxCreateDriveFile(c echo.Context) error {
	account, err := s.sandboxAccount(c)
	if err != nil {
		return err
	}
	var in apigen.SandboxFileInput
	if err := c.Bind(&in); err != nil {
		return bindFailed(err, `send {"name", "mime_type", "text"}`)
	}
	f, err := s.sandbox.CreateFile(c.Request().Context(), account, in.Name, in.MimeType, in.Text)
	if err != nil {
		return fmt.Errorf("sandbox Drive: %w", err)
	}
	return c.JSON(http.StatusCreated, sandboxFileBody(f))
}

// requireOwnSandboxFile checks, by asking the sandbox Drive as the caller
// (files.get, as a client of real Drive would), that the caller's account
// owns fileID. A file the caller cannot see, or can see but does not own
// (shared with them), is the same 404 as one that does not exist.
func (s *Server) requireOwnSandboxFile(c echo.Context, fileID string) error {
	if _, err := s.sandboxAccount(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	srv, err := s.accounts.Drive(ctx, principal(c).UserID)
	if err != nil {
		return fmt.Errorf("sandbox Drive client: %w", err)
	}
	f, err := srv.Files.Get(fileID).Fields("owners(me)").Context(ctx).Do()
	var ge *googleapi.Error
	if errors.As(err, &ge) && (ge.Code == http.StatusNotFound || ge.Code == http.StatusForbidden) {
		return notFound("no sandbox file " + fileID + " in your Drive")
	}
	if err != nil {
		return fmt.Errorf("sandbox Drive: %w", err)
	}
	if !slices.ContainsFunc(f.Owners, func(u *drive.User) bool { return u.Me }) {
		return notFound("no sandbox file " + fileID + " in your Drive")
	}
	return nil
}

// SandboxUpdateDriveFile replaces the text of a file the caller owns.
func (s *Server) SandboxUpdateDriveFile(c echo.Context, fileID apigen.FileId) error {
	if err := s.requireOwnSandboxFile(c, fileID); err != nil {
		return err
	}
	var in apigen.SandboxFileEdit
	if err := c.Bind(&in); err != nil {
		return bindFailed(err, `send {"text"}`)
	}
	f, err := s.sandbox.UpdateFile(c.Request().Context(), fileID, in.Text)
	if errors.Is(err, googlefake.ErrNotFound) {
		return notFound("no sandbox file " + fileID)
	}
	if err != nil {
		return fmt.Errorf("sandbox Drive: %w", err)
	}
	return c.JSON(http.StatusOK, sandboxFileBody(f))
}

// SandboxDeleteDriveFile trashes or deletes a file the caller owns.
func (s *Server) SandboxDeleteDriveFile(c echo.Context, fileID apigen.FileId, params apigen.SandboxDeleteDriveFileParams) error {
	if err := s.requireOwnSandboxFile(c, fileID); err != nil {
		return err
	}
	trash := params.Trash == nil || *params.Trash
	err := s.sandbox.DeleteFile(c.Request().Context(), fileID, trash)
	if errors.Is(err, googlefake.ErrNotFound) {
		return notFound("no sandbox file " + fileID)
	}
	if err != nil {
		return fmt.Errorf("sandbox Drive: %w", err)
	}
	return c.NoContent(http.StatusNoContent)
}

func sandboxFileBody(f googlefake.File) apigen.SandboxFile {
	return apigen.SandboxFile{Id: f.ID, Name: f.Name, MimeType: f.MimeType, Version: f.Version, Url: &f.WebViewLink}
}
