package activities

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/besunny/workflows/internal/retryafter"
)

// Error types of Gmail activities.
const (
	// ErrTypeGmailHistoryExpired: the history cursor is older than Gmail
	// keeps (404 from history.list); the mailbox workflow resyncs.
	ErrTypeGmailHistoryExpired = "GmailHistoryExpired"
	// ErrTypeGmailRejected: Gmail refused the request itself — 404 (the
	// message is gone), 400 (an invalid id or argument) and the other 4xx
	// that are about the request; retrying cannot help.
	ErrTypeGmailRejected = "GmailRejected"
	// ErrTypeGmailAccessDenied: 401, or 403 other than rate limits, or no
	// access token from the service account: Gmail refused the mailbox's
	// credentials or their domain-wide delegation, not the message. Retried
	// with backoff until an operator fixes it, and reported meanwhile (log,
	// metric, the mailbox's access_error).
	ErrTypeGmailAccessDenied = "GmailAccessDenied"
	// ErrTypeGmailRateLimited: 429 or 403 rateLimitExceeded; retried, after
	// Retry-After when Gmail sends one.
	ErrTypeGmailRateLimited = "GmailRateLimited"
	// ErrTypeGmailUnavailable: 5xx; retried with backoff.
	ErrTypeGmailUnavailable = "GmailUnavailable"
)

// gmailError turns a Gmail client error into what Temporal should do with it.
func gmailError(op string, err error) error {
	var gerr *googleapi.Error
	var tokenErr *oauth2.RetrieveError
	switch {
	case errors.As(err, &tokenErr):
		// The service account got no token for the mailbox (delegation
		// revoked, key disabled): the same problem as a 401 from Gmail.
		msg := fmt.Sprintf("gmail %s: no access token for the mailbox: %v", op, tokenErr)
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeGmailAccessDenied, temporal.ApplicationErrorOptions{})
	case !errors.As(err, &gerr):
		// Network errors and timeouts: retry with the activity's policy.
		return fmt.Errorf("gmail %s: %w", op, err)
	}
	msg := fmt.Sprintf("gmail %s: %d %s", op, gerr.Code, gerr.Message)
	switch {
	case gerr.Code == http.StatusTooManyRequests || (gerr.Code == http.StatusForbidden && hasReason(gerr, "rateLimitExceeded", "userRateLimitExceeded")):
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeGmailRateLimited, temporal.ApplicationErrorOptions{
			NextRetryDelay: retryAfter(gerr.Header, time.Now()),
		})
	case gerr.Code >= 500:
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeGmailUnavailable, temporal.ApplicationErrorOptions{})
	case gerr.Code == http.StatusUnauthorized || gerr.Code == http.StatusForbidden:
		// About who is asking, not what is asked: a revoked delegation or an
		// expired key is fixed by an operator, and the mail must then still
		// be there to fetch.
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeGmailAccessDenied, temporal.ApplicationErrorOptions{})
	case gerr.Code >= 400:
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeGmailRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// isAccessDenied reports whether err (from gmailError) is about the
// mailbox's credentials.
func isAccessDenied(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == ErrTypeGmailAccessDenied
}

func hasReason(gerr *googleapi.Error, reasons ...string) bool {
	for _, item := range gerr.Errors {
		if slices.Contains(reasons, item.Reason) {
			return true
		}
	}
	return false
}

// retryAfter reads a Google error's Retry-After header. Zero means "use
// the retry policy's backoff".
func retryAfter(h http.Header, now time.Time) time.Duration {
	return retryafter.Parse(h.Get("Retry-After"), now)
}

func isNotFound(err error) bool {
	var gerr *googleapi.Error
	return errors.As(err, &gerr) && gerr.Code == http.StatusNotFound
}
