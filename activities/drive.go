package activities

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/store"
)

// Error types of Drive activities.
const (
	// ErrTypeDriveUnavailable: 429 or 5xx; retried (after Retry-After).
	ErrTypeDriveUnavailable = "DriveUnavailable"
	// ErrTypeDriveRejected: a request Drive refuses for good.
	ErrTypeDriveRejected = "DriveRejected"
)

// Google MIME types with a text export.
const (
	mimeGoogleDoc    = "application/vnd.google-apps.document"
	mimeGoogleSheet  = "application/vnd.google-apps.spreadsheet"
	mimeGoogleSlides = "application/vnd.google-apps.presentation"
	mimeGoogleFolder = "application/vnd.google-apps.folder"
)

// Drive reads Drive files as their owners (each user's own OAuth grant) and
// keeps their documents, watches and push channels in the store.
type Drive struct {
	Accounts *google.Accounts
	Store    *store.Store
	// WebhookURL is where push channels call (<WEBHOOK_BASE_URL>/webhooks/drive);
	// empty means files are polled only.
	WebhookURL   string
	ChannelTTL   time.Duration
	MaxFileBytes int64
	Debounce     time.Duration
	PushGrace    time.Duration
}

// DriveSettings are the Drive settings a file's run reads at its start, so a
// changed setting applies from the next run on.
type DriveSettings struct {
	// Push is true when push channels can be opened (WEBHOOK_BASE_URL set).
	Push       bool          `json:"push"`
	Debounce   time.Duration `json:"debounce"`
	ChannelTTL time.Duration `json:"channel_ttl"`
	PushGrace  time.Duration `json:"push_grace"`
}

// DriveSettings returns the Drive settings this worker was configured with.
func (a *Drive) DriveSettings(context.Context) (DriveSettings, error) {
	return DriveSettings{Push: a.WebhookURL != "", Debounce: a.Debounce, ChannelTTL: a.ChannelTTL, PushGrace: a.PushGrace}, nil
}

// FileRef names a file as seen by one owner.
type FileRef struct {
	FileID  string `json:"file_id"`
	OwnerID string `json:"owner_id"`
}

// FileMeta is what files.get tells about a file.
type FileMeta struct {
	Name         string    `json:"name"`
	MimeType     string    `json:"mime_type"`
	ModifiedTime time.Time `json:"modified_time"`
	Version      int64     `json:"version"`
	Trashed      bool      `json:"trashed"`
	Size         int64     `json:"size"`
	MD5          string    `json:"md5,omitempty"`
}

// MetaResult is a file's metadata, or why there is none: Gone (deleted, or
// never visible to the owner) or Forbidden (the owner lost access).
type MetaResult struct {
	Meta      FileMeta `json:"meta"`
	Gone      bool     `json:"gone,omitempty"`
	Forbidden string   `json:"forbidden,omitempty"`
}

// GetMetadata reads the file's metadata as its owner.
func (a *Drive) GetMetadata(ctx context.Context, ref FileRef) (MetaResult, error) {
	svc, res, err := a.client(ctx, ref)
	if err != nil || svc == nil {
		return res, err
	}
	f, err := svc.Files.Get(ref.FileID).Fields("id", "name", "mimeType", "modifiedTime", "version", "trashed", "size", "md5Checksum").Context(ctx).Do()
	if res, done := accessResult(err); done {
		return res, nil
	}
	if err != nil {
		return MetaResult{}, driveError("files.get", err)
	}
	modified, _ := time.Parse(time.RFC3339, f.ModifiedTime)
	return MetaResult{Meta: FileMeta{
		Name: f.Name, MimeType: f.MimeType, ModifiedTime: modified, Version: f.Version,
		Trashed: f.Trashed, Size: f.Size, MD5: f.Md5Checksum,
	}}, nil
}

