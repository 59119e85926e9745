package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// WatchRenewalScheduleID is the Temporal Schedule that runs
// RenewWatchesWorkflow every 6 hours.
const WatchRenewalScheduleID = "watch-renewal"

// watchRenewBefore is how long before expiry a Gmail watch is renewed.
// Gmail watches last 7 days; renewing inside the last day, checked every
// 6 hours, leaves four chances before a watch lapses.
const watchRenewBefore = 24 * time.Hour

// RenewWatchesResult says what a renewal run did.
type RenewWatchesResult struct {
	Renewed []string `json:"renewed,omitempty"`
	Kept    []string `json:"kept,omitempty"`
	Failed  []string `json:"failed,omitempty"`
	// Skipped explains a run that did nothing (no topic configured).
	Skipped string `json:"skipped,omitempty"`
}

// RenewWatchesWorkflow re-watches every mailbox whose Gmail push watch
// expires within a day (or never started) and records the new expiration.
// One mailbox's failure does not stop the others; the next run retries it.
func RenewWatchesWorkflow(ctx workflow.Context) (RenewWatchesResult, error) {
	var mb *activities.Mailboxes
	local := withDBSteps(ctx)
	var out RenewWatchesResult
	var settings activities.MailboxSettings
	if err := workflow.ExecuteLocalActivity(local, mb.MailboxSettings).Get(ctx, &settings); err != nil {
		return out, fmt.Errorf("load settings: %w", err)
	}
	if settings.PubSubTopic == "" {
		out.Skipped = "GMAIL_PUBSUB_TOPIC is not set: mailboxes are polled only"
		return out, nil
	}
	// The inbound mailbox is watched even before its workflow first ran.
	if err := workflow.ExecuteLocalActivity(local, mb.LoadMailbox, settings.InboundMailbox).Get(ctx, nil); err != nil {
		return out, fmt.Errorf("load mailbox: %w", err)
	}
	var boxes []activities.MailboxWatch
	if err := workflow.ExecuteLocalActivity(local, mb.ListMailboxes).Get(ctx, &boxes); err != nil {
		return out, fmt.Errorf("list mailboxes: %w", err)
	}
	now := workflow.Now(ctx)
	for _, b := range boxes {
		if b.WatchExpiration != nil && b.WatchExpiration.Sub(now) > watchRenewBefore {
			out.Kept = append(out.Kept, b.Address)
			continue
		}
		var w activities.WatchResult
		if err := workflow.ExecuteActivity(gmailCtx(ctx), (*activities.Gmail).Watch, b.Address, settings.PubSubTopic).Get(ctx, &w); err != nil {
			workflow.GetLogger(ctx).Error("watch renewal failed", "mailbox", b.Address, "error", err)
			out.Failed = append(out.Failed, b.Address)
			continue
		}
		rec := activities.WatchRecord{Address: b.Address, Watch: w}
		if err := workflow.ExecuteLocalActivity(local, mb.RecordWatch, rec).Get(ctx, nil); err != nil {
			return out, fmt.Errorf("record watch of %s: %w", b.Address, err)
		}
		out.Renewed = append(out.Renewed, b.Address)
	}
	return out, nil
}
