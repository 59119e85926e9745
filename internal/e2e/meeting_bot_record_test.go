package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/workflows"
)

// TestRecordMeetingBotReplayHistories records real histories of
// MeetingBotWorkflow — a transcript stored and classified, a refused join,
// a bot called off before it joined, a calendar meeting moved under its
// scheduled bot — and of CalendarWorkflow since its call sites start the
// notetaker, and replays them. With BESUNNY_RECORD_HISTORIES=1 it writes
// them into workflows/testdata/replay:
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordMeetingBotReplayHistories
func TestRecordMeetingBotReplayHistories(t *testing.T) {
	s := sandboxStack(t, map[string]string{"CALENDAR_POLL_INTERVAL": "1h"})
	_, token := s.CreateUser(t, "demo")
	createProject(t, s, token, harborProject)
	s.ConnectGoogle(t, token)
	waitCalendarWatched(t, s, token)

	dir := replayHistoryDir(t)
	record := func(name, workflowID string) {
		t.Helper()
		recordRun(t, s.Base.Temporal, dir, name, workflowID, "")
	}
	adhoc := func(link, joinAt string) string {
		t.Helper()
		var started struct {
			MeetingID string `json:"meeting_id"`
		}
		body := fmt.Sprintf(`{"meeting_url": %q, "title": "Harbor Library site call"%s}`, link, joinAt)
		s.Do(t, token, http.MethodPost, "/api/v1/bots", "application/json", strings.NewReader(body), http.StatusAccepted, &started)
		return started.MeetingID
	}
	script := func(body string) {
		t.Helper()
		s.Do(t, token, http.MethodPut, "/api/v1/sandbox/attendee/meetings", "application/json", strings.NewReader(body), http.StatusOK, nil)
	}

	// A meeting running now: the bot joins at once, records, and the
	// transcript becomes a classified document.
	script(`{"meeting_url": "https://meet.google.com/rec-ordd-one", "duration": "4s", "utterances": [
		{"speaker": "Maya Lindqvist", "at": "1s", "text": "The Harbor Library reading room survey is done."}]}`)
	done := adhoc("https://meet.google.com/rec-ordd-one", "")
	waitBotStatus(t, s, token, done, "completed")
	waitCompleted(t, s, workflows.MeetingBotWorkflowID(done))
	record("meeting_bot_v1_completed", workflows.MeetingBotWorkflowID(done))

	// A join the meeting refuses.
	script(`{"meeting_url": "https://meet.google.com/rec-ordd-two", "deny_join": true}`)
	refused := adhoc("https://meet.google.com/rec-ordd-two", "")
	waitBotStatus(t, s, token, refused, "failed")
	waitCompleted(t, s, workflows.MeetingBotWorkflowID(refused))
	record("meeting_bot_v1_failed", workflows.MeetingBotWorkflowID(refused))

	// A scheduled bot called off before it joins.
	later := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	off := adhoc("https://meet.google.com/rec-ordd-thr", fmt.Sprintf(`, "join_at": %q`, later))
	waitBotStatus(t, s, token, off, "bot_scheduled")
	s.Do(t, token, http.MethodDelete, "/api/v1/meetings/"+off+"/bot", "", nil, http.StatusAccepted, nil)
	waitBotStatus(t, s, token, off, "cancelled")
	waitCompleted(t, s, workflows.MeetingBotWorkflowID(off))
	record("meeting_bot_v1_cancelled", workflows.MeetingBotWorkflowID(off))

	// A calendar meeting with the virtual address, moved while its bot is
	// scheduled, then cancelled.
	start := time.Now().Add(4 * time.Hour).UTC().Truncate(time.Minute)
	var ev sandboxEvent
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
		"summary": "Reading room review", "start": %q, "end": %q, "conference": "meet", "attendees": [{"email": "ai+demo@besunny.ai"}]}`,
		start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))), http.StatusCreated, &ev)
	var m meetingAnswer
	waitFor(t, "the calendar meeting's bot to be scheduled", func() bool {
		for _, x := range meetingsOf(t, s, token, "") {
			if x.EventID == ev.ID && x.BotStatus == "bot_scheduled" {
				m = x
				return true
			}
		}
		return false
	})
	moved := start.Add(time.Hour)
	s.Do(t, token, http.MethodPatch, "/api/v1/sandbox/calendar/events/"+ev.ID, "application/json",
		strings.NewReader(fmt.Sprintf(`{"start": %q, "end": %q}`, moved.Format(time.RFC3339), moved.Add(time.Hour).Format(time.RFC3339))), http.StatusOK, nil)
	waitFor(t, "the bot to move with the meeting", func() bool {
		b := botOf(t, s, token, m.ID)
		return b.JoinAt != nil && b.JoinAt.Equal(moved.Add(-2*time.Minute))
	})
	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+ev.ID, "", nil, http.StatusNoContent, nil)
	waitBotStatus(t, s, token, m.ID, "cancelled")
	waitCompleted(t, s, workflows.MeetingBotWorkflowID(m.ID))
	record("meeting_bot_v1_moved_cancelled", workflows.MeetingBotWorkflowID(m.ID))

	// The calendar's run never ends: its history so far, with the
	// notetaker's call sites in it.
	owner := ""
	if err := s.Base.Store.Pool.QueryRow(t.Context(), `SELECT owner_id::text FROM meetings WHERE id = $1`, m.ID).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	record("calendar_v2_meeting_bot", workflows.CalendarWorkflowID(owner, "primary"))
}
