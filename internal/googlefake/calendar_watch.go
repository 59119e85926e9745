package googlefake

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
)

// Calendar push: events.watch opens a web_hook channel on a calendar's
// events, whose lifetime is params.ttl seconds (default 604800, a week) or
// the requested expiration; Google sends a "sync" notification at once and
// an "exists" notification after every change, without a body, numbering
// each channel's messages from 1. channels.stop ({id, resourceId}) ends a
// channel; there is no events/stop.

const (
	defaultCalendarChannelTTL = 7 * 24 * time.Hour
	maxCalendarChannelTTL     = 30 * 24 * time.Hour
)

// calendarChannel is an open events.watch channel.
type calendarChannel struct {
	ID          string `json:"id"`
	ResourceID  string `json:"resource_id"`
	ResourceURI string `json:"resource_uri"`
	Calendar    string `json:"calendar"`
	Account     string `json:"account"`
	Address     string `json:"address"`
	Token       string `json:"token,omitempty"`
	Expiration  int64  `json:"expiration"` // epoch ms
	MsgNum      int64  `json:"msg_num"`
}

// calendar wraps a Calendar method like drive does: count it, authenticate
// (a token with a Calendar scope), charge quota, inject faults.
func (s *Server) calendar(method string, h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.call(method)
		account, scope, err := s.tokenAccount(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
			writeErrorAt(w, http.StatusUnauthorized, "authError",
				"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
				"Authorization", "header")
			return
		}
		if !slices.ContainsFunc(strings.Fields(scope), func(sc string) bool {
			return strings.HasPrefix(sc, "https://www.googleapis.com/auth/calendar")
		}) {
			writeError(w, http.StatusForbidden, "insufficientPermissions", "Request had insufficient authentication scopes.")
			return
		}
		if !s.calendarQuota.take(account, 1, s.opts.CalendarQueriesPerSecond, s.now()) {
			s.stats.rejected(method)
			writeError(w, http.StatusTooManyRequests, "rateLimitExceeded", "Rate Limit Exceeded")
			return
		}
		if !s.injectFaults(w, r, method, "rateLimitExceeded") {
			return
		}
		s.log.Debug("googlefake: call", "method", method, "account", account)
		h(w, r, account)
	}
}

func (s *Server) eventsWatch(w http.ResponseWriter, r *http.Request, account string) {
	calID, ok := s.calendarFor(w, r, account)
	if !ok {
		return
	}
	var req calendarapi.Channel
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Id == "" || req.Address == "" || (req.Type != "web_hook" && req.Type != "webhook") {
		writeError(w, http.StatusBadRequest, "badRequest", "A channel needs an id, type web_hook and an address.")
		return
	}
	now := s.now()
	ttl := defaultCalendarChannelTTL
	if v, ok := req.Params["ttl"]; ok {
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil || sec <= 0 {
			writeError(w, http.StatusBadRequest, "invalid", "Invalid value for params.ttl: "+v)
			return
		}
		ttl = time.Duration(sec) * time.Second
	}
	exp := now.Add(min(ttl, maxCalendarChannelTTL)).UnixMilli()
	if req.Expiration > 0 {
		exp = min(req.Expiration, now.Add(maxCalendarChannelTTL).UnixMilli())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.CalendarChannels[req.Id]; dup {
		writeJSON(w, http.StatusBadRequest, apiError{Error: apiErrorBody{Code: http.StatusBadRequest,
			Message: "Channel id " + req.Id + " not unique",
			Errors:  []apiErrorItem{{Domain: "push", Reason: "channelIdNotUnique", Message: "Channel id " + req.Id + " not unique"}},
			Status:  grpcStatus[http.StatusBadRequest]}})
		return
	}
	cal := s.calendarLocked(calID)
	ch := &calendarChannel{ID: req.Id, ResourceID: cal.ResourceID, Calendar: cal.ID, Account: account, Address: req.Address,
		Token: req.Token, Expiration: exp,
		ResourceURI: s.baseURL(r) + "/calendar/v3/calendars/" + cal.ID + "/events?alt=json"}
	s.st.CalendarChannels[ch.ID] = ch
	s.notifyCalendarChannelLocked(ch, "sync")
	s.changed()
	writeJSON(w, http.StatusOK, &calendarapi.Channel{Kind: "api#channel", Id: ch.ID, ResourceId: ch.ResourceID,
		ResourceUri: ch.ResourceURI, Token: ch.Token, Expiration: ch.Expiration})
}

func (s *Server) calendarChannelsStop(w http.ResponseWriter, r *http.Request, account string) {
	var req calendarapi.Channel
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.st.CalendarChannels[req.Id]
	if ch == nil || req.ResourceId != ch.ResourceID {
		writeError(w, http.StatusNotFound, "notFound", "Channel '"+req.Id+"' not found for project 'sandbox'")
		return
	}
	delete(s.st.CalendarChannels, ch.ID)
	s.changed()
	w.WriteHeader(http.StatusNoContent)
}

// notifyCalendarLocked tells every live channel watching cal that its
// events changed. s.mu must be held.
func (s *Server) notifyCalendarLocked(cal *fakeCalendar, state string) {
	for _, ch := range s.st.CalendarChannels {
		if ch.Calendar == cal.ID {
			s.notifyCalendarChannelLocked(ch, state)
		}
	}
}

// notifyCalendarChannelLocked queues one notification with Google's
// headers; message numbers are taken under the lock, so they grow in queue
// order.
func (s *Server) notifyCalendarChannelLocked(ch *calendarChannel, state string) {
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
	h.Set("X-Goog-Message-Number", strconv.FormatInt(ch.MsgNum, 10))
	addr, id := ch.Address, ch.ID
	s.out.enqueue("calendar:"+id, delivery{
		build: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, addr, http.NoBody)
			if err != nil {
				return nil, err
			}
			req.Header = h.Clone()
			return req, nil
		},
		alive: func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.st.CalendarChannels[id] == ch && ch.Expiration > s.now().UnixMilli()
		},
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

// CalendarChannels lists the open channels on account's calendar, for
// tests: a renewal must leave one.
func (s *Server) CalendarChannels(account string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, ch := range s.st.CalendarChannels {
		if ch.Calendar == normalizeAddress(account) && ch.Expiration > s.now().UnixMilli() {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
