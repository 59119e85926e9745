package workflows

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

const (
	testFileID = "1DriveFileIdForTests"
	ownerA     = "aaaaaaaa-0000-4000-8000-000000000001"
	ownerB     = "bbbbbbbb-0000-4000-8000-000000000002"
	ownerC     = "cccccccc-0000-4000-8000-000000000003"
)

// scriptedFile is the Drive file the mocked Drive activities read: its
// version and modified time, and whether it is trashed, deleted or no longer
// readable by an owner.
type scriptedFile struct {
	mu        sync.Mutex
	version   int64
	modified  time.Time
	trashed   bool
	gone      bool
	forbidden map[string]string
	// notFound makes files.get answer 404 to these owners only: Drive's
	// answer to a user the file is not shared with.
	notFound map[string]bool
}

func (f *scriptedFile) edit(at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.version++
	f.modified = at.UTC()
}

func (f *scriptedFile) set(change func(f *scriptedFile)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

func (f *scriptedFile) meta(owner string) activities.MetaResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.gone || f.notFound[owner]:
		return activities.MetaResult{Gone: true}
	case f.forbidden[owner] != "":
		return activities.MetaResult{Forbidden: f.forbidden[owner]}
	}
	return activities.MetaResult{Meta: activities.FileMeta{
		Name: "Plan", MimeType: "application/vnd.google-apps.document",
		Version: f.version, ModifiedTime: f.modified, Trashed: f.trashed,
	}}
}

// timed is a call of a mocked activity with the workflow time it was made at.
type timed[T any] struct {
	at time.Time
	in T
}

type driveFileSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	da  *activities.Drive

	start    time.Time
	settings activities.DriveSettings
	file     *scriptedFile

	mu sync.Mutex
	// events is the ordered log of what the workflow asked Drive and the
	// store to do: "register <owner>", "open <owner> <channel>",
	// "stop <channel>", "meta <owner>", "sync <owner> v<version>",
	// "end <owner> <status> <reason>", "times webhook|poll",
	// "classify <document>/<revision>".
	events   []string
	opened   []timed[activities.Channel]
	stopped  []timed[activities.Channel]
	synced   []timed[activities.SyncInput]
	ended    []activities.EndWatchInput
	times    []activities.TimesInput
	channels int
	// slow makes the next call of "meta" (files.get) or "stop"
	// (channels.stop) take a minute of workflow time.
	slow map[string]bool
	// syncAnswer, when set, answers exports instead of the default;
	// syncAnswerFor answers one owner's exports.
	syncAnswer    *activities.SyncResult
	syncAnswerFor map[string]activities.SyncResult
}

func TestDriveFile(t *testing.T) { suite.Run(t, new(driveFileSuite)) }

func (s *driveFileSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.start = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: DriveFileWorkflowID(testFileID)})
	s.settings = activities.DriveSettings{Push: true, Debounce: 2 * time.Minute, ChannelTTL: 24 * time.Hour, PushGrace: 30 * time.Minute}
	s.file = &scriptedFile{version: 1, modified: s.start.Add(-time.Hour), forbidden: map[string]string{}, notFound: map[string]bool{}}
	s.events, s.opened, s.stopped, s.synced, s.ended, s.times = nil, nil, nil, nil, nil, nil
	s.channels, s.slow, s.syncAnswer, s.syncAnswerFor = 0, map[string]bool{}, nil, map[string]activities.SyncResult{}
}

func (s *driveFileSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func (s *driveFileSuite) log(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, fmt.Sprintf(format, args...))
}

func (s *driveFileSuite) eventLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events...)
}

// count returns how many events start with prefix.
func (s *driveFileSuite) count(prefix string) int {
	n := 0
	for _, e := range s.eventLog() {
		if strings.HasPrefix(e, prefix) {
			n++
		}
	}
	return n
}

func (s *driveFileSuite) syncs() []timed[activities.SyncInput] {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]timed[activities.SyncInput](nil), s.synced...)
}

func (s *driveFileSuite) ends() []activities.EndWatchInput {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]activities.EndWatchInput(nil), s.ended...)
}

