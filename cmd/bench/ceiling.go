package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/internal/workerapp"
	"github.com/besunny/workflows/workflows"
)

// The ceiling is what Temporal itself allows on this machine for work shaped
// exactly like the mail pipeline, with every step a no-op: the mailbox
// parent, its children and their classification grandchildren take the same
// steps in the same order as MailboxWorkflow and ProcessEmailWorkflowV2 do
// for the corpus (the new shape: one execution per message, everything
// local, one upsert), on a main queue and a queue with the gmail queue's
// rate limit (the mailbox's history.list and marks). mails/s ÷ ceiling says how much of
// Temporal's capacity the real work leaves unused.

const (
	ceilingQueue        = "ceiling"
	ceilingLimitedQueue = "ceiling-limited"
	// historyPage and markBatch are MailboxWorkflow's page size (history.list
	// maxResults) and mark threshold.
	historyPage = 500
	markBatch   = 100
)

// CeilingInput drives CeilingMailbox; Next carries progress across
// continue-as-new.
type CeilingInput struct {
	Tag      string `json:"tag"`
	Total    int    `json:"total"`
	Next     int    `json:"next"`
	InFlight int    `json:"in_flight"`
	// Shapes are the local activities of each message of the corpus cycle.
	Shapes []int `json:"shapes"`
}

// CeilingMailbox mirrors MailboxWorkflow draining a backlog: per page one
// history.list call on the limited queue, a child per message (bounded in
// flight), a cursor save, a batched mark once 100 have finished, and
// continue-as-new when Temporal suggests it (after the runs in flight end).
func CeilingMailbox(ctx workflow.Context, in CeilingInput) error {
	limited, local := ceilingLimited(ctx), ceilingLocal(ctx)
	if err := workflow.ExecuteLocalActivity(local, noopLocal, "settings").Get(ctx, nil); err != nil {
		return err
	}
	inFlight, pending, unmarked := 0, 0, 0
	for in.Next < in.Total {
		if err := workflow.ExecuteActivity(limited, noopActivity, "history.list").Get(ctx, nil); err != nil {
			return err
		}
		for end := min(in.Next+historyPage, in.Total); in.Next < end; in.Next++ {
			_ = workflow.Await(ctx, func() bool { return inFlight < in.InFlight })
			id := fmt.Sprintf("%s-%d", in.Tag, in.Next)
			child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
				WorkflowID:            "ceiling-email/" + id,
				WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
				ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
				TypedSearchAttributes: temporal.NewSearchAttributes(
					workflows.AttrSource.ValueSet("ceiling"),
					workflows.AttrGmailMessageID.ValueSet(id),
					workflows.AttrMailbox.ValueSet(mailbox),
					workflows.AttrStatus.ValueSet(workflows.StatusPending),
				),
			})
			fut := workflow.ExecuteChildWorkflow(child, CeilingMessage, id, in.Shapes[in.Next%len(in.Shapes)])
			inFlight++
			pending++
			workflow.Go(ctx, func(gctx workflow.Context) {
				defer func() { inFlight-- }()
				err := fut.GetChildWorkflowExecution().Get(gctx, nil)
				pending--
				if err == nil {
					_ = fut.Get(gctx, nil)
					unmarked++
				}
			})
		}
		_ = workflow.Await(ctx, func() bool { return pending == 0 })
		if err := workflow.ExecuteLocalActivity(local, noopLocal, "cursor").Get(ctx, nil); err != nil {
			return err
		}
		if unmarked >= markBatch {
			if err := workflow.ExecuteActivity(limited, noopActivity, "batchModify").Get(ctx, nil); err != nil {
				return err
			}
			unmarked = 0
		}
		if in.Next < in.Total && workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			_ = workflow.Await(ctx, func() bool { return inFlight == 0 })
			return workflow.NewContinueAsNewError(ctx, CeilingMailbox, in)
		}
	}
	// Done when the last message is; marks after that count in neither
	// measurement.
	return workflow.Await(ctx, func() bool { return inFlight == 0 })
}

