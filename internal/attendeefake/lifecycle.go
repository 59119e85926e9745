package attendeefake

import (
	"slices"
	"strconv"
	"time"
)

// Raw states and event codes, as Attendee's API writes them
// (bots/models.py BotStates, BotEventTypes, BotEventSubTypes).
const (
	stateReady              = "ready"
	stateScheduled          = "scheduled"
	stateStaged             = "staged"
	stateJoining            = "joining"
	stateWaitingRoom        = "waiting_room"
	stateJoinedNotRecording = "joined_not_recording"
	stateJoinedRecording    = "joined_recording"
	statePermissionDenied   = "joined_recording_permission_denied"
	stateLeaving            = "leaving"
	statePostProcessing     = "post_processing"
	stateEnded              = "ended"
	stateFatalError         = "fatal_error"
)

// leaveFrom lists the states leave_requested is allowed from, in the order
// Attendee's error message names them.
var leaveFrom = []string{"joined_recording_paused", stateJoinedRecording, stateJoinedNotRecording,
	statePermissionDenied, stateWaitingRoom, stateJoining, "joining_breakout_room", "leaving_breakout_room"}

// bot is the fake's record of one bot. Fields are exported for the state
// file only.
type bot struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	MeetingURL       string         `json:"meeting_url"`
	State            string         `json:"state"`
	Events           []botEvent     `json:"events"`
	JoinAt           *time.Time     `json:"join_at,omitempty"`
	DeduplicationKey string         `json:"deduplication_key,omitempty"`
	Metadata         map[string]any `json:"metadata,omitempty"`
	Webhooks         []webhookSub   `json:"webhooks,omitempty"`
	CreatedAt        time.Time      `json:"created_at"`

	// Entered is when the bot entered State; NextAt when it leaves it on
	// its own (zero: it does not).
	Entered time.Time `json:"entered"`
	NextAt  time.Time `json:"next_at"`
	// Shift is how far Advance moved this bot's timeline forward.
	Shift time.Duration `json:"shift"`
	// Admitted: the bot was in the meeting. Recording: it was allowed to
	// record, from RecordingStart; ReleasedUntil is how far into the
	// script its transcript reaches.
	Admitted       bool      `json:"admitted"`
	Recording      bool      `json:"recording"`
	RecordingStart time.Time `json:"recording_start"`
	ReleasedUntil  time.Time `json:"released_until"`
	Transcript     []spoken  `json:"transcript,omitempty"`
	Speakers       []string  `json:"speakers,omitempty"`
}

type botEvent struct {
	Type      string         `json:"type"`
	SubType   string         `json:"sub_type,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	OldState  string         `json:"old_state"`
	NewState  string         `json:"new_state"`
	Metadata  map[string]any `json:"metadata,omitempty"`
}

type webhookSub struct {
	URL      string   `json:"url"`
	Triggers []string `json:"triggers"`
}

func (s webhookSub) has(trigger string) bool { return slices.Contains(s.Triggers, trigger) }

// spoken is a transcript entry released from a meeting's script.
type spoken struct {
	Speaker     string    `json:"speaker"`
	SpeakerUUID string    `json:"speaker_uuid"`
	Host        bool      `json:"host"`
	TimestampMS int64     `json:"timestamp_ms"`
	DurationMS  int64     `json:"duration_ms"`
	Text        string    `json:"text"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// final reports whether nothing more happens to the bot.
func (b *bot) final() bool { return b.State == stateEnded || b.State == stateFatalError }

// joinTime is when the bot joins, on its (possibly advanced) timeline.
func (b *bot) joinTime() time.Time { return b.JoinAt.Add(-b.Shift) }

// Step runs every transition that is due by the clock, releases the
// utterances spoken so far and sends the webhooks they fire. The
// background ticker calls it; tests with a manual clock call it directly.
func (f *Fake) Step() {
	now := f.now()
	var out []outgoing
	f.mu.Lock()
	for _, id := range f.order {
		b := f.bots[id]
		if b == nil {
			continue
		}
		out = append(out, f.advanceBot(b, now)...)
	}
	if len(out) > 0 {
		f.changed()
	}
	f.mu.Unlock()
	f.hooks.send(out)
}

// Advance moves every bot's timeline forward by d — as if d had passed for
// the bots only — and steps. The sandbox uses it to fast-forward a demo
// without waiting for a scheduled join.
func (f *Fake) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	f.mu.Lock()
	for _, b := range f.bots {
		if b.final() {
			continue
		}
		b.Shift += d
		if !b.NextAt.IsZero() {
			b.NextAt = b.NextAt.Add(-d)
		}
		if b.Recording || b.Admitted {
			b.RecordingStart = b.RecordingStart.Add(-d)
		}
	}
	f.changed()
	f.mu.Unlock()
	f.Step()
}