// mockDrive installs the Drive activities: settings from s.settings, the
// store steps recorded, files.get answered from s.file, exports recorded,
// channels numbered ch1, ch2, … expiring ChannelTTL after they open, and
// every classification child accepted.
func (s *driveFileSuite) mockDrive() {
	s.env.OnActivity(s.da.DriveSettings, mock.Anything).Return(func(context.Context) (activities.DriveSettings, error) {
		return s.settings, nil
	}).Maybe()
	s.env.OnActivity(s.da.RegisterWatch, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.WatchInput) error {
		s.Equal(testFileID, in.FileID)
		s.log("register %s", in.OwnerID)
		return nil
	}).Maybe()
	s.env.OnActivity(s.da.EndWatch, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EndWatchInput) error {
		s.Equal(testFileID, in.FileID)
		s.mu.Lock()
		s.ended = append(s.ended, in)
		s.mu.Unlock()
		s.log("end %s %s %s", in.OwnerID, in.DocumentStatus, in.Reason)
		return nil
	}).Maybe()
	s.env.OnActivity(s.da.RecordTimes, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.TimesInput) error {
		s.mu.Lock()
		s.times = append(s.times, in)
		s.mu.Unlock()
		if in.WebhookAt != nil {
			s.log("times webhook")
		}
		if in.PollAt != nil {
			s.log("times poll")
		}
		return nil
	}).Maybe()
	s.env.OnActivity(s.da.OpenChannel, mock.Anything, mock.Anything).Return(func(_ context.Context, ref activities.FileRef) (activities.Channel, error) {
		s.Equal(testFileID, ref.FileID)
		now := s.env.Now().UTC()
		s.mu.Lock()
		s.channels++
		ch := activities.Channel{ID: fmt.Sprintf("ch%d", s.channels), ResourceID: "res-" + testFileID, OwnerID: ref.OwnerID, Expiration: now.Add(s.settings.ChannelTTL).UTC()}
		s.opened = append(s.opened, timed[activities.Channel]{now, ch})
		s.mu.Unlock()
		s.log("open %s %s", ref.OwnerID, ch.ID)
		return ch, nil
	}).Maybe()
	stopFn := func(_ context.Context, ch activities.Channel) error {
		s.mu.Lock()
		s.stopped = append(s.stopped, timed[activities.Channel]{s.env.Now().UTC(), ch})
		s.mu.Unlock()
		s.log("stop %s", ch.ID)
		return nil
	}
	s.env.OnActivity(s.da.StopChannel, mock.Anything, mock.MatchedBy(func(activities.Channel) bool { return s.takeSlow("stop") })).
		After(time.Minute).Return(stopFn).Maybe()
	s.env.OnActivity(s.da.StopChannel, mock.Anything, mock.Anything).Return(stopFn).Maybe()
	metaFn := func(_ context.Context, ref activities.FileRef) (activities.MetaResult, error) {
		s.Equal(testFileID, ref.FileID)
		s.log("meta %s", ref.OwnerID)
		return s.file.meta(ref.OwnerID), nil
	}
	s.env.OnActivity(s.da.GetMetadata, mock.Anything, mock.MatchedBy(func(activities.FileRef) bool { return s.takeSlow("meta") })).
		After(time.Minute).Return(metaFn).Maybe()
	s.env.OnActivity(s.da.GetMetadata, mock.Anything, mock.Anything).Return(metaFn).Maybe()
	s.env.OnActivity(s.da.SyncContent, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SyncInput) (activities.SyncResult, error) {
		s.Equal(testFileID, in.FileID)
		s.mu.Lock()
		s.synced = append(s.synced, timed[activities.SyncInput]{s.env.Now().UTC(), in})
		s.mu.Unlock()
		s.log("sync %s v%d", in.OwnerID, in.Meta.Version)
		s.mu.Lock()
		answer, scripted := s.syncAnswerFor[in.OwnerID]
		s.mu.Unlock()
		if scripted {
			return answer, nil
		}
		if s.syncAnswer != nil {
			return *s.syncAnswer, nil
		}
		return activities.SyncResult{DocumentID: docOf(in.OwnerID), ClassifyRevision: int(in.Meta.Version)}, nil
	}).Maybe()
	s.env.OnWorkflow(ClassifyDocumentWorkflow, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in ClassifyInput) (ClassifyResult, error) {
		s.log("classify %s/%d", in.DocumentID, in.Revision)
		return ClassifyResult{}, nil
	}).Maybe()
}

// slowNext makes the next call of the named mock ("meta", "stop") take a
// minute, so signals can arrive while it runs.
func (s *driveFileSuite) slowNext(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow[name] = true
}

func (s *driveFileSuite) takeSlow(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	slow := s.slow[name]
	delete(s.slow, name)
	return slow
}

// docOf is the document id the mocked export gives an owner's document.
func docOf(owner string) string { return "doc-" + owner[:8] }

// at runs f once the workflow has run for d (workflow time).
func (s *driveFileSuite) at(d time.Duration, f func()) { s.env.RegisterDelayedCallback(f, d) }

func (s *driveFileSuite) changed(state string, n int64) {
	s.env.SignalWorkflow(ChangedSignal, DriveChange{ResourceState: state, MessageNumber: n, At: s.env.Now()})
}

func (s *driveFileSuite) subscribe(owner string) {
	s.env.SignalWorkflow(SubscribeSignal, DriveOwnerNotice{UserID: owner})
}

