package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// ProcessEmailWorkflowV2 is ProcessEmailWorkflow at about half the Temporal
// cost per message, as a new workflow type so that runs started by older code
// finish under the old one. In the common case (local classifier, no Drive
// link) it is one workflow task: the fetch, parse, recipients, documents,
// classification and outcome are local activities, and the search
// attributes not known at start are written once, with the outcome. A gmail
// message is fetched by a local activity paced by the mailbox's shared quota
// window; the gmail task queue's activity is the fallback (with the fetch
// deadline) when that attempt fails or would wait too long. Classification
// goes through a ClassifyDocumentWorkflow child only where it pays: the LLM,
// and re-classification of an existing document.
func ProcessEmailWorkflowV2(ctx workflow.Context, in ProcessEmailInput) (EmailStatus, error) {
	p, err := newEmailProcess(ctx, in)
	if err != nil {
		return EmailStatus{}, err
	}
	p.v2 = true
	return p.run(ctx)
}

// localFetchTimeout bounds the local fetch attempt: the quota wait it
// accepts (activities.LocalFetchMaxWait) and the call itself. It stays below
// the workflow task's heartbeat (80 % of its 10 s timeout), so a local
// attempt never costs an extra workflow task.
const localFetchTimeout = 7 * time.Second

// fetchLocalFirst stores the gmail message's raw through a local activity,
// and falls back to fetch (the gmail task queue, retried up to the deadline)
// when the local attempt fails for any reason but Gmail's refusal of the
// message itself.
func (p *emailProcess) fetchLocalFirst(ctx workflow.Context) error {
	local := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: localFetchTimeout,
		// One attempt: retries belong to the paced fallback, whose deadline
		// ends a message Gmail keeps refusing.
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	var g *activities.Gmail
	in := activities.FetchInput{Mailbox: p.in.Mailbox, MessageID: p.in.MessageKey}
	err := workflow.ExecuteLocalActivity(local, g.FetchMessageLocal, in).Get(ctx, nil)
	var appErr *temporal.ApplicationError
	var canceled *temporal.CanceledError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &canceled):
		return err
	case errors.As(err, &appErr) && appErr.Type() == activities.ErrTypeGmailRejected:
		return &gmailUnavailableError{reason: appErr.Message()}
	}
	p.log.Info("local fetch did not succeed; fetching through the gmail task queue", "error", err)
	return p.fetch(ctx)
}

// classifyInline decides each document's project inside this run with the
// same local steps (and the same guarded decision write) as
// ClassifyDocumentWorkflow, so a manual assignment made meanwhile still
// wins. A document that needs the LLM, or a re-classification of an
// existing one, goes to a ClassifyDocumentWorkflow child instead.
func (p *emailProcess) classifyInline(ctx workflow.Context, docs []DocumentRevision) {
	var ca *activities.Classify
	var children []DocumentRevision
	projects := map[string]bool{}
	for _, d := range docs {
		if d.Revision > 1 || p.in.Revision > 1 {
			children = append(children, d)
			continue
		}
		var lo activities.LocalOutcome
		if err := workflow.ExecuteLocalActivity(ctx, ca.ClassifyLocal, d.DocumentID).Get(ctx, &lo); err != nil {
			p.log.Warn("inline classification failed; handing the document to its own run", "document_id", d.DocumentID, "error", err)
			children = append(children, d)
			continue
		}
		if lo.Skip != "" {
			continue
		}
		if lo.NeedsLLM {
			children = append(children, d)
			continue
		}
		store := activities.StoreDecisionInput{DocumentID: d.DocumentID, Revision: d.Revision, Decision: lo.Decision, Apply: !lo.Manual}
		var stored activities.StoreDecisionResult
		if err := workflow.ExecuteLocalActivity(ctx, ca.StoreDecision, store).Get(ctx, &stored); err != nil {
			p.log.Warn("decision not stored; handing the document to its own run", "document_id", d.DocumentID, "error", err)
			children = append(children, d)
			continue
		}
		if store.Apply && stored.Applied && lo.Decision.ProjectID != "" {
			projects[lo.Decision.ProjectID] = true
		}
	}
	if len(docs) == 1 && len(projects) == 1 {
		for id := range projects {
			p.setAttrs(ctx, AttrProjectID.ValueSet(id))
		}
	}
	if len(children) > 0 {
		startClassifications(ctx, children)
	}
}
