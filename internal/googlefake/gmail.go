package googlefake

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	gmailapi "google.golang.org/api/gmail/v1"
)

// systemLabels are Gmail's built-in label ids (their names equal their ids).
var systemLabels = []string{
	"INBOX", "SENT", "DRAFT", "SPAM", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "CHAT",
	"CATEGORY_PERSONAL", "CATEGORY_SOCIAL", "CATEGORY_PROMOTIONS", "CATEGORY_UPDATES", "CATEGORY_FORUMS",
}

// mailbox is one Gmail user. Exported fields are persisted.
type mailbox struct {
	Address string `json:"address"`
	// HistoryID is the mailbox's current history id: the id of the last
	// record, or the starting point when there is none.
	HistoryID uint64 `json:"history_id"`
	// HistoryFloor is the oldest startHistoryId history.list still
	// answers; every record after it is retained.
	HistoryFloor uint64                `json:"history_floor"`
	History      []historyRecord       `json:"history"`
	Messages     map[string]*message   `json:"messages"`
	Labels       map[string]*userLabel `json:"labels"`
	NextLabel    int                   `json:"next_label"`
	Watch        *gmailWatch           `json:"watch,omitempty"`

	sorted   []*message        // newest first, as messages.list returns them
	threadOf map[string]string // RFC 822 Message-ID → Gmail threadId
}

// message is one stored mail. Raw is never modified after delivery, so
// handlers may read it after releasing the lock.
type message struct {
	ID           string   `json:"id"`
	ThreadID     string   `json:"thread_id"`
	Raw          []byte   `json:"raw"`
	InternalDate int64    `json:"internal_date"` // epoch ms
	Labels       []string `json:"labels"`
	HistoryID    uint64   `json:"history_id"`
	Snippet      string   `json:"snippet"`
	RFCMessageID string   `json:"rfc_message_id,omitempty"`
	From         string   `json:"from,omitempty"`
	To           string   `json:"to,omitempty"`
	Subject      string   `json:"subject,omitempty"`
}

type userLabel struct {
	ID                    string `json:"id"`
	Name                  string `json:"name"`
	MessageListVisibility string `json:"message_list_visibility,omitempty"`
	LabelListVisibility   string `json:"label_list_visibility,omitempty"`
}

// gmailWatch is an active users.watch registration.
type gmailWatch struct {
	Topic      string   `json:"topic"`
	LabelIDs   []string `json:"label_ids,omitempty"`
	Exclude    bool     `json:"exclude,omitempty"`
	Expiration int64    `json:"expiration"` // epoch ms
}

func newMailbox(addr string, start uint64) *mailbox {
	mb := &mailbox{Address: addr, HistoryID: start, HistoryFloor: start,
		Messages: map[string]*message{}, Labels: map[string]*userLabel{}, NextLabel: 1}
	mb.reindex()
	return mb
}

// reindex rebuilds the derived indexes, after loading state.
func (mb *mailbox) reindex() {
	mb.sorted = mb.sorted[:0]
	mb.threadOf = map[string]string{}
	for _, m := range mb.Messages {
		mb.sorted = append(mb.sorted, m)
		if m.RFCMessageID != "" {
			mb.threadOf[m.RFCMessageID] = m.ThreadID
		}
	}
	sort.Slice(mb.sorted, func(i, j int) bool { return newerThan(mb.sorted[i], mb.sorted[j]) })
}

// newerThan is messages.list order: internalDate descending, then id.
func newerThan(a, b *message) bool {
	if a.InternalDate != b.InternalDate {
		return a.InternalDate > b.InternalDate
	}
	return a.ID > b.ID
}

func (mb *mailbox) insert(m *message) {
	i := sort.Search(len(mb.sorted), func(i int) bool { return newerThan(m, mb.sorted[i]) })
	mb.sorted = slices.Insert(mb.sorted, i, m)
	mb.Messages[m.ID] = m
	if m.RFCMessageID != "" {
		mb.threadOf[m.RFCMessageID] = m.ThreadID
	}
}

