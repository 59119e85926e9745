package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/besunny/workflows/internal/attendeefake"
	"github.com/besunny/workflows/internal/testenv"
)

type meetingBot struct {
	MeetingID          string         `json:"meeting_id"`
	BotStatus          string         `json:"bot_status"`
	BotStatusReason    string         `json:"bot_status_reason"`
	BotID              *string        `json:"bot_id"`
	RawState           string         `json:"raw_state"`
	JoinAt             *time.Time     `json:"join_at"`
	LastWebhookAt      *time.Time     `json:"last_webhook_at"`
	WorkflowID         string         `json:"workflow_id"`
	Status             map[string]any `json:"status"`
	TranscriptDocument *struct {
		ID        string  `json:"id"`
		Title     string  `json:"title"`
		ProjectID *string `json:"project_id"`
	} `json:"transcript_document"`
	Webhooks []struct {
		NewState string `json:"new_state"`
		Outcome  string `json:"outcome"`
	} `json:"webhooks"`
}

// meetingOf waits for the calendar to store the owner's meeting of an event.
func meetingOf(t *testing.T, s *testenv.Stack, owner uuid.UUID, eventID string) string {
	t.Helper()
	var id string
	waitFor(t, "the calendar to store the meeting of "+eventID, func() bool {
		err := s.Base.Store.Pool.QueryRow(context.Background(),
			`SELECT id::text FROM meetings WHERE owner_id = $1 AND event_id = $2`, owner, eventID).Scan(&id)
		return err == nil
	})
	return id
}

func botOf(t *testing.T, s *testenv.Stack, token, meetingID string) meetingBot {
	t.Helper()
	var b meetingBot
	s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+meetingID+"/bot", "", nil, http.StatusOK, &b)
	return b
}

func waitBotStatus(t *testing.T, s *testenv.Stack, token, meetingID, status string) meetingBot {
	t.Helper()
	var b meetingBot
	waitFor(t, "the notetaker of "+meetingID+" to be "+status, func() bool {
		b = botOf(t, s, token, meetingID)
		return b.BotStatus == status
	})
	return b
}

