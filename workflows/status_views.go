package workflows

import (
	"slices"

	"github.com/besunny/workflows/activities"
)

// A shared workflow — a message sent to several users, a file several users
// watch — answers its status query with everyone's part, for operators. The
// API shows a user only their own part through these views (the service role
// sees the whole answer). The JSON fields stay the same; what belongs to
// other users is left out.

// ForOwner is the file's status as the owner userID may see it: their own
// entry among the owners, their own syncs and last error, and the file's
// state (push until, last push and poll, pending change, ending) — not the
// other watchers, nor the push channel's ids.
func (s DriveFileState) ForOwner(userID string) DriveFileState {
	out := DriveFileState{
		FileID: s.FileID, Owners: []DriveOwner{}, LastWebhook: s.LastWebhook, LastPoll: s.LastPoll,
		QuietUntil: s.QuietUntil, Ended: s.Ended,
	}
	if i := slices.IndexFunc(s.Owners, func(o DriveOwner) bool { return o.UserID == userID }); i >= 0 {
		own := s.Owners[i]
		out.Owners = []DriveOwner{own}
		out.LastSync, out.Syncs, out.LastError = own.LastSync, own.Syncs, own.LastError
	}
	if s.Channel != nil {
		ch := activities.Channel{Expiration: s.Channel.Expiration}
		if s.Channel.OwnerID == userID {
			// The channel runs on this owner's grant: theirs to know.
			ch.OwnerID = userID
		}
		out.Channel = &ch
	}
	return out
}

// ForRecipient is the message's status as the recipient userID may see it:
// the message's own progress and outcome, and their own document — not the
// other recipients (who may have been Bcc'd), the addresses that matched no
// user, or how many files the other recipients' documents watch.
func (s EmailStatus) ForRecipient(userID string) EmailStatus {
	out := s
	out.Documents = nil
	for _, d := range s.Documents {
		if d.UserID == userID {
			out.Documents = append(out.Documents, d)
		}
	}
	out.UnknownUsernames, out.WatchedFiles = nil, 0
	return out
}
