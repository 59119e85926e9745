package attendeefake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Meeting scripts what happens in a meeting once a bot tries to join it.
// A meeting without a script admits the bot at once, records
// Lifecycle.MeetingDuration of silence and ends.
type Meeting struct {
	// URL is the meeting's link (matched after normalisation).
	URL string `json:"meeting_url"`
	// Duration is how long the meeting goes on after the bot is admitted;
	// zero means Lifecycle.MeetingDuration, or just past the last
	// utterance when that is later.
	Duration Duration `json:"duration,omitempty"`
	// Utterances are spoken at their offsets from the start of the
	// recording.
	Utterances []ScriptedUtterance `json:"utterances,omitempty"`
	// WaitingRoom puts the bot in the waiting room; it is admitted after
	// AdmitAfter, or never (and gives up after Lifecycle.WaitingRoomTimeout)
	// when AdmitAfter is zero.
	WaitingRoom bool     `json:"waiting_room,omitempty"`
	AdmitAfter  Duration `json:"admit_after,omitempty"`
	// DenyJoin: someone declines the bot's request to join.
	DenyJoin bool `json:"deny_join,omitempty"`
	// NotFound: the link leads to no meeting.
	NotFound bool `json:"not_found,omitempty"`
	// DenyRecording: the host refuses to let the bot record; it stays in
	// the meeting and transcribes nothing.
	DenyRecording bool `json:"deny_recording,omitempty"`
}

// ScriptedUtterance is one thing said in a scripted meeting.
type ScriptedUtterance struct {
	Speaker string `json:"speaker"`
	// At is the offset from the start of the recording.
	At       Duration `json:"at"`
	Duration Duration `json:"duration,omitempty"`
	Text     string   `json:"text"`
	Host     bool     `json:"host,omitempty"`
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("90s") and also read from a number of seconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "1m30s" or 90.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return errors.New(`a duration is a string such as "90s" or a number of seconds`)
	}
	*d = Duration(time.Duration(secs * float64(time.Second)))
	return nil
}

// SetMeeting scripts a meeting for the bots that join it from now on (and
// the one in it, for what has not happened yet).
func (f *Fake) SetMeeting(m Meeting) error {
	u, ok := normalizeMeetingURL(m.URL)
	if !ok {
		return fmt.Errorf("%q is not a Zoom, Google Meet or Teams meeting URL", m.URL)
	}
	m.URL = u
	f.mu.Lock()
	defer f.mu.Unlock()
	f.meetings[u] = m
	f.changed()
	return nil
}

// meetingFor returns the script of a meeting URL; callers hold f.mu.
func (f *Fake) meetingFor(u string) Meeting {
	if m, ok := f.meetings[u]; ok {
		return m
	}
	return Meeting{URL: u}
}

// endAfter is how long the meeting lasts after the bot is admitted.
func (m Meeting) endAfter(def time.Duration) time.Duration {
	d := time.Duration(m.Duration)
	if d <= 0 {
		d = def
		for _, u := range m.Utterances {
			d = max(d, time.Duration(u.At)+time.Duration(u.Duration)+time.Second)
		}
	}
	return d
}

// normalizeMeetingURL accepts the meeting links Attendee joins (Zoom,
// Google Meet, Teams; bots/meeting_url_utils.py) and normalises Meet links
// to https://meet.google.com/<code> as Attendee does.
func normalizeMeetingURL(raw string) (string, bool) {
	raw = strings.TrimRight(strings.TrimSpace(raw), ">")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "meet.google.com":
		code := strings.Trim(u.Path, "/")
		if code == "" || strings.Contains(code, "/") {
			return "", false
		}
		return "https://meet.google.com/" + code, true
	case host == "zoom.us" || strings.HasSuffix(host, ".zoom.us") || host == "zoom.com" || strings.HasSuffix(host, ".zoom.com"):
		if !strings.Contains(u.Path, "/j/") && !strings.Contains(u.Path, "/w/") && !strings.Contains(u.Path, "/my/") && !strings.Contains(u.Path, "/s/") {
			return "", false
		}
		return raw, true
	case host == "teams.microsoft.com" || host == "teams.live.com":
		return raw, true
	}
	return "", false
}
