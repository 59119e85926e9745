package attendee

import "strings"

// Status is BeSunny's bot status of a meeting (meetings.bot_status).
type Status string

// Bot statuses, in lifecycle order.
const (
	// StatusPending: a bot is wanted; none exists at Attendee yet.
	StatusPending Status = "pending"
	// StatusScheduled: Attendee holds a bot that has not started joining.
	StatusScheduled Status = "bot_scheduled"
	// StatusJoining: the bot is joining, or is in the meeting without
	// recording yet (awaiting or refused permission to record).
	StatusJoining Status = "joining"
	// StatusWaitingRoom: the bot waits to be admitted.
	StatusWaitingRoom Status = "in_waiting_room"
	// StatusRecording: the bot records (also while paused or moving between
	// breakout rooms).
	StatusRecording Status = "recording"
	// StatusPostProcessing: the bot left; Attendee finishes the transcript
	// (and BeSunny stores it).
	StatusPostProcessing Status = "post_processing"
	// StatusCompleted: the transcript is stored, or there was none to store.
	StatusCompleted Status = "completed"
	// StatusFailed: the bot could not do its job; the reason says why.
	StatusFailed Status = "failed"
	// StatusCancelled: BeSunny withdrew the bot (meeting cancelled, user).
	StatusCancelled Status = "cancelled"
)

// Terminal reports whether nothing follows s.
func (s Status) Terminal() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCancelled
}

// Raw states (BotStates API codes).
const (
	StateReady                     = "ready"
	StateScheduled                 = "scheduled"
	StateStaged                    = "staged"
	StateJoining                   = "joining"
	StateWaitingRoom               = "waiting_room"
	StateJoinedNotRecording        = "joined_not_recording"
	StateJoinedRecording           = "joined_recording"
	StateJoinedRecordingPaused     = "joined_recording_paused"
	StateJoinedPermissionDenied    = "joined_recording_permission_denied"
	StateJoiningBreakoutRoom       = "joining_breakout_room"
	StateLeavingBreakoutRoom       = "leaving_breakout_room"
	StateLeaving                   = "leaving"
	StatePostProcessing            = "post_processing"
	StateEnded                     = "ended"
	StateFatalError                = "fatal_error"
	StateDataDeleted               = "data_deleted"
	StateConnecting                = "connecting"
	StateConnected                 = "connected"
	StateDisconnecting             = "disconnecting"
	EventJoinedMeeting             = "joined_meeting"
	EventPutInWaitingRoom          = "put_in_waiting_room"
	EventRecordingPermissionDenied = "recording_permission_denied"
	EventPostProcessingCompleted   = "post_processing_completed"
	EventCouldNotJoin              = "could_not_join_meeting"
	EventFatalError                = "fatal_error"
	EventLeaveRequested            = "leave_requested"
	EventMeetingEnded              = "meeting_ended"
)

// stateStatus maps every state Attendee defines onto BeSunny's status.
var stateStatus = map[string]Status{
	StateReady:                  StatusScheduled,
	StateScheduled:              StatusScheduled,
	StateStaged:                 StatusScheduled,
	StateJoining:                StatusJoining,
	StateWaitingRoom:            StatusWaitingRoom,
	StateJoinedNotRecording:     StatusJoining,
	StateJoinedPermissionDenied: StatusJoining,
	StateJoinedRecording:        StatusRecording,
	StateJoinedRecordingPaused:  StatusRecording,
	StateJoiningBreakoutRoom:    StatusRecording,
	StateLeavingBreakoutRoom:    StatusRecording,
	StateLeaving:                StatusPostProcessing,
	StatePostProcessing:         StatusPostProcessing,
	StateEnded:                  StatusCompleted,
	StateFatalError:             StatusFailed,
	StateDataDeleted:            StatusFailed,
	StateConnecting:             StatusJoining,
	StateConnected:              StatusRecording,
	StateDisconnecting:          StatusPostProcessing,
}

// MapState maps a raw Attendee state onto a status; ok is false for a
// state this package does not know (a newer Attendee).
func MapState(raw string) (s Status, ok bool) {
	s, ok = stateStatus[raw]
	return s, ok
}

// Final reports whether Attendee will do nothing more with a bot in this
// raw state (the meeting is over for it).
func Final(raw string) bool {
	return raw == StateEnded || raw == StateFatalError || raw == StateDataDeleted
}

// Started reports whether a bot in this raw state has begun joining, so it
// can no longer be rescheduled or deleted, only made to leave.
func Started(raw string) bool {
	switch raw {
	case "", StateReady, StateScheduled:
		return false
	}
	return true
}

// CanLeave reports whether Attendee accepts a leave request in this state.
func CanLeave(raw string) bool {
	switch raw {
	case StateJoining, StateWaitingRoom, StateJoinedNotRecording, StateJoinedRecording,
		StateJoinedRecordingPaused, StateJoinedPermissionDenied, StateJoiningBreakoutRoom, StateLeavingBreakoutRoom:
		return true
	}
	return false
}

// InMeeting reports whether a bot in this raw state has been admitted.
func InMeeting(raw string) bool {
	switch raw {
	case StateJoinedNotRecording, StateJoinedRecording, StateJoinedRecordingPaused, StateJoinedPermissionDenied,
		StateJoiningBreakoutRoom, StateLeavingBreakoutRoom, StateConnected:
		return true
	}
	return false
}

