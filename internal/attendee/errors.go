package attendee

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/retryafter"
)

// APIError is a non-2xx answer from Attendee.
type APIError struct {
	// Op names the call, e.g. "create bot".
	Op         string
	StatusCode int
	// Message is Attendee's own explanation ({"error"}, {"detail"} or the
	// field errors of a 400), or the status text.
	Message string
	// RetryAfter is the server's Retry-After (429, 503), zero when absent.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("attendee %s: %d %s", e.Op, e.StatusCode, e.Message)
}

// Temporary reports whether the same call may succeed later: rate limits,
// server errors and request timeouts.
func (e *APIError) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusRequestTimeout || e.StatusCode >= 500
}

// IsNotFound reports whether err is Attendee's 404 (unknown bot).
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnauthorized reports whether Attendee refused the API key.
func IsUnauthorized(err error) bool {
	s := statusOf(err)
	return s == http.StatusUnauthorized || s == http.StatusForbidden
}

// IsDeduplicationConflict reports whether a create was refused because a
// bot that has not ended already holds the deduplication key.
func IsDeduplicationConflict(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(ae.Message), "deduplication key already in use")
}

// IsInvalidState reports whether Attendee refused an action the bot's
// state does not allow (reschedule or delete once it is no longer
// scheduled, leave before it is joining or after it left).
func IsInvalidState(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest {
		return false
	}
	m := strings.ToLower(ae.Message)
	return strings.Contains(m, "bot is in state") || strings.Contains(m, "not allowed when bot is in state")
}

// IsTemporary reports whether err is worth retrying: a temporary APIError
// or any transport failure (timeouts, refused connections).
func IsTemporary(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Temporary()
	}
	return err != nil
}

func statusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

// apiError builds the error for a non-2xx response whose body is body.
func apiError(op string, resp *http.Response, body []byte, now time.Time) *APIError {
	return &APIError{
		Op:         op,
		StatusCode: resp.StatusCode,
		Message:    errorMessage(resp.StatusCode, body),
		RetryAfter: retryafter.Parse(resp.Header.Get("Retry-After"), now),
	}
}

// errorMessage reads Attendee's error bodies: {"error": "…"}, DRF's
// {"detail": "…"}, or a map of field errors {"join_at": ["…"]}.
func errorMessage(status int, body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) == nil && len(m) > 0 {
		for _, k := range []string{"error", "detail"} {
			var s string
			if raw, ok := m[k]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
				return s
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			var msgs []string
			if json.Unmarshal(m[k], &msgs) == nil {
				parts = append(parts, k+": "+strings.Join(msgs, "; "))
				continue
			}
			parts = append(parts, k+": "+string(m[k]))
		}
		return strings.Join(parts, ", ")
	}
	if s := strings.TrimSpace(string(body)); s != "" && len(s) < 300 {
		return s
	}
	return http.StatusText(status)
}
