package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/workflows"
)

// TestRecordHeadFromWatchHistory records the mailbox history of a backlog
// read since the follow-head's start looks at the push watch
// (mailbox-head-from-watch: a version marker and a load of the mailbox's
// stored watch when the backlog listing begins), with mail pushed during the
// backlog, and replays it. With BESUNNY_RECORD_HISTORIES=1 it writes
// workflows/testdata/replay/mailbox_v4_head_from_watch.json:
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordHeadFromWatchHistory
//
// Never re-record a released history to make a replay pass.
func TestRecordHeadFromWatchHistory(t *testing.T) {
	dir := replayHistoryDir(t)
	// Two runs in flight: a burst of mail is a backlog.
	s := sandboxStack(t, map[string]string{"GMAIL_MAX_IN_FLIGHT": "2"})
	s.CreateUser(t, "demo")
	waitWatched(t, s)
	mailbox := s.Config.Inbound.Mailbox
	deliver := func(subject string) {
		t.Helper()
		if _, _, err := s.Google.Deliver(mailbox, message("ai+demo@besunny.ai", subject, "For the replay histories."), googlefake.DeliverOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var mb mailboxView
	status := func() { mb = viewMailbox(t, s) }

	s.Google.SetFaults(googlefake.Faults{SlowRate: 1, SlowDelay: time.Second, Methods: []string{"gmail.users.messages.get"}})
	for i := range 8 {
		deliver(fmt.Sprintf("Backlog %d", i))
	}
	waitFor(t, "the backlog to be under way", func() bool { status(); return mb.Status.MessagesStarted >= 3 })
	deliver("Pushed during the backlog")
	waitForWithin(t, "the backlog to be worked off", 2*time.Minute, func() bool {
		status()
		return mb.Status.MessagesStarted == 9 && mb.Status.Head == ""
	})
	s.Google.SetFaults(googlefake.Faults{})

	path := recordRun(t, s.Base.Temporal, dir, "mailbox_v4_head_from_watch", workflows.MailboxWorkflowID(mailbox), "")
	if n := countUrgentHistoryReads(t, path); n == 0 {
		t.Fatal("the recorded history has no follow-head read: the push came after the backlog")
	}
}
