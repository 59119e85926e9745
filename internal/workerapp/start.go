package workerapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/workflows"
)

// StartMailbox makes sure the mailbox's workflow runs: it starts it, or finds
// it running. The push webhook signals the same workflow with
// SignalWithStart, so whichever comes first starts it.
func StartMailbox(ctx context.Context, c client.Client, cfg config.Config, address string) error {
	opts := workflows.MailboxStartOptions(cfg.Temporal.TaskQueue, address)
	_, err := c.ExecuteWorkflow(ctx, opts, workflows.MailboxWorkflow, workflows.MailboxInput{Address: strings.ToLower(address)})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start the workflow of mailbox %s: %w", address, err)
	}
	return nil
}

// ensureSchedules creates BeSunny's schedules — events-retention (every
// hour), watch-renewal (every 6 h) and drive-sweep (every
// DRIVE_SWEEP_INTERVAL), all overlap SKIP — or updates
// them to the configured spec when they exist (so a changed interval applies
// on the next deploy). It triggers the watch renewal once, so a new
// deployment watches its mailbox at once instead of in up to 6 hours.
func ensureSchedules(ctx context.Context, d Deps) error {
	cfg := d.Config
	// The live event log is pruned whatever the Google mode.
	if _, err := upsertSchedule(ctx, d.Temporal, cfg, scheduleSpec{
		id:       workflows.EventsRetentionScheduleID,
		every:    time.Hour,
		workflow: workflows.PruneEventsWorkflow,
		note:     "Deletes live events older than EVENTS_RETENTION and expired stream tickets.",
	}); err != nil {
		return err
	}
	if cfg.Google.Mode == config.GoogleOff {
		return nil
	}
	sched := scheduleSpec{
		id:       workflows.WatchRenewalScheduleID,
		every:    6 * time.Hour,
		workflow: workflows.RenewWatchesWorkflow,
		note:     "Renews the Gmail push watch of each mailbox that expires within a day.",
	}
	h, err := upsertSchedule(ctx, d.Temporal, cfg, sched)
	if err != nil {
		return err
	}
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP}); err != nil {
		return fmt.Errorf("trigger schedule %s: %w", sched.id, err)
	}
	_, err = upsertSchedule(ctx, d.Temporal, cfg, scheduleSpec{
		id:       workflows.DriveSweepScheduleID,
		every:    cfg.Drive.SweepInterval,
		workflow: workflows.DriveSweepWorkflow,
		note:     "Polls every watched Drive file whose push has been silent for DRIVE_PUSH_GRACE.",
	})
	return err
}

type scheduleSpec struct {
	id       string
	every    time.Duration
	workflow any
	note     string
}

func upsertSchedule(ctx context.Context, c client.Client, cfg config.Config, s scheduleSpec) (client.ScheduleHandle, error) {
	action := &client.ScheduleWorkflowAction{
		ID:        s.id,
		Workflow:  s.workflow,
		TaskQueue: cfg.Temporal.TaskQueue,
	}
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: s.every}}}
	h, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:      s.id,
		Spec:    spec,
		Action:  action,
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		Note:    s.note,
	})
	if err == nil {
		return h, nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil, fmt.Errorf("create schedule %s: %w", s.id, err)
	}
	h = c.ScheduleClient().GetHandle(ctx, s.id)
	err = h.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			sch := in.Description.Schedule
			sch.Spec = &spec
			sch.Action = action
			if sch.Policy == nil {
				sch.Policy = &client.SchedulePolicies{}
			}
			sch.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
			// Paused or not is the operator's choice: left as it is.
			return &client.ScheduleUpdate{Schedule: &sch}, nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("update schedule %s: %w", s.id, err)
	}
	return h, nil
}
