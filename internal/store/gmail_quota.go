package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/unitwindow"
)

// GmailQuotaWindow is the Gmail quota window of each mailbox, shared through
// PostgreSQL by every worker process (table gmail_quota_windows). Reserve
// locks the mailbox's row, so concurrent reservations from any number of
// processes are serialised and the window stays exact; times are the
// database's, so the workers' clocks do not matter.
type GmailQuotaWindow struct {
	Store *Store
}

// Reserve charges units to the mailbox's window at the first instant they
// fit and says how long from now that is; the caller makes its call then.
// When that is later than maxWait, nothing is charged and ok is false.
func (w GmailQuotaWindow) Reserve(ctx context.Context, mailbox string, units, limit int, span, maxWait time.Duration) (wait time.Duration, ok bool, err error) {
	mailbox = strings.ToLower(mailbox)
	err = w.Store.InTx(ctx, func(q *db.Queries) error {
		row, err := q.LockGmailQuotaWindow(ctx, mailbox)
		if err != nil {
			return fmt.Errorf("lock the Gmail quota window of %s: %w", mailbox, err)
		}
		if len(row.SpentAtUs) != len(row.SpentUnits) {
			return fmt.Errorf("the Gmail quota window of %s is inconsistent: %d times, %d charges", mailbox, len(row.SpentAtUs), len(row.SpentUnits))
		}
		spends := make([]unitwindow.Spend, len(row.SpentAtUs))
		for i := range spends {
			spends[i] = unitwindow.Spend{At: time.UnixMicro(row.SpentAtUs[i]), Units: int(row.SpentUnits[i])}
		}
		now := time.UnixMicro(row.NowUs)
		kept, at, fits := unitwindow.Reserve(spends, now, units, limit, span, maxWait)
		wait, ok = at.Sub(now), fits
		if !fits && len(kept) == len(spends) {
			return nil
		}
		p := db.SaveGmailQuotaWindowParams{Mailbox: mailbox, SpentAtUs: make([]int64, len(kept)), SpentUnits: make([]int32, len(kept))}
		for i, s := range kept {
			p.SpentAtUs[i], p.SpentUnits[i] = s.At.UnixMicro(), int32(s.Units)
		}
		if err := q.SaveGmailQuotaWindow(ctx, p); err != nil {
			return fmt.Errorf("save the Gmail quota window of %s: %w", mailbox, err)
		}
		return nil
	})
	return wait, ok, err
}
