package attendeefake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attendee's validation limits (bots/serializers.py, attendee/settings).
const (
	maxMetadataLength = 1000
	maxBotWebhooks    = 2
	pageSize          = 25
)

// botTriggers are the triggers a bot-level webhook may name.
var botTriggers = []string{"bot.state_change", "transcript.update", "chat_messages.update",
	"participant_events.join_leave", "participant_events.speech_start_stop", "bot_logs.update"}

type createBotBody struct {
	MeetingURL       *string         `json:"meeting_url"`
	BotName          *string         `json:"bot_name"`
	JoinAt           *string         `json:"join_at"`
	Metadata         json.RawMessage `json:"metadata"`
	DeduplicationKey *string         `json:"deduplication_key"`
	Webhooks         json.RawMessage `json:"webhooks"`
}

func (f *Fake) createBot(w http.ResponseWriter, r *http.Request) {
	var body createBotBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"detail": "JSON parse error - " + err.Error()})
		return
	}
	now := f.now()
	fields := fieldErrors{}
	meetingURL := ""
	switch {
	case body.MeetingURL == nil:
		fields.add("meeting_url", "This field is required.")
	default:
		u, ok := normalizeMeetingURL(*body.MeetingURL)
		if !ok {
			fields.add("meeting_url", "Invalid meeting URL")
		}
		meetingURL = u
	}
	if body.BotName == nil {
		fields.add("bot_name", "This field is required.")
	} else if strings.TrimSpace(*body.BotName) == "" {
		fields.add("bot_name", "This field may not be blank.")
	}
	var joinAt *time.Time
	if body.JoinAt != nil {
		t, msg := parseJoinAt(*body.JoinAt, now)
		if msg != "" {
			fields.add("join_at", msg)
		} else {
			joinAt = &t
		}
	}
	metadata, msg := parseMetadata(body.Metadata)
	if msg != "" {
		fields.add("metadata", msg)
	}
	hooks, msg := f.parseWebhooks(body.Webhooks)
	if msg != "" && len(fields) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": msg})
		return
	}
	if len(fields) > 0 {
		writeJSON(w, http.StatusBadRequest, fields)
		return
	}
	key := ""
	if body.DeduplicationKey != nil {
		key = *body.DeduplicationKey
	}

	f.mu.Lock()
	if key != "" {
		for _, id := range f.order {
			if b := f.bots[id]; b != nil && b.DeduplicationKey == key && !b.final() {
				f.mu.Unlock()
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Deduplication key already in use. A bot in a non-terminal state with this deduplication key already exists. Please use a different deduplication key or wait for that bot to terminate."})
				return
			}
		}
	}
	b := &bot{
		ID: newBotID(), Name: *body.BotName, MeetingURL: meetingURL, JoinAt: joinAt,
		DeduplicationKey: key, Metadata: metadata, Webhooks: hooks, CreatedAt: now, Entered: now,
	}
	f.bots[b.ID] = b
	f.order = append(f.order, b.ID)
	var out []outgoing
	if joinAt != nil {
		b.State = stateScheduled
		b.NextAt = f.nextTransition(b)
	} else {
		// Attendee creates an ad-hoc bot ready and asks it to join in the
		// same transaction, so its first answer already says joining.
		b.State = stateReady
		out = f.transition(b, now, "join_requested", "", stateJoining, map[string]any{"source": "api"})
	}
	view := f.view(b)
	f.changed()
	f.mu.Unlock()
	f.hooks.send(out)
	writeJSON(w, http.StatusCreated, view)
}

func (f *Fake) getBot(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	b := f.bots[r.PathValue("id")]
	if b == nil {
		f.mu.Unlock()
		writeBotNotFound(w)
		return
	}
	view := f.view(b)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, view)
}