// client returns a Drive client acting as the owner; when the owner's grant
// is gone, it returns a Forbidden result instead.
func (a *Drive) client(ctx context.Context, ref FileRef) (*drive.Service, MetaResult, error) {
	owner, err := uuid.Parse(ref.OwnerID)
	if err != nil {
		return nil, MetaResult{}, nonRetryable(ErrTypeInvalidInput, err, "owner id %q", ref.OwnerID)
	}
	svc, err := a.Accounts.Drive(ctx, owner)
	if errors.Is(err, google.ErrNotConnected) {
		return nil, MetaResult{Forbidden: "the owner has disconnected Google"}, nil
	}
	if err != nil {
		return nil, MetaResult{}, fmt.Errorf("Drive client for %s: %w", ref.OwnerID, err)
	}
	return svc, MetaResult{}, nil
}

// accessResult turns "no such file" and "no access" answers into results:
// they are outcomes for the workflow to act on, not failures to retry.
func accessResult(err error) (MetaResult, bool) {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		switch {
		case gerr.Code == http.StatusNotFound:
			return MetaResult{Gone: true}, true
		case gerr.Code == http.StatusForbidden && !isDriveQuota(gerr):
			return MetaResult{Forbidden: fmt.Sprintf("Drive refused access: %s", gerr.Message)}, true
		case gerr.Code == http.StatusUnauthorized:
			return MetaResult{Forbidden: "the owner's Google grant is no longer valid"}, true
		}
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) || (err != nil && strings.Contains(err.Error(), "invalid_grant")) {
		return MetaResult{Forbidden: "the owner's Google grant was revoked or expired"}, true
	}
	return MetaResult{}, false
}

// isDriveQuota reports whether a 403 is about quota (the project's or the
// user's rate, the daily limit, sharing limits) rather than about the
// owner's access to the file: those are retried with backoff and never end
// anyone's watch.
func isDriveQuota(gerr *googleapi.Error) bool {
	return hasReason(gerr, "rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded", "sharingRateLimitExceeded", "quotaExceeded")
}

func driveError(op string, err error) error {
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		return fmt.Errorf("drive %s: %w", op, err)
	}
	msg := fmt.Sprintf("drive %s: %d %s", op, gerr.Code, gerr.Message)
	if gerr.Code == http.StatusTooManyRequests || gerr.Code >= 500 || isDriveQuota(gerr) {
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeDriveUnavailable, temporal.ApplicationErrorOptions{
			NextRetryDelay: retryAfter(gerr.Header, time.Now()),
		})
	}
	return temporal.NewApplicationErrorWithOptions(msg, ErrTypeDriveRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// SyncInput asks to bring the owner's document in step with the file.
type SyncInput struct {
	FileRef
	Meta FileMeta `json:"meta"`
}

// SyncResult is the document after the sync.
type SyncResult struct {
	DocumentID string `json:"document_id"`
	// ClassifyRevision grows only when the text or title changed, so handing
	// it to classification again classifies nothing twice.
	ClassifyRevision int `json:"classify_revision"`
	// Note says why the content is partial or missing (too large, a type
	// without text).
	Note string `json:"note,omitempty"`
	// Gone/Forbidden: the file vanished or access was lost mid-sync.
	Gone      bool   `json:"gone,omitempty"`
	Forbidden string `json:"forbidden,omitempty"`
}

// SyncContent downloads the file's text (Docs and Slides as text/plain,
// Sheets as CSV, plain-text files as they are, other types metadata only),
// and writes the owner's document. The text goes straight to the store.
func (a *Drive) SyncContent(ctx context.Context, in SyncInput) (SyncResult, error) {
	svc, access, err := a.client(ctx, in.FileRef)
	if err != nil {
		return SyncResult{}, err
	}
	if svc == nil {
		return SyncResult{Forbidden: access.Forbidden}, nil
	}
	text, note, err := a.content(ctx, svc, in.FileID, in.Meta)
	if res, done := accessResult(err); done {
		return SyncResult{Gone: res.Gone, Forbidden: res.Forbidden}, nil
	}
	if err != nil {
		return SyncResult{}, err
	}
	owner, _ := uuid.Parse(in.OwnerID)
	metadata, _ := json.Marshal(map[string]any{
		"file_id": in.FileID, "mime_type": in.Meta.MimeType, "version": in.Meta.Version,
		"modified_time": in.Meta.ModifiedTime, "size": in.Meta.Size, "md5": in.Meta.MD5,
	})
	var out SyncResult
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		row, err := q.UpsertDriveDocument(ctx, db.UpsertDriveDocumentParams{
			OwnerID: owner, FileID: in.FileID, Type: DocumentType(in.Meta.MimeType), Title: in.Meta.Name,
			Author: "Google Drive", Content: text, Metadata: metadata, ReceivedAt: in.Meta.ModifiedTime, StatusReason: note,
		})
		if err != nil {
			return fmt.Errorf("store document of %s: %w", in.FileID, err)
		}
		modified := in.Meta.ModifiedTime
		if err := q.SetDriveWatchSynced(ctx, db.SetDriveWatchSyncedParams{
			FileID: in.FileID, OwnerID: owner, DocumentID: &row.ID, LastVersion: in.Meta.Version, LastModifiedAt: &modified,
		}); err != nil {
			return fmt.Errorf("record sync of %s: %w", in.FileID, err)
		}
		out = SyncResult{DocumentID: row.ID.String(), ClassifyRevision: int(row.ClassifyRevision), Note: note}
		return nil
	})
	return out, err
}