// labelID resolves a label id or name (case-insensitive) to its id.
func (mb *mailbox) labelID(s string) (string, bool) {
	for _, id := range systemLabels {
		if strings.EqualFold(id, s) {
			return id, true
		}
	}
	if _, ok := mb.Labels[s]; ok {
		return s, true
	}
	for _, l := range mb.Labels {
		if strings.EqualFold(l.Name, s) {
			return l.ID, true
		}
	}
	return "", false
}

// mailboxLocked returns the mailbox for addr, creating it on first use as
// Gmail users "exist" for the fake as soon as anyone names them. History
// ids start at a different realistic offset per mailbox so that mixing up
// two mailboxes' ids shows in tests. s.mu must be held.
func (s *Server) mailboxLocked(addr string) *mailbox {
	addr = normalizeAddress(addr)
	mb := s.st.Mailboxes[addr]
	if mb == nil {
		mb = newMailbox(addr, 1000+100*uint64(len(s.st.Mailboxes)))
		s.st.Mailboxes[addr] = mb
		s.changed()
	}
	return mb
}

// gmailUser resolves the {userId} path value. "me" is the account of a
// bearer token this fake issued, else Options.DefaultMailbox.
func (s *Server) gmailUser(r *http.Request) string {
	id := normalizeAddress(r.PathValue("userId"))
	if id != "me" {
		return id
	}
	if acct, _, err := s.tokenAccount(r); err == nil {
		return acct
	}
	return s.opts.DefaultMailbox
}

// DeliverOptions tune Deliver.
type DeliverOptions struct {
	// Labels are label ids or user label names; a name that does not
	// exist yet is created. Default INBOX and UNREAD (incoming mail). Use
	// []string{"SENT"} for mail the mailbox sent, []string{"DRAFT"} for a
	// draft.
	Labels []string
	// InternalDate defaults to the Date header, or the clock when absent.
	InternalDate time.Time
	// ThreadID puts the message in an existing thread. By default a
	// message joins the thread of a message it references (In-Reply-To,
	// References) or starts its own.
	ThreadID string
}

// Deliver stores raw (RFC 822 bytes) in mailbox as Gmail would on receipt:
// it records a messageAdded history entry and, when the mailbox has an
// active watch whose filter matches, sends a Pub/Sub push. It returns the
// Gmail message id and the history id of the delivery.
func (s *Server) Deliver(mailboxAddr string, raw []byte, opts DeliverOptions) (string, uint64, error) {
	if len(raw) == 0 {
		return "", 0, errors.New("googlefake: empty message")
	}
	if normalizeAddress(mailboxAddr) == "" {
		return "", 0, errors.New("googlefake: empty mailbox address")
	}
	raw = slices.Clone(raw)
	hs, _ := splitMessage(raw)
	m := &message{
		Raw:          raw,
		Snippet:      snippet(raw),
		RFCMessageID: firstOf(messageIDs(headerValue(hs, "Message-ID"))),
		From:         decodeHeader(headerValue(hs, "From")),
		To:           decodeHeader(headerValue(hs, "To") + ", " + headerValue(hs, "Cc")),
		Subject:      decodeHeader(headerValue(hs, "Subject")),
	}
	switch {
	case !opts.InternalDate.IsZero():
		m.InternalDate = opts.InternalDate.UnixMilli()
	default:
		if d, err := mail.ParseDate(headerValue(hs, "Date")); err == nil {
			m.InternalDate = d.UnixMilli()
		} else {
			m.InternalDate = s.now().UnixMilli()
		}
	}
	labels := opts.Labels
	if labels == nil {
		labels = []string{"INBOX", "UNREAD"}
	}

	s.mu.Lock()
	mb := s.mailboxLocked(mailboxAddr)
	for _, l := range labels {
		id, ok := mb.labelID(l)
		if !ok {
			id = mb.createLabel(l, "", "").ID
		}
		if !slices.Contains(m.Labels, id) {
			m.Labels = append(m.Labels, id)
		}
	}
	m.ID = s.newMessageIDLocked(mb, m.InternalDate)
	m.ThreadID = opts.ThreadID
	if m.ThreadID == "" {
		refs := append(messageIDs(headerValue(hs, "In-Reply-To")), reversed(messageIDs(headerValue(hs, "References")))...)
		for _, ref := range refs {
			if t, ok := mb.threadOf[ref]; ok {
				m.ThreadID = t
				break
			}
		}
	}
	if m.ThreadID == "" {
		m.ThreadID = m.ID
	}
	rec := s.recordLocked(mb, historyRecord{MessageID: m.ID, ThreadID: m.ThreadID, Labels: slices.Clone(m.Labels), Added: true})
	m.HistoryID = rec.ID
	mb.insert(m)
	push := s.pushDueLocked(mb, m.Labels)
	s.changed()
	s.mu.Unlock()

	if push {
		s.enqueuePush(mb.Address, rec.ID)
	}
	return m.ID, rec.ID, nil
}