func (s *driveFileSuite) unsubscribe(owner string) {
	s.env.SignalWorkflow(UnsubscribeSignal, DriveOwnerNotice{UserID: owner})
}

func (s *driveFileSuite) poll() {
	s.env.SignalWorkflow(PollSignal, DriveChange{ResourceState: "poll", At: s.env.Now()})
}

func (s *driveFileSuite) query() DriveFileState {
	v, err := s.env.QueryWorkflow(StatusQuery)
	s.Require().NoError(err)
	var st DriveFileState
	s.Require().NoError(v.Get(&st))
	return st
}

// run executes the workflow to its end and returns its final state.
func (s *driveFileSuite) run(in DriveFileInput) DriveFileState {
	s.env.ExecuteWorkflow(DriveFileWorkflow, in)
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var out DriveFileState
	s.Require().NoError(s.env.GetWorkflowResult(&out))
	return out
}

// continued executes the workflow until it continues as new and returns the
// input of the next run.
func (s *driveFileSuite) continued(in DriveFileInput) DriveFileInput {
	s.env.ExecuteWorkflow(DriveFileWorkflow, in)
	s.Require().True(s.env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &can)
	s.Equal("DriveFileWorkflow", can.WorkflowType.Name)
	var next DriveFileInput
	s.Require().NoError(converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	return next
}

func watching(owners ...string) DriveFileInput {
	return DriveFileInput{FileID: testFileID, Owners: owners}
}

func ownerIDs(st DriveFileState) []string {
	var out []string
	for _, o := range st.Owners {
		out = append(out, o.UserID)
	}
	return out
}

// --- first sync ---------------------------------------------------------------

func (s *driveFileSuite) TestFirstSyncRegistersOpensTheChannelReadsExportsAndClassifies() {
	s.env.OnWorkflow(ClassifyDocumentWorkflow, mock.Anything, ClassifyInput{DocumentID: docOf(ownerA), Revision: 1}).
		Return(ClassifyResult{}, nil).Once()
	s.mockDrive()
	s.at(time.Minute, func() {
		st := s.query()
		s.Equal([]DriveOwner{{UserID: ownerA, DocumentID: docOf(ownerA), Version: 1, ModifiedTime: s.start.Add(-time.Hour), LastSync: st.Owners[0].LastSync, Syncs: 1}}, st.Owners)
		s.Require().NotNil(st.Owners[0].LastSync, "the owner's own part counts their syncs")
		s.Equal(s.start, st.Owners[0].LastSync.UTC())
		s.Require().NotNil(st.Channel)
		s.Equal("ch1", st.Channel.ID)
		s.Equal(ownerA, st.Channel.OwnerID)
		s.Equal(1, st.Syncs)
		s.Require().NotNil(st.LastSync)
		s.Equal(s.start, st.LastSync.UTC())
		s.Empty(st.Ended)
		s.Empty(st.LastError)
		s.unsubscribe(ownerA)
	})

	out := s.run(watching(ownerA))
	s.Equal([]string{
		"register " + ownerA,
		"open " + ownerA + " ch1",
		"meta " + ownerA,
		"sync " + ownerA + " v1",
	}, s.eventLog()[:4], "the watch is registered, the channel opened before the first read, then the file is exported")
	s.Equal("unsubscribed", out.Ended)
	s.Equal(s.start, s.syncs()[0].at, "the first sync runs at once, without a quiet period")
}

func (s *driveFileSuite) TestWithoutPushTheFileIsSyncedAndNoChannelIsOpened() {
	s.settings.Push = false
	s.mockDrive()
	s.at(time.Minute, func() {
		st := s.query()
		s.Nil(st.Channel)
		s.Equal(1, st.Syncs)
		s.unsubscribe(ownerA)
	})

	out := s.run(watching(ownerA))
	s.Zero(s.count("open "))
	s.Zero(s.count("stop "))
	s.Equal(1, s.count("sync "))
	s.Equal("unsubscribed", out.Ended)
}

// --- changes --------------------------------------------------------------------

func (s *driveFileSuite) TestPushedChangeIsReadAndExportedOnceAfterTheQuietPeriod() {
	// The first sync's classification is the generic mock's.
	s.env.OnWorkflow(ClassifyDocumentWorkflow, mock.Anything, ClassifyInput{DocumentID: docOf(ownerA), Revision: 2}).
		Return(ClassifyResult{}, nil).Once()
	s.mockDrive()
	s.at(time.Minute, func() {
		s.file.edit(s.env.Now())
		s.changed("update", 2)
	})
	s.at(time.Minute+s.settings.Debounce-time.Second, func() {
		st := s.query()
		s.Equal(1, st.Syncs, "nothing is exported during the quiet period")
		s.Require().NotNil(st.QuietUntil)
		s.Equal(s.start.Add(time.Minute+s.settings.Debounce), st.QuietUntil.UTC())
		s.Require().NotNil(st.LastWebhook)
		s.Equal(s.start.Add(time.Minute), st.LastWebhook.UTC())
		s.Equal([]string{"times webhook", "meta " + ownerA}, s.eventLog()[5:7], "the push reads the metadata at once")
	})
	s.at(10*time.Minute, func() {
		st := s.query()
		s.Equal(2, st.Syncs)
		s.Nil(st.QuietUntil)
		s.Equal(int64(2), st.Owners[0].Version)
		s.unsubscribe(ownerA)
	})

	s.run(watching(ownerA))
	syncs := s.syncs()
	s.Require().Len(syncs, 2)
	s.Equal(s.start.Add(time.Minute+s.settings.Debounce), syncs[1].at, "exported when the quiet period ends")
	s.Equal(int64(2), syncs[1].in.Meta.Version)
	s.Equal(3, s.count("meta "), "first sync, the push, and the read before the export")
}

func (s *driveFileSuite) TestPollIsReadAndExportedOnceAfterTheQuietPeriod() {
	s.mockDrive()
	s.at(time.Minute, func() {
		s.file.edit(s.env.Now())
		s.poll()
	})
	s.at(2*time.Minute, func() {
		st := s.query()
		s.Equal(1, st.Syncs)
		s.Require().NotNil(st.LastPoll)
		s.Equal(s.start.Add(time.Minute), st.LastPoll.UTC())
		s.Nil(st.LastWebhook)
		s.Require().NotNil(st.QuietUntil)
	})
	s.at(10*time.Minute, func() { s.unsubscribe(ownerA) })

	s.run(watching(ownerA))
	syncs := s.syncs()
	s.Require().Len(syncs, 2)
	s.Equal(s.start.Add(time.Minute+s.settings.Debounce), syncs[1].at)
	s.Equal(int64(2), syncs[1].in.Meta.Version)
	s.Equal(1, s.count("times poll"))
	s.Zero(s.count("times webhook"))
	s.Equal(1, s.count("classify "+docOf(ownerA)+"/2"))
}

func (s *driveFileSuite) TestUnchangedFileIsNotExported() {
	s.mockDrive()
	s.at(time.Minute, func() { s.poll() })
	s.at(2*time.Minute, func() { s.changed("update", 2) })
	s.at(10*time.Minute, func() {
		st := s.query()
		s.Nil(st.QuietUntil)
		s.unsubscribe(ownerA)
	})

	s.run(watching(ownerA))
	s.Len(s.syncs(), 1, "a push or poll that finds the same version exports nothing")
	s.Equal(3, s.count("meta "))
}

func (s *driveFileSuite) TestBurstOfChangesMakesOneExportAfterTheLastOne() {
	s.mockDrive()
	const burst = 20
	for i := range burst {
		// One edit and push every 5 s: each lands within the quiet period
		// of the one before.
		s.at(time.Minute+time.Duration(i)*5*time.Second, func() {
			s.file.edit(s.env.Now())
			s.changed("update", int64(i+2))
		})
	}
	last := time.Minute + (burst-1)*5*time.Second
	s.at(last+s.settings.Debounce-time.Second, func() {
		s.Len(s.syncs(), 1, "no export while the edits go on")
	})
	s.at(last+10*time.Minute, func() { s.unsubscribe(ownerA) })

	s.run(watching(ownerA))
	syncs := s.syncs()
	s.Require().Len(syncs, 2, "twenty pushes make exactly one export")
	s.Equal(s.start.Add(last+s.settings.Debounce), syncs[1].at, "the quiet period runs from the last push")
	s.Equal(int64(1+burst), syncs[1].in.Meta.Version, "the export reads the latest version")
	s.Equal(burst, s.count("times webhook"))
	s.Equal(3, s.count("meta "), "only the first push of the burst reads Drive; the others move the quiet period")
	s.Equal(1, s.count("classify "+docOf(ownerA)+"/21"))
	s.Equal(2, s.count("classify "), "the first sync's and the burst's")
}

// --- the end of the file --------------------------------------------------------

func (s *driveFileSuite) TestTrashedFileEndsTheWatchForEveryOwner() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		s.file.set(func(f *scriptedFile) { f.trashed, f.version = true, f.version+1 })
		s.changed("trash", 2)
	})

	out := s.run(watching(ownerA))
	reason := "the file was moved to the trash"
	s.Equal(reason, out.Ended)
	s.Empty(out.Owners)
	s.Nil(out.Channel)
	s.Nil(out.QuietUntil)
	s.ElementsMatch([]activities.EndWatchInput{
		{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerA}, DocumentStatus: "deleted", Reason: reason},
		{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerB}, DocumentStatus: "deleted", Reason: reason},
	}, s.ends())
	s.Equal(1, s.count("stop ch1"))
	s.Equal(1, s.count("open "), "no channel is opened for the remaining owner of a trashed file")
	s.Equal(s.start.Add(2*time.Minute), s.env.Now().UTC(), "the workflow ends with the push, without waiting")
}