// content returns the file's text, or "" with a note saying why not.
func (a *Drive) content(ctx context.Context, svc *drive.Service, fileID string, m FileMeta) (string, string, error) {
	var resp *http.Response
	var err error
	switch {
	case m.MimeType == mimeGoogleDoc || m.MimeType == mimeGoogleSlides:
		resp, err = svc.Files.Export(fileID, "text/plain").Context(ctx).Download()
	case m.MimeType == mimeGoogleSheet:
		resp, err = svc.Files.Export(fileID, "text/csv").Context(ctx).Download()
	case isPlainText(m.MimeType):
		if m.Size > a.MaxFileBytes {
			return "", fmt.Sprintf("too_large: %d bytes; only files up to %d bytes are read (DRIVE_MAX_FILE_BYTES)", m.Size, a.MaxFileBytes), nil
		}
		resp, err = svc.Files.Get(fileID).Context(ctx).Download()
	default:
		return "", "metadata only: no text for " + m.MimeType, nil
	}
	var gerr *googleapi.Error
	if errors.As(err, &gerr) && hasReason(gerr, "exportSizeLimitExceeded") {
		return "", "too_large: the file is above Google's 10 MB export limit", nil
	}
	if err != nil {
		if _, done := accessResult(err); done {
			return "", "", err
		}
		return "", "", driveError("download", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, a.MaxFileBytes+1))
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", fileID, err)
	}
	note := ""
	if int64(len(b)) > a.MaxFileBytes {
		b = b[:a.MaxFileBytes]
		note = fmt.Sprintf("too_large: cut at %d bytes (DRIVE_MAX_FILE_BYTES)", a.MaxFileBytes)
	}
	return cleanExport(b), note, nil
}

// cleanExport removes what Docs exports add (a BOM, CRLF) and keeps the text
// valid UTF-8.
func cleanExport(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.TrimSpace(s)
}

func isPlainText(mime string) bool {
	switch mime {
	case "text/plain", "text/markdown", "text/x-markdown", "text/csv", "application/json", "text/tab-separated-values":
		return true
	}
	return false
}

// DocumentType maps a Drive MIME type onto a document type.
func DocumentType(mime string) string {
	switch {
	case mime == mimeGoogleDoc:
		return "document"
	case mime == mimeGoogleSheet || mime == "text/csv":
		return "spreadsheet"
	case mime == mimeGoogleSlides:
		return "presentation"
	case mime == mimeGoogleFolder:
		return "folder"
	case strings.HasPrefix(mime, "image/"):
		return "image"
	default:
		return "file"
	}
}