func firstOf(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func reversed(v []string) []string {
	slices.Reverse(v)
	return v
}

// newMessageIDLocked makes an id shaped like Gmail's: 16 hex digits whose
// high bits are the time, so ids sort roughly by arrival.
func (s *Server) newMessageIDLocked(mb *mailbox, ms int64) string {
	for {
		s.st.Seq++
		id := fmt.Sprintf("%016x", uint64(ms)<<20|s.st.Seq&0xfffff)
		if _, taken := mb.Messages[id]; !taken {
			return id
		}
	}
}

func (mb *mailbox) createLabel(name, msgVis, labelVis string) *userLabel {
	l := &userLabel{ID: "Label_" + strconv.Itoa(mb.NextLabel), Name: name,
		MessageListVisibility: msgVis, LabelListVisibility: labelVis}
	mb.NextLabel++
	mb.Labels[l.ID] = l
	return l
}

// MailboxSnapshot is a read-only copy of a mailbox for test assertions.
type MailboxSnapshot struct {
	Address   string
	HistoryID uint64
	// Messages maps each message id to its label ids.
	Messages map[string][]string
	Threads  int
	// WatchExpiration is the active watch's expiry; zero when none.
	WatchExpiration time.Time
}

// Count returns how many messages carry label.
func (m MailboxSnapshot) Count(label string) int {
	n := 0
	for _, ls := range m.Messages {
		if slices.Contains(ls, label) {
			n++
		}
	}
	return n
}

// Mailbox returns a snapshot of the mailbox at addr (empty if it does not
// exist; this does not create it).
func (s *Server) Mailbox(addr string) MailboxSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := MailboxSnapshot{Address: normalizeAddress(addr), Messages: map[string][]string{}}
	mb := s.st.Mailboxes[snap.Address]
	if mb == nil {
		return snap
	}
	snap.HistoryID = mb.HistoryID
	threads := map[string]bool{}
	for id, m := range mb.Messages {
		snap.Messages[id] = slices.Clone(m.Labels)
		threads[m.ThreadID] = true
	}
	snap.Threads = len(threads)
	if w := mb.Watch; w != nil && w.Expiration > s.now().UnixMilli() {
		snap.WatchExpiration = time.UnixMilli(w.Expiration)
	}
	return snap
}

// --- HTTP handlers ---

