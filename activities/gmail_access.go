package activities

import (
	"context"
	"log/slog"

	"github.com/besunny/workflows/internal/db"
)

// callFailed maps a Gmail client error onto what Temporal should do with it
// (gmailError) and, when Gmail refused the mailbox's credentials, tells an
// operator: an error log line, the besunny_gmail_access_denied_total metric
// and the mailbox's stored access_error, which GET /api/v1/mailboxes shows
// until a call succeeds again.
func (a *Gmail) callFailed(ctx context.Context, mailbox, op string, err error) error {
	mapped := gmailError(op, err)
	if !isAccessDenied(mapped) {
		return mapped
	}
	a.logger().ErrorContext(ctx, "Gmail refused the mailbox's credentials; the call is retried until they are fixed",
		"mailbox", mailbox, "operation", op, "error", mapped)
	if a.AccessDenied != nil {
		a.AccessDenied.WithLabelValues(op).Inc()
	}
	// The next success must clear what is stored now.
	a.accessClear.Delete(mailbox)
	if a.Store != nil {
		if err := a.Store.SetMailboxAccessError(ctx, db.SetMailboxAccessErrorParams{Address: mailbox, AccessError: mapped.Error()}); err != nil {
			a.logger().WarnContext(ctx, "Gmail access error not recorded", "mailbox", mailbox, "error", err)
		}
	}
	return mapped
}

// callSucceeded clears a stored access error after Gmail answered. It writes
// only once per mailbox and process, and again after each refusal this
// process saw, so the common path costs nothing.
func (a *Gmail) callSucceeded(ctx context.Context, mailbox string) {
	if a.Store == nil {
		return
	}
	if _, clear := a.accessClear.Load(mailbox); clear {
		return
	}
	if err := a.Store.ClearMailboxAccessError(ctx, mailbox); err != nil {
		a.logger().WarnContext(ctx, "Gmail access error not cleared", "mailbox", mailbox, "error", err)
		return
	}
	a.accessClear.Store(mailbox, true)
}

func (a *Gmail) logger() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.New(slog.DiscardHandler)
}
