package googlefake

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	driveapi "google.golang.org/api/drive/v3"
)

// Google Workspace MIME types. Files of these types have no bytes of their
// own: alt=media refuses them and files.export converts them.
const (
	MimeGoogleDoc    = "application/vnd.google-apps.document"
	MimeGoogleSheet  = "application/vnd.google-apps.spreadsheet"
	MimeGoogleSlides = "application/vnd.google-apps.presentation"
)

// AnyoneWithLink, passed to GrantFileAccess, shares a file with every
// account, like Drive's "anyone with the link" sharing.
const AnyoneWithLink = "anyone"

// exportLimit is Drive's cap on files.export output.
const exportLimit = 10 << 20

// maxChannelLifetime and defaultChannelLifetime are Drive's for files.watch.
const (
	maxChannelLifetime     = 24 * time.Hour
	defaultChannelLifetime = time.Hour
)

// driveFile is a stored Drive file. Exported fields are persisted.
type driveFile struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	MimeType   string    `json:"mime_type"`
	Owner      string    `json:"owner"`
	Content    []byte    `json:"content"`
	Version    int64     `json:"version"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
	Trashed    bool      `json:"trashed,omitempty"`
	Readers    []string  `json:"readers,omitempty"`
	Revoked    []string  `json:"revoked,omitempty"`
	ResourceID string    `json:"resource_id"`
}

// channel is an active files.watch notification channel.
type channel struct {
	ID          string            `json:"id"`
	ResourceID  string            `json:"resource_id"`
	ResourceURI string            `json:"resource_uri"`
	FileID      string            `json:"file_id"`
	Account     string            `json:"account"`
	Address     string            `json:"address"`
	Token       string            `json:"token,omitempty"`
	Expiration  int64             `json:"expiration"` // epoch ms
	Params      map[string]string `json:"params,omitempty"`
	MsgNum      int64             `json:"msg_num"`
}

// File describes a Drive file for the programmatic and admin APIs.
type File struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	MimeType     string    `json:"mimeType"`
	Owner        string    `json:"owner"`
	Version      int64     `json:"version,string"`
	CreatedTime  time.Time `json:"createdTime"`
	ModifiedTime time.Time `json:"modifiedTime"`
	Trashed      bool      `json:"trashed"`
	// Size and MD5Checksum are set for files with bytes (not Google types).
	Size        int64  `json:"size,string,omitempty"`
	MD5Checksum string `json:"md5Checksum,omitempty"`
	// WebViewLink is the URL a person would paste in mail; BeSunny finds
	// Drive files by these links.
	WebViewLink string `json:"webViewLink"`
	// Text is the content (Google types: the text export). Not in JSON.
	Text string `json:"-"`
}

func isGoogleType(mt string) bool { return strings.HasPrefix(mt, "application/vnd.google-apps.") }

func (f *driveFile) public() File {
	out := File{ID: f.ID, Name: f.Name, MimeType: f.MimeType, Owner: f.Owner, Version: f.Version,
		CreatedTime: f.Created, ModifiedTime: f.Modified, Trashed: f.Trashed, WebViewLink: webViewLink(f),
		Text: string(f.Content)}
	if !isGoogleType(f.MimeType) {
		sum := md5.Sum(f.Content)
		out.Size, out.MD5Checksum = int64(len(f.Content)), hex.EncodeToString(sum[:])
	}
	return out
}

func webViewLink(f *driveFile) string {
	switch f.MimeType {
	case MimeGoogleDoc:
		return "https://docs.google.com/document/d/" + f.ID + "/edit?usp=drivesdk"
	case MimeGoogleSheet:
		return "https://docs.google.com/spreadsheets/d/" + f.ID + "/edit?usp=drivesdk"
	case MimeGoogleSlides:
		return "https://docs.google.com/presentation/d/" + f.ID + "/edit?usp=drivesdk"
	}
	return "https://drive.google.com/file/d/" + f.ID + "/view?usp=drivesdk"
}

// access reports whether account may read f, and whether it was refused
// by an explicit revocation (403) rather than never shared (404, as Drive
// hides files you cannot see).
func (f *driveFile) access(account string) (ok, revoked bool) {
	if slices.Contains(f.Revoked, account) {
		return false, true
	}
	return account == f.Owner || slices.Contains(f.Readers, account) || slices.Contains(f.Readers, AnyoneWithLink), false
}

// --- programmatic API ---

// CreateFile adds a file owned by owner. For Google types (MimeGoogleDoc,
// MimeGoogleSheet, MimeGoogleSlides) text is what exports return (CSV for
// sheets); for other types it is the file's bytes. mimeType defaults to
// text/plain.
func (s *Server) CreateFile(owner, name, mimeType, text string) (File, error) {
	owner = normalizeAddress(owner)
	if owner == "" {
		return File{}, errors.New("googlefake: file owner is required")
	}
	if name == "" {
		name = "Untitled"
	}
	if mimeType == "" {
		mimeType = "text/plain"
	}
	now := s.now()
	f := &driveFile{ID: randomToken("1"), Name: name, MimeType: mimeType, Owner: owner, Content: []byte(text),
		Version: 1, Created: now, Modified: now, ResourceID: randomToken("")[:27]}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Files[f.ID] = f
	s.changed()
	return f.public(), nil
}

// GetFile returns the file, trashed or not, or ErrNotFound once deleted.
func (s *Server) GetFile(id string) (File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.Files[id]
	if f == nil {
		return File{}, ErrNotFound
	}
	return f.public(), nil
}

// UpdateFile replaces the content: a new version and modifiedTime, and an
// "update" notification to the file's channels.
func (s *Server) UpdateFile(id, text string) (File, error) {
	return s.changeFile(id, "update", "content,properties", func(f *driveFile) bool {
		f.Content = []byte(text)
		f.Modified = s.now()
		return true
	})
}

// TrashFile moves the file to the trash ("trash" notification). files.get
// still answers, with trashed=true.
func (s *Server) TrashFile(id string) error {
	_, err := s.changeFile(id, "trash", "", func(f *driveFile) bool {
		was := f.Trashed
		f.Trashed = true
		return !was
	})
	return err
}

// UntrashFile restores a trashed file ("untrash" notification).
func (s *Server) UntrashFile(id string) error {
	_, err := s.changeFile(id, "untrash", "", func(f *driveFile) bool {
		was := f.Trashed
		f.Trashed = false
		return was
	})
	return err
}

// DeleteFile removes the file for good ("remove" notification); Drive
// calls then answer 404 notFound.
func (s *Server) DeleteFile(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.Files[id]
	if f == nil {
		return ErrNotFound
	}
	delete(s.st.Files, id)
	s.notifyLocked(id, "", "remove", "", f)
	s.changed()
	return nil
}

// GrantFileAccess shares the file with account (or AnyoneWithLink) and
// undoes an earlier RevokeFileAccess.
func (s *Server) GrantFileAccess(id, account string) error {
	_, err := s.changeFile(id, "", "", func(f *driveFile) bool {
		account = normalizeAddress(account)
		f.Revoked = slices.DeleteFunc(f.Revoked, func(a string) bool { return a == account })
		if !slices.Contains(f.Readers, account) {
			f.Readers = append(f.Readers, account)
		}
		return true
	})
	return err
}

// RevokeFileAccess takes account's access away, even the owner's: its Drive
// calls on the file answer 403 insufficientFilePermissions, and its
// channels on the file get a "remove" notification, then nothing.
func (s *Server) RevokeFileAccess(id, account string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.Files[id]
	if f == nil {
		return ErrNotFound
	}
	account = normalizeAddress(account)
	if !slices.Contains(f.Revoked, account) {
		f.Revoked = append(f.Revoked, account)
	}
	s.notifyLocked(id, account, "remove", "", f)
	s.changed()
	return nil
}

// changeFile applies mutate and, when it reports a change, bumps the
// version and notifies channels with state (none when state is "").
func (s *Server) changeFile(id, state, changed string, mutate func(*driveFile) bool) (File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.Files[id]
	if f == nil {
		return File{}, ErrNotFound
	}
	if mutate(f) {
		f.Version++
		if state != "" {
			s.notifyLocked(id, "", state, changed, f)
		}
		s.changed()
	}
	return f.public(), nil
}

// --- HTTP handlers ---

func writeFileNotFound(w http.ResponseWriter, id string) {
	writeErrorAt(w, http.StatusNotFound, "notFound", "File not found: "+id+".", "fileId", "parameter")
}

// readableFile looks up the file for account and answers the error itself.
func (s *Server) readableFile(w http.ResponseWriter, id, account string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.Files[id]
	if f == nil {
		writeFileNotFound(w, id)
		return File{}, false
	}
	ok, revoked := f.access(account)
	switch {
	case revoked:
		writeError(w, http.StatusForbidden, "insufficientFilePermissions",
			"The user does not have sufficient permissions for this file.")
		return File{}, false
	case !ok:
		writeFileNotFound(w, id)
		return File{}, false
	}
	return f.public(), true
}

// driveTime is Drive's RFC 3339 format, always UTC with milliseconds.
func driveTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) filesGet(w http.ResponseWriter, r *http.Request, account string) {
	id := r.PathValue("fileId")
	q := r.URL.Query()
	var fields fieldTree
	if q.Get("alt") != "media" {
		var err error
		if fields, err = parseFileFields(q.Get("fields")); err != nil {
			writeErrorAt(w, http.StatusBadRequest, "invalidParameter", err.Error(), "fields", "parameter")
			return
		}
	}
	f, ok := s.readableFile(w, id, account)
	if !ok {
		return
	}
	if q.Get("alt") == "media" {
		if isGoogleType(f.MimeType) {
			writeError(w, http.StatusForbidden, "fileNotDownloadable",
				"Only files with binary content can be downloaded. Use Export with Docs Editors files.")
			return
		}
		w.Header().Set("Content-Type", f.MimeType)
		w.Header().Set("Content-Length", strconv.Itoa(len(f.Text)))
		_, _ = w.Write([]byte(f.Text))
		return
	}
	all := map[string]any{
		"kind": "drive#file", "id": f.ID, "name": f.Name, "mimeType": f.MimeType,
		"createdTime": driveTime(f.CreatedTime), "modifiedTime": driveTime(f.ModifiedTime),
		"version": strconv.FormatInt(f.Version, 10), "trashed": f.Trashed, "webViewLink": f.WebViewLink,
		"owners": []map[string]any{{"kind": "drive#user", "emailAddress": f.Owner, "me": f.Owner == account}},
	}
	if !isGoogleType(f.MimeType) {
		all["size"] = strconv.FormatInt(f.Size, 10)
		all["md5Checksum"] = f.MD5Checksum
	}
	writeJSON(w, http.StatusOK, fields.apply(all))
}

// exportFormats lists the conversions the fake supports per Google type.
var exportFormats = map[string][]string{
	MimeGoogleDoc:    {"text/plain", "text/markdown"},
	MimeGoogleSheet:  {"text/csv"},
	MimeGoogleSlides: {"text/plain"},
}

func (s *Server) filesExport(w http.ResponseWriter, r *http.Request, account string) {
	id, target := r.PathValue("fileId"), r.URL.Query().Get("mimeType")
	if target == "" {
		writeErrorAt(w, http.StatusBadRequest, "required", "Required parameter: mimeType", "mimeType", "parameter")
		return
	}
	f, ok := s.readableFile(w, id, account)
	if !ok {
		return
	}
	if !isGoogleType(f.MimeType) {
		writeError(w, http.StatusForbidden, "fileNotExportable", "Export only supports Docs Editors files.")
		return
	}
	if !slices.Contains(exportFormats[f.MimeType], target) {
		writeErrorAt(w, http.StatusBadRequest, "badRequest", "The requested conversion is not supported.", "convertTo", "parameter")
		return
	}
	out := f.Text
	if f.MimeType == MimeGoogleDoc && target == "text/plain" {
		// Docs' plain-text export starts with a UTF-8 BOM and uses CRLF;
		// consumers must cope, so the fake does the same.
		out = "\ufeff" + strings.ReplaceAll(strings.ReplaceAll(out, "\r\n", "\n"), "\n", "\r\n")
	}
	if len(out) > exportLimit {
		writeError(w, http.StatusForbidden, "exportSizeLimitExceeded", "This file is too large to be exported.")
		return
	}
	w.Header().Set("Content-Type", target)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	_, _ = w.Write([]byte(out))
}

func (s *Server) filesWatch(w http.ResponseWriter, r *http.Request, account string) {
	var req driveapi.Channel
	if !decodeBody(w, r, &req) {
		return
	}
	id := r.PathValue("fileId")
	if req.Id == "" || req.Address == "" || (req.Type != "web_hook" && req.Type != "webhook") {
		writeError(w, http.StatusBadRequest, "badRequest", "A channel needs an id, type web_hook and an address.")
		return
	}
	if _, ok := s.readableFile(w, id, account); !ok {
		return
	}
	now := s.now()
	exp := now.Add(defaultChannelLifetime).UnixMilli()
	if req.Expiration > 0 {
		exp = min(req.Expiration, now.Add(maxChannelLifetime).UnixMilli())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.Channels[req.Id]; dup {
		writeError(w, http.StatusBadRequest, "channelIdNotUnique", "Channel id "+req.Id+" not unique")
		return
	}
	f := s.st.Files[id]
	if f == nil { // deleted since readableFile
		writeFileNotFound(w, id)
		return
	}
	ch := &channel{ID: req.Id, ResourceID: f.ResourceID, FileID: id, Account: account, Address: req.Address,
		Token: req.Token, Expiration: exp, Params: req.Params,
		ResourceURI: s.baseURL(r) + "/drive/v3/files/" + id + "?alt=json"}
	s.st.Channels[ch.ID] = ch
	s.notifyChannelLocked(ch, "sync", "", false)
	s.changed()
	writeJSON(w, http.StatusOK, &driveapi.Channel{Kind: "api#channel", Id: ch.ID, ResourceId: ch.ResourceID,
		ResourceUri: ch.ResourceURI, Token: ch.Token, Expiration: ch.Expiration})
}

func (s *Server) channelsStop(w http.ResponseWriter, r *http.Request, account string) {
	var req driveapi.Channel
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.st.Channels[req.Id]
	if ch == nil || (req.ResourceId != "" && req.ResourceId != ch.ResourceID) {
		writeError(w, http.StatusNotFound, "notFound", "Channel '"+req.Id+"' not found for project 'sandbox'")
		return
	}
	delete(s.st.Channels, ch.ID)
	s.changed()
	w.WriteHeader(http.StatusNoContent)
}

// notifyLocked sends state to the channels watching fileID, or only to
// account's channels when account is set. s.mu must be held.
func (s *Server) notifyLocked(fileID, account, state, changed string, f *driveFile) {
	for _, ch := range s.st.Channels {
		if ch.FileID != fileID || (account != "" && ch.Account != account) {
			continue
		}
		if ok, _ := f.access(ch.Account); !ok && state != "remove" {
			continue
		}
		s.notifyChannelLocked(ch, state, changed, state == "remove")
	}
}

// notifyChannelLocked queues one notification. Message numbers are taken
// under the lock so they increase in queue order. final notifications
// (remove) are sent even though access is already gone.
func (s *Server) notifyChannelLocked(ch *channel, state, changed string, final bool) {
	if ch.Expiration <= s.now().UnixMilli() {
		return
	}
	ch.MsgNum++
	h := http.Header{}
	h.Set("X-Goog-Channel-ID", ch.ID)
	if ch.Token != "" {
		h.Set("X-Goog-Channel-Token", ch.Token)
	}
	h.Set("X-Goog-Channel-Expiration", time.UnixMilli(ch.Expiration).UTC().Format(http.TimeFormat))
	h.Set("X-Goog-Resource-ID", ch.ResourceID)
	h.Set("X-Goog-Resource-URI", ch.ResourceURI)
	h.Set("X-Goog-Resource-State", state)
	if changed != "" {
		h.Set("X-Goog-Changed", changed)
	}
	h.Set("X-Goog-Message-Number", strconv.FormatInt(ch.MsgNum, 10))
	addr, id := ch.Address, ch.ID
	s.out.enqueue("drive:"+id, delivery{
		build: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, addr, http.NoBody)
			if err != nil {
				return nil, err
			}
			req.Header = h.Clone()
			return req, nil
		},
		alive: func() bool { return s.channelAlive(ch, final) },
		done: func(ok bool) {
			s.stats.update(func(st *Stats) {
				if ok {
					st.NotificationsSent++
				} else {
					st.NotificationsFailed++
				}
			})
		},
	})
}

// channelAlive reports whether ch may still send: not stopped, not expired,
// and (unless final) its account can still read the file.
func (s *Server) channelAlive(ch *channel, final bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Channels[ch.ID] != ch || ch.Expiration <= s.now().UnixMilli() {
		return false
	}
	if final {
		return true
	}
	f := s.st.Files[ch.FileID]
	if f == nil {
		return false
	}
	ok, _ := f.access(ch.Account)
	return ok
}
