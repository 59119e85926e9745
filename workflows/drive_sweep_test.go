package workflows

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

type driveSweepSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	da  *activities.Drive

	start    time.Time
	settings activities.DriveSettings

	mu       sync.Mutex
	polled   []string
	children []DriveFileInput
}

func TestDriveSweep(t *testing.T) { suite.Run(t, new(driveSweepSuite)) }

func (s *driveSweepSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.start = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.settings = activities.DriveSettings{Push: true, Debounce: 2 * time.Minute, ChannelTTL: 24 * time.Hour, PushGrace: 30 * time.Minute}
	s.polled, s.children = nil, nil
}

func (s *driveSweepSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

// mockSweep lists files as stale and answers each poll signal with
// answer(file id) (nil: delivered).
func (s *driveSweepSuite) mockSweep(files []string, answer func(file string) error) {
	s.env.OnActivity(s.da.DriveSettings, mock.Anything).Return(s.settings, nil).Once()
	s.env.OnActivity(s.da.StaleFiles, mock.Anything, mock.Anything).Return(func(_ context.Context, since time.Time) ([]string, error) {
		s.Equal(s.start.Add(-s.settings.PushGrace), since.UTC(), "files silent for the push grace are stale")
		return files, nil
	}).Once()
	s.env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", PollSignal, mock.Anything).Return(
		func(_, workflowID, _, _ string, arg any) error {
			ch, ok := arg.(DriveChange)
			s.True(ok, "the poll carries a DriveChange")
			s.Equal("poll", ch.ResourceState)
			file := workflowID[len("drive/"):]
			s.Equal(DriveFileWorkflowID(file), workflowID)
			s.mu.Lock()
			s.polled = append(s.polled, file)
			s.mu.Unlock()
			if answer == nil {
				return nil
			}
			return answer(file)
		}).Maybe()
}

// mockRestart answers ActiveOwners from owners and accepts a restarted
// DriveFileWorkflow child.
func (s *driveSweepSuite) mockRestart(owners map[string][]string) {
	s.env.OnActivity(s.da.ActiveOwners, mock.Anything, mock.Anything).Return(func(_ context.Context, file string) ([]string, error) {
		return owners[file], nil
	}).Maybe()
	s.env.OnWorkflow(DriveFileWorkflow, mock.Anything, mock.Anything).Return(func(ctx workflow.Context, in DriveFileInput) (DriveFileState, error) {
		s.Equal(DriveFileWorkflowID(in.FileID), workflow.GetInfo(ctx).WorkflowExecution.ID)
		s.mu.Lock()
		s.children = append(s.children, in)
		s.mu.Unlock()
		return DriveFileState{FileID: in.FileID}, nil
	}).Maybe()
}

func (s *driveSweepSuite) run() DriveSweepResult {
	s.env.ExecuteWorkflow(DriveSweepWorkflow)
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var out DriveSweepResult
	s.Require().NoError(s.env.GetWorkflowResult(&out))
	return out
}

func gone(string) error { return &temporal.UnknownExternalWorkflowExecutionError{} }

func (s *driveSweepSuite) TestStaleFilesArePolled() {
	s.mockSweep([]string{"1fileAAAAAAAA", "1fileBBBBBBBB"}, nil)

	out := s.run()
	s.Equal(DriveSweepResult{Polled: 2}, out)
	s.ElementsMatch([]string{"1fileAAAAAAAA", "1fileBBBBBBBB"}, s.polled)
}

func (s *driveSweepSuite) TestNothingStaleSignalsNothing() {
	s.mockSweep(nil, nil)

	out := s.run()
	s.Equal(DriveSweepResult{}, out)
	s.Empty(s.polled)
}

func (s *driveSweepSuite) TestFileWhoseWorkflowIsGoneIsRestartedWithItsActiveOwners() {
	s.mockSweep([]string{"1fileAAAAAAAA", "1fileGoneGone"}, func(file string) error {
		if file == "1fileGoneGone" {
			return gone(file)
		}
		return nil
	})
	s.mockRestart(map[string][]string{"1fileGoneGone": {ownerA, ownerB}})

	out := s.run()
	s.Equal(1, out.Polled)
	s.Equal([]string{"1fileGoneGone"}, out.Restarted)
	s.Equal([]DriveFileInput{{FileID: "1fileGoneGone", Owners: []string{ownerA, ownerB}}}, s.children)
}

func (s *driveSweepSuite) TestGoneWorkflowWithoutActiveOwnersIsNotRestarted() {
	s.mockSweep([]string{"1fileGoneGone"}, gone)
	s.mockRestart(map[string][]string{})

	out := s.run()
	s.Equal(DriveSweepResult{}, out)
	s.Empty(s.children)
}

func (s *driveSweepSuite) TestOtherSignalFailuresAreSkipped() {
	s.mockSweep([]string{"1fileAAAAAAAA", "1fileBroken00"}, func(file string) error {
		if file == "1fileBroken00" {
			return errors.New("frontend unavailable")
		}
		return nil
	})

	out := s.run()
	s.Equal(DriveSweepResult{Polled: 1}, out, "a failed poll neither counts nor restarts; the next sweep tries again")
}

func (s *driveSweepSuite) TestManyFilesArePolledInBatches() {
	var files []string
	for i := range sweepBatch + 50 {
		files = append(files, fmt.Sprintf("1file%08d", i))
	}
	s.mockSweep(files, func(file string) error {
		if file == files[sweepBatch+10] {
			return gone(file)
		}
		return nil
	})
	s.mockRestart(map[string][]string{files[sweepBatch+10]: {ownerC}})

	out := s.run()
	s.Equal(len(files)-1, out.Polled)
	s.Equal([]string{files[sweepBatch+10]}, out.Restarted)
	s.Len(s.polled, len(files))
}