func (s *driveFileSuite) TestTrashedDuringTheQuietPeriodEndsWithoutExport() {
	s.mockDrive()
	s.at(time.Minute, func() {
		s.file.edit(s.env.Now())
		s.changed("update", 2)
	})
	s.at(90*time.Second, func() {
		s.file.set(func(f *scriptedFile) { f.trashed = true })
		s.changed("trash", 3)
	})

	out := s.run(watching(ownerA))
	s.Equal("the file was moved to the trash", out.Ended)
	s.Len(s.syncs(), 1, "the pending change is dropped")
	s.Equal([]activities.EndWatchInput{{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerA}, DocumentStatus: "deleted", Reason: out.Ended}}, s.ends())
}

func (s *driveFileSuite) TestDeletedFileEndsTheWatchForEveryOwner() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		s.file.set(func(f *scriptedFile) { f.gone = true })
		s.changed("remove", 2)
	})

	out := s.run(watching(ownerA))
	reason := "the file was deleted"
	s.Equal(reason, out.Ended)
	s.Empty(out.Owners)
	s.Nil(out.Channel)
	s.ElementsMatch([]activities.EndWatchInput{
		{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerA}, DocumentStatus: "deleted", Reason: reason},
		{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerB}, DocumentStatus: "deleted", Reason: reason},
	}, s.ends())
	s.Equal(1, s.count("stop ch1"))
	s.Equal(s.start.Add(2*time.Minute), s.env.Now().UTC(), "the workflow ends with the push, without waiting")
}

