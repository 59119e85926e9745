package api

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/live"
)

// StreamEvents serves the caller's events as Server-Sent Events.
//
// On HTTP/1.1 the connection is taken over from net/http once the caller is
// authenticated and subscribed: the stream then costs one small goroutine
// and the socket, instead of the server's request goroutine (with the deep
// stack of the middleware chain), its background reader and three buffers
// — about a third of the memory per stream, which is what lets one process
// hold 10,000 of them. The response ends when the stream does (Connection:
// close; no chunking), so every HTTP/1.1 client reads it as usual.
func (s *Server) StreamEvents(c echo.Context, params apigen.StreamEventsParams) error {
	st, err := s.openStream(c, params.Since, params.UserId)
	if err != nil {
		return err
	}
	w := c.Response()
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache, no-transform")
	// nginx and similar proxies would otherwise buffer the stream.
	h.Set("X-Accel-Buffering", "no")
	if c.Request().ProtoMajor == 1 {
		if conn, rw, err := http.NewResponseController(w).Hijack(); err == nil {
			return s.serveDetached(c, st, conn, rw)
		}
	}
	defer st.sub.Close()
	rc := http.NewResponseController(w)
	// A stream lives for hours: the server's write timeout would cut it.
	// Each write gets its own deadline instead (sseSink.send).
	_ = rc.SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	err = s.run(c.Request().Context(), st, &sseSink{w: w, flush: rc.Flush, deadline: rc.SetWriteDeadline, timeout: s.cfg.Live.WriteTimeout})
	s.log.DebugContext(c.Request().Context(), "event stream ended", "error", err, "request_id", requestID(c))
	return nil
}

// serveDetached writes the response head on the hijacked connection and
// runs the stream on a goroutine of its own; the handler returns at once.
func (s *Server) serveDetached(c echo.Context, st *stream, conn net.Conn, rw *bufio.ReadWriter) error {
	w := c.Response()
	w.Header().Set("Connection", "close")
	head := rw.Writer
	_, _ = head.WriteString("HTTP/1.1 200 OK\r\n")
	_ = w.Header().Write(head)
	_, _ = head.WriteString("\r\n")
	_ = conn.SetWriteDeadline(time.Now().Add(s.cfg.Live.WriteTimeout))
	if err := head.Flush(); err != nil {
		st.sub.Close()
		conn.Close()
		return nil
	}
	// Seen by the access log and the metrics, which run when this returns.
	w.Status, w.Committed = http.StatusOK, true
	requestID := requestID(c)
	go func() {
		defer conn.Close()
		defer st.sub.Close()
		// The request's context ends with the handler; the stream ends
		// with a failed write (a gone client is found by the next
		// heartbeat at the latest), its subscription or its credential.
		err := s.run(context.Background(), st, &sseSink{w: conn, deadline: conn.SetWriteDeadline, timeout: s.cfg.Live.WriteTimeout})
		s.log.Debug("event stream ended", "error", err, "request_id", requestID)
	}()
	return nil
}

// sseSink writes SSE frames to a response (or a hijacked connection), each
// batch within the write timeout.
type sseSink struct {
	w        interface{ Write([]byte) (int, error) }
	flush    func() error
	deadline func(time.Time) error
	timeout  time.Duration
}

var sseHeartbeat = []byte(": ping\n\n")

func (k *sseSink) send(_ context.Context, msgs [][]byte) error {
	_ = k.deadline(time.Now().Add(k.timeout))
	if conn, ok := k.w.(net.Conn); ok && len(msgs) > 1 {
		// One writev for the batch.
		bufs := net.Buffers(msgs)
		_, err := bufs.WriteTo(conn)
		return err
	}
	for _, m := range msgs {
		if _, err := k.w.Write(m); err != nil {
			return err
		}
	}
	if k.flush != nil {
		return k.flush()
	}
	return nil
}

func (k *sseSink) heartbeat(ctx context.Context) error { return k.send(ctx, [][]byte{sseHeartbeat}) }

func (k *sseSink) event(e *live.Event) []byte    { return e.SSE }
func (k *sseSink) control(c live.Control) []byte { return c.SSE }
