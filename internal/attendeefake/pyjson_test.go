package attendeefake

import (
	"encoding/json"
	"os"
	"testing"
)

// The fake's encoder must write what Attendee's Python writes: the wire body
// and the signed canonical form of the reference vectors
// (internal/attendee/testdata, made by python3).
func TestEncodePython_ReproducesTheReferenceVectors(t *testing.T) {
	raw, err := os.ReadFile("../attendee/testdata/signature_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []struct {
			Name      string `json:"name"`
			Body      string `json:"body"`
			Canonical string `json:"canonical"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	payloads := map[string]object{
		"state_change_non_ascii_metadata": {
			{"idempotency_key", "3f1c2a4e-9b7d-4c1e-8f00-5d2b6a7e9c10"},
			{"bot_id", "bot_Xy7pQ2rS9tUv3wZa"},
			{"bot_metadata", object{{"besunny_meeting_id", "8a3e0c55-2f61-4d8e-b8f2-0c6c9f1e7a42"}, {"title", "Réunion – 東京 🎉"}}},
			{"trigger", "bot.state_change"},
			{"data", object{{"event_type", "joined_meeting"}, {"event_sub_type", nil}, {"event_metadata", object{}},
				{"old_state", "joining"}, {"new_state", "joined_not_recording"}, {"created_at", "2026-03-09T14:02:11.482913+00:00"}}},
		},
		"transcript_update_escapes": {
			{"idempotency_key", "b7c9e2d0-1a3f-4e5b-9c8d-7f6e5d4c3b2a"},
			{"bot_id", "bot_Xy7pQ2rS9tUv3wZa"},
			{"bot_metadata", nil},
			{"trigger", "transcript.update"},
			{"data", object{{"speaker_name", "Zoë \"Z\" O'Brien"}, {"speaker_uuid", "16778240"}, {"speaker_user_uuid", nil},
				{"speaker_is_host", true}, {"timestamp_ms", int64(1773064931482)}, {"duration_ms", 4210},
				{"transcription", object{{"transcript", "Line one\nline\ttwo \\ back\u2028sep <b>&amp;</b> \x01\x1f\x7f – naïve 😀"}}}}},
		},
	}
	checked := 0
	for _, v := range file.Vectors {
		p, ok := payloads[v.Name]
		if !ok {
			continue
		}
		checked++
		body, err := encodePython(p, wireStyle)
		if err != nil || string(body) != v.Body {
			t.Errorf("%s: wire body\n got: %s\nwant: %s", v.Name, body, v.Body)
		}
		signed, err := encodePython(p, signedStyle)
		if err != nil || string(signed) != v.Canonical {
			t.Errorf("%s: signed form\n got: %s\nwant: %s", v.Name, signed, v.Canonical)
		}
	}
	if checked != 2 {
		t.Fatalf("checked %d vectors", checked)
	}
}
