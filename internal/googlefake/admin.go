package googlefake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The admin API lets a process that does not host the fake (the product in
// sandbox mode, an end-to-end test) drive it over HTTP. It is
// unauthenticated: bind the fake to loopback.
//
//	POST   /_fake/gmail/{mailbox}/messages  body RFC 822 (message/rfc822), ?labels=INBOX,UNREAD
//	                                        → {"id","historyId"}
//	POST   /_fake/drive/files               {"owner","name","mime_type","text"} → File
//	PATCH  /_fake/drive/files/{id}          {"text"} → File
//	DELETE /_fake/drive/files/{id}?trash=true|false → 204
//	GET    /_fake/stats                     → Stats
//	GET    /_fake/faults, PUT /_fake/faults  Faults

// maxAdminMessage bounds delivered mail; Gmail accepts up to 25 MB of
// attachments, ~35 MB encoded.
const maxAdminMessage = 36 << 20

func (s *Server) adminRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /_fake/gmail/{mailbox}/messages", s.adminDeliver)
	m.HandleFunc("POST /_fake/drive/files", s.adminCreateFile)
	m.HandleFunc("PATCH /_fake/drive/files/{id}", s.adminUpdateFile)
	m.HandleFunc("DELETE /_fake/drive/files/{id}", s.adminDeleteFile)
	m.HandleFunc("GET /_fake/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	m.HandleFunc("GET /_fake/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Faults())
	})
	m.HandleFunc("PUT /_fake/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&f); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, s.Faults())
	})
}

func adminError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func adminFileError(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrNotFound) {
		adminError(w, http.StatusNotFound, err)
		return
	}
	adminError(w, http.StatusBadRequest, err)
}

type deliverResponse struct {
	ID        string `json:"id"`
	HistoryID uint64 `json:"historyId,string"`
}

func (s *Server) adminDeliver(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminMessage))
	if err != nil {
		adminError(w, http.StatusRequestEntityTooLarge, err)
		return
	}
	var opts DeliverOptions
	if l := r.URL.Query().Get("labels"); l != "" {
		opts.Labels = strings.Split(l, ",")
	}
	id, hid, err := s.Deliver(r.PathValue("mailbox"), raw, opts)
	if err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, deliverResponse{ID: id, HistoryID: hid})
}

type createFileRequest struct {
	Owner    string `json:"owner"`
	Name     string `json:"name"`
	MimeType string `json:"mime_type"`
	Text     string `json:"text"`
}

func (s *Server) adminCreateFile(w http.ResponseWriter, r *http.Request) {
	var req createFileRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminMessage)).Decode(&req); err != nil {
		adminError(w, http.StatusBadRequest, err)
		return
	}
	f, err := s.CreateFile(req.Owner, req.Name, req.MimeType, req.Text)
	if err != nil {
		adminFileError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) adminUpdateFile(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text *string `json:"text"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminMessage)).Decode(&req); err != nil || req.Text == nil {
		adminError(w, http.StatusBadRequest, errors.New(`body must be {"text": "..."}`))
		return
	}
	f, err := s.UpdateFile(r.PathValue("id"), *req.Text)
	if err != nil {
		adminFileError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) adminDeleteFile(w http.ResponseWriter, r *http.Request) {
	var err error
	if trash, _ := strconv.ParseBool(r.URL.Query().Get("trash")); trash {
		err = s.TrashFile(r.PathValue("id"))
	} else {
		err = s.DeleteFile(r.PathValue("id"))
	}
	if err != nil {
		adminFileError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// AdminClient is a typed client for the admin API of a fake running in
// another process.
type AdminClient struct {
	base string
	hc   *http.Client
}

// NewAdminClient returns a client for the fake at baseURL (without the
// /_fake suffix). hc nil means http.DefaultClient.
func NewAdminClient(baseURL string, hc *http.Client) *AdminClient {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &AdminClient{base: strings.TrimRight(baseURL, "/"), hc: hc}
}

// do sends a request and decodes a JSON answer into out (when non-nil).
func (c *AdminClient) do(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		err := fmt.Errorf("googlefake admin: %s %s: HTTP %d: %s", method, path, resp.StatusCode, e.Error)
		if resp.StatusCode == http.StatusNotFound {
			err = fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return err
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (c *AdminClient) doJSON(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	return c.do(ctx, method, path, "application/json", body, out)
}

// DeliverMail delivers raw RFC 822 bytes to mailbox, with labels (default
// INBOX, UNREAD), and returns the message id and history id.
func (c *AdminClient) DeliverMail(ctx context.Context, mailbox string, raw []byte, labels ...string) (string, uint64, error) {
	path := "/_fake/gmail/" + url.PathEscape(mailbox) + "/messages"
	if len(labels) > 0 {
		path += "?labels=" + url.QueryEscape(strings.Join(labels, ","))
	}
	var out deliverResponse
	err := c.do(ctx, http.MethodPost, path, "message/rfc822", raw, &out)
	return out.ID, out.HistoryID, err
}

// CreateFile creates a Drive file; see Server.CreateFile.
func (c *AdminClient) CreateFile(ctx context.Context, owner, name, mimeType, text string) (File, error) {
	var f File
	err := c.doJSON(ctx, http.MethodPost, "/_fake/drive/files",
		createFileRequest{Owner: owner, Name: name, MimeType: mimeType, Text: text}, &f)
	return f, err
}

// UpdateFile replaces a file's content; see Server.UpdateFile.
func (c *AdminClient) UpdateFile(ctx context.Context, id, text string) (File, error) {
	var f File
	err := c.doJSON(ctx, http.MethodPatch, "/_fake/drive/files/"+url.PathEscape(id), map[string]string{"text": text}, &f)
	return f, err
}

// DeleteFile trashes the file (trash true) or deletes it for good.
func (c *AdminClient) DeleteFile(ctx context.Context, id string, trash bool) error {
	return c.do(ctx, http.MethodDelete, "/_fake/drive/files/"+url.PathEscape(id)+"?trash="+strconv.FormatBool(trash), "", nil, nil)
}

// Stats returns the fake's counters.
func (c *AdminClient) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := c.doJSON(ctx, http.MethodGet, "/_fake/stats", nil, &st)
	return st, err
}

// SetFaults replaces the fake's fault configuration.
func (c *AdminClient) SetFaults(ctx context.Context, f Faults) error {
	return c.doJSON(ctx, http.MethodPut, "/_fake/faults", f, nil)
}