func (f *Fake) patchBot(w http.ResponseWriter, r *http.Request) {
	var body createBotBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"detail": "JSON parse error - " + err.Error()})
		return
	}
	now := f.now()
	fields := fieldErrors{}
	var joinAt *time.Time
	if body.JoinAt != nil {
		t, msg := parseJoinAt(*body.JoinAt, now)
		if msg != "" {
			fields.add("join_at", msg)
		}
		joinAt = &t
	}
	var meetingURL string
	if body.MeetingURL != nil {
		u, ok := normalizeMeetingURL(*body.MeetingURL)
		if !ok {
			fields.add("meeting_url", "Invalid meeting URL")
		}
		meetingURL = u
	}
	var metadata map[string]any
	if body.Metadata != nil {
		m, msg := parseMetadata(body.Metadata)
		if msg != "" {
			fields.add("metadata", msg)
		}
		metadata = m
	}
	if len(fields) > 0 {
		writeJSON(w, http.StatusBadRequest, fields)
		return
	}

	f.mu.Lock()
	b := f.bots[r.PathValue("id")]
	if b == nil {
		f.mu.Unlock()
		writeBotNotFound(w)
		return
	}
	changesSchedule := (joinAt != nil && (b.JoinAt == nil || !joinAt.Equal(*b.JoinAt))) ||
		(body.MeetingURL != nil && meetingURL != b.MeetingURL) ||
		(body.BotName != nil && *body.BotName != b.Name)
	if changesSchedule && b.State != stateScheduled {
		state := b.State
		f.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("Bot is in state %s but join_at, meeting_url, bot_name, bot_image and recording_settings can only be updated when in the scheduled state", state)})
		return
	}
	if joinAt != nil {
		b.JoinAt = joinAt
		b.Shift = 0
	}
	if body.MeetingURL != nil {
		b.MeetingURL = meetingURL
	}
	if body.BotName != nil {
		b.Name = *body.BotName
	}
	if metadata != nil {
		b.Metadata = metadata
	}
	if b.State == stateScheduled {
		b.NextAt = f.nextTransition(b)
	}
	view := f.view(b)
	f.changed()
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, view)
}

func (f *Fake) deleteBot(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	b := f.bots[id]
	if b == nil {
		f.mu.Unlock()
		writeBotNotFound(w)
		return
	}
	if b.State != stateScheduled {
		state := b.State
		f.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("Bot is in state %s but can only be deleted when in scheduled state", state)})
		return
	}
	delete(f.bots, id)
	f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == id })
	f.changed()
	f.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (f *Fake) leaveBot(w http.ResponseWriter, r *http.Request) {
	now := f.now()
	f.mu.Lock()
	b := f.bots[r.PathValue("id")]
	if b == nil {
		f.mu.Unlock()
		writeBotNotFound(w)
		return
	}
	out := f.advanceBot(b, now)
	if !slices.Contains(leaveFrom, b.State) {
		state := b.State
		f.mu.Unlock()
		f.hooks.send(out)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf(
			"Event leave_requested not allowed when bot is in state %s. It is only allowed in these states: %s", state, strings.Join(leaveFrom, ", "))})
		return
	}
	out = append(out, f.transition(b, now, "leave_requested", "user_requested", stateLeaving, nil)...)
	view := f.view(b)
	f.changed()
	f.mu.Unlock()
	f.hooks.send(out)
	writeJSON(w, http.StatusOK, view)
}

func (f *Fake) listBots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	states := q["states"]
	for _, s := range states {
		if !knownState(s) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid state: " + s})
			return
		}
	}
	offset := 0
	if c := q.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "o="))
		if err != nil || err2 != nil || n < 0 {
			writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Invalid cursor"})
			return
		}
		offset = n
	}
	f.mu.Lock()
	var match []map[string]any
	for _, id := range f.order {
		b := f.bots[id]
		if b == nil {
			continue
		}
		if k := q.Get("deduplication_key"); k != "" && b.DeduplicationKey != k {
			continue
		}
		if u := q.Get("meeting_url"); u != "" && b.MeetingURL != u {
			continue
		}
		if len(states) > 0 && !slices.Contains(states, b.State) {
			continue
		}
		match = append(match, f.view(b))
	}
	f.mu.Unlock()
	page := match[min(offset, len(match)):min(offset+pageSize, len(match))]
	var next, prev any
	if offset+pageSize < len(match) {
		next = f.pageLink(r, offset+pageSize)
	}
	if offset > 0 {
		prev = f.pageLink(r, max(offset-pageSize, 0))
	}
	if page == nil {
		page = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"next": next, "previous": prev, "results": page})
}

func (f *Fake) pageLink(r *http.Request, offset int) string {
	q := r.URL.Query()
	q.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte("o="+strconv.Itoa(offset))))
	base := f.opts.BaseURL
	if base == "" {
		base = "http://" + r.Host
	}
	return base + r.URL.Path + "?" + q.Encode()
}

func (f *Fake) transcript(w http.ResponseWriter, r *http.Request) {
	var after time.Time
	if s := r.URL.Query().Get("updated_after"); s != "" {
		t, err := parseTime(s)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid updated_after format. Use ISO 8601 format (e.g., 2024-01-18T12:34:56Z)"})
			return
		}
		after = t
	}
	now := f.now()
	f.mu.Lock()
	b := f.bots[r.PathValue("id")]
	if b == nil {
		f.mu.Unlock()
		writeBotNotFound(w)
		return
	}
	out := f.advanceBot(b, now)
	entries := []map[string]any{}
	for _, s := range b.Transcript {
		if !after.IsZero() && !s.UpdatedAt.After(after) {
			continue
		}
		entries = append(entries, map[string]any{
			"speaker_name": s.Speaker, "speaker_uuid": s.SpeakerUUID, "speaker_user_uuid": nil,
			"speaker_is_host": s.Host, "timestamp_ms": s.TimestampMS, "duration_ms": s.DurationMS,
			"transcription": map[string]any{"transcript": s.Text, "words": nil},
		})
	}
	f.mu.Unlock()
	f.hooks.send(out)
	writeJSON(w, http.StatusOK, entries)
}

