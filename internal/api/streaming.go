package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// streamingPrefixes are the routes whose responses stay open for as long as
// the client listens: server-sent events under /api/v1/events and WebSockets
// under /api/v1/ws. Every route under them is exempt from the server's read
// and write timeouts and from HTTP_TIMEOUT; nothing else is. A new
// long-lived route goes under one of these prefixes (or gets its own here).
func streamingPrefixes() []string { return []string{"/api/v1/events", "/api/v1/ws"} }

// isStreaming reports whether r is for a streaming route.
func isStreaming(r *http.Request) bool {
	for _, p := range streamingPrefixes() {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			return true
		}
	}
	return false
}

// liftDeadlines clears the connection's read and write deadlines for
// streaming routes, which the server set from HTTP_READ_TIMEOUT and
// HTTP_WRITE_TIMEOUT. The read deadline matters too: once it passes, the
// server's background read fails and cancels the request's context. A
// stream must instead end when its client goes or the server shuts down.
func liftDeadlines(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isStreaming(c.Request()) {
			rc := http.NewResponseController(c.Response())
			// ErrNotSupported only for writers that have no deadlines to lift
			// (tests' recorders).
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
		}
		return next(c)
	}
}
