package workflows

import (
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// Start options live next to the ids so that every starter of a workflow —
// the API, the worker, a webhook — means the same workflow with the same
// policies.

// EmailReusePolicy is how every starter of email runs (the mailbox's child
// starts, the upload API, re-processing) treats an id that already has a
// run: a run that completed — whatever the message's status — is final, so
// a message is never processed twice; a run that failed, was terminated,
// cancelled or timed out recorded no outcome, and a new start (a resync, a
// re-post, a re-drive) runs the message again.
const EmailReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY

// EmailWorkflow is the workflow type every new email run starts as: the API's
// uploads and re-processing, and the mailbox's children (from
// versionEmailV2 on). ProcessEmailWorkflow stays registered so that runs
// started by older code finish under it.
var EmailWorkflow = ProcessEmailWorkflowV2

// IsEmailWorkflowType reports whether name is a workflow type of email runs,
// old or new.
func IsEmailWorkflowType(name string) bool {
	return name == "ProcessEmailWorkflow" || name == "ProcessEmailWorkflowV2"
}

// EmailStartOptions starts an EmailWorkflow once per id: a second start
// of a running or completed run is rejected (or finds the running one),
// which the starters treat as "already done"; a failed or terminated run is
// started again (EmailReusePolicy).
func EmailStartOptions(taskQueue, workflowID, source string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                taskQueue,
		WorkflowIDReusePolicy:    EmailReusePolicy,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrSource.ValueSet(source),
			AttrStatus.ValueSet(StatusPending),
		),
	}
}

// MailboxStartOptions starts the mailbox's one workflow, or finds it running.
// A mailbox workflow that ended (terminated by an operator) may start again.
func MailboxStartOptions(taskQueue, address string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       MailboxWorkflowID(address),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrMailbox.ValueSet(strings.ToLower(address)),
			AttrSource.ValueSet("gmail"),
		),
	}
}

// DriveFileStartOptions starts a file's watch, or finds it running; a watch
// that ended (file deleted, unsubscribed) may start again.
func DriveFileStartOptions(taskQueue, fileID string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       DriveFileWorkflowID(fileID),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrDriveFileID.ValueSet(fileID),
			AttrSource.ValueSet("drive"),
		),
	}
}

// BacklogStartOptions starts a user's backlog run, or finds it running (the
// correction is then a signal to it); a finished run may start again.
func BacklogStartOptions(taskQueue, userID string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       BacklogWorkflowID(userID),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes:    temporal.NewSearchAttributes(AttrUserID.ValueSet([]string{userID})),
	}
}

// CalendarStartOptions starts a calendar's workflow, or finds it running; a
// calendar that was unwatched (or whose owner disconnected) may start again.
func CalendarStartOptions(taskQueue, userID, calendarID string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       CalendarWorkflowID(userID, calendarID),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrUserID.ValueSet([]string{userID}),
			AttrCalendarID.ValueSet(calendarID),
			AttrSource.ValueSet("calendar"),
		),
	}
}

// MeetingBotStartOptions starts a meeting's notetaker run, or finds it
// running; a run that ended (transcript stored, cancelled) may start again
// when the owner asks again.
func MeetingBotStartOptions(taskQueue, meetingID, ownerID string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       MeetingBotWorkflowID(meetingID),
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrMeetingID.ValueSet(meetingID),
			AttrUserID.ValueSet([]string{ownerID}),
			AttrSource.ValueSet("meeting"),
			AttrStatus.ValueSet(StatusPending),
		),
	}
}
