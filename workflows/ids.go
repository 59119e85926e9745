package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Workflow ids are deterministic so that a second start of the same work is
// recognised by Temporal as a duplicate instead of running twice. They are
// built here and nowhere else.

// UploadMessageKey is the message key of an uploaded raw message: the SHA-256
// of its bytes, so the same bytes always map to the same key.
func UploadMessageKey(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// EmailWorkflowID is the id of the ProcessEmailWorkflow for a message key:
// `email/<gmail message id>` or `email/sha256:<hex>`. Re-processing a message
// runs under a new revision: `email/<key>/r<revision>`.
func EmailWorkflowID(messageKey string, revision int) string {
	if revision <= 1 {
		return "email/" + messageKey
	}
	return fmt.Sprintf("email/%s/r%d", messageKey, revision)
}

// IsEmailWorkflowID reports whether id names a ProcessEmailWorkflow.
func IsEmailWorkflowID(id string) bool { return strings.HasPrefix(id, "email/") }

// MailboxWorkflowID is the id of the MailboxWorkflow reading address.
func MailboxWorkflowID(address string) string { return "mailbox/" + strings.ToLower(address) }

// ClassifyWorkflowID is the id of the classification of a document's
// revision: each revision is classified once.
func ClassifyWorkflowID(documentID string, revision int) string {
	return fmt.Sprintf("classify/%s/%d", documentID, revision)
}

// OnboardWorkflowID is the id of a project's revision-th onboarding.
func OnboardWorkflowID(projectID string, revision int) string {
	return fmt.Sprintf("onboard/%s/%d", projectID, revision)
}

// DriveFileWorkflowID is the id of the workflow watching a Drive file.
func DriveFileWorkflowID(fileID string) string { return "drive/" + fileID }

// BacklogWorkflowID is the id of a user's ReclassifyBacklogWorkflow: one run
// per user at a time.
func BacklogWorkflowID(userID string) string { return "backlog/" + userID }

// CalendarWorkflowID is the id of the workflow keeping a user's calendar in
// step: `calendar/<user id>/<calendar id>` ("primary" for the main one).
func CalendarWorkflowID(userID, calendarID string) string {
	return "calendar/" + userID + "/" + calendarID
}

// ClassifyMeetingWorkflowID is the id of the classification of a meeting's
// revision: each revision is classified once.
func ClassifyMeetingWorkflowID(meetingID string, revision int) string {
	return fmt.Sprintf("classify-meeting/%s/%d", meetingID, revision)
}

// MeetingBotWorkflowID is the id of the workflow following a meeting's
// notetaker.
func MeetingBotWorkflowID(meetingID string) string { return "meeting/" + meetingID }
