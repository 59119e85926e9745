package workflows

import (
	"time"

	"github.com/besunny/workflows/activities"
)

// Drive answers 404 to a user a file is not shared with, exactly as it does
// for a deleted file; these tests prove that one owner's 404 (or 403) ends
// that owner's watch alone, and that the file ends for everyone only when a
// reader sees it trashed or no owner can read it any more.

func ref(owner string) activities.FileRef {
	return activities.FileRef{FileID: testFileID, OwnerID: owner}
}

// TestNotFoundForANewOwnerLeavesTheOtherOwnersWatchUntouched: someone who
// cannot see A's file (mailed its link, or naming its id) subscribes and
// Drive answers them 404. Their watch ends; A's watch, document and channel
// go on.
func (s *driveFileSuite) TestNotFoundForANewOwnerLeavesTheOtherOwnersWatchUntouched() {
	s.mockDrive()
	s.file.set(func(f *scriptedFile) { f.notFound[ownerB] = true })
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerA}, ownerIDs(st))
		s.Empty(st.Ended)
		s.Require().NotNil(st.Channel)
		s.Equal("ch1", st.Channel.ID, "A's channel stays")
		s.file.edit(s.env.Now())
		s.changed("update", 2)
	})
	s.at(10*time.Minute, func() { s.unsubscribe(ownerA) })

	out := s.run(watching(ownerA))
	s.Equal("unsubscribed", out.Ended, "the watch went on for A until A left")
	s.Equal([]activities.EndWatchInput{
		{FileRef: ref(ownerB), DocumentStatus: "error", Reason: reasonNotVisible},
		{FileRef: ref(ownerA)},
	}, s.ends(), "B's watch ends with a reason B understands; A's only when A leaves")
	syncs := s.syncs()
	s.Require().Len(syncs, 2)
	s.Equal(ownerA, syncs[1].in.OwnerID, "A's edit is still exported")
	s.Equal(int64(2), syncs[1].in.Meta.Version)
	s.Zero(s.count("sync " + ownerB))
	s.Equal([]string{"stop ch1"}, filterPrefix(s.eventLog(), "stop "), "the channel stops only when the last owner leaves")
}

// TestNotFoundForTheChannelOwnerRemovesThemAndReopensTheChannelAsAnother:
// the file is unshared from A, whose grant opened the push channel; A leaves
// with an error, B (who can still read it) keeps the watch, and a channel
// opened with B's grant replaces A's before A's is stopped.
func (s *driveFileSuite) TestNotFoundForTheChannelOwnerRemovesThemAndReopensTheChannelAsAnother() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		s.file.set(func(f *scriptedFile) { f.notFound[ownerA] = true })
		s.file.edit(s.env.Now())
		s.poll()
	})
	s.at(10*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerB}, ownerIDs(st))
		s.Empty(st.Ended)
		s.Require().NotNil(st.Channel)
		s.Equal(ownerB, st.Channel.OwnerID, "the channel is B's now")
		s.unsubscribe(ownerB)
	})

	out := s.run(watching(ownerA))
	s.Equal("unsubscribed", out.Ended)
	s.Equal(activities.EndWatchInput{FileRef: ref(ownerA), DocumentStatus: "error", Reason: reasonNotVisible}, s.ends()[0])
	log := s.eventLog()
	s.Less(indexOf(log, "open "+ownerB+" ch2"), indexOf(log, "stop ch1"), "B's channel opens before A's stops: no gap")
	syncs := s.syncs()
	s.Require().Len(syncs, 3, "A first, B on subscribe, B after the quiet period")
	s.Equal(ownerB, syncs[2].in.OwnerID)
	s.Equal(int64(2), syncs[2].in.Meta.Version, "the poll's change is exported for B")
}

// TestNotFoundForTheOnlyOwnerWhoNeverReadTheFileEndsWithAnError: nobody else
// watches the file and its one subscriber has never been able to read it —
// an error for them, not "deleted".
func (s *driveFileSuite) TestNotFoundForTheOnlyOwnerWhoNeverReadTheFileEndsWithAnError() {
	s.mockDrive()
	s.file.set(func(f *scriptedFile) { f.notFound[ownerB] = true })

	out := s.run(watching(ownerB))
	s.Equal("access lost", out.Ended)
	s.Equal([]activities.EndWatchInput{{FileRef: ref(ownerB), DocumentStatus: "error", Reason: reasonNotVisible}}, s.ends())
	s.Empty(out.Owners)
	s.Nil(out.Channel)
	s.Zero(s.count("sync "))
}

// TestTrashedForAReaderEndsForEveryoneThoughAnotherOwnerGotNotFound: the
// reader's metadata says trashed, which is about the file itself.
func (s *driveFileSuite) TestTrashedForAReaderEndsForEveryoneThoughAnotherOwnerGotNotFound() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		s.file.set(func(f *scriptedFile) { f.notFound[ownerA], f.trashed = true, true })
		s.changed("trash", 2)
	})

	out := s.run(watching(ownerA))
	reason := "the file was moved to the trash"
	s.Equal(reason, out.Ended)
	s.ElementsMatch([]activities.EndWatchInput{
		{FileRef: ref(ownerA), DocumentStatus: "deleted", Reason: reason},
		{FileRef: ref(ownerB), DocumentStatus: "deleted", Reason: reason},
	}, s.ends())
}

// TestRefusedByEveryOwnerEndsTheFile: A loses access (403), B gets 404 after
// having read the file: nobody can read it any more, so the watch ends — B's
// document deleted (the file is gone for B), A's in error with Drive's
// reason.
func (s *driveFileSuite) TestRefusedByEveryOwnerEndsTheFile() {
	s.mockDrive()
	forbidden := "Drive refused access: revoked"
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		s.file.set(func(f *scriptedFile) { f.forbidden[ownerA], f.notFound[ownerB] = forbidden, true })
		s.poll()
	})

	out := s.run(watching(ownerA))
	s.Equal("the file was deleted", out.Ended)
	s.ElementsMatch([]activities.EndWatchInput{
		{FileRef: ref(ownerA), DocumentStatus: "error", Reason: forbidden},
		{FileRef: ref(ownerB), DocumentStatus: "deleted", Reason: "the file was deleted"},
	}, s.ends())
	s.Nil(out.Channel)
	s.Equal(s.start.Add(2*time.Minute), s.env.Now().UTC(), "the run ends with the poll")
}

// TestNotFoundOnExportForOneOwnerRemovesThatOwnerAlone: the metadata read
// worked but the export answered 404 to the new owner; A is not affected.
func (s *driveFileSuite) TestNotFoundOnExportForOneOwnerRemovesThatOwnerAlone() {
	s.mockDrive()
	s.syncAnswerFor[ownerB] = activities.SyncResult{Gone: true}
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerA}, ownerIDs(st))
		s.Empty(st.Ended)
		s.unsubscribe(ownerA)
	})

	out := s.run(watching(ownerA))
	s.Equal("unsubscribed", out.Ended)
	s.Equal(activities.EndWatchInput{FileRef: ref(ownerB), DocumentStatus: "error", Reason: reasonNotVisible}, s.ends()[0])
	s.Equal(0, s.count("classify "+docOf(ownerB)))
}
