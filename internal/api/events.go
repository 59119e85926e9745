package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/live"
)

// StreamEvents serves the caller's events as Server-Sent Events.
func (s *Server) StreamEvents(c echo.Context, params apigen.StreamEventsParams) error {
	st, err := s.openStream(c, params.Since, params.UserId)
	if err != nil {
		return err
	}
	defer st.sub.Close()
	w := c.Response()
	rc := http.NewResponseController(w)
	// A stream lives for hours: the server's write timeout would cut it.
	// Each write gets its own deadline instead (sseSink.send).
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache, no-transform")
	// nginx and similar proxies would otherwise buffer the stream.
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	err = s.run(c.Request().Context(), st, &sseSink{w: w, rc: rc, timeout: s.cfg.Live.WriteTimeout})
	if err != nil {
		s.log.DebugContext(c.Request().Context(), "event stream ended", "error", err, "request_id", requestID(c))
	}
	return nil
}

type sseSink struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

var sseHeartbeat = []byte(": ping\n\n")

func (k *sseSink) send(_ context.Context, msgs [][]byte) error {
	_ = k.rc.SetWriteDeadline(time.Now().Add(k.timeout))
	for _, m := range msgs {
		if _, err := k.w.Write(m); err != nil {
			return err
		}
	}
	return k.rc.Flush()
}

func (k *sseSink) heartbeat(ctx context.Context) error { return k.send(ctx, [][]byte{sseHeartbeat}) }

func (k *sseSink) event(e *live.Event) []byte    { return e.SSE }
func (k *sseSink) control(c live.Control) []byte { return c.SSE }
