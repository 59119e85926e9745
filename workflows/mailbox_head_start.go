package workflows

import (
	"strconv"

	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// headStartOf is where a backlog's follow-head starts reading: the history
// id after which mail counts as pushed. The backlog listing's own history id
// (listed) comes too late: the watch is set concurrently with the mailbox's
// start (RenewWatchesWorkflow), so mail can arrive — and be pushed — after
// the watch but before that listing, and would then be read only at the end
// of the backlog. When the stored watch history id lies between the cursor
// the listing started from and listed, the head starts there instead; every
// message newer than the watch is then the follow-head's. An older watch
// (the whole backlog arrived under it) or a failed load keeps listed.
func (m *mailbox) headStartOf(ctx workflow.Context, cursor, listed string) string {
	if workflow.GetVersion(ctx, versionHeadFromWatch, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return listed
	}
	if m.st.Head != "" {
		// Carried from the previous run: followHead goes on from there.
		return listed
	}
	var mb *activities.Mailboxes
	var stored activities.MailboxState
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), mb.LoadMailbox, m.st.Address).Get(ctx, &stored); err != nil {
		m.log.Warn("watch history id not loaded; the follow-head starts at the listing", "error", err)
		return listed
	}
	if historyBetween(cursor, stored.WatchHistoryID, listed) {
		return stored.WatchHistoryID
	}
	return listed
}

// historyBetween reports whether history id mid is after low and before
// high (all decimal, as Gmail writes them); false if any is not a number.
func historyBetween(low, mid, high string) bool {
	l, err1 := strconv.ParseUint(low, 10, 64)
	m, err2 := strconv.ParseUint(mid, 10, 64)
	h, err3 := strconv.ParseUint(high, 10, 64)
	return err1 == nil && err2 == nil && err3 == nil && l < m && m < h
}
