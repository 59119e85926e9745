package activities

import (
	"errors"
	"fmt"
	"net/http"

	"go.temporal.io/sdk/temporal"

	"github.com/besunny/workflows/internal/attendee"
)

// Error types of Attendee activities.
const (
	// ErrTypeAttendeeRejected: Attendee refused the request (a 400: an
	// unsupported meeting link, a join time in the past, …); retrying cannot
	// help. The message is Attendee's.
	ErrTypeAttendeeRejected = "AttendeeRejected"
	// ErrTypeAttendeeBotNotFound: Attendee does not know the bot (404).
	ErrTypeAttendeeBotNotFound = "AttendeeBotNotFound"
	// ErrTypeAttendeeDisabled: no Attendee is configured (ATTENDEE_API_KEY
	// unset in production).
	ErrTypeAttendeeDisabled = "AttendeeDisabled"
	// ErrTypeAttendeeRateLimited: 429; retried after Retry-After.
	ErrTypeAttendeeRateLimited = "AttendeeRateLimited"
	// ErrTypeAttendeeUnavailable: 5xx or a timeout; retried with backoff.
	ErrTypeAttendeeUnavailable = "AttendeeUnavailable"
	// ErrTypeAttendeeUnauthorized: the API key was refused; retried (slowly)
	// so that fixing ATTENDEE_API_KEY resumes the work.
	ErrTypeAttendeeUnauthorized = "AttendeeUnauthorized"
)

// attendeeError turns an Attendee client error into what Temporal should do
// with it.
func attendeeError(err error) error {
	var ae *attendee.APIError
	if !errors.As(err, &ae) {
		return fmt.Errorf("attendee: %w", err) // transport: the retry policy retries
	}
	opts := temporal.ApplicationErrorOptions{NextRetryDelay: ae.RetryAfter}
	switch {
	case ae.StatusCode == http.StatusTooManyRequests:
		return temporal.NewApplicationErrorWithOptions(ae.Error(), ErrTypeAttendeeRateLimited, opts)
	case ae.Temporary():
		return temporal.NewApplicationErrorWithOptions(ae.Error(), ErrTypeAttendeeUnavailable, opts)
	case attendee.IsUnauthorized(err):
		return temporal.NewApplicationErrorWithOptions(ae.Error(), ErrTypeAttendeeUnauthorized, opts)
	case attendee.IsNotFound(err):
		return temporal.NewApplicationErrorWithOptions(ae.Error(), ErrTypeAttendeeBotNotFound, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return temporal.NewApplicationErrorWithOptions(ae.Message, ErrTypeAttendeeRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
}
