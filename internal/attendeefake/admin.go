package attendeefake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"time"
)

// The admin API lets a process that does not host the fake (the product in
// sandbox mode, make demo) drive it over HTTP. It is unauthenticated: bind
// the fake to loopback.
//
//	PUT  /_fake/meetings       Meeting → the stored script
//	GET  /_fake/meetings       → [Meeting]
//	GET  /_fake/bots           → [BotInfo]
//	POST /_fake/advance        {"by": "3m"} → fast-forward every bot's timeline
//	POST /_fake/step           run what is due now
//	GET  /_fake/webhooks       → [Delivery]
//	GET  /_fake/faults, PUT /_fake/faults  Faults
//	POST /_fake/faults/next    {"op", "fault", "n"} or {"webhook_fault", "n"}

func (f *Fake) adminRoutes(m *http.ServeMux) {
	m.HandleFunc("PUT /_fake/meetings", func(w http.ResponseWriter, r *http.Request) {
		var mt Meeting
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&mt); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		if err := f.SetMeeting(mt); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		u, _ := normalizeMeetingURL(mt.URL)
		f.mu.Lock()
		stored := f.meetings[u]
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, stored)
	})
	m.HandleFunc("GET /_fake/meetings", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		out := make([]Meeting, 0, len(f.meetings))
		for _, k := range sortedKeys(f.meetings) {
			out = append(out, f.meetings[k])
		}
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	})
	m.HandleFunc("GET /_fake/bots", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, f.Bots())
	})
	m.HandleFunc("POST /_fake/advance", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			By Duration `json:"by"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&req); err != nil || req.By <= 0 {
			adminError(w, http.StatusBadRequest, fmt.Errorf(`body must be {"by": "<duration>"}`))
			return
		}
		f.Advance(time.Duration(req.By))
		writeJSON(w, http.StatusOK, f.Bots())
	})
	m.HandleFunc("POST /_fake/step", func(w http.ResponseWriter, r *http.Request) {
		f.Step()
		writeJSON(w, http.StatusOK, f.Bots())
	})
	m.HandleFunc("GET /_fake/webhooks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, f.Deliveries())
	})
	m.HandleFunc("GET /_fake/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, f.Faults())
	})
	m.HandleFunc("PUT /_fake/faults", func(w http.ResponseWriter, r *http.Request) {
		var c Faults
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&c); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		f.SetFaults(c)
		writeJSON(w, http.StatusOK, f.Faults())
	})
	m.HandleFunc("POST /_fake/faults/next", func(w http.ResponseWriter, r *http.Request) {
		var req faultRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&req); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		switch {
		case req.Fault != "":
			f.FailNext(req.Op, req.Fault, req.N)
		case req.WebhookFault != "":
			f.DisturbNextWebhooks(req.WebhookFault, req.N)
		default:
			adminError(w, http.StatusBadRequest, fmt.Errorf("name a fault or a webhook_fault"))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func adminError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

// BotInfo is the fake's view of a bot, for tests and the admin API.
type BotInfo struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	MeetingURL       string         `json:"meeting_url"`
	State            string         `json:"state"`
	Events           []string       `json:"events"`
	JoinAt           *time.Time     `json:"join_at,omitempty"`
	DeduplicationKey string         `json:"deduplication_key,omitempty"`
	Metadata         map[string]any `json:"metadata,omitempty"`
	Webhooks         []string       `json:"webhooks,omitempty"`
	NextAt           *time.Time     `json:"next_at,omitempty"`
	Utterances       int            `json:"utterances"`
}

// Bots returns every bot, in creation order (deleted ones are gone, as at
// Attendee).
func (f *Fake) Bots() []BotInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []BotInfo{}
	for _, id := range f.order {
		b := f.bots[id]
		if b == nil {
			continue
		}
		info := BotInfo{ID: b.ID, Name: b.Name, MeetingURL: b.MeetingURL, State: b.State,
			DeduplicationKey: b.DeduplicationKey, Metadata: maps.Clone(b.Metadata), Utterances: len(b.Transcript)}
		if b.JoinAt != nil {
			t := *b.JoinAt
			info.JoinAt = &t
		}
		for _, e := range b.Events {
			info.Events = append(info.Events, e.Type)
		}
		for _, s := range b.Webhooks {
			info.Webhooks = append(info.Webhooks, s.URL)
		}
		if !b.NextAt.IsZero() {
			t := b.NextAt
			info.NextAt = &t
		}
		out = append(out, info)
	}
	return out
}
