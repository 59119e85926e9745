package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/workflows"
)

// The Temporal cost of a message, counted from the histories of real runs
// (not estimated from the code): history events, workflow tasks, activity
// tasks, workflow executions and visibility writes (a start, each
// search-attribute upsert and a close per execution) of the email run and
// every child it started, summed, divided by the runs.

// pipelineCost is what a sample of messages cost Temporal.
type pipelineCost struct {
	name string
	// runs is how many runs the counts are from; mails how many messages
	// the CPU is divided by.
	runs, mails                                                 int
	events, workflowTasks, activityTasks, executions, visWrites int
	// serverCPU is the Temporal server's CPU time for the sample's mails.
	serverCPU time.Duration
	elapsed   time.Duration
}

func (c pipelineCost) per(n int) float64 {
	if c.runs == 0 {
		return 0
	}
	return float64(n) / float64(c.runs)
}

func (c pipelineCost) cpuPerMail() float64 {
	if c.mails == 0 {
		return 0
	}
	return float64(c.serverCPU.Milliseconds()) / float64(c.mails)
}

func (c pipelineCost) String() string {
	s := fmt.Sprintf("%-5s %5.1f events, %4.2f workflow tasks, %4.2f activity tasks, %4.2f executions, %4.1f visibility writes per email (histories of %d runs)",
		c.name, c.per(c.events), c.per(c.workflowTasks), c.per(c.activityTasks), c.per(c.executions), c.per(c.visWrites), c.runs)
	if c.mails > 0 {
		s += fmt.Sprintf("; Temporal server %.0f ms CPU per email (%d mails in %.1fs)", c.cpuPerMail(), c.mails, c.elapsed.Seconds())
	}
	return s
}

// countHistories adds the histories of the runs, and of every child each
// started, to c.
func countHistories(ctx context.Context, tc client.Client, ids []string, c *pipelineCost) error {
	for _, id := range ids {
		if err := countRun(ctx, tc, id, c); err != nil {
			return err
		}
		c.runs++
	}
	return nil
}

func countRun(ctx context.Context, tc client.Client, id string, c *pipelineCost) error {
	c.executions++
	c.visWrites += 2 // start and close
	it := tc.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var children []string
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return fmt.Errorf("history of %s: %w", id, err)
		}
		c.events++
		switch {
		case ev.GetWorkflowTaskScheduledEventAttributes() != nil:
			c.workflowTasks++
		case ev.GetActivityTaskScheduledEventAttributes() != nil:
			c.activityTasks++
		case ev.GetUpsertWorkflowSearchAttributesEventAttributes() != nil:
			c.visWrites++
		case ev.GetChildWorkflowExecutionStartedEventAttributes() != nil:
			children = append(children, ev.GetChildWorkflowExecutionStartedEventAttributes().GetWorkflowExecution().GetWorkflowId())
		}
	}
	for _, child := range children {
		if err := waitClosed(ctx, tc, child); err != nil {
			return err
		}
		if err := countRun(ctx, tc, child, c); err != nil {
			return err
		}
	}
	return nil
}

// waitClosed waits for an abandoned child (a classification) to finish, so
// its whole history counts.
func waitClosed(ctx context.Context, tc client.Client, id string) error {
	return tc.GetWorkflow(ctx, id, "").Get(ctx, nil)
}

// costSampleSize is how many messages each pipeline processes for the
// comparison, and costHistories how many of their histories are counted.
// costInFlight how many of them run at once (the old default
// GMAIL_MAX_IN_FLIGHT, so that the old pipeline is not starved).
const (
	costSampleSize = 500
	costHistories  = 100
	costInFlight   = 100
)

// comparePipelines runs the same messages through the old pipeline
// (ProcessEmailWorkflow and its ClassifyDocumentWorkflow child) and the new
// (ProcessEmailWorkflowV2) on the drain's server and worker, started as the
// mailbox starts them, 100 in flight, and measures each: the Temporal
// server's CPU per message (/proc of the server, before and after, children
// included) and the counts from the histories. The messages are delivered
// as sent mail, which the mailbox skips, so only these runs process them.
func comparePipelines(ctx context.Context, tc client.Client, fake *googlefake.Server, c *corpus, inFlight int, taskQueue string, fetchDeadline time.Duration) ([]pipelineCost, error) {
	var out []pipelineCost
	for _, p := range []struct {
		name string
		wf   any
	}{{"old", workflows.ProcessEmailWorkflow}, {"new", workflows.ProcessEmailWorkflowV2}} {
		ids := make([]string, 0, costSampleSize)
		for i := range costSampleSize {
			_, raw := c.message(1_000_000 + len(out)*costSampleSize + i)
			id, _, err := fake.Deliver(mailbox, raw, googlefake.DeliverOptions{Labels: []string{"SENT"}})
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		cost := pipelineCost{name: p.name, mails: len(ids)}
		groups := func() map[string][]int { return map[string][]int{"temporal": processes("temporal", os.Getpid())} }
		before := sampleCPU(groups)
		start := time.Now()
		if err := runAll(ctx, tc, p.wf, ids, inFlight, taskQueue, fetchDeadline); err != nil {
			return nil, fmt.Errorf("%s pipeline: %w", p.name, err)
		}
		if err := waitNoClassificationRunning(ctx, tc); err != nil {
			return nil, err
		}
		cost.elapsed = time.Since(start)
		u := before.until(sampleCPU(groups), runtime.NumCPU())
		cost.serverCPU = time.Duration(u.cores["temporal"] * u.wall.Seconds() * float64(time.Second))
		workflowIDs := make([]string, 0, costHistories)
		for _, id := range ids[:costHistories] {
			workflowIDs = append(workflowIDs, workflows.EmailWorkflowID(id, 1))
		}
		if err := countHistories(ctx, tc, workflowIDs, &cost); err != nil {
			return nil, err
		}
		say("cost: %s", cost)
		out = append(out, cost)
	}
	return out, nil
}

// runAll starts a run per message with the mailbox's child options and
// waits for them all, at most inFlight at a time.
func runAll(ctx context.Context, tc client.Client, wf any, ids []string, inFlight int, taskQueue string, fetchDeadline time.Duration) error {
	sem := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for _, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			opts := workflows.EmailStartOptions(taskQueue, workflows.EmailWorkflowID(id, 1), "gmail")
			opts.TypedSearchAttributes = temporal.NewSearchAttributes(
				workflows.AttrSource.ValueSet("gmail"),
				workflows.AttrGmailMessageID.ValueSet(id),
				workflows.AttrMailbox.ValueSet(mailbox),
				workflows.AttrStatus.ValueSet(workflows.StatusPending),
			)
			run, err := tc.ExecuteWorkflow(ctx, opts, wf, workflows.ProcessEmailInput{
				MessageKey: id, Source: "gmail", Mailbox: mailbox, FetchDeadline: fetchDeadline,
			})
			if err == nil {
				err = run.Get(ctx, nil)
			}
			if err != nil {
				mu.Lock()
				firstErr = cmpErr(firstErr, fmt.Errorf("run of %s: %w", id, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// waitNoClassificationRunning waits until no ClassifyDocumentWorkflow runs:
// the old pipeline's children are abandoned, and their cost is part of it.
func waitNoClassificationRunning(ctx context.Context, tc client.Client) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Query: "WorkflowType = 'ClassifyDocumentWorkflow' AND ExecutionStatus = 'Running'",
		})
		if err != nil && !strings.Contains(err.Error(), "not supported") {
			return err
		}
		if err == nil && resp.GetCount() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("classifications still running after 3 minutes")
}
