package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// The streaming routes keep their response open for as long as the client
// listens: server-sent events at /api/v1/events and the WebSocket at
// /api/v1/ws. Reads (GET) under these two prefixes are exempt from the
// server's read and write timeouts and from HTTP_TIMEOUT (not from
// authentication or rate limits); POST /api/v1/events/ticket is an ordinary
// request. Only the two routes themselves accept ?ticket=. A new long-lived
// route goes under one of the prefixes.
const (
	eventsPath    = "/api/v1/events"
	websocketPath = "/api/v1/ws"
)

// isStreamPath reports whether path is one of the two stream routes.
func isStreamPath(path string) bool {
	p := strings.TrimRight(path, "/")
	return p == eventsPath || p == websocketPath
}

// isStreaming reports whether r reads a streaming route.
func isStreaming(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	for _, p := range []string{eventsPath, websocketPath} {
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