func (s *driveFileSuite) TestFileDeletedBeforeTheExportEndsTheWatch() {
	s.mockDrive()
	s.syncAnswer = &activities.SyncResult{Gone: true}

	out := s.run(watching(ownerA))
	s.Equal("the file was deleted", out.Ended)
	s.Equal([]activities.EndWatchInput{{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerA}, DocumentStatus: "deleted", Reason: "the file was deleted"}}, s.ends())
	s.Equal(1, s.count("stop ch1"))
	s.Zero(s.count("classify "))
}

func (s *driveFileSuite) TestLostPermissionEndsTheOwnersWatchWithAnError() {
	s.mockDrive()
	reason := "Drive refused access: The user does not have sufficient permissions for this file."
	s.at(time.Minute, func() {
		s.file.set(func(f *scriptedFile) { f.forbidden[ownerA] = reason })
		s.poll()
	})

	out := s.run(watching(ownerA))
	s.Equal("access lost", out.Ended)
	s.Empty(out.Owners)
	s.Nil(out.Channel)
	s.Equal([]activities.EndWatchInput{{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerA}, DocumentStatus: "error", Reason: reason}}, s.ends())
	s.Equal(1, s.count("stop ch1"))
	s.Len(s.syncs(), 1)
}

func (s *driveFileSuite) TestLostPermissionOfOneOwnerKeepsTheOthersWatch() {
	s.mockDrive()
	reason := "Drive refused access: revoked"
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		s.file.set(func(f *scriptedFile) { f.forbidden[ownerB] = reason })
		s.file.edit(s.env.Now())
		s.poll()
	})
	s.at(10*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerA}, ownerIDs(st))
		s.Require().NotNil(st.Channel)
		s.Equal("ch1", st.Channel.ID, "the channel was A's: it stays")
		s.Empty(st.Ended)
		s.unsubscribe(ownerA)
	})

	s.run(watching(ownerA))
	s.Equal(activities.EndWatchInput{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerB}, DocumentStatus: "error", Reason: reason}, s.ends()[0])
	syncs := s.syncs()
	s.Require().Len(syncs, 3, "A first, B on subscribe, A after the quiet period")
	s.Equal(ownerA, syncs[2].in.OwnerID)
	s.Equal(int64(2), syncs[2].in.Meta.Version)
}

// --- channels -------------------------------------------------------------------

