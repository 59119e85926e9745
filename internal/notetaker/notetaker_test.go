package notetaker

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/classify"
)

func TestPlanJoin_SchedulesEarlyJoinsRunningMeetingsAtOnceAndSkipsEndedOnes(t *testing.T) {
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	early := 2 * time.Minute
	cases := []struct {
		name       string
		start, end time.Time
		want       JoinPlan
	}{
		{"future", now.Add(time.Hour), now.Add(2 * time.Hour), JoinPlan{JoinAt: now.Add(58 * time.Minute)}},
		{"sub-second start", now.Add(time.Hour + 500*time.Millisecond), now.Add(2 * time.Hour), JoinPlan{JoinAt: now.Add(58 * time.Minute)}},
		{"starting in a minute", now.Add(time.Minute), now.Add(time.Hour), JoinPlan{}},
		{"starting in 2m20s", now.Add(2*time.Minute + 20*time.Second), now.Add(time.Hour), JoinPlan{}},
		{"starting in 2m40s", now.Add(2*time.Minute + 40*time.Second), now.Add(time.Hour), JoinPlan{JoinAt: now.Add(40 * time.Second)}},
		{"running", now.Add(-10 * time.Minute), now.Add(20 * time.Minute), JoinPlan{}},
		{"over", now.Add(-time.Hour), now, JoinPlan{Over: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PlanJoin(c.start, c.end, now, early); got != c.want {
				t.Fatalf("PlanJoin = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestApplyHint_MakesTheMeetingsProjectTheStrongestHint(t *testing.T) {
	cands := []classify.Candidate{{ProjectID: "p1", Score: 0.55}, {ProjectID: "p2", Score: 0.3}}
	cases := []struct {
		name    string
		d       classify.Decision
		h       Hint
		project string
		conf    float64
		reason  string
	}{
		{"agree", classify.Decision{ProjectID: "p1", Confidence: 0.55, Candidates: cands, Reason: "tags"}, Hint{ProjectID: "p1", Confidence: 0.6}, "p1", 0.82, "same project"},
		{"unsure transcript, sure meeting", classify.Decision{Confidence: 0.3, Candidates: []classify.Candidate{{ProjectID: "p2", Score: 0.3}}, Reason: "weak"}, Hint{ProjectID: "p2", Confidence: 0.7}, "p2", 0.79, "the meeting's project"},
		{"meeting outweighs", classify.Decision{ProjectID: "p1", Confidence: 0.55, Candidates: cands}, Hint{ProjectID: "p2", Confidence: 0.8}, "p2", 0.86, "outweighs"},
		{"transcript outweighs", classify.Decision{ProjectID: "p1", Confidence: 0.9, Candidates: cands}, Hint{ProjectID: "p2", Confidence: 0.5}, "p1", 0.9, "less evidence"},
		{"manual meeting wins", classify.Decision{ProjectID: "p1", Confidence: 0.9, Candidates: cands}, Hint{ProjectID: "p2", Manual: true}, "p2", 0.965, "chose for the meeting"},
		{"no hint, sure", classify.Decision{ProjectID: "p1", Confidence: 0.75}, Hint{}, "p1", 0.75, ""},
		{"no hint, below review", classify.Decision{ProjectID: "p1", Confidence: 0.65, Reason: "x"}, Hint{}, "", 0.65, "below 0.70, the review threshold"},
		{"hinted but still unsure", classify.Decision{Confidence: 0.1}, Hint{ProjectID: "p2", Confidence: 0.5}, "", 0.5, "review threshold"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ApplyHint(c.d, c.h, 0.7)
			if got.ProjectID != c.project || abs(got.Confidence-c.conf) > 0.005 || !strings.Contains(got.Reason, c.reason) {
				t.Fatalf("got %s %.3f %q; want %s %.3f containing %q", got.ProjectID, got.Confidence, got.Reason, c.project, c.conf, c.reason)
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestBuildDocument_TitlesByMeetingAndDateWithAttendeesAndDuration(t *testing.T) {
	start := time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)
	m := Meeting{
		ID: "m-1", Title: "Q3 review", URL: "https://meet.google.com/abc-defg-hij", Start: start, End: start.Add(time.Hour),
		TimeZone: "Europe/Paris", OrganizerName: "Alice Martin", OrganizerEmail: "alice@acme.example",
		Attendees: []Attendee{{Email: "alice@acme.example", Name: "Alice Martin", Organizer: true}, {Email: "bob@partner.example"},
			{Email: "room-1@resource.calendar.google.com", Resource: true}},
	}
	base := start.Add(2 * time.Minute).UnixMilli()
	tr := attendee.RenderTranscript([]attendee.Utterance{
		{SpeakerName: "Alice Martin", SpeakerUUID: "1", TimestampMS: base, DurationMS: 2000, Transcription: &attendee.Transcription{Transcript: "Let's review the budget."}},
		{SpeakerName: "Bob", SpeakerUUID: "2", TimestampMS: base + 600_000, DurationMS: 2000, Transcription: &attendee.Transcription{Transcript: "Agreed."}},
	}, start)
	doc, err := BuildDocument(m, "bot_1", tr)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Q3 review — 9 Mar 2026" || doc.Author != "Alice Martin <alice@acme.example>" || !doc.ReceivedAt.Equal(start) {
		t.Fatalf("%+v", doc)
	}
	for _, want := range []string{
		"Meeting: Q3 review\n", "When: Mon 9 Mar 2026 14:00–15:00 Europe/Paris\n",
		"Attendees: Alice Martin <alice@acme.example>, bob@partner.example\n",
		"[00:02:00] Alice Martin: Let's review the budget.\n[00:12:00] Bob: Agreed.\n",
	} {
		if !strings.Contains(doc.Content, want) {
			t.Fatalf("content lacks %q:\n%s", want, doc.Content)
		}
	}
	if strings.Contains(doc.Content, "resource.calendar") {
		t.Fatal("a room is listed as an attendee")
	}
	var md map[string]any
	_ = json.Unmarshal(doc.Metadata, &md)
	if md["bot_id"] != "bot_1" || md["duration_seconds"] != float64(3600) || md["spoken_seconds"] != float64(602) || md["utterances"] != float64(2) || len(md["attendees"].([]any)) != 3 {
		t.Fatalf("metadata %v", md)
	}
	if Title("", start, "bad/zone") != "Untitled meeting — 9 Mar 2026" {
		t.Fatal(Title("", start, "bad/zone"))
	}
}
