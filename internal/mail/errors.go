package mail

import (
	"errors"
	"fmt"
)

// Reason is a stable, machine-readable cause for a message that cannot become a
// document. Reasons are stored with the processing log and shown to users.
type Reason string

// Reasons a message fails to parse.
const (
	ReasonTooLarge    Reason = "too_large"
	ReasonUnparseable Reason = "unparseable"
)

// ParseError reports why a raw message could not be parsed at all.
type ParseError struct {
	Reason Reason
	Detail string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s: %s", e.Reason, e.Detail)
}

// ReasonOf returns the Reason carried by err, or "" when err is not a ParseError.
func ReasonOf(err error) Reason {
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return ""
}
