package activities

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// Error types of non-retryable activity failures. Retry policies match on the
// top-level type, so activities return these through nonRetryable rather than
// wrapping them in other errors.
const (
	// ErrTypeMessageMissing: the stored message a run refers to does not exist.
	ErrTypeMessageMissing = "MessageMissing"
	// ErrTypeInvalidInput: the activity was called with input it cannot use.
	ErrTypeInvalidInput = "InvalidInput"
)

func nonRetryable(errType string, cause error, format string, args ...any) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(format, args...), errType, temporal.ApplicationErrorOptions{
		NonRetryable: true,
		Cause:        cause,
	})
}
