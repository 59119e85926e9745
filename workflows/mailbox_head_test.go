package workflows

import (
	"fmt"
	"slices"
	"time"
)

// backlogOfNine is a backlog of nine messages, b1 to b9, worked off two at
// a time from pages of three, each run taking a minute.
func (s *mailboxSuite) backlogOfNine() {
	s.settings.MaxInFlight = 2
	s.gmail.pageSize = 3
	s.childDelay = time.Minute
	s.realChildren = true
	for i := 1; i <= 9; i++ {
		s.gmail.deliver(fmt.Sprintf("b%d", i))
	}
}

// expectPushedStartedDuringTheBacklog checks, two minutes in, that the
// message "pushed" has started while the backlog is still being worked off.
func (s *mailboxSuite) expectPushedStartedDuringTheBacklog() {
	s.at(2*time.Minute, func() {
		s.Contains(s.started(), "pushed", "started within seconds of its push")
		s.NotContains(s.started(), "b9", "while the backlog is still being worked off")
	})
}

// checkPushedRanAheadOfTheBacklog checks that the backlog of nine and the
// pushed message each ran once, the pushed one ahead of the backlog's
// second half.
func (s *mailboxSuite) checkPushedRanAheadOfTheBacklog() {
	started := s.started()
	s.Len(started, 10, "every message once")
	s.Less(slices.Index(started, "pushed"), slices.Index(started, "b5"), "ahead of the backlog not yet started: %v", started)
}

// A push during a backlog starts the pushed message's run at once, ahead of
// the backlog, which then finds it started; the cursor still moves only
// page by page behind the backlog reader.
func (s *mailboxSuite) TestPushDuringABacklogJumpsIt() {
	s.backlogOfNine()
	s.mockMailbox()
	s.at(90*time.Second, func() {
		s.gmail.deliver("pushed")
		s.push()
	})
	s.expectPushedStartedDuringTheBacklog()
	s.stopAt(30 * time.Minute)

	next := s.run(mailboxStart)
	s.checkPushedRanAheadOfTheBacklog()
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
	s.backlogOfNine()
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

// Mail that arrives after the push watch was set but before the mailbox's
// first listing of its backlog is pushed mail: the follow-head starts at the
// watch's history id and reads it within seconds of its push, instead of
// leaving it to the backlog reader, which gets to it last (the bench's push
// p99 that equalled the whole drain, BENCHMARKS.md).
func (s *mailboxSuite) TestMailPushedBeforeTheBacklogListingJumpsIt() {
	s.backlogOfNine()
	s.watch = s.gmail.current() // 109: the watch starts here
	s.gmail.deliver("pushed")   // 110, before the workflow lists anything
	s.mockMailbox()
	s.at(time.Second, s.push)
	s.expectPushedStartedDuringTheBacklog()
	s.stopAt(30 * time.Minute)

	next := s.run(mailboxStart)
	s.checkPushedRanAheadOfTheBacklog()
	s.Equal([]string{"103", "106", "109", "110"}, s.cursors(), "the cursor still moves only behind the backlog reader")
	s.Empty(next.Carried.Head, "the backlog reader caught up with the head")
}

// A watch no newer than the cursor says nothing about which mail of the
// backlog was pushed (all of it arrived under that watch): the follow-head
// starts at the listing, so a push does not turn the backlog into urgent mail.
func (s *mailboxSuite) TestWatchOlderThanTheCursorKeepsTheHeadAtTheListing() {
	s.watch = "95"
	s.backlogOfNine()
	s.mockMailbox()
	s.at(time.Second, s.push)
	s.stopAt(30 * time.Minute)

	s.run(mailboxStart)
	started := s.started()
	s.Equal([]string{"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"}, started, "in history order, none urgent")
	s.Contains(s.eventLog(), "history 109/", "the push read the history after the listing's id")
	s.LessOrEqual(s.maxRunning, 2, "no urgent room was used")
}