func (s *driveFileSuite) TestChannelIsRenewedBeforeItExpiresThenTheOldOneStops() {
	s.settings.ChannelTTL = 20 * time.Minute // renewed 2 minutes (a tenth) before expiry
	s.mockDrive()
	// A push on the way moves no renewal.
	s.at(10*time.Minute, func() { s.changed("update", 2) })
	s.at(25*time.Minute, func() {
		st := s.query()
		s.Require().NotNil(st.Channel)
		s.Equal("ch2", st.Channel.ID)
		s.Equal(s.start.Add(18*time.Minute+20*time.Minute), st.Channel.Expiration.UTC())
		s.unsubscribe(ownerA)
	})

	out := s.run(watching(ownerA))
	s.Equal("unsubscribed", out.Ended)
	s.mu.Lock()
	opened, stopped := s.opened, s.stopped
	s.mu.Unlock()
	s.Require().Len(opened, 2)
	s.Require().Len(stopped, 2)
	old := opened[0].in
	s.Equal(s.start.Add(20*time.Minute), old.Expiration)
	s.Equal(s.start.Add(18*time.Minute), opened[1].at, "the new channel opens before the old one expires")
	s.True(opened[1].at.Before(old.Expiration))
	s.Equal(old, stopped[0].in, "then the old channel is stopped")
	s.True(stopped[0].at.Before(old.Expiration))
	s.Equal("ch2", stopped[1].in.ID, "unsubscribing stops the current channel")
	log := s.eventLog()
	s.Less(indexOf(log, "open "+ownerA+" ch2"), indexOf(log, "stop ch1"), "new first, then stop old")
}

func (s *driveFileSuite) TestChannelRenewalRepeatsForEveryChannel() {
	s.settings.ChannelTTL = 20 * time.Minute
	s.mockDrive()
	s.at(time.Hour, func() { s.unsubscribe(ownerA) })

	s.run(watching(ownerA))
	s.mu.Lock()
	defer s.mu.Unlock()
	// Opened at 0, 18, 36 and 54 minutes; each stopped before it expired.
	s.Require().Len(s.opened, 4)
	for i, o := range s.opened {
		s.Equal(s.start.Add(time.Duration(i)*18*time.Minute), o.at)
	}
	for i, st := range s.stopped[:3] {
		s.Equal(s.opened[i].in, st.in)
		s.True(st.at.Before(st.in.Expiration))
	}
}

// --- owners ---------------------------------------------------------------------

func (s *driveFileSuite) TestUnsubscribeEndsTheWatchStopsTheChannelAndCompletes() {
	s.mockDrive()
	s.at(time.Minute, func() { s.unsubscribe(ownerA) })

	out := s.run(watching(ownerA))
	s.Equal("unsubscribed", out.Ended)
	s.Empty(out.Owners)
	s.Nil(out.Channel)
	s.Equal([]activities.EndWatchInput{{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerA}}}, s.ends(),
		"an unsubscribe leaves the document as it is")
	s.Equal([]string{"classify " + docOf(ownerA) + "/1", "end " + ownerA + "  ", "stop ch1"}, s.eventLog()[4:])
	s.Equal(s.start.Add(time.Minute), s.env.Now().UTC())
}

func (s *driveFileSuite) TestUnsubscribeOfAnUnknownOwnerChangesNothing() {
	s.mockDrive()
	s.at(time.Minute, func() { s.unsubscribe(ownerC) })
	s.at(2*time.Minute, func() {
		s.Equal([]string{ownerA}, ownerIDs(s.query()))
		s.unsubscribe(ownerA)
	})

	s.run(watching(ownerA))
	s.Len(s.ends(), 1)
}

func (s *driveFileSuite) TestTwoOwnersOneUnsubscribesTheOtherKeepsTheWatch() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerA, ownerB}, ownerIDs(st))
		s.Equal(docOf(ownerB), st.Owners[1].DocumentID, "B's document is synced on subscribe")
		s.Equal("ch1", st.Channel.ID, "one channel for the file")
		s.subscribe(ownerB) // again: nothing changes
	})
	s.at(3*time.Minute, func() { s.unsubscribe(ownerA) })
	s.at(4*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerB}, ownerIDs(st))
		s.Empty(st.Ended)
		s.Require().NotNil(st.Channel)
		s.Equal("ch2", st.Channel.ID, "A's channel is replaced by one opened with B's grant")
		s.Equal(ownerB, st.Channel.OwnerID)
		s.file.edit(s.env.Now())
		s.changed("update", 2)
	})
	s.at(20*time.Minute, func() { s.unsubscribe(ownerB) })

	out := s.run(watching(ownerA))
	s.Equal("unsubscribed", out.Ended)
	s.Equal(1, s.count("register "+ownerB))
	s.Equal([]string{"end " + ownerA + "  ", "stop ch1", "open " + ownerB + " ch2"}, filterPrefix(s.eventLog(), "end ", "stop ", "open "+ownerB)[:3])
	syncs := s.syncs()
	s.Require().Len(syncs, 3)
	s.Equal(ownerB, syncs[2].in.OwnerID, "the change is exported for the remaining owner only")
	s.Equal(int64(2), syncs[2].in.Meta.Version)
	s.Len(s.ends(), 2)
}

