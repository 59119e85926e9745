package googlefake

import (
	"encoding/json"
	"fmt"
	"os"
)

// stateVersion changes when the state file's shape changes incompatibly;
// a file of another version is set aside instead of misread.
const stateVersion = 1

// state is everything the fake persists. Pending OAuth codes, quota
// windows, stats and faults are deliberately not persisted: they are
// either short-lived or test configuration.
type state struct {
	Version   int                     `json:"version"`
	Mailboxes map[string]*mailbox     `json:"mailboxes"`
	Files     map[string]*driveFile   `json:"files"`
	Channels  map[string]*channel     `json:"channels"`
	Grants    map[string]*grant       `json:"grants"`
	Tokens    map[string]*accessToken `json:"tokens"`
	// Calendars are keyed by account; CalendarChannels by channel id.
	Calendars        map[string]*fakeCalendar    `json:"calendars,omitempty"`
	CalendarChannels map[string]*calendarChannel `json:"calendar_channels,omitempty"`
	// Seq feeds ids that must not repeat across restarts (message ids,
	// Pub/Sub message ids).
	Seq uint64 `json:"seq"`
}

func newState() *state {
	return &state{Version: stateVersion, Mailboxes: map[string]*mailbox{}, Files: map[string]*driveFile{},
		Channels: map[string]*channel{}, Grants: map[string]*grant{}, Tokens: map[string]*accessToken{},
		Calendars: map[string]*fakeCalendar{}, CalendarChannels: map[string]*calendarChannel{}}
}

// snapshot serializes the state for store.File.
func (s *Server) snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.st)
}

// loadState reads Options.StateFile. A file that cannot be used is moved
// aside rather than overwritten, so nothing is lost silently.
func (s *Server) loadState() {
	b, err := s.file.Load()
	if err == nil && b == nil {
		return
	}
	st := newState()
	if err == nil {
		err = json.Unmarshal(b, st)
	}
	if err == nil && st.Version != stateVersion {
		err = errVersion(st.Version)
	}
	if err != nil {
		aside := s.opts.StateFile + ".corrupt"
		s.log.Error("googlefake: unusable state file, starting empty", "file", s.opts.StateFile, "moved_to", aside, "err", err)
		_ = os.Rename(s.opts.StateFile, aside)
		return
	}
	// JSON null maps decode as nil; make them usable.
	fresh := newState()
	if st.Mailboxes == nil {
		st.Mailboxes = fresh.Mailboxes
	}
	if st.Files == nil {
		st.Files = fresh.Files
	}
	if st.Channels == nil {
		st.Channels = fresh.Channels
	}
	if st.Grants == nil {
		st.Grants = fresh.Grants
	}
	if st.Tokens == nil {
		st.Tokens = fresh.Tokens
	}
	if st.Calendars == nil {
		st.Calendars = fresh.Calendars
	}
	if st.CalendarChannels == nil {
		st.CalendarChannels = fresh.CalendarChannels
	}
	for _, c := range st.Calendars {
		if c.Events == nil {
			c.Events = map[string]*calEvent{}
		}
	}
	for _, mb := range st.Mailboxes {
		if mb.Messages == nil {
			mb.Messages = map[string]*message{}
		}
		if mb.Labels == nil {
			mb.Labels = map[string]*userLabel{}
		}
		mb.reindex()
	}
	s.st = st
}

type errVersion int

func (e errVersion) Error() string { return fmt.Sprintf("unsupported state version %d", int(e)) }
