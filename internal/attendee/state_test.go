package attendee

import "testing"

func TestMapState_CoversEveryAttendeeState(t *testing.T) {
	// Every API code of bots/models.py BotStates.
	want := map[string]Status{
		"ready": StatusScheduled, "scheduled": StatusScheduled, "staged": StatusScheduled,
		"joining": StatusJoining, "waiting_room": StatusWaitingRoom,
		"joined_not_recording": StatusJoining, "joined_recording_permission_denied": StatusJoining,
		"joined_recording": StatusRecording, "joined_recording_paused": StatusRecording,
		"joining_breakout_room": StatusRecording, "leaving_breakout_room": StatusRecording,
		"leaving": StatusPostProcessing, "post_processing": StatusPostProcessing,
		"ended": StatusCompleted, "fatal_error": StatusFailed, "data_deleted": StatusFailed,
		"connecting": StatusJoining, "connected": StatusRecording, "disconnecting": StatusPostProcessing,
	}
	for raw, st := range want {
		got, ok := MapState(raw)
		if !ok || got != st {
			t.Errorf("MapState(%q) = %q, %v; want %q", raw, got, ok, st)
		}
	}
	// The names the old code expected do not exist.
	for _, raw := range []string{"joined", "recording", "bot_joined", "transcribing", ""} {
		if _, ok := MapState(raw); ok {
			t.Errorf("MapState(%q) known", raw)
		}
	}
}

func TestInterpret_GivesUsersAReasonForEveryEnding(t *testing.T) {
	cases := []struct {
		name              string
		state, event, sub string
		admitted          bool
		status            Status
		reason            string
		final             bool
	}{
		{"recording", "joined_recording", "recording_permission_granted", "", true, StatusRecording, "", false},
		{"waiting room", "waiting_room", "put_in_waiting_room", "", false, StatusWaitingRoom, "waiting to be admitted", false},
		{"ended normally", "ended", "post_processing_completed", "", true, StatusCompleted, "", true},
		{"never admitted, meeting ended", "ended", "post_processing_completed", "", false, StatusFailed, "the notetaker was never admitted to the meeting", true},
		{"waiting room timeout", "fatal_error", "could_not_join_meeting", "waiting_room_timeout_exceeded", false, StatusFailed, "the notetaker was never admitted from the waiting room", true},
		{"denied", "fatal_error", "could_not_join_meeting", "request_to_join_denied", false, StatusFailed, "someone in the meeting declined the notetaker's request to join", true},
		{"out of credits", "fatal_error", "fatal_error", "out_of_credits", false, StatusFailed, "the Attendee account is out of credits", true},
		{"unknown sub-type", "fatal_error", "could_not_join_meeting", "brand_new_reason", false, StatusFailed, "the notetaker could not join the meeting (brand new reason)", true},
		{"no event known", "fatal_error", "", "", false, StatusFailed, "the notetaker failed", true},
		{"permission denied", "joined_recording_permission_denied", "recording_permission_denied", "host_denied_permission", true, StatusJoining, "the host did not allow the notetaker to record", false},
		{"data deleted", "data_deleted", "data_deleted", "", true, StatusFailed, "the recording was deleted at Attendee", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Interpret(c.state, c.event, c.sub, c.admitted)
			if got.Status != c.status || got.Reason != c.reason || got.Final != c.final || !got.Known {
				t.Fatalf("Interpret = %+v; want status %q reason %q final %v", got, c.status, c.reason, c.final)
			}
		})
	}
	if got := Interpret("teleporting", "", "", false); got.Known || got.Status != "" {
		t.Fatalf("unknown state interpreted as %+v", got)
	}
}

func TestStateHelpers_FollowAttendeesTransitions(t *testing.T) {
	for _, s := range []string{"joining", "waiting_room", "joined_recording", "joined_not_recording", "joined_recording_paused", "joined_recording_permission_denied"} {
		if !CanLeave(s) {
			t.Errorf("CanLeave(%s) = false", s)
		}
	}
	for _, s := range []string{"scheduled", "staged", "ready", "leaving", "post_processing", "ended", "fatal_error"} {
		if CanLeave(s) {
			t.Errorf("CanLeave(%s) = true", s)
		}
	}
	if Started("scheduled") || !Started("staged") || !Started("joining") {
		t.Error("Started: only a scheduled (or ready) bot can still be rescheduled")
	}
	if InMeeting("waiting_room") || !InMeeting("joined_not_recording") {
		t.Error("InMeeting")
	}
	if !StatusCancelled.Terminal() || StatusPostProcessing.Terminal() {
		t.Error("Terminal")
	}
}
