package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// DriveSweepScheduleID is the Temporal Schedule that runs DriveSweepWorkflow
// every DRIVE_SWEEP_INTERVAL.
const DriveSweepScheduleID = "drive-sweep"

// sweepBatch bounds the signals in flight at once.
const sweepBatch = 200

// DriveSweepResult says what a sweep did.
type DriveSweepResult struct {
	Polled int `json:"polled"`
	// Restarted lists files whose watch was active in the store but whose
	// workflow no longer ran (terminated by hand, say): the sweep restarts
	// them.
	Restarted []string `json:"restarted,omitempty"`
}

// DriveSweepWorkflow sends `poll` to every watched file whose push has been
// silent for DRIVE_PUSH_GRACE. Push is a hint, the sweep is the guarantee: a
// dropped notification or an expired channel costs at most one interval.
func DriveSweepWorkflow(ctx workflow.Context) (DriveSweepResult, error) {
	var da *activities.Drive
	local := withDBSteps(ctx)
	var out DriveSweepResult
	var settings activities.DriveSettings
	if err := workflow.ExecuteLocalActivity(local, da.DriveSettings).Get(ctx, &settings); err != nil {
		return out, fmt.Errorf("load settings: %w", err)
	}
	var files []string
	silentSince := workflow.Now(ctx).Add(-settings.PushGrace)
	if err := workflow.ExecuteLocalActivity(local, da.StaleFiles, silentSince).Get(ctx, &files); err != nil {
		return out, fmt.Errorf("list stale files: %w", err)
	}
	now := workflow.Now(ctx)
	for start := 0; start < len(files); start += sweepBatch {
		batch := files[start:min(start+sweepBatch, len(files))]
		futures := make([]workflow.Future, len(batch))
		for i, file := range batch {
			futures[i] = workflow.SignalExternalWorkflow(ctx, DriveFileWorkflowID(file), "", PollSignal, DriveChange{ResourceState: "poll", At: now})
		}
		for i, fut := range futures {
			err := fut.Get(ctx, nil)
			var notFound *temporal.UnknownExternalWorkflowExecutionError
			switch {
			case err == nil:
				out.Polled++
			case errors.As(err, &notFound):
				if restartWatch(ctx, batch[i]) {
					out.Restarted = append(out.Restarted, batch[i])
				}
			default:
				workflow.GetLogger(ctx).Warn("poll signal failed", "file_id", batch[i], "error", err)
			}
		}
	}
	return out, nil
}

// restartWatch starts the file's workflow again for its active owners.
func restartWatch(ctx workflow.Context, fileID string) bool {
	var da *activities.Drive
	var owners []string
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), da.ActiveOwners, fileID).Get(ctx, &owners); err != nil || len(owners) == 0 {
		return false
	}
	workflow.GetLogger(ctx).Warn("restarting the watch of a file whose workflow was gone", "file_id", fileID)
	return startDriveWatch(ctx, fileID, owners)
}