// advanceBot runs b's due transitions up to now; callers hold f.mu.
func (f *Fake) advanceBot(b *bot, now time.Time) []outgoing {
	var out []outgoing
	for !b.final() && !b.NextAt.IsZero() && !b.NextAt.After(now) {
		at := b.NextAt
		out = append(out, f.release(b, at)...)
		out = append(out, f.fire(b, at)...)
	}
	out = append(out, f.release(b, now)...)
	return out
}

// fire runs the transition due at at; callers hold f.mu.
func (f *Fake) fire(b *bot, at time.Time) []outgoing {
	m := f.meetingFor(b.MeetingURL)
	switch b.State {
	case stateScheduled:
		return f.transition(b, at, "staged", "", stateStaged, map[string]any{"join_at": pythonISO(*b.JoinAt)})
	case stateStaged:
		return f.transition(b, at, "join_requested", "", stateJoining, map[string]any{"source": "scheduler"})
	case stateJoining:
		switch {
		case m.NotFound:
			return f.transition(b, at, "could_not_join_meeting", "meeting_not_found", stateFatalError, nil)
		case m.DenyJoin:
			return f.transition(b, at, "could_not_join_meeting", "request_to_join_denied", stateFatalError, nil)
		case m.WaitingRoom:
			return f.transition(b, at, "put_in_waiting_room", "", stateWaitingRoom, nil)
		}
		return f.admit(b, at)
	case stateWaitingRoom:
		if m.AdmitAfter > 0 {
			return f.admit(b, at)
		}
		return f.transition(b, at, "could_not_join_meeting", "waiting_room_timeout_exceeded", stateFatalError, nil)
	case stateJoinedNotRecording:
		if m.DenyRecording {
			return f.transition(b, at, "recording_permission_denied", "host_denied_permission", statePermissionDenied, nil)
		}
		b.Recording = true
		b.RecordingStart = at
		b.ReleasedUntil = at
		return f.transition(b, at, "recording_permission_granted", "", stateJoinedRecording, nil)
	case stateJoinedRecording, statePermissionDenied:
		return f.transition(b, at, "meeting_ended", "", statePostProcessing, nil)
	case stateLeaving:
		return f.transition(b, at, "left_meeting", "", statePostProcessing, nil)
	case statePostProcessing:
		return f.transition(b, at, "post_processing_completed", "", stateEnded, map[string]any{"transcription_errors": []any{}})
	}
	b.NextAt = time.Time{}
	return nil
}

func (f *Fake) admit(b *bot, at time.Time) []outgoing {
	b.Admitted = true
	// The meeting's clock starts when the bot is in: its duration counts
	// from here, and so do the script's offsets once it records.
	b.RecordingStart = at
	return f.transition(b, at, "joined_meeting", "", stateJoinedNotRecording, nil)
}

