package googlefake

import (
	"net/http"
	"slices"
	"sort"
	"strconv"

	gmailapi "google.golang.org/api/gmail/v1"
)

// historyRecord is one mailbox change. Labels is the message's label set
// right after the change, which is what Gmail reports in the record.
type historyRecord struct {
	ID            uint64   `json:"id"`
	MessageID     string   `json:"message_id"`
	ThreadID      string   `json:"thread_id"`
	Labels        []string `json:"labels"`
	Added         bool     `json:"added,omitempty"`
	LabelsAdded   []string `json:"labels_added,omitempty"`
	LabelsRemoved []string `json:"labels_removed,omitempty"`
}

// recordLocked appends rec with the mailbox's next history id and drops
// records beyond the retention window. s.mu must be held.
func (s *Server) recordLocked(mb *mailbox, rec historyRecord) historyRecord {
	mb.HistoryID++
	rec.ID = mb.HistoryID
	mb.History = append(mb.History, rec)
	if drop := len(mb.History) - s.opts.HistoryRetention; drop > 0 {
		mb.HistoryFloor = mb.History[drop-1].ID
		// Reslicing keeps the dropped prefix alive only until the next
		// append reallocates, so memory stays proportional to retention.
		mb.History = mb.History[drop:]
	}
	return rec
}

// ExpireHistory forgets every history record of mailbox, so history.list
// with any startHistoryId older than the current one answers 404, the
// signal for a client to do a full sync.
func (s *Server) ExpireHistory(mailboxAddr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(mailboxAddr)
	mb.History = nil
	mb.HistoryFloor = mb.HistoryID
	s.changed()
}

var historyTypes = []string{"messageAdded", "messageDeleted", "labelAdded", "labelRemoved"}

func (s *Server) historyList(w http.ResponseWriter, r *http.Request, user string) {
	q := r.URL.Query()
	start, err := strconv.ParseUint(q.Get("startHistoryId"), 10, 64)
	if err != nil {
		writeBadRequest(w, "Invalid startHistoryId")
		return
	}
	types := q["historyTypes"]
	for _, t := range types {
		if !slices.Contains(historyTypes, t) {
			writeBadRequest(w, "Invalid value at 'history_types': "+t)
			return
		}
	}
	want := func(t string) bool { return len(types) == 0 || slices.Contains(types, t) }
	size, err := pageSize(r, 100, 500)
	if err != nil {
		writeBadRequest(w, err.Error())
		return
	}
	from := start
	if tok := q.Get("pageToken"); tok != "" {
		if from, err = strconv.ParseUint(tok, 10, 64); err != nil || from < start {
			writeBadRequest(w, "Invalid pageToken")
			return
		}
	}
	labelID := q.Get("labelId")

	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.mailboxLocked(user)
	if start < mb.HistoryFloor || from < mb.HistoryFloor {
		writeNotFound(w)
		return
	}
	resp := &gmailapi.ListHistoryResponse{HistoryId: mb.HistoryID}
	i := sort.Search(len(mb.History), func(i int) bool { return mb.History[i].ID > from })
	for ; i < len(mb.History); i++ {
		rec := mb.History[i]
		if len(resp.History) == size {
			resp.NextPageToken = strconv.FormatUint(resp.History[size-1].Id, 10)
			break
		}
		if labelID != "" && !slices.Contains(rec.Labels, labelID) &&
			!slices.Contains(rec.LabelsAdded, labelID) && !slices.Contains(rec.LabelsRemoved, labelID) {
			continue
		}
		if h := historyResource(rec, want); h != nil {
			resp.History = append(resp.History, h)
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// historyResource renders rec with only the wanted change types, or nil
// when none is wanted.
func historyResource(rec historyRecord, want func(string) bool) *gmailapi.History {
	msg := func() *gmailapi.Message {
		return &gmailapi.Message{Id: rec.MessageID, ThreadId: rec.ThreadID, LabelIds: slices.Clone(rec.Labels)}
	}
	h := &gmailapi.History{Id: rec.ID}
	if rec.Added && want("messageAdded") {
		h.MessagesAdded = []*gmailapi.HistoryMessageAdded{{Message: msg()}}
	}
	if len(rec.LabelsAdded) > 0 && want("labelAdded") {
		h.LabelsAdded = []*gmailapi.HistoryLabelAdded{{Message: msg(), LabelIds: slices.Clone(rec.LabelsAdded)}}
	}
	if len(rec.LabelsRemoved) > 0 && want("labelRemoved") {
		h.LabelsRemoved = []*gmailapi.HistoryLabelRemoved{{Message: msg(), LabelIds: slices.Clone(rec.LabelsRemoved)}}
	}
	if h.MessagesAdded == nil && h.LabelsAdded == nil && h.LabelsRemoved == nil {
		return nil
	}
	h.Messages = []*gmailapi.Message{{Id: rec.MessageID, ThreadId: rec.ThreadID}}
	return h
}