func (s *driveFileSuite) TestNonChannelOwnerLeavingKeepsTheChannel() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(2*time.Minute, func() { s.unsubscribe(ownerB) })
	s.at(3*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerA}, ownerIDs(st))
		s.Equal("ch1", st.Channel.ID)
		s.unsubscribe(ownerA)
	})

	s.run(watching(ownerA))
	s.Equal(1, s.count("open "))
}

// TestSubscribeSignalStartsTheWatch is the API's POST /drive/watches: it
// SignalWithStarts the workflow with no owner in the input and the subscribe
// signal pending before the first workflow task.
func (s *driveFileSuite) TestSubscribeSignalStartsTheWatch() {
	s.mockDrive()
	s.at(0, func() { s.env.SignalWorkflowSkippingWorkflowTask(SubscribeSignal, DriveOwnerNotice{UserID: ownerA}) })
	s.at(time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerA}, ownerIDs(st))
		s.Empty(st.Ended)
		s.unsubscribe(ownerA)
	})

	out := s.run(DriveFileInput{FileID: testFileID})
	s.Equal("unsubscribed", out.Ended, "the subscriber was watched until they left")
	s.Equal(1, s.count("register "+ownerA))
	s.Equal(1, s.count("sync "+ownerA))
}

// TestSubscribeWhileTheLastOwnerLeavesKeepsTheWatch: a subscribe that
// arrives while the last owner's unsubscribe is being handled (here during
// channels.stop) must not be dropped with the ending run.
func (s *driveFileSuite) TestSubscribeWhileTheLastOwnerLeavesKeepsTheWatch() {
	s.mockDrive()
	s.at(time.Minute, func() {
		s.slowNext("stop")
		s.unsubscribe(ownerA)
	})
	s.at(90*time.Second, func() { s.subscribe(ownerC) })
	s.at(5*time.Minute, func() {
		st := s.query()
		s.Equal([]string{ownerC}, ownerIDs(st))
		s.Empty(st.Ended)
		s.Require().NotNil(st.Channel)
		s.Equal(ownerC, st.Channel.OwnerID)
		s.unsubscribe(ownerC)
	})

	out := s.run(watching(ownerA))
	s.Equal("unsubscribed", out.Ended)
	s.Equal(1, s.count("register "+ownerC))
	s.Equal(1, s.count("sync "+ownerC))
	s.Equal(s.start.Add(5*time.Minute), s.env.Now().UTC(), "the run went on for C until C left")
}

func (s *driveFileSuite) TestNoOwnerEndsAtOnce() {
	s.mockDrive()
	out := s.run(DriveFileInput{FileID: testFileID})
	s.Equal("no owner watches the file", out.Ended)
	s.Empty(s.eventLog())
}

func (s *driveFileSuite) TestMissingFileIDIsRefused() {
	s.env.ExecuteWorkflow(DriveFileWorkflow, DriveFileInput{})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().Error(s.env.GetWorkflowError())
	s.Contains(s.env.GetWorkflowError().Error(), "file_id is required")
}

// --- continue-as-new ------------------------------------------------------------

func (s *driveFileSuite) TestContinueAsNewCarriesOwnersChannelAndState() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(5*time.Minute, func() {
		s.file.edit(s.env.Now())
		s.env.SetContinueAsNewSuggested(true)
		s.changed("update", 2)
	})

	next := s.continued(watching(ownerA))
	s.Equal(testFileID, next.FileID)
	s.Empty(next.Owners)
	c := next.Carried
	s.Require().NotNil(c)
	s.Equal(testFileID, c.FileID)
	modified := s.start.Add(-time.Hour)
	s.Require().Len(c.Owners, 2)
	s.Require().NotNil(c.Owners[0].LastSync)
	s.Require().NotNil(c.Owners[1].LastSync)
	s.Equal(s.start, c.Owners[0].LastSync.UTC())
	s.Equal(s.start.Add(time.Minute), c.Owners[1].LastSync.UTC())
	s.Equal([]DriveOwner{
		{UserID: ownerA, DocumentID: docOf(ownerA), Version: 1, ModifiedTime: modified, LastSync: c.Owners[0].LastSync, Syncs: 1},
		{UserID: ownerB, DocumentID: docOf(ownerB), Version: 1, ModifiedTime: modified, LastSync: c.Owners[1].LastSync, Syncs: 1},
	}, c.Owners, "each owner's own part is carried")
	s.Require().NotNil(c.Channel)
	s.Equal(activities.Channel{ID: "ch1", ResourceID: "res-" + testFileID, OwnerID: ownerA, Expiration: s.start.Add(24 * time.Hour)}, *c.Channel)
	s.Require().NotNil(c.QuietUntil, "the change waiting for its quiet period is carried")
	s.Equal(s.start.Add(5*time.Minute+s.settings.Debounce), c.QuietUntil.UTC())
	s.Require().NotNil(c.LastWebhook)
	s.Equal(s.start.Add(5*time.Minute), c.LastWebhook.UTC())
	s.Equal(2, c.Syncs)
	s.Empty(c.Ended)
	s.Zero(s.count("stop "), "the channel stays open for the next run")
}

