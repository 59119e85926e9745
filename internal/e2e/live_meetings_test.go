package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// streamReader is an SSE or a WebSocket stream.
type streamReader interface {
	next(t *testing.T, timeout time.Duration) (streamMsg, bool)
}

// eventsUntil reads a stream until an event satisfies last.
func eventsUntil(t *testing.T, c streamReader, what string, last func(streamMsg) bool) []streamMsg {
	t.Helper()
	got := collectEvents(t, func() (streamMsg, bool) { return c.next(t, 90*time.Second) }, 2*time.Minute, func(m []streamMsg) bool {
		return len(m) > 0 && last(m[len(m)-1])
	})
	if len(got) == 0 {
		t.Fatalf("no events before %s", what)
	}
	return got
}

// onlyAbout fails unless every event is the user's and about their meeting.
func onlyAbout(t *testing.T, who string, msgs []streamMsg, userID, meetingID string) {
	t.Helper()
	for _, m := range msgs {
		if m.UserID != userID || m.SubjectID != meetingID || m.Data.MeetingID != meetingID {
			t.Fatalf("%s got %+v: not their own meeting %s", who, m, meetingID)
		}
	}
}

// botChain checks that the bot events of msgs are one per transition, each
// starting where the one before ended, and returns the statuses reached.
func botChain(t *testing.T, who string, msgs []streamMsg, from string) []string {
	t.Helper()
	var reached []string
	at := from
	for _, m := range msgs {
		if m.Kind != "bot.status_changed" {
			continue
		}
		if m.Data.PreviousStatus != at || m.Data.Status == at {
			t.Fatalf("%s: bot event %s → %s after status %s: want one event per transition", who, m.Data.PreviousStatus, m.Data.Status, at)
		}
		at = m.Data.Status
		reached = append(reached, at)
	}
	return reached
}

func last(kind string, pred func(streamMsg) bool) func(streamMsg) bool {
	return func(m streamMsg) bool { return m.Kind == kind && (pred == nil || pred(m)) }
}

