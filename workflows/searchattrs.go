package workflows

import (
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Search attributes let an operator find any run in the Temporal UI (and the
// API list a user's runs) without reading histories.
var (
	// AttrUserID holds every BeSunny user a run concerns.
	AttrUserID = temporal.NewSearchAttributeKeyKeywordList("BesunnyUserId")
	// AttrDocumentID holds every document a run created or updated.
	AttrDocumentID = temporal.NewSearchAttributeKeyKeywordList("BesunnyDocumentId")
	// AttrProjectID is the project a document was classified into.
	AttrProjectID = temporal.NewSearchAttributeKeyKeyword("BesunnyProjectId")
	// AttrSource is where the material came from: upload, gmail, drive,
	// calendar, meeting.
	AttrSource = temporal.NewSearchAttributeKeyKeyword("BesunnySource")
	// AttrStatus is the run's business outcome (processed, ignored, …).
	AttrStatus = temporal.NewSearchAttributeKeyKeyword("BesunnyStatus")
	// AttrGmailMessageID is the Gmail id of the message a run processes.
	AttrGmailMessageID = temporal.NewSearchAttributeKeyKeyword("GmailMessageId")
	// AttrDriveFileID is the Drive file a run watches.
	AttrDriveFileID = temporal.NewSearchAttributeKeyKeyword("DriveFileId")
	// AttrMailbox is the Gmail mailbox a run reads.
	AttrMailbox = temporal.NewSearchAttributeKeyKeyword("Mailbox")
	// AttrCalendarID is the Google calendar a run keeps in step.
	AttrCalendarID = temporal.NewSearchAttributeKeyKeyword("CalendarId")
	// AttrMeetingID is the meeting a run concerns.
	AttrMeetingID = temporal.NewSearchAttributeKeyKeyword("MeetingId")
)

// SearchAttributes lists every custom search attribute with its type, for
// registration on a namespace (worker start-up and the dev server's flags).
func SearchAttributes() map[string]enums.IndexedValueType {
	out := map[string]enums.IndexedValueType{}
	for _, k := range []temporal.SearchAttributeKey{
		AttrUserID, AttrDocumentID, AttrProjectID, AttrSource, AttrStatus,
		AttrGmailMessageID, AttrDriveFileID, AttrMailbox, AttrCalendarID, AttrMeetingID,
	} {
		out[k.GetName()] = k.GetValueType()
	}
	return out
}
