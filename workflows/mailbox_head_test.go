package workflows

import (
	"fmt"
	"slices"
	"time"
)

// A push during a backlog starts the pushed message's run at once, ahead of
// the backlog, which then finds it started; the cursor still moves only
// page by page behind the backlog reader.
func (s *mailboxSuite) TestPushDuringABacklogJumpsIt() {
	s.settings.MaxInFlight = 2
	s.gmail.pageSize = 3
	s.childDelay = time.Minute
	s.realChildren = true
	for i := 1; i <= 9; i++ {
		s.gmail.deliver(fmt.Sprintf("b%d", i))
	}
	s.mockMailbox()
	s.at(90*time.Second, func() {
		s.gmail.deliver("pushed")
		s.push()
	})
	s.at(2*time.Minute, func() {
		s.Contains(s.started(), "pushed", "started within seconds of its push")
		s.NotContains(s.started(), "b9", "while the backlog is still being worked off")
	})
	s.stopAt(30 * time.Minute)

	next := s.run(mailboxStart)
	started := s.started()
	s.Len(started, 10, "every message once")
	s.Less(slices.Index(started, "pushed"), slices.Index(started, "b5"), "ahead of the backlog not yet started: %v", started)
	s.Equal([]string{"103", "106", "109", "110"}, s.cursors())
	s.LessOrEqual(s.maxRunning, 3, "urgent runs get a little room above the bound")
	s.Empty(next.Carried.Head, "the backlog reader caught up with the head")
}

// A head carried over continue-as-new is read at once by the next run:
// pushes that came while the previous run ended were coalesced.
func (s *mailboxSuite) TestCarriedHeadIsReadAtOnce() {
	s.settings.MaxInFlight = 2
	s.gmail.pageSize = 3
	s.realChildren = true
	s.childDelay = time.Minute
	for i := 1; i <= 6; i++ {
		s.gmail.deliver(fmt.Sprintf("b%d", i))
	}
	s.gmail.deliver("late")
	s.mockMailbox()
	s.stopAt(20 * time.Minute)

	s.run(MailboxInput{Address: testMailbox, Carried: &MailboxStatus{Address: testMailbox, Cursor: "100", Head: "106", WakePending: true}})
	started := s.started()
	s.Len(started, 7)
	s.Less(slices.Index(started, "late"), slices.Index(started, "b4"), "the mail after the carried head goes first")
}

// While continue-as-new waits for the backlog's runs in flight (at most
// handOverWait, from 60 s here: b3 started then), pushed mail still jumps
// the queue instead of waiting for the next run.
func (s *mailboxSuite) TestPushWhileContinuingAsNewStillJumps() {
	s.settings.MaxInFlight = 2
	s.gmail.pageSize = 3
	s.childDelay = time.Minute
	s.realChildren = true
	for i := 1; i <= 9; i++ {
		s.gmail.deliver(fmt.Sprintf("b%d", i))
	}
	s.mockMailbox()
	s.at(30*time.Second, func() { s.env.SetContinueAsNewSuggested(true) })
	s.at(75*time.Second, func() {
		s.gmail.deliver("pushed")
		s.push()
	})

	next := s.run(mailboxStart)
	s.Equal([]string{"b1", "b2", "b3", "pushed"}, s.started(), "the first page, then the pushed mail before the hand-over")
	s.Equal("103", next.Carried.Cursor)
	s.Equal("110", next.Carried.Head, "the next run goes on after the pushed mail")
}
