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

// EmailStartOptions starts a ProcessEmailWorkflow once per id: a second start
// (running or finished) is rejected by Temporal, which the starters treat as
// "already done".
func EmailStartOptions(taskQueue, workflowID, source string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                taskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
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