func (s *Server) messagesGet(w http.ResponseWriter, r *http.Request, user string) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "full"
	}
	if !slices.Contains([]string{"minimal", "full", "raw", "metadata"}, format) {
		writeBadRequest(w, "Invalid value at 'format' ("+format+")")
		return
	}
	s.mu.Lock()
	m, ok := s.mailboxLocked(user).Messages[r.PathValue("id")]
	var out gmailapi.Message
	if ok {
		out = messageResource(m)
	}
	s.mu.Unlock()
	if !ok {
		writeNotFound(w)
		return
	}
	// m.Raw is immutable, so parsing happens outside the lock.
	switch format {
	case "raw":
		out.Raw = base64.URLEncoding.EncodeToString(m.Raw)
	case "full":
		out.Payload = buildPart(m.Raw, "", m.ID)
	case "metadata":
		hs, _ := splitMessage(m.Raw)
		mt, _ := mediaType(hs)
		out.Payload = &gmailapi.MessagePart{MimeType: mt, Headers: gmailHeaders(hs, r.URL.Query()["metadataHeaders"])}
	}
	writeJSON(w, http.StatusOK, &out)
}

// messageResource is the minimal-format message; s.mu must be held.
func messageResource(m *message) gmailapi.Message {
	return gmailapi.Message{
		Id: m.ID, ThreadId: m.ThreadID, LabelIds: slices.Clone(m.Labels), Snippet: m.Snippet,
		SizeEstimate: int64(len(m.Raw)), HistoryId: m.HistoryID, InternalDate: m.InternalDate,
		ForceSendFields: []string{"Snippet"},
	}
}

func (s *Server) attachmentsGet(w http.ResponseWriter, r *http.Request, user string) {
	msgID, attID := r.PathValue("messageId"), r.PathValue("id")
	s.mu.Lock()
	m, ok := s.mailboxLocked(user).Messages[msgID]
	s.mu.Unlock()
	if !ok {
		writeNotFound(w)
		return
	}
	dec, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(attID, "ANGjdJ"))
	owner, partID, _ := strings.Cut(string(dec), "/")
	if err != nil || owner != msgID {
		writeBadRequest(w, "Invalid attachment token")
		return
	}
	data, ok := findPart(m.Raw, partID)
	if !ok {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, &gmailapi.MessagePartBody{
		AttachmentId: attID, Size: int64(len(data)), Data: base64.URLEncoding.EncodeToString(data),
	})
}

// pageSize reads maxResults with the API's default and cap.
func pageSize(r *http.Request, def, limit int) (int, error) {
	v := r.URL.Query().Get("maxResults")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("Invalid value for maxResults: %q", v)
	}
	if n == 0 {
		return def, nil
	}
	return min(n, limit), nil
}

func (s *Server) messagesList(w http.ResponseWriter, r *http.Request, user string) {
	q := r.URL.Query()
	size, err := pageSize(r, 100, 500)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	// The page token is the position of the last message returned, so
	// mail arriving between pages does not shift or repeat results.
	var after *message
	if tok := q.Get("pageToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		ms, id, ok := strings.Cut(string(b), ":")
		n, err2 := strconv.ParseInt(ms, 10, 64)
		if err != nil || !ok || err2 != nil {
			writeBadRequest(w, "Invalid pageToken")
			return
		}
		after = &message{InternalDate: n, ID: id}
	}
	includeSpamTrash, _ := strconv.ParseBool(q.Get("includeSpamTrash"))

	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	query, err := parseQuery(q.Get("q"), mb, s.now())
	if err != nil {
		writeBadRequest(w, "Invalid query: "+err.Error())
		return
	}
	var labelIDs []string
	for _, l := range q["labelIds"] {
		id, ok := mb.labelID(l)
		if !ok {
			writeBadRequest(w, "Invalid label: "+l)
			return
		}
		labelIDs = append(labelIDs, id)
	}
	spamTrash := includeSpamTrash || query.spamTrash ||
		slices.Contains(labelIDs, "SPAM") || slices.Contains(labelIDs, "TRASH")

	resp := &gmailapi.ListMessagesResponse{}
	var total int64
	var last *message
	for _, m := range mb.sorted {
		if !spamTrash && (slices.Contains(m.Labels, "SPAM") || slices.Contains(m.Labels, "TRASH")) {
			continue
		}
		if !hasAll(m.Labels, labelIDs) || !query.match(m) {
			continue
		}
		total++
		if after != nil && !newerThan(after, m) {
			continue
		}
		if len(resp.Messages) < size {
			resp.Messages = append(resp.Messages, &gmailapi.Message{Id: m.ID, ThreadId: m.ThreadID})
			last = m
		} else if resp.NextPageToken == "" {
			resp.NextPageToken = base64.RawURLEncoding.EncodeToString(
				[]byte(strconv.FormatInt(last.InternalDate, 10) + ":" + last.ID))
		}
	}
	resp.ResultSizeEstimate = total
	resp.ForceSendFields = []string{"ResultSizeEstimate"}
	writeJSON(w, http.StatusOK, resp)
}