// CeilingMessage mirrors ProcessEmailWorkflowV2 for a message addressed to
// one known user: the fetch as a local activity, then parse, resolve,
// store, classify and store the decision (local), Drive links (a local
// activity when the message has any), record the outcome, and the one
// search-attribute upsert with the outcome.
func CeilingMessage(ctx workflow.Context, id string, locals int) error {
	if err := workflow.SetQueryHandler(ctx, workflows.StatusQuery, func() (string, error) { return id, nil }); err != nil {
		return err
	}
	local := ceilingLocal(ctx)
	steps := []string{"messages.get", "parse", "resolve", "store", "classify", "store decision"}
	// parse, resolve, store and record are the four of every message; more
	// are Drive links.
	for range locals - 4 {
		steps = append(steps, "linked files")
	}
	steps = append(steps, "record")
	for _, s := range steps {
		if err := workflow.ExecuteLocalActivity(local, noopLocal, s).Get(ctx, nil); err != nil {
			return err
		}
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		workflows.AttrUserID.ValueSet([]string{"demo"}),
		workflows.AttrDocumentID.ValueSet([]string{id}),
		workflows.AttrProjectID.ValueSet("project"),
		workflows.AttrStatus.ValueSet(workflows.StatusProcessed),
	)
	workflow.SetCurrentDetails(ctx, "**processed**")
	return nil
}

func noopActivity(_ context.Context, step string) (string, error) { return step, nil }
func noopLocal(_ context.Context, step string) (string, error)    { return step, nil }

// ceilingLimited and ceilingLocal use the options of gmailCtx and
// withDBSteps (workflows/mailbox.go, workflows/options.go).
func ceilingLimited(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           ceilingLimitedQueue,
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
}

func ceilingLocal(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
}

type ceilingResult struct {
	n       int
	elapsed time.Duration
	rate    float64 // the limited queue's activities per second
	cpu     cpuUse
}

func (c ceilingResult) perSecond() float64 {
	if c.elapsed <= 0 {
		return 0
	}
	return float64(c.n) / c.elapsed.Seconds()
}

// runCeiling runs the ceiling workflows with their own workers in this
// process (the worker options of workerapp: defaults on the main queue, the
// rate limit on the other) and times the parent from start to completion.
func runCeiling(ctx context.Context, c client.Client, o options, shapes []int) (ceilingResult, error) {
	res := ceilingResult{n: o.mails, rate: workerapp.GmailActivitiesPerSecond(o.quota)}
	main := sdkworker.New(c, ceilingQueue, sdkworker.Options{WorkerStopTimeout: 30 * time.Second})
	main.RegisterWorkflow(CeilingMailbox)
	main.RegisterWorkflow(CeilingMessage)
	limited := sdkworker.New(c, ceilingLimitedQueue, sdkworker.Options{
		TaskQueueActivitiesPerSecond: res.rate,
		WorkerStopTimeout:            30 * time.Second,
	})
	limited.RegisterActivity(noopActivity)
	for _, w := range []sdkworker.Worker{main, limited} {
		if err := w.Start(); err != nil {
			return res, err
		}
		defer w.Stop()
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	in := CeilingInput{Tag: hex.EncodeToString(b), Total: o.mails, InFlight: o.inFlight, Shapes: shapes}
	groups := func() map[string][]int {
		return map[string][]int{"temporal": processes("temporal", os.Getpid()), "bench": {os.Getpid()}}
	}
	before := sampleCPU(groups)
	start := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "ceiling/" + in.Tag, TaskQueue: ceilingQueue}, CeilingMailbox, in)
	if err != nil {
		return res, err
	}
	if err := run.Get(ctx, nil); err != nil {
		return res, err
	}
	res.elapsed = time.Since(start)
	res.cpu = before.until(sampleCPU(groups), runtime.NumCPU())
	return res, nil
}
