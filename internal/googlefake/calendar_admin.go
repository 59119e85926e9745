package googlefake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// The sandbox Calendar's admin API (see admin.go for the rest):
//
//	GET    /_fake/calendar/{account}/events               → [CalendarEvent]
//	POST   /_fake/calendar/{account}/events               EventInput → CalendarEvent
//	PATCH  /_fake/calendar/{account}/events/{id}          EventPatch → CalendarEvent
//	DELETE /_fake/calendar/{account}/events/{id}          → 204 (cancel; an instance id cancels one instance)
//	POST   /_fake/calendar/{account}/events/{id}/response {"response": "accepted"} → 204
//	POST   /_fake/calendar/{account}/expire-sync-tokens   → 204 (the next incremental sync answers 410)

func (s *Server) calendarAdminRoutes(m *http.ServeMux) {
	base := "/_fake/calendar/{account}/"
	m.HandleFunc("GET "+base+"events", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.CalendarEvents(r.PathValue("account")))
	})
	m.HandleFunc("POST "+base+"events", func(w http.ResponseWriter, r *http.Request) {
		var in EventInput
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		ev, err := s.CreateEvent(r.PathValue("account"), in)
		if err != nil {
			adminFileError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, ev)
	})
	m.HandleFunc("PATCH "+base+"events/{id}", func(w http.ResponseWriter, r *http.Request) {
		var p EventPatch
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&p); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		ev, err := s.UpdateEvent(r.PathValue("account"), r.PathValue("id"), p)
		if err != nil {
			adminFileError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, ev)
	})
	m.HandleFunc("DELETE "+base+"events/{id}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.CancelEvent(r.PathValue("account"), r.PathValue("id")); err != nil {
			adminFileError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST "+base+"events/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Response string `json:"response"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		if err := s.RespondToEvent(r.PathValue("account"), r.PathValue("id"), in.Response); err != nil {
			adminFileError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST "+base+"expire-sync-tokens", func(w http.ResponseWriter, r *http.Request) {
		s.ExpireCalendarSyncTokens(r.PathValue("account"))
		w.WriteHeader(http.StatusNoContent)
	})
}

func calendarPath(account string, rest ...string) string {
	p := "/_fake/calendar/" + url.PathEscape(account) + "/events"
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}

// CreateEvent creates an event organised by account; see Server.CreateEvent.
func (c *AdminClient) CreateEvent(ctx context.Context, account string, in EventInput) (CalendarEvent, error) {
	var ev CalendarEvent
	err := c.doJSON(ctx, http.MethodPost, calendarPath(account), in, &ev)
	return ev, err
}

// UpdateEvent changes an event; see Server.UpdateEvent.
func (c *AdminClient) UpdateEvent(ctx context.Context, account, eventID string, p EventPatch) (CalendarEvent, error) {
	var ev CalendarEvent
	err := c.doJSON(ctx, http.MethodPatch, calendarPath(account, eventID), p, &ev)
	return ev, err
}

// CancelEvent cancels an event or one instance; see Server.CancelEvent.
func (c *AdminClient) CancelEvent(ctx context.Context, account, eventID string) error {
	return c.doJSON(ctx, http.MethodDelete, calendarPath(account, eventID), nil, nil)
}

// RespondToEvent sets account's own response; see Server.RespondToEvent.
func (c *AdminClient) RespondToEvent(ctx context.Context, account, eventID, response string) error {
	return c.doJSON(ctx, http.MethodPost, calendarPath(account, eventID, "response"), map[string]string{"response": response}, nil)
}

// CalendarEvents lists account's events; see Server.CalendarEvents.
func (c *AdminClient) CalendarEvents(ctx context.Context, account string) ([]CalendarEvent, error) {
	var out []CalendarEvent
	err := c.doJSON(ctx, http.MethodGet, calendarPath(account), nil, &out)
	return out, err
}

// ExpireCalendarSyncTokens expires account's sync tokens; see
// Server.ExpireCalendarSyncTokens.
func (c *AdminClient) ExpireCalendarSyncTokens(ctx context.Context, account string) error {
	return c.doJSON(ctx, http.MethodPost, "/_fake/calendar/"+url.PathEscape(account)+"/expire-sync-tokens", nil, nil)
}