func hasAll(have, want []string) bool {
	for _, l := range want {
		if !slices.Contains(have, l) {
			return false
		}
	}
	return true
}

// resolveLabels validates label ids for modify: Gmail refuses unknown ids.
func resolveLabels(mb *mailbox, ids []string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if slices.Contains(systemLabels, id) {
			out = append(out, id)
			continue
		}
		if _, ok := mb.Labels[id]; !ok {
			return nil, fmt.Errorf("Invalid label: %s", id)
		}
		out = append(out, id)
	}
	return out, nil
}

// modifyLocked applies a label change to one message and records history
// only when something actually changed, as Gmail does.
func (s *Server) modifyLocked(mb *mailbox, m *message, add, remove []string) {
	var added, removed []string
	for _, l := range add {
		if !slices.Contains(m.Labels, l) && !slices.Contains(remove, l) {
			m.Labels = append(m.Labels, l)
			added = append(added, l)
		}
	}
	for _, l := range remove {
		if i := slices.Index(m.Labels, l); i >= 0 {
			m.Labels = slices.Delete(m.Labels, i, i+1)
			removed = append(removed, l)
		}
	}
	if len(added) == 0 && len(removed) == 0 {
		return
	}
	rec := s.recordLocked(mb, historyRecord{MessageID: m.ID, ThreadID: m.ThreadID, Labels: slices.Clone(m.Labels),
		LabelsAdded: added, LabelsRemoved: removed})
	m.HistoryID = rec.ID
	s.changed()
}

func (s *Server) messagesModify(w http.ResponseWriter, r *http.Request, user string) {
	var req gmailapi.ModifyMessageRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	m, ok := mb.Messages[r.PathValue("id")]
	if !ok {
		writeNotFound(w)
		return
	}
	add, err := resolveLabels(mb, req.AddLabelIds)
	if err == nil {
		var remove []string
		if remove, err = resolveLabels(mb, req.RemoveLabelIds); err == nil {
			s.modifyLocked(mb, m, add, remove)
		}
	}
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, &gmailapi.Message{Id: m.ID, ThreadId: m.ThreadID, LabelIds: slices.Clone(m.Labels)})
}

func (s *Server) messagesBatchModify(w http.ResponseWriter, r *http.Request, user string) {
	var req gmailapi.BatchModifyMessagesRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if len(req.Ids) > 1000 {
		writeBadRequest(w, "Too many ids: at most 1000 per batchModify")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	add, err := resolveLabels(mb, req.AddLabelIds)
	var remove []string
	if err == nil {
		remove, err = resolveLabels(mb, req.RemoveLabelIds)
	}
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	// Validate every id first so a bad batch changes nothing.
	msgs := make([]*message, 0, len(req.Ids))
	for _, id := range req.Ids {
		m, ok := mb.Messages[id]
		if !ok {
			writeNotFound(w)
			return
		}
		msgs = append(msgs, m)
	}
	for _, m := range msgs {
		s.modifyLocked(mb, m, add, remove)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) labelsList(w http.ResponseWriter, r *http.Request, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	resp := &gmailapi.ListLabelsResponse{}
	for _, id := range systemLabels {
		resp.Labels = append(resp.Labels, &gmailapi.Label{Id: id, Name: id, Type: "system"})
	}
	ids := make([]string, 0, len(mb.Labels))
	for id := range mb.Labels {
		ids = append(ids, id)
	}
	// Label_2 before Label_10: creation order, as Gmail lists them.
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) })
	for _, id := range ids {
		resp.Labels = append(resp.Labels, labelResource(mb.Labels[id]))
	}
	writeJSON(w, http.StatusOK, resp)
}