// view renders b as Attendee's BotSerializer does; callers hold f.mu.
func (f *Fake) view(b *bot) map[string]any {
	events := make([]map[string]any, 0, len(b.Events))
	for _, e := range b.Events {
		ev := map[string]any{"type": e.Type, "created_at": drfTime(e.CreatedAt)}
		if e.SubType != "" {
			ev["sub_type"] = e.SubType
		}
		events = append(events, ev)
	}
	var joinAt, key, metadata any
	if b.JoinAt != nil {
		joinAt = drfTime(*b.JoinAt)
	}
	if b.DeduplicationKey != "" {
		key = b.DeduplicationKey
	}
	if b.Metadata != nil {
		metadata = b.Metadata
	}
	recording, transcription := "not_started", "not_started"
	switch {
	case b.Recording && b.State == stateJoinedRecording:
		recording, transcription = "in_progress", "in_progress"
	case b.Recording && b.State == stateEnded:
		recording, transcription = "complete", "complete"
	case b.Recording:
		recording, transcription = "complete", "in_progress"
	}
	return map[string]any{
		"id": b.ID, "metadata": metadata, "meeting_url": b.MeetingURL, "state": b.State, "events": events,
		"transcription_state": transcription, "recording_state": recording, "join_at": joinAt, "deduplication_key": key,
	}
}

// parseJoinAt reads join_at as DRF's DateTimeField and checks Attendee's
// rules.
func parseJoinAt(s string, now time.Time) (time.Time, string) {
	t, err := parseTime(s)
	if err != nil {
		return time.Time{}, "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
	}
	if t.Before(now) {
		return t, "join_at cannot be in the past"
	}
	if t.After(now.AddDate(3, 0, 0)) {
		return t, "join_at cannot be more than 3 years in the future"
	}
	return t, ""
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04-0700", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// parseMetadata checks metadata as Attendee does: an object with at least
// one key and string values, at most 1000 characters as JSON.
func parseMetadata(raw json.RawMessage) (map[string]any, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, ""
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil, "Metadata must be an object not an array or other type"
	}
	if len(m) == 0 {
		return nil, "Metadata must have at least one key"
	}
	for _, k := range sortedKeys(m) {
		if _, ok := m[k].(string); !ok {
			return nil, fmt.Sprintf("Value for key '%s' must be a string", k)
		}
	}
	if enc, _ := encodePython(m, wireStyle); len(enc) > maxMetadataLength {
		return nil, fmt.Sprintf("Metadata must be less than %d characters", maxMetadataLength)
	}
	return m, ""
}

// parseWebhooks checks bot-level webhooks as create_webhook_subscriptions
// does; its errors are {"error": …} answers.
func (f *Fake) parseWebhooks(raw json.RawMessage) ([]webhookSub, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, ""
	}
	var subs []webhookSub
	if err := json.Unmarshal(raw, &subs); err != nil {
		return nil, "webhooks must be a list of {url, triggers}"
	}
	if len(subs) > maxBotWebhooks {
		return nil, "You have reached the maximum number of webhooks for a single bot"
	}
	seen := map[string]bool{}
	for _, s := range subs {
		for _, t := range s.Triggers {
			if !slices.Contains(botTriggers, t) {
				return nil, "Invalid webhook trigger type: " + t
			}
		}
		u, err := url.Parse(s.URL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return nil, "webhook URL must start with https://"
		}
		if f.opts.RequireHTTPSWebhooks && u.Scheme != "https" {
			return nil, "webhook URL must start with https://"
		}
		if seen[s.URL] {
			return nil, "URL already subscribed for this bot"
		}
		seen[s.URL] = true
	}
	return subs, ""
}

func knownState(s string) bool {
	switch s {
	case stateReady, stateScheduled, stateStaged, stateJoining, stateWaitingRoom, stateJoinedNotRecording,
		stateJoinedRecording, statePermissionDenied, stateLeaving, statePostProcessing, stateEnded, stateFatalError,
		"data_deleted", "joined_recording_paused", "joining_breakout_room", "leaving_breakout_room",
		"connecting", "connected", "disconnecting":
		return true
	}
	return false
}

// fieldErrors is DRF's 400 body for invalid fields.
type fieldErrors map[string][]string

func (e fieldErrors) add(field, msg string) { e[field] = append(e[field], msg) }

// newBotID makes an id like Attendee's: "bot_" and 16 letters or digits.
func newBotID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "bot_" + string(b)
}

func writeBotNotFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "Bot not found"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
