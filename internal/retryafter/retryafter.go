// Package retryafter reads the Retry-After header of an HTTP answer
// (RFC 9110 §10.2.3), which Google, Attendee, OpenAI and BeSunny's own API
// send with a 429 or 503.
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse reads a Retry-After value — delay seconds (fractions accepted, as
// some servers send them) or an HTTP date — as the wait from now. Zero
// means no usable value: empty, unreadable, negative or in the past.
func Parse(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