func labelResource(l *userLabel) *gmailapi.Label {
	return &gmailapi.Label{Id: l.ID, Name: l.Name, Type: "user",
		MessageListVisibility: l.MessageListVisibility, LabelListVisibility: l.LabelListVisibility}
}

var controlRE = regexp.MustCompile(`[\x00-\x1f]`)

func (s *Server) labelsCreate(w http.ResponseWriter, r *http.Request, user string) {
	var req gmailapi.Label
	if !decodeBody(w, r, &req) {
		return
	}
	name := strings.TrimSpace(req.Name)
	if name == "" || controlRE.MatchString(name) {
		writeBadRequest(w, "Invalid label name")
		return
	}
	// Discovery marks both visibilities required for labels.create.
	if !slices.Contains([]string{"show", "hide"}, req.MessageListVisibility) {
		writeBadRequest(w, "Invalid messageListVisibility: "+req.MessageListVisibility)
		return
	}
	if !slices.Contains([]string{"labelShow", "labelShowIfUnread", "labelHide"}, req.LabelListVisibility) {
		writeBadRequest(w, "Invalid labelListVisibility: "+req.LabelListVisibility)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	if _, exists := mb.labelID(name); exists {
		writeError(w, http.StatusConflict, "duplicate", "Label name exists or conflicts")
		return
	}
	l := mb.createLabel(name, req.MessageListVisibility, req.LabelListVisibility)
	s.changed()
	writeJSON(w, http.StatusOK, labelResource(l))
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	threads := map[string]bool{}
	for _, m := range mb.Messages {
		threads[m.ThreadID] = true
	}
	writeJSON(w, http.StatusOK, &gmailapi.Profile{
		EmailAddress: mb.Address, MessagesTotal: int64(len(mb.Messages)), ThreadsTotal: int64(len(threads)),
		HistoryId: mb.HistoryID, ForceSendFields: []string{"MessagesTotal", "ThreadsTotal"},
	})
}

var topicRE = regexp.MustCompile(`^projects/[^/]+/topics/[^/]+$`)

func (s *Server) watch(w http.ResponseWriter, r *http.Request, user string) {
	var req gmailapi.WatchRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if !topicRE.MatchString(req.TopicName) {
		writeBadRequest(w, "Invalid topicName does not match projects/SOME-PROJECT/topics/*")
		return
	}
	behavior := strings.ToLower(req.LabelFilterBehavior)
	if behavior == "" {
		behavior = strings.ToLower(req.LabelFilterAction)
	}
	if behavior != "" && behavior != "include" && behavior != "exclude" {
		writeBadRequest(w, "Invalid labelFilterBehavior: "+req.LabelFilterBehavior)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	labels, err := resolveLabels(mb, req.LabelIds)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	// A watch lasts 7 days; Google asks clients to renew daily.
	exp := s.now().Add(7 * 24 * time.Hour).UnixMilli()
	mb.Watch = &gmailWatch{Topic: req.TopicName, LabelIDs: labels, Exclude: behavior == "exclude", Expiration: exp}
	s.changed()
	writeJSON(w, http.StatusOK, &gmailapi.WatchResponse{HistoryId: mb.HistoryID, Expiration: exp})
}

func (s *Server) stop(w http.ResponseWriter, r *http.Request, user string) {
	s.mu.Lock()
	mb := s.mailboxLocked(user)
	mb.Watch = nil
	s.changed()
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
