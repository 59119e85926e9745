package attendee

import (
	"encoding/json"
	"fmt"
	"time"
)

// Webhook triggers BeSunny subscribes a bot to.
const (
	// TriggerStateChange fires on every state change of the bot.
	TriggerStateChange = "bot.state_change"
	// TriggerTranscriptUpdate fires for each transcribed utterance.
	TriggerTranscriptUpdate = "transcript.update"
)

// CreateBotRequest is the body of POST /api/v1/bots (the fields BeSunny
// uses).
type CreateBotRequest struct {
	MeetingURL string `json:"meeting_url"`
	BotName    string `json:"bot_name"`
	// JoinAt schedules the bot; zero sends it at once (a running meeting).
	JoinAt time.Time `json:"-"`
	// DeduplicationKey makes creation idempotent: Attendee refuses a second
	// bot with a key held by a bot that has not ended.
	DeduplicationKey string `json:"deduplication_key,omitempty"`
	// Metadata comes back on the bot and on every webhook (string values).
	Metadata map[string]string     `json:"metadata,omitempty"`
	Webhooks []WebhookSubscription `json:"webhooks,omitempty"`
}

// MarshalJSON writes join_at as Attendee documents it (ISO 8601, UTC) and
// leaves it out for a bot that joins at once.
func (r CreateBotRequest) MarshalJSON() ([]byte, error) {
	type plain CreateBotRequest
	out := struct {
		plain
		JoinAt string `json:"join_at,omitempty"`
	}{plain: plain(r)}
	if !r.JoinAt.IsZero() {
		out.JoinAt = FormatTime(r.JoinAt)
	}
	return json.Marshal(out)
}

// FormatTime writes t as Attendee's API expects it: ISO 8601 in UTC with
// second precision ("2025-06-13T12:00:00Z").
func FormatTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// WebhookSubscription is a bot-level webhook.
type WebhookSubscription struct {
	URL      string   `json:"url"`
	Triggers []string `json:"triggers"`
}

// Bot is Attendee's bot resource.
type Bot struct {
	ID                 string         `json:"id"`
	MeetingURL         string         `json:"meeting_url"`
	State              string         `json:"state"`
	Events             []BotEvent     `json:"events"`
	TranscriptionState string         `json:"transcription_state"`
	RecordingState     string         `json:"recording_state"`
	JoinAt             *time.Time     `json:"join_at"`
	DeduplicationKey   string         `json:"deduplication_key"`
	Metadata           map[string]any `json:"metadata"`
}

// LastEvent is the bot's newest event (zero when it has none).
func (b Bot) LastEvent() BotEvent {
	if len(b.Events) == 0 {
		return BotEvent{}
	}
	return b.Events[len(b.Events)-1]
}

// HasEvent reports whether the bot ever went through an event of this type.
func (b Bot) HasEvent(eventType string) bool {
	for _, e := range b.Events {
		if e.Type == eventType {
			return true
		}
	}
	return false
}

// MetadataString returns a metadata value as a string ("" when missing).
func (b Bot) MetadataString(key string) string { return metadataString(b.Metadata, key) }

// BotEvent is one entry of a bot's event log.
type BotEvent struct {
	Type      string    `json:"type"`
	SubType   string    `json:"sub_type,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Utterance is one entry of a bot's transcript (and the data of a
// transcript.update webhook).
type Utterance struct {
	SpeakerName     string         `json:"speaker_name"`
	SpeakerUUID     string         `json:"speaker_uuid"`
	SpeakerUserUUID *string        `json:"speaker_user_uuid"`
	SpeakerIsHost   bool           `json:"speaker_is_host"`
	TimestampMS     int64          `json:"timestamp_ms"`
	DurationMS      int64          `json:"duration_ms"`
	Transcription   *Transcription `json:"transcription"`
}

// Text is the utterance's transcript ("" when it has none).
func (u Utterance) Text() string {
	if u.Transcription == nil {
		return ""
	}
	return u.Transcription.Transcript
}

// Transcription is an utterance's text (word timings are not kept).
type Transcription struct {
	Transcript string `json:"transcript"`
}

// Webhook is the envelope of every bot webhook delivery.
type Webhook struct {
	// IdempotencyKey is the same on every retry of one delivery.
	IdempotencyKey string          `json:"idempotency_key"`
	BotID          string          `json:"bot_id"`
	BotMetadata    map[string]any  `json:"bot_metadata"`
	Trigger        string          `json:"trigger"`
	Data           json.RawMessage `json:"data"`
}

// MetadataString returns a bot metadata value as a string.
func (w Webhook) MetadataString(key string) string { return metadataString(w.BotMetadata, key) }

// StateChange is the data of a bot.state_change webhook.
type StateChange struct {
	OldState      string         `json:"old_state"`
	NewState      string         `json:"new_state"`
	EventType     string         `json:"event_type"`
	EventSubType  string         `json:"event_sub_type"`
	EventMetadata map[string]any `json:"event_metadata"`
	CreatedAt     time.Time      `json:"created_at"`
}

// ParseWebhook decodes a delivery's body (after its signature was checked).
func ParseWebhook(body []byte) (Webhook, error) {
	var w Webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return Webhook{}, fmt.Errorf("attendee webhook: %w", err)
	}
	if w.IdempotencyKey == "" || w.Trigger == "" {
		return Webhook{}, fmt.Errorf("attendee webhook: idempotency_key and trigger are required")
	}
	return w, nil
}

// StateChange decodes the data of a bot.state_change delivery.
func (w Webhook) StateChange() (StateChange, error) {
	if w.Trigger != TriggerStateChange {
		return StateChange{}, fmt.Errorf("attendee webhook: trigger %q is not %s", w.Trigger, TriggerStateChange)
	}
	var sc StateChange
	if err := json.Unmarshal(w.Data, &sc); err != nil {
		return StateChange{}, fmt.Errorf("attendee webhook: state change data: %w", err)
	}
	if sc.NewState == "" {
		return StateChange{}, fmt.Errorf("attendee webhook: state change without new_state")
	}
	return sc, nil
}

// Utterance decodes the data of a transcript.update delivery.
func (w Webhook) Utterance() (Utterance, error) {
	var u Utterance
	if w.Trigger != TriggerTranscriptUpdate {
		return u, fmt.Errorf("attendee webhook: trigger %q is not %s", w.Trigger, TriggerTranscriptUpdate)
	}
	if err := json.Unmarshal(w.Data, &u); err != nil {
		return u, fmt.Errorf("attendee webhook: utterance data: %w", err)
	}
	return u, nil
}

func metadataString(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}
