package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/besunny/workflows/internal/google"
)

// LocalFetchMaxWait is how long the local fetch of an email run waits for
// the mailbox's quota at most. Beyond it the run fetches through the gmail
// task queue instead, whose activity waits as long as the quota needs: a
// local activity holds its workflow task, which must not outlive its
// heartbeat.
const LocalFetchMaxWait = 4 * time.Second

// ErrTypeGmailQuotaBusy: the local fetch would have waited longer than
// LocalFetchMaxWait for the quota; the run fetches through the gmail task
// queue instead.
const ErrTypeGmailQuotaBusy = "GmailQuotaBusy"

// FetchMessageLocal is FetchMessage as the email run's local activity: the
// same download and store, paced by the mailbox's shared quota window, but
// waiting at most LocalFetchMaxWait for it.
func (a *Gmail) FetchMessageLocal(ctx context.Context, in FetchInput) (FetchResult, error) {
	res, err := a.FetchMessage(google.WithQuotaWaitLimit(ctx, LocalFetchMaxWait), in)
	if errors.Is(err, google.ErrQuotaWaitTooLong) {
		return res, temporal.NewApplicationErrorWithOptions(err.Error(), ErrTypeGmailQuotaBusy, temporal.ApplicationErrorOptions{})
	}
	return res, err
}
