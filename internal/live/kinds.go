package live

// Event kinds written by the triggers of 00013_events.sql (documents, email
// runs, Drive watches) and 00014_meeting_events.sql (meetings and their
// notetakers). The OpenAPI contract documents each one's data (components
// LiveEvent…).
const (
	KindDocumentCreated    = "document.created"
	KindDocumentUpdated    = "document.updated"
	KindDocumentDeleted    = "document.deleted"
	KindDocumentClassified = "document.classified"
	KindDocumentAssigned   = "document.assigned"
	KindEmailFinished      = "email.finished"
	KindDriveWatchChanged  = "drive_watch.changed"
	// KindMeetingCreated: a calendar sync (or POST /api/v1/bots) stored a
	// meeting of the user.
	KindMeetingCreated = "meeting.created"
	// KindMeetingUpdated: something the user sees changed; data.changed
	// names what (title, time, attendees, project…).
	KindMeetingUpdated = "meeting.updated"
	// KindMeetingCancelled: the event was cancelled; the meeting is kept
	// (its bot, project or transcript holds it) with status cancelled.
	KindMeetingCancelled = "meeting.cancelled"
	// KindMeetingDeleted: the meeting row is gone (a cancelled event that
	// nothing kept).
	KindMeetingDeleted = "meeting.deleted"
	// KindBotStatusChanged: the meeting's notetaker moved from
	// data.previous_status to data.status.
	KindBotStatusChanged = "bot.status_changed"
)

// Control messages of a stream; they are not in the log and have no id of
// their own.
const (
	// KindReady opens every stream: from here on the stream is complete.
	KindReady = "ready"
	// KindResync tells the client it missed events: reload the state it
	// shows (and resume from last_event_id when the reason allows).
	KindResync = "resync"
)

// Reasons of a resync.
const (
	// ResyncSlowConsumer: the client did not read fast enough; the stream
	// is closed after the message. The events are still in the log, so a
	// reconnect with the last id resumes without loss.
	ResyncSlowConsumer = "slow_consumer"
	// ResyncHistoryPruned: the client resumed from before the retention
	// horizon; events are missing for good. The stream continues live.
	ResyncHistoryPruned = "history_pruned"
)