// TestLive_CalendarMeetingAndItsNotetakerStreamToEachOwnerTheirPartOnly is the
// meeting side of the live stream over HTTP in the sandbox: alice organises
// an event with bob and bob's virtual address as guests. The calendar sync
// stores one meeting per owner — each owner's stream gets meeting.created
// for their own meeting only — and bob's notetaker moves none → pending →
// bot_scheduled, one bot.status_changed per step on bob's stream alone. Bob
// declines (his meeting.updated says event_status), alice cancels: her
// meeting, which nothing keeps, is meeting.deleted; bob's is
// meeting.cancelled and his bot's cancellation follows. Carol, subscribed
// all along, sees none of it.
func TestLive_CalendarMeetingAndItsNotetakerStreamToEachOwnerTheirPartOnly(t *testing.T) {
	s := sandboxStack(t, map[string]string{"CALENDAR_POLL_INTERVAL": "1h"})
	aliceID, alice := s.CreateUser(t, "alice")
	bobID, bob := s.CreateUser(t, "bob")
	carolID, carol := s.CreateUser(t, "carol")
	s.ConnectGoogle(t, alice)
	s.ConnectGoogle(t, bob)
	waitCalendarWatched(t, s, alice)
	waitCalendarWatched(t, s, bob)
	bobAccount := googleAccount(t, s, bob)

	aliceStream := openSSE(t, s.URL+"/api/v1/events", bearer(alice))
	aliceStream.ready(t)
	bobStream := openSSE(t, s.URL+"/api/v1/events", bearer(bob))
	bobStream.ready(t)
	carolStream := openSSE(t, s.URL+"/api/v1/events", bearer(carol))
	carolStream.ready(t)

	start := time.Now().Add(5 * time.Hour).UTC().Truncate(time.Minute)
	var ev sandboxEvent
	s.Do(t, alice, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
		"summary": "Design review", "start": %q, "end": %q, "conference": "meet",
		"attendees": [{"email": %q}, {"email": "ai+bob@besunny.ai"}]}`,
		start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339), bobAccount)), http.StatusCreated, &ev)

	// Bob: his meeting, then his notetaker scheduled at the sandbox Attendee.
	bobGot := eventsUntil(t, bobStream, "bob's bot scheduled", last("bot.status_changed", func(m streamMsg) bool { return m.Data.Status == "bot_scheduled" }))
	if bobGot[0].Kind != "meeting.created" || bobGot[0].Data.EventID != ev.ID || bobGot[0].Data.Title != "Design review" {
		t.Fatalf("bob's first event %+v, want meeting.created of event %s", bobGot[0], ev.ID)
	}
	bobMeeting := bobGot[0].SubjectID
	onlyAbout(t, "bob", bobGot, bobID.String(), bobMeeting)
	if reached := botChain(t, "bob", bobGot, "none"); len(reached) < 2 || reached[0] != "pending" {
		t.Fatalf("bob's notetaker went %v, want pending first, then bot_scheduled", reached)
	}
	b := botOf(t, s, bob, bobMeeting)
	if b.BotID == nil || *bobGot[len(bobGot)-1].Data.BotID != *b.BotID {
		t.Fatalf("bot.status_changed names bot %v, the meeting's is %v", bobGot[len(bobGot)-1].Data.BotID, b.BotID)
	}

	// Alice: her own meeting of the same event, and no notetaker.
	aliceGot := eventsUntil(t, aliceStream, "alice's meeting", last("meeting.created", nil))
	aliceMeeting := aliceGot[len(aliceGot)-1].SubjectID
	if aliceMeeting == bobMeeting || aliceGot[len(aliceGot)-1].Data.EventID != ev.ID {
		t.Fatalf("alice's meeting.created %+v: want her own meeting of event %s", aliceGot[len(aliceGot)-1], ev.ID)
	}
	onlyAbout(t, "alice", aliceGot, aliceID.String(), aliceMeeting)

	// Bob declines: his copy changes, and his stream says what changed.
	s.Do(t, bob, http.MethodPost, "/api/v1/sandbox/calendar/events/"+ev.ID+"/response", "application/json",
		strings.NewReader(`{"response": "declined"}`), http.StatusNoContent, nil)
	declined := eventsUntil(t, bobStream, "bob's response", last("meeting.updated", func(m streamMsg) bool {
		for _, c := range m.Data.Changed {
			if c == "event_status" {
				return true
			}
		}
		return false
	}))
	onlyAbout(t, "bob", declined, bobID.String(), bobMeeting)

	// Alice cancels: her meeting goes, bob's is kept cancelled for his bot.
	s.Do(t, alice, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+ev.ID, "", nil, http.StatusNoContent, nil)
	aliceEnd := eventsUntil(t, aliceStream, "alice's meeting deleted", last("meeting.deleted", nil))
	onlyAbout(t, "alice", aliceEnd, aliceID.String(), aliceMeeting)
	for _, m := range append(aliceGot, aliceEnd...) {
		if m.Kind == "bot.status_changed" {
			t.Fatalf("alice got a bot event, she wanted no notetaker: %+v", m)
		}
	}
	bobEnd := eventsUntil(t, bobStream, "bob's notetaker cancelled", last("bot.status_changed", func(m streamMsg) bool { return m.Data.Status == "cancelled" }))
	onlyAbout(t, "bob", bobEnd, bobID.String(), bobMeeting)
	if !hasKinds(bobEnd, "meeting.cancelled") {
		t.Fatalf("bob's events after the cancellation %v, want meeting.cancelled", kindsOf(bobEnd))
	}
	for _, m := range bobEnd {
		if m.Kind == "meeting.cancelled" && m.Data.Status != "cancelled" {
			t.Fatalf("meeting.cancelled %+v", m)
		}
	}
	bobAll := append(append(bobGot, declined...), bobEnd...)
	botChain(t, "bob", bobAll, "none")
	t.Logf("alice's stream: %v; bob's: %v", kindsOf(append(aliceGot, aliceEnd...)), kindsOf(bobAll))

	// Carol saw none of it: her first event is the one of her own mail.
	carolDoc := postAndWait(t, s, message("ai+carol@besunny.ai", "For carol", "Hello carol."))
	m, _ := carolStream.next(t, 30*time.Second)
	if m.UserID != carolID.String() || m.Kind != "document.created" || m.Data.DocumentID != carolDoc {
		t.Fatalf("carol's first event = %+v, want the creation of her own document %s", m, carolDoc)
	}
}

// TestLive_AdhocNotetakerStreamsEveryBotTransitionToItsOwner follows an
// ad-hoc notetaker (POST /api/v1/bots) through the sandbox Attendee to its
// transcript on the owner's WebSocket: meeting.created (adhoc), then one
// bot.status_changed per transition of the MeetingBotWorkflow — each
// starting where the last ended, through recording to completed — and the
// transcript's meeting.updated. Another user's SSE stream gets none of it.
func TestLive_AdhocNotetakerStreamsEveryBotTransitionToItsOwner(t *testing.T) {
	s := sandboxStack(t, map[string]string{"ATTENDEE_POLL_GRACE": "10s", "ATTENDEE_POLL_INTERVAL": "1m"})
	ownerID, owner := s.CreateUser(t, "demo")
	otherID, other := s.CreateUser(t, "other")
	ws := openWS(t, s.URL+"/api/v1/ws", bearer(owner))
	if r, _ := ws.next(t, 15*time.Second); r.Kind != "ready" {
		t.Fatalf("ws first message %+v, want ready", r)
	}
	otherStream := openSSE(t, s.URL+"/api/v1/events", bearer(other))
	otherStream.ready(t)

	link := "https://meet.google.com/liv-eevt-bot"
	s.Do(t, owner, http.MethodPut, "/api/v1/sandbox/attendee/meetings", "application/json", strings.NewReader(fmt.Sprintf(`{
		"meeting_url": %q, "duration": "5s", "utterances": [
		{"speaker": "Maya Lindqvist", "at": "1s", "text": "The reading room shelving arrives on Monday."}]}`, link)), http.StatusOK, nil)
	var started struct {
		MeetingID string `json:"meeting_id"`
	}
	s.Do(t, owner, http.MethodPost, "/api/v1/bots", "application/json", strings.NewReader(fmt.Sprintf(`{
		"meeting_url": %q, "title": "Shelving call", "end_at": %q}`, link, time.Now().Add(20*time.Second).UTC().Format(time.RFC3339))),
		http.StatusAccepted, &started)

	var transcript, ended bool
	got := eventsUntil(t, ws, "the notetaker's end and its transcript", func(m streamMsg) bool {
		transcript = transcript || (m.Kind == "meeting.updated" && slices.Contains(m.Data.Changed, "transcript"))
		ended = ended || (m.Kind == "bot.status_changed" && (m.Data.Status == "completed" || m.Data.Status == "failed"))
		return transcript && ended
	})
	// The transcript's document events come too; the meeting's and the
	// bot's are about the meeting.
	var meetingEvents []streamMsg
	for _, m := range got {
		if m.UserID != ownerID.String() {
			t.Fatalf("the owner got %+v", m)
		}
		if strings.HasPrefix(m.Kind, "meeting.") || strings.HasPrefix(m.Kind, "bot.") {
			meetingEvents = append(meetingEvents, m)
		}
	}
	onlyAbout(t, "the owner", meetingEvents, ownerID.String(), started.MeetingID)
	if got[0].Kind != "meeting.created" || got[0].Data.Adhoc == nil || !*got[0].Data.Adhoc || got[0].Data.Title != "Shelving call" {
		t.Fatalf("first event %+v, want meeting.created of the ad-hoc meeting", got[0])
	}
	reached := botChain(t, "the owner", got, "none")
	if len(reached) == 0 || reached[len(reached)-1] != "completed" || !slices.Contains(reached, "recording") {
		t.Fatalf("the notetaker went %v, want through recording to completed", reached)
	}
	if b := botOf(t, s, owner, started.MeetingID); b.BotStatus != "completed" || b.TranscriptDocument == nil {
		t.Fatalf("notetaker %+v", b)
	}
	t.Logf("the owner's stream: %v; bot statuses %v", kindsOf(got), reached)

	// The other user's first event is their own.
	otherDoc := postAndWait(t, s, message("ai+other@besunny.ai", "For other", "Hello other."))
	m, _ := otherStream.next(t, 30*time.Second)
	if m.UserID != otherID.String() || m.Kind != "document.created" || m.Data.DocumentID != otherDoc {
		t.Fatalf("other's first event = %+v, want the creation of their own document %s", m, otherDoc)
	}
}
