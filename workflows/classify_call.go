package workflows

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// DocumentRevision is a document version to classify.
type DocumentRevision struct {
	DocumentID string `json:"document_id"`
	Revision   int    `json:"revision"`
}

// startClassifications is the one call site through which every pipeline
// (email, Drive, transcripts) hands documents to classification: a child
// ClassifyDocumentWorkflow per document revision. The children are abandoned
// — the pipeline does not wait for an LLM — but each is confirmed started
// before the pipeline moves on, and a revision that already has one is left
// alone (that is what makes retries and re-processing classify once).
func startClassifications(ctx workflow.Context, docs []DocumentRevision) []string {
	futures := make([]workflow.ChildWorkflowFuture, 0, len(docs))
	for _, d := range docs {
		child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            ClassifyWorkflowID(d.DocumentID, d.Revision),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			TypedSearchAttributes: temporal.NewSearchAttributes(AttrDocumentID.ValueSet([]string{d.DocumentID})),
		})
		futures = append(futures, workflow.ExecuteChildWorkflow(child, ClassifyDocumentWorkflow, ClassifyInput{
			DocumentID: d.DocumentID, Revision: d.Revision,
		}))
	}
	var started []string
	for i, f := range futures {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		var dup *temporal.ChildWorkflowExecutionAlreadyStartedError
		switch {
		case err == nil:
			started = append(started, docs[i].DocumentID)
		case errors.As(err, &dup):
		default:
			workflow.GetLogger(ctx).Error("classification not started", "document_id", docs[i].DocumentID, "error", err)
		}
	}
	return started
}
