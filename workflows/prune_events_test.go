package workflows

import (
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/live"
)

func TestPruneEvents_DeletesBatchesUntilOneIsNotFull(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	var ea *activities.Events
	env.OnActivity(ea.PruneEvents, mock.Anything).Return(live.PruneResult{Events: live.PruneBatch, Tickets: 3, PrunedThrough: 5000, More: true}, nil).Once()
	env.OnActivity(ea.PruneEvents, mock.Anything).Return(live.PruneResult{Events: 12, PrunedThrough: 5012}, nil).Once()
	env.ExecuteWorkflow(PruneEventsWorkflow)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var out PruneEventsResult
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if out != (PruneEventsResult{Events: live.PruneBatch + 12, Tickets: 3, PrunedThrough: 5012, Batches: 2}) {
		t.Fatalf("result = %+v", out)
	}
	env.AssertExpectations(t)
}

func TestPruneEvents_StopsAfterTheBoundAndLeavesTheRestToTheNextRun(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	var ea *activities.Events
	env.OnActivity(ea.PruneEvents, mock.Anything).Return(live.PruneResult{Events: live.PruneBatch, More: true}, nil)
	env.ExecuteWorkflow(PruneEventsWorkflow)
	var out PruneEventsResult
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if out.Batches != pruneMaxBatches {
		t.Fatalf("batches = %d, want the bound %d", out.Batches, pruneMaxBatches)
	}
}
