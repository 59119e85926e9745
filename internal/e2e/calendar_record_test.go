package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/workflows"
)

// TestRecordCalendarReplayHistories records real histories of the calendar
// workflows (CalendarWorkflow through a full sync, a push, a move, a
// cancellation and its unwatch; ClassifyMeetingWorkflow) and replays them.
// With BESUNNY_RECORD_HISTORIES=1 it writes them into
// workflows/testdata/replay beside the others (TestRecordReplayHistories
// records those):
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordCalendarReplayHistories
func TestRecordCalendarReplayHistories(t *testing.T) {
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

	start := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Minute)
	var ev sandboxEvent
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
		"summary": "Harbor Library reading room review", "start": %q, "end": %q, "conference": "meet",
		"attendees": [{"email": "ai+demo@besunny.ai"}, {"email": "maya@northwind-architects.example"}]}`,
		start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))), http.StatusCreated, &ev)
	var m meetingAnswer
	waitFor(t, "the meeting, classified, with its bot", func() bool {
		ms := meetingsOf(t, s, token, "")
		if len(ms) == 1 {
			m = ms[0]
		}
		return len(ms) == 1 && m.ProjectID != nil && m.BotStatus == "bot_scheduled"
	})
	moved := start.Add(time.Hour)
	s.Do(t, token, http.MethodPatch, "/api/v1/sandbox/calendar/events/"+ev.ID, "application/json",
		strings.NewReader(fmt.Sprintf(`{"start": %q}`, moved.Format(time.RFC3339))), http.StatusOK, nil)
	waitFor(t, "the move", func() bool {
		var d meetingAnswer
		s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+m.ID, "", nil, http.StatusOK, &d)
		got, _ := time.Parse(time.RFC3339, d.Start)
		return got.Equal(moved)
	})
	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+ev.ID, "", nil, http.StatusNoContent, nil)
	waitFor(t, "the cancellation", func() bool {
		var d meetingAnswer
		s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+m.ID, "", nil, http.StatusOK, &d)
		return d.Status == "cancelled" && d.BotStatus == "cancelled"
	})
	record("classify_meeting_v1", workflows.ClassifyMeetingWorkflowID(m.ID, 1))

	s.Do(t, token, http.MethodDelete, "/api/v1/calendars/primary/watch", "", nil, http.StatusAccepted, nil)
	wf := workflows.CalendarWorkflowID(userOf(t, s, token), "primary")
	waitCompleted(t, s, wf)
	record("calendar_v1", wf)
}