// transition records an event, moves b to state and plans what comes next;
// callers hold f.mu.
func (f *Fake) transition(b *bot, at time.Time, eventType, subType, state string, metadata map[string]any) []outgoing {
	if n := len(b.Events); n > 0 && at.Before(b.Events[n-1].CreatedAt) {
		at = b.Events[n-1].CreatedAt
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	ev := botEvent{Type: eventType, SubType: subType, CreatedAt: at, OldState: b.State, NewState: state, Metadata: metadata}
	b.Events = append(b.Events, ev)
	b.State = state
	b.Entered = at
	b.NextAt = f.nextTransition(b)
	f.log.Debug("attendeefake: bot state", "bot", b.ID, "event", eventType, "sub_type", subType, "state", state)
	return f.hooks.stateChange(b, ev)
}

// nextTransition is when b leaves its current state on its own; callers
// hold f.mu.
func (f *Fake) nextTransition(b *bot) time.Time {
	l := f.opts.Lifecycle
	m := f.meetingFor(b.MeetingURL)
	switch b.State {
	case stateScheduled:
		stage := b.joinTime().Add(-l.StageLead)
		if stage.Before(b.Entered) {
			stage = b.Entered
		}
		return stage
	case stateStaged:
		if b.joinTime().Before(b.Entered) {
			return b.Entered
		}
		return b.joinTime()
	case stateJoining:
		return b.Entered.Add(l.JoinDelay)
	case stateWaitingRoom:
		if m.AdmitAfter > 0 {
			return b.Entered.Add(time.Duration(m.AdmitAfter))
		}
		return b.Entered.Add(l.WaitingRoomTimeout)
	case stateJoinedNotRecording:
		return b.Entered.Add(l.RecordingDelay)
	case stateJoinedRecording, statePermissionDenied:
		end := b.RecordingStart.Add(m.endAfter(l.MeetingDuration))
		if end.Before(b.Entered) {
			end = b.Entered
		}
		return end
	case stateLeaving:
		return b.Entered.Add(l.LeaveDelay)
	case statePostProcessing:
		return b.Entered.Add(l.PostProcessing)
	}
	return time.Time{}
}

// release adds to b's transcript what the meeting's script says between
// the last release and until, while the bot records; callers hold f.mu.
func (f *Fake) release(b *bot, until time.Time) []outgoing {
	if !b.Recording || b.State != stateJoinedRecording || !until.After(b.ReleasedUntil) {
		return nil
	}
	m := f.meetingFor(b.MeetingURL)
	script := slices.Clone(m.Utterances)
	slices.SortStableFunc(script, func(a, c ScriptedUtterance) int { return int(a.At - c.At) })
	var out []outgoing
	for _, u := range script {
		spokenAt := b.RecordingStart.Add(time.Duration(u.At))
		if !spokenAt.After(b.ReleasedUntil) || spokenAt.After(until) || u.Text == "" {
			continue
		}
		s := spoken{
			Speaker:     u.Speaker,
			SpeakerUUID: f.speakerUUID(b, u.Speaker),
			Host:        u.Host,
			TimestampMS: spokenAt.UnixMilli(),
			DurationMS:  time.Duration(u.Duration).Milliseconds(),
			Text:        u.Text,
			UpdatedAt:   spokenAt,
		}
		b.Transcript = append(b.Transcript, s)
		out = append(out, f.hooks.utterance(b, s)...)
	}
	b.ReleasedUntil = until
	return out
}

// speakerUUID gives each speaker of a bot's meeting a stable id, numeric
// like Zoom's participant ids.
func (f *Fake) speakerUUID(b *bot, name string) string {
	i := slices.Index(b.Speakers, name)
	if i < 0 {
		b.Speakers = append(b.Speakers, name)
		i = len(b.Speakers) - 1
	}
	return strconv.Itoa(16778240 + 1024*i)
}

// pythonISO writes t as Python's datetime.isoformat() of an aware UTC time.
func pythonISO(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05") + "+00:00"
	}
	return t.Format("2006-01-02T15:04:05.000000") + "+00:00"
}

// drfTime writes t as Django REST framework's DateTimeField does.
func drfTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}
