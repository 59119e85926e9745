package workflows

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// startDriveWatch starts the file's DriveFileWorkflow for owners as an
// abandoned child, or — when it already runs — subscribes them by signal.
func startDriveWatch(ctx workflow.Context, fileID string, owners []string) bool {
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            DriveFileWorkflowID(fileID),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(AttrDriveFileID.ValueSet(fileID), AttrSource.ValueSet("drive")),
	})
	err := workflow.ExecuteChildWorkflow(child, DriveFileWorkflow, DriveFileInput{FileID: fileID, Owners: owners}).GetChildWorkflowExecution().Get(ctx, nil)
	var running *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &running) {
		for _, o := range owners {
			if err := workflow.SignalExternalWorkflow(ctx, DriveFileWorkflowID(fileID), "", SubscribeSignal, DriveOwnerNotice{UserID: o}).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Error("subscribe signal failed", "file_id", fileID, "owner", o, "error", err)
				return false
			}
		}
		return true
	}
	if err != nil {
		workflow.GetLogger(ctx).Error("drive watch not started", "file_id", fileID, "error", err)
		return false
	}
	return true
}