// Channel is an open push channel. Its ids are empty only in a status shown
// to a user (who sees when push ends, not the channel's identity).
type Channel struct {
	ID         string    `json:"id,omitempty"`
	ResourceID string    `json:"resource_id,omitempty"`
	OwnerID    string    `json:"owner_id,omitempty"`
	Expiration time.Time `json:"expiration"`
}

// OpenChannel asks Drive to push changes of the file (files.watch) to the
// webhook, with a random channel id and a random secret token of which only
// a hash is stored.
func (a *Drive) OpenChannel(ctx context.Context, ref FileRef) (Channel, error) {
	if a.WebhookURL == "" {
		return Channel{}, nonRetryable(ErrTypeDriveRejected, nil, "no WEBHOOK_BASE_URL: files are polled only")
	}
	svc, access, err := a.client(ctx, ref)
	if err != nil {
		return Channel{}, err
	}
	if svc == nil {
		return Channel{}, nonRetryable(ErrTypeDriveRejected, nil, "%s", access.Forbidden)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Channel{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(secret)
	id := uuid.NewString()
	exp := time.Now().Add(a.ChannelTTL)
	hash := sha256.Sum256([]byte(token))
	// The channel is stored before Drive knows it: Drive sends its first
	// ("sync") notification while files.watch is still answering, and the
	// webhook must recognise the channel by then.
	if err := a.Store.InsertDriveChannel(ctx, db.InsertDriveChannelParams{
		ChannelID: id, FileID: ref.FileID, TokenHash: hash[:], Expiration: exp,
	}); err != nil {
		return Channel{}, fmt.Errorf("store channel: %w", err)
	}
	ch, err := svc.Files.Watch(ref.FileID, &drive.Channel{
		Id: id, Type: "web_hook", Address: a.WebhookURL, Token: token, Expiration: exp.UnixMilli(),
	}).Context(ctx).Do()
	if err != nil {
		_ = a.Store.DeactivateDriveChannel(ctx, id)
		if res, done := accessResult(err); done {
			return Channel{}, nonRetryable(ErrTypeDriveRejected, err, "watch %s: gone=%v %s", ref.FileID, res.Gone, res.Forbidden)
		}
		return Channel{}, driveError("files.watch", err)
	}
	if ch.Expiration > 0 {
		exp = time.UnixMilli(ch.Expiration)
	}
	err = a.Store.InsertDriveChannel(ctx, db.InsertDriveChannelParams{
		ChannelID: id, FileID: ref.FileID, ResourceID: ch.ResourceId, TokenHash: hash[:], Expiration: exp,
	})
	if err != nil {
		// The retry opens a channel of its own: this one must not push on
		// beside it until it expires.
		_ = svc.Channels.Stop(&drive.Channel{Id: id, ResourceId: ch.ResourceId}).Context(ctx).Do()
		_ = a.Store.DeactivateDriveChannel(ctx, id)
		return Channel{}, fmt.Errorf("store channel: %w", err)
	}
	return Channel{ID: id, ResourceID: ch.ResourceId, OwnerID: ref.OwnerID, Expiration: exp.UTC()}, nil
}

// StopChannel stops a push channel (channels.stop) and marks it inactive. A
// channel Drive no longer knows is stopped already.
func (a *Drive) StopChannel(ctx context.Context, ch Channel) error {
	if err := a.Store.DeactivateDriveChannel(ctx, ch.ID); err != nil {
		return fmt.Errorf("deactivate channel: %w", err)
	}
	svc, _, err := a.client(ctx, FileRef{OwnerID: ch.OwnerID})
	if err != nil || svc == nil {
		return err // without a grant there is nothing more we can stop
	}
	err = svc.Channels.Stop(&drive.Channel{Id: ch.ID, ResourceId: ch.ResourceID}).Context(ctx).Do()
	if _, done := accessResult(err); done || err == nil {
		return nil
	}
	return driveError("channels.stop", err)
}

// WatchInput registers an owner's watch of a file.
type WatchInput = FileRef

// RegisterWatch records the owner's (active) watch of the file.
func (a *Drive) RegisterWatch(ctx context.Context, in WatchInput) error {
	owner, err := uuid.Parse(in.OwnerID)
	if err != nil {
		return nonRetryable(ErrTypeInvalidInput, err, "owner id %q", in.OwnerID)
	}
	return a.Store.UpsertDriveWatch(ctx, db.UpsertDriveWatchParams{FileID: in.FileID, OwnerID: owner})
}

// EndWatchInput ends an owner's watch; DocumentStatus (deleted or error) is
// set on the document with Reason, or left alone when empty.
type EndWatchInput struct {
	FileRef
	DocumentStatus string `json:"document_status,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// EndWatch marks the watch inactive and the document's final state.
func (a *Drive) EndWatch(ctx context.Context, in EndWatchInput) error {
	owner, err := uuid.Parse(in.OwnerID)
	if err != nil {
		return nonRetryable(ErrTypeInvalidInput, err, "owner id %q", in.OwnerID)
	}
	return a.Store.InTx(ctx, func(q *db.Queries) error {
		if err := q.EndDriveWatch(ctx, db.EndDriveWatchParams{FileID: in.FileID, OwnerID: owner, LastError: in.Reason}); err != nil {
			return err
		}
		status := in.DocumentStatus
		if status == "" {
			status = "active"
		}
		return q.SetDriveDocumentState(ctx, db.SetDriveDocumentStateParams{OwnerID: owner, FileID: in.FileID, Status: status, StatusReason: in.Reason})
	})
}

// TimesInput records when a file was last pushed or polled.
type TimesInput struct {
	FileID    string     `json:"file_id"`
	WebhookAt *time.Time `json:"webhook_at,omitempty"`
	PollAt    *time.Time `json:"poll_at,omitempty"`
}

// RecordTimes stores the last webhook and poll times of the file's watches.
func (a *Drive) RecordTimes(ctx context.Context, in TimesInput) error {
	return a.Store.RecordDriveWatchTimes(ctx, db.RecordDriveWatchTimesParams{FileID: in.FileID, WebhookAt: in.WebhookAt, PollAt: in.PollAt})
}

// StaleFiles lists the watched files whose push has been silent since
// silentSince: the sweep polls them.
func (a *Drive) StaleFiles(ctx context.Context, silentSince time.Time) ([]string, error) {
	return a.Store.ListStaleDriveFiles(ctx, silentSince)
}

// LinkedFiles lists the Drive files linked from the documents whose owners
// have connected Google: the files the email pipeline asks to watch.
func (a *Drive) LinkedFiles(ctx context.Context, documentIDs []string) ([]FileRef, error) {
	ids := make([]uuid.UUID, 0, len(documentIDs))
	for _, s := range documentIDs {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, nonRetryable(ErrTypeInvalidInput, err, "document id %q", s)
		}
		ids = append(ids, id)
	}
	rows, err := a.Store.LinkedFilesToWatch(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("linked files: %w", err)
	}
	out := make([]FileRef, 0, len(rows))
	for _, r := range rows {
		out = append(out, FileRef{FileID: r.FileID, OwnerID: r.OwnerID.String()})
	}
	return out, nil
}

// ActiveOwners lists the users with an active watch of the file.
func (a *Drive) ActiveOwners(ctx context.Context, fileID string) ([]string, error) {
	rows, err := a.Store.ListActiveOwnersForFile(ctx, fileID)
	if err != nil {
		return nil, fmt.Errorf("owners of %s: %w", fileID, err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.String())
	}
	return out, nil
}