// subTypeReasons explain Attendee's event sub-types to a user.
var subTypeReasons = map[string]string{
	// Could not join.
	"meeting_not_started_waiting_for_host":            "the meeting never started: the notetaker waited for the host and gave up",
	"request_to_join_denied":                          "someone in the meeting declined the notetaker's request to join",
	"waiting_room_timeout_exceeded":                   "the notetaker was never admitted from the waiting room",
	"meeting_not_found":                               "the meeting link does not lead to a meeting (wrong link, or the meeting was removed)",
	"unable_to_connect_to_meeting":                    "the notetaker could not connect to the meeting; the password in the link is probably wrong",
	"login_required":                                  "the meeting admits only signed-in participants, which the notetaker is not",
	"bot_login_attempt_failed":                        "the notetaker could not sign in to the meeting platform",
	"blocked_by_captcha":                              "the meeting platform blocked the notetaker with a verification challenge",
	"zoom_authorization_failed":                       "Zoom refused the notetaker's authorization",
	"zoom_meeting_status_failed":                      "Zoom reported a problem with the meeting",
	"unpublished_zoom_app":                            "the Zoom app behind the notetaker is not published, so it cannot join meetings outside its own account",
	"zoom_sdk_internal_error":                         "Zoom failed while the notetaker was joining",
	"authorized_user_not_in_meeting_timeout_exceeded": "the Zoom user the notetaker joins on behalf of never joined the meeting",
	"zoom_app_cannot_join_anonymously":                "the Zoom meeting does not let the notetaker join anonymously",
	// Fatal errors.
	"process_terminated":      "the notetaker stopped unexpectedly",
	"rtmp_connection_failed":  "the notetaker lost its streaming connection",
	"ui_element_not_found":    "the notetaker could not find its way through the meeting page",
	"heartbeat_timeout":       "the notetaker stopped responding",
	"bot_not_launched":        "the notetaker service never launched the bot",
	"out_of_credits":          "the Attendee account is out of credits",
	"attendee_internal_error": "the notetaker service had an internal error",
	"global_runtime_timeout":  "the notetaker ran longer than the service allows",
	// Recording permission denied.
	"host_denied_permission":                    "the host did not allow the notetaker to record",
	"request_timed_out":                         "nobody answered the notetaker's request to record",
	"host_client_cannot_grant_permission":       "the host's meeting app cannot grant the notetaker permission to record",
	"webinar_attendee_needs_panelist_promotion": "the notetaker joined the webinar as an attendee and needs to be promoted to panelist to record",
	// Leave requested.
	"user_requested":                              "the notetaker was asked to leave",
	"auto_leave_silence":                          "the notetaker left after a long silence",
	"auto_leave_only_participant_in_meeting":      "the notetaker left because everyone else had left",
	"auto_leave_max_uptime_exceeded":              "the notetaker left after the longest time it may stay",
	"auto_leave_could_not_enable_closed_captions": "the notetaker left because it could not turn on captions",
}

// Reason explains an event to a user ("" when the event needs none). The
// sub-type is the specific cause; without one the event type speaks.
func Reason(eventType, subType string) string {
	if r, ok := subTypeReasons[subType]; ok {
		return r
	}
	switch eventType {
	case EventCouldNotJoin:
		return "the notetaker could not join the meeting" + detail(subType)
	case EventFatalError:
		return "the notetaker failed" + detail(subType)
	case EventRecordingPermissionDenied:
		return "the notetaker was not allowed to record" + detail(subType)
	case EventMeetingEnded:
		return "the meeting ended"
	case "data_deleted":
		return "the recording was deleted at Attendee"
	}
	return ""
}

func detail(subType string) string {
	if subType == "" {
		return ""
	}
	return " (" + strings.ReplaceAll(subType, "_", " ") + ")"
}

// Interpretation is what one observation of a bot means for BeSunny.
type Interpretation struct {
	Status Status
	// Reason explains a failure, or a notable state (no recording).
	Reason string
	// Final: Attendee will do nothing more with the bot.
	Final bool
	// Known is false for a raw state this package does not know; Status is
	// then "" and the caller keeps what it had.
	Known bool
}

// Interpret maps a raw state and the event that led to it onto BeSunny's
// status with a user-facing reason. admitted says whether the bot was ever
// in the meeting: a bot that ends without having been admitted ends
// failed ("never admitted"), whatever Attendee calls it.
func Interpret(state, eventType, subType string, admitted bool) Interpretation {
	st, ok := MapState(state)
	in := Interpretation{Status: st, Final: Final(state), Known: ok}
	switch {
	case state == StateFatalError:
		in.Reason = Reason(eventType, subType)
		if in.Reason == "" {
			in.Reason = "the notetaker failed"
		}
	case state == StateDataDeleted:
		in.Reason = Reason("data_deleted", "")
	case state == StateEnded && !admitted:
		in.Status = StatusFailed
		in.Reason = "the notetaker was never admitted to the meeting"
	case state == StateJoinedPermissionDenied:
		in.Reason = Reason(EventRecordingPermissionDenied, subType)
	case state == StateWaitingRoom:
		in.Reason = "waiting to be admitted"
	}
	return in
}