// TestMeetingBot_CalendarMeetingWithTheVirtualAddressGetsAClassifiedTranscript
// is the notetaker's story over HTTP in the sandbox: connect Google → a
// calendar event with ai+demo@… as a guest → the calendar (pushed by the
// sandbox Calendar) stores the meeting and hands it to the bot call site → MeetingBotWorkflow schedules an Attendee bot (bot_scheduled,
// join time two minutes before the start) → the sandbox Attendee's signed
// webhooks drive it through joining and recording to the end → the
// transcript becomes a meeting_transcript document, classified into the
// project the conversation is about. A second event is cancelled before the
// bot joins: its bot is deleted and the notetaker ends cancelled.
func TestMeetingBot_CalendarMeetingWithTheVirtualAddressGetsAClassifiedTranscript(t *testing.T) {
	s := sandboxStack(t, map[string]string{"CALENDAR_POLL_INTERVAL": "1h", "ATTENDEE_POLL_GRACE": "10s", "ATTENDEE_POLL_INTERVAL": "1m"})
	owner, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)
	createProject(t, s, token, bakeryProject)
	s.ConnectGoogle(t, token)
	waitCalendarWatched(t, s, token)
	ctx := context.Background()

	start := time.Now().Add(time.Hour).UTC().Truncate(time.Minute)
	event := func(summary string, start time.Time, guests string) sandboxEvent {
		var ev sandboxEvent
		s.Do(t, token, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
			"summary": %q, "start": %q, "end": %q, "conference": "meet", "attendees": [%s]}`,
			summary, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339), guests)), http.StatusCreated, &ev)
		return ev
	}
	ev := event("Reading room review", start, `{"email": "ai+demo@besunny.ai"}, {"email": "maya@northwind-architects.example", "name": "Maya Lindqvist"}`)
	doomed := event("Budget call", start.Add(2*time.Hour), `{"email": "ai+demo@besunny.ai"}`)

	meetingID := meetingOf(t, s, owner, ev.ID)
	b := waitBotStatus(t, s, token, meetingID, "bot_scheduled")
	if b.BotID == nil || b.JoinAt == nil || !b.JoinAt.Equal(start.Add(-2*time.Minute)) || b.RawState != "scheduled" {
		t.Fatalf("scheduled bot = %+v", b)
	}
	var sent *attendeefake.BotInfo
	for _, bot := range s.Attendee.Bots() {
		if bot.ID == *b.BotID {
			sent = &bot
		}
	}
	if sent == nil || sent.Metadata["besunny_meeting_id"] != meetingID || len(sent.Webhooks) != 1 ||
		!strings.HasSuffix(sent.Webhooks[0], "/webhooks/attendee") || sent.Name != "BeSunny Notetaker" {
		t.Fatalf("the bot at the sandbox Attendee: %+v", sent)
	}

	// What is said in the meeting, through the sandbox route.
	var link string
	if err := s.Base.Store.Pool.QueryRow(ctx, `SELECT meeting_url FROM meetings WHERE id = $1`, meetingID).Scan(&link); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`{"meeting_url": %q, "duration": "8s", "utterances": [
		{"speaker": "Maya Lindqvist", "at": "1s", "duration": "2s", "text": "Welcome to the Harbor Library reading room review.", "host": true},
		{"speaker": "Demo User", "at": "3s", "duration": "2s", "text": "Brandt Engineering finished the structural survey; the roof insulation starts next week."},
		{"speaker": "Maya Lindqvist", "at": "6s", "duration": "1s", "text": "Good, then the reading room shelving can follow."}]}`, link)
	s.Do(t, token, http.MethodPut, "/api/v1/sandbox/attendee/meetings", "application/json", strings.NewReader(script), http.StatusOK, nil)

	// The second meeting is cancelled before its bot joins.
	otherID := meetingOf(t, s, owner, doomed.ID)
	other := waitBotStatus(t, s, token, otherID, "bot_scheduled")
	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+doomed.ID, "", nil, http.StatusNoContent, nil)

	// Skip the hour: the sandbox Attendee's bots live on from now.
	s.Do(t, s.ServiceToken, http.MethodPost, "/api/v1/sandbox/attendee/advance", "application/json", strings.NewReader(`{"by": "58m"}`), http.StatusNoContent, nil)

	var done meetingBot
	waitForWithin(t, "the notetaker to complete with a transcript", 2*time.Minute, func() bool {
		done = botOf(t, s, token, meetingID)
		return done.BotStatus == "completed" || done.BotStatus == "failed"
	})
	if done.BotStatus != "completed" || done.TranscriptDocument == nil || done.RawState != "ended" {
		t.Fatalf("notetaker = %+v", done)
	}
	seen := map[string]bool{}
	for _, w := range done.Webhooks {
		if w.Outcome == "signalled" {
			seen[w.NewState] = true
		}
	}
	for _, st := range []string{"staged", "joining", "joined_not_recording", "joined_recording", "post_processing", "ended"} {
		if !seen[st] {
			t.Errorf("no signalled %s webhook: %+v", st, done.Webhooks)
		}
	}

	docID := done.TranscriptDocument.ID
	d := waitClassified(t, s, token, docID, 1)
	if d.ProjectID == nil || *d.ProjectID != harbor.ID {
		t.Fatalf("transcript classified as %+v, want the Harbor Library project %s", d, harbor.ID)
	}
	var doc fullDocument
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusOK, &doc)
	wantTitle := "Reading room review — " + start.Format("2 Jan 2006")
	if doc.Type != "meeting_transcript" || doc.Title != wantTitle || !strings.Contains(doc.Content, "] Maya Lindqvist: Welcome to the Harbor Library reading room review.") ||
		!strings.Contains(doc.Content, "Attendees: ") || !strings.Contains(doc.Content, "maya@northwind-architects.example") {
		t.Fatalf("transcript document = %+v", doc)
	}

	// The cancelled meeting's bot never joined.
	other = waitBotStatus(t, s, token, otherID, "cancelled")
	for _, bot := range s.Attendee.Bots() {
		if bot.ID == *other.BotID {
			t.Fatalf("the cancelled meeting's bot still exists: %+v", bot)
		}
	}

	// Every notetaker run is found by meeting and by user.
	for _, q := range []string{
		fmt.Sprintf(`MeetingId = %q`, meetingID),
		fmt.Sprintf(`BesunnyUserId = %q AND WorkflowType = "MeetingBotWorkflow"`, owner),
	} {
		waitFor(t, "a run for "+q, func() bool {
			resp, err := s.Base.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: s.Config.Temporal.Namespace, Query: q})
			return err == nil && len(resp.Executions) > 0
		})
	}
	if fakeBots := s.Attendee.Bots(); len(fakeBots) != 1 {
		t.Fatalf("bots left at Attendee: %+v (one per meeting, the cancelled one deleted)", fakeBots)
	}
}

// TestMeetingBot_LostDuplicatedAndLateWebhooksAndAttendeeErrorsStillEndWithTheTranscript
// runs an ad-hoc meeting through a sandbox Attendee that drops, duplicates
// and delays webhook deliveries and answers some calls with 429 and 503:
// the poll recovers what was lost, duplicates change nothing, and the
// transcript is stored once.
func TestMeetingBot_LostDuplicatedAndLateWebhooksAndAttendeeErrorsStillEndWithTheTranscript(t *testing.T) {
	s := sandboxStack(t, map[string]string{"ATTENDEE_POLL_GRACE": "10s", "ATTENDEE_POLL_INTERVAL": "1m"})
	_, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)
	createProject(t, s, token, bakeryProject)
	link := "https://meet.google.com/fau-ltyy-net"
	s.Do(t, token, http.MethodPut, "/api/v1/sandbox/attendee/meetings", "application/json", strings.NewReader(fmt.Sprintf(`{
		"meeting_url": %q, "duration": "6s", "utterances": [
		{"speaker": "Maya Lindqvist", "at": "1s", "text": "The Harbor Library roof insulation and the structural survey by Brandt Engineering are on track."}]}`, link)),
		http.StatusOK, nil)
	s.Attendee.SetFaults(attendeefake.Faults{Seed: 13, WebhookDropRate: 0.4, WebhookDuplicateRate: 0.3, WebhookDelayRate: 0.2,
		WebhookDelay: attendeefake.Duration(2 * time.Second), Rate429: 0.15, Rate503: 0.15, RetryAfter: attendeefake.Duration(time.Second)})

	end := time.Now().Add(20 * time.Second).UTC().Format(time.RFC3339)
	var started struct {
		MeetingID string `json:"meeting_id"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/bots", "application/json", strings.NewReader(fmt.Sprintf(`{
		"meeting_url": %q, "title": "Harbor Library site call", "end_at": %q}`, link, end)), http.StatusAccepted, &started)

	var done meetingBot
	waitForWithin(t, "the notetaker to finish despite the faults", 3*time.Minute, func() bool {
		done = botOf(t, s, token, started.MeetingID)
		return done.BotStatus == "completed" || done.BotStatus == "failed"
	})
	if done.BotStatus != "completed" || done.TranscriptDocument == nil {
		t.Fatalf("notetaker = %+v", done)
	}
	d := waitClassified(t, s, token, done.TranscriptDocument.ID, 1)
	if d.ProjectID == nil || *d.ProjectID != harbor.ID {
		t.Fatalf("transcript classified as %+v", d)
	}
	var dropped, duplicated int
	for _, dl := range s.Attendee.Deliveries() {
		switch {
		case dl.Outcome == "dropped":
			dropped++
		case dl.Duplicate:
			duplicated++
		}
	}
	if dropped == 0 || duplicated == 0 {
		t.Fatalf("the faults did not strike (dropped %d, duplicated %d): the test proves nothing", dropped, duplicated)
	}
	var documents int
	if err := s.Base.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM documents WHERE source = 'meeting'`).Scan(&documents); err != nil || documents != 1 {
		t.Fatalf("%d transcript documents, %v", documents, err)
	}
	var result struct {
		Polls      int `json:"polls"`
		Webhooks   int `json:"webhooks"`
		Duplicates int `json:"duplicate_webhooks"`
	}
	if err := s.Base.Temporal.GetWorkflow(context.Background(), done.WorkflowID, "").Get(context.Background(), &result); err != nil {
		t.Fatal(err)
	}
	t.Logf("deliveries dropped %d, duplicated %d; the run saw %d webhooks (%d duplicates) and polled %d times", dropped, duplicated, result.Webhooks, result.Duplicates, result.Polls)
}
