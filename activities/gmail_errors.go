package activities

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/api/googleapi"
)

// Error types of Gmail activities.
const (
	// ErrTypeGmailHistoryExpired: the history cursor is older than Gmail
	// keeps (404 from history.list); the mailbox workflow resyncs.
	ErrTypeGmailHistoryExpired = "GmailHistoryExpired"
	// ErrTypeGmailRejected: Gmail refused the request (400, 401, 403 other
	// than rate limits, 404); retrying cannot help.
	ErrTypeGmailRejected = "GmailRejected"
	// ErrTypeGmailRateLimited: 429 or 403 rateLimitExceeded; retried, after
	// Retry-After when Gmail sends one.
	ErrTypeGmailRateLimited = "GmailRateLimited"
	// ErrTypeGmailUnavailable: 5xx; retried with backoff.
	ErrTypeGmailUnavailable = "GmailUnavailable"
)

// gmailError turns a Gmail client error into what Temporal should do with it.
func gmailError(op string, err error) error {
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
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
	case gerr.Code >= 400:
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeGmailRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return fmt.Errorf("%s: %w", msg, err)
}

func hasReason(gerr *googleapi.Error, reasons ...string) bool {
	for _, item := range gerr.Errors {
		if slices.Contains(reasons, item.Reason) {
			return true
		}
	}
	return false
}

// retryAfter reads a Retry-After header (seconds or an HTTP date). Zero means
// "use the retry policy's backoff".
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

func isNotFound(err error) bool {
	var gerr *googleapi.Error
	return errors.As(err, &gerr) && gerr.Code == http.StatusNotFound
}
