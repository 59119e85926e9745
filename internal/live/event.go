package live

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/db"
)

// Event is one entry of the log, with its wire encodings made once: every
// subscriber of an event shares the same bytes.
type Event struct {
	ID        int64
	UserID    *uuid.UUID
	Kind      string
	SubjectID string
	CreatedAt time.Time
	// JSON is the event as one JSON object (a WebSocket message).
	JSON []byte
	// SSE is the event as one Server-Sent Events message.
	SSE []byte
}

// envelope is the JSON shape of an event (OpenAPI: LiveEvent).
type envelope struct {
	ID        int64           `json:"id"`
	Kind      string          `json:"kind"`
	UserID    *uuid.UUID      `json:"user_id"`
	SubjectID string          `json:"subject_id"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// FromRow encodes a row of the events table.
func FromRow(r db.Event) *Event {
	data := r.Data
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil || compact.Len() == 0 {
		compact.Reset()
		compact.WriteString("{}")
	}
	e := &Event{ID: r.ID, UserID: r.UserID, Kind: r.Kind, SubjectID: r.SubjectID, CreatedAt: r.CreatedAt}
	// Marshal cannot fail: every field is a plain value or valid JSON.
	e.JSON, _ = json.Marshal(envelope{ID: r.ID, Kind: r.Kind, UserID: r.UserID, SubjectID: r.SubjectID,
		CreatedAt: r.CreatedAt.UTC(), Data: compact.Bytes()})
	e.SSE = sseFrame(strconv.FormatInt(r.ID, 10), r.Kind, e.JSON)
	return e
}

// sseFrame is one SSE message. JSON never holds a raw newline, so the data
// is one line.
func sseFrame(id, kind string, data []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(data) + len(kind) + len(id) + 24)
	if id != "" {
		b.WriteString("id: ")
		b.WriteString(id)
		b.WriteByte('\n')
	}
	b.WriteString("event: ")
	b.WriteString(kind)
	b.WriteString("\ndata: ")
	b.Write(data)
	b.WriteString("\n\n")
	return b.Bytes()
}

// Control is a stream's own message (ready, resync), in both encodings.
type Control struct {
	JSON []byte
	SSE  []byte
}

type controlBody struct {
	Kind        string `json:"kind"`
	LastEventID int64  `json:"last_event_id"`
	Reason      string `json:"reason,omitempty"`
	// HeartbeatSeconds tells a client how often to expect a heartbeat, so
	// it can tell a dead stream from a quiet one.
	HeartbeatSeconds int `json:"heartbeat_seconds,omitempty"`
}

// Ready opens a stream that is complete after lastEventID. Its SSE form
// carries `id:`, so an EventSource resumes from there even before any event.
func Ready(lastEventID int64, heartbeat time.Duration) Control {
	body, _ := json.Marshal(controlBody{Kind: KindReady, LastEventID: lastEventID, HeartbeatSeconds: int(heartbeat / time.Second)})
	return Control{JSON: body, SSE: sseFrame(strconv.FormatInt(lastEventID, 10), KindReady, body)}
}

// Resync tells the client it missed events after lastEventID. It carries no
// SSE id: the client's last id stays the last event it really received.
func Resync(reason string, lastEventID int64) Control {
	body, _ := json.Marshal(controlBody{Kind: KindResync, LastEventID: lastEventID, Reason: reason})
	return Control{JSON: body, SSE: sseFrame("", KindResync, body)}
}