func (s *driveFileSuite) TestContinueAsNewHandlesPendingSignalsFirst() {
	s.mockDrive()
	s.at(time.Minute, func() { s.subscribe(ownerB) })
	s.at(5*time.Minute, func() {
		s.slowNext("meta")
		s.poll()
	})
	// While the poll's files.get runs, signals queue up.
	s.at(5*time.Minute+30*time.Second, func() {
		s.env.SetContinueAsNewSuggested(true)
		s.subscribe(ownerC)
		s.unsubscribe(ownerB)
		s.changed("update", 2)
	})

	next := s.continued(watching(ownerA))
	s.Equal([]string{ownerC}, next.Owners, "a pending subscribe starts the next run")
	c := next.Carried
	s.Require().NotNil(c)
	s.Equal([]string{ownerA}, ownerIDs(*c), "a pending unsubscribe is applied before continuing")
	s.Equal(activities.EndWatchInput{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerB}}, s.ends()[0])
	s.Require().NotNil(c.QuietUntil, "a pending push becomes a pending change")
	s.Equal(s.start.Add(6*time.Minute+s.settings.Debounce), c.QuietUntil.UTC())
	s.Empty(c.Ended)
}

// TestContinueAsNewWithTheLastOwnerLeavingAndANewOneComing: both signals
// are pending when the run continues as new; the newcomer must be watched
// by the next run rather than dropped with a run that ended.
func (s *driveFileSuite) TestContinueAsNewWithTheLastOwnerLeavingAndANewOneComing() {
	s.mockDrive()
	s.at(5*time.Minute, func() {
		s.slowNext("meta")
		s.poll()
	})
	s.at(5*time.Minute+30*time.Second, func() {
		s.env.SetContinueAsNewSuggested(true)
		s.subscribe(ownerC)
		s.unsubscribe(ownerA)
	})

	next := s.continued(watching(ownerA))
	s.Equal([]string{ownerC}, next.Owners)
	s.Require().NotNil(next.Carried)
	s.Empty(next.Carried.Ended, "the next run must not start ended")
	s.Empty(next.Carried.Owners)
	s.Equal([]activities.EndWatchInput{{FileRef: activities.FileRef{FileID: testFileID, OwnerID: ownerA}}}, s.ends())
}

func (s *driveFileSuite) TestContinuedRunStartsFromTheCarriedState() {
	s.mockDrive()
	s.file.set(func(f *scriptedFile) { f.version = 3 })
	quiet := s.start.Add(2 * time.Minute)
	last := s.start.Add(-time.Minute)
	carried := &DriveFileState{
		FileID:      testFileID,
		Owners:      []DriveOwner{{UserID: ownerA, DocumentID: docOf(ownerA), Version: 2, ModifiedTime: s.start.Add(-2 * time.Hour)}},
		Channel:     &activities.Channel{ID: "ch7", ResourceID: "res", OwnerID: ownerA, Expiration: s.start.Add(12 * time.Hour)},
		LastWebhook: &last,
		QuietUntil:  &quiet,
		Syncs:       9,
	}
	s.at(3*time.Minute, func() {
		st := s.query()
		s.Equal(12, st.Syncs, "B's first sync, then both owners when the carried quiet period ends")
		s.Equal("ch7", st.Channel.ID)
		s.Zero(s.count("open "), "the carried channel is used")
		s.Equal([]string{ownerA, ownerB}, ownerIDs(st))
		s.Nil(st.QuietUntil)
		s.unsubscribe(ownerB)
		s.unsubscribe(ownerA)
	})

	s.run(DriveFileInput{FileID: testFileID, Owners: []string{ownerB}, Carried: carried})
	s.Zero(s.count("register "+ownerA), "carried owners are not registered again")
	s.Equal(1, s.count("register "+ownerB))
	s.Equal([]string{"stop ch7"}, filterPrefix(s.eventLog(), "stop ", "open "), "the carried channel is stopped at the end")
	syncs := s.syncs()
	s.Require().Len(syncs, 3)
	s.Equal(ownerB, syncs[0].in.OwnerID)
	s.Equal(s.start, syncs[0].at)
	s.Equal(quiet, syncs[1].at, "the carried quiet period ends when it was due")
	s.Equal(ownerA, syncs[1].in.OwnerID)
	s.Equal(int64(3), syncs[1].in.Meta.Version)
}

func filterPrefix(list []string, prefixes ...string) []string {
	var out []string
	for _, e := range list {
		for _, p := range prefixes {
			if strings.HasPrefix(e, p) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}
