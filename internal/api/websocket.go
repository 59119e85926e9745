package api

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/live"
)

// StreamEventsWebSocket serves the caller's events over a WebSocket: the
// same messages as the SSE stream, one text message each.
func (s *Server) StreamEventsWebSocket(c echo.Context, params apigen.StreamEventsWebSocketParams) error {
	st, err := s.openStream(c, params.Since, params.UserId)
	if err != nil {
		return err
	}
	defer st.sub.Close()
	conn, err := websocket.Accept(c.Response(), c.Request(), &websocket.AcceptOptions{
		OriginPatterns: s.websocketOrigins(),
		// Events are small and compression costs memory per connection.
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		return nil // Accept has answered (426, 403 …)
	}
	defer conn.CloseNow()
	// The client only answers pings; CloseRead reads (and answers) control
	// frames and closes the connection on any data message.
	ctx := conn.CloseRead(c.Request().Context())
	err = s.run(ctx, st, &wsSink{conn: conn, timeout: s.cfg.Live.WriteTimeout})
	code, reason := websocket.StatusNormalClosure, ""
	switch {
	case errors.Is(err, live.ErrSlowConsumer):
		code, reason = websocket.StatusPolicyViolation, "slow consumer: resync"
	case errors.Is(err, live.ErrHubClosed):
		code, reason = websocket.StatusGoingAway, "server shutting down"
	case errors.Is(err, errCredentialExpired):
		code, reason = websocket.StatusPolicyViolation, "credential expired"
	case err != nil:
		return nil // the connection is gone
	}
	_ = conn.Close(code, reason)
	return nil
}

// websocketOrigins are the page origins allowed to open a WebSocket: those of
// CORS_ALLOWED_ORIGINS ("*" allows any). Streams are authenticated by header
// or ticket, never by cookie, so a foreign page cannot ride a user's session.
func (s *Server) websocketOrigins() []string {
	var out []string
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" {
			return []string{"*"}
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
}

type wsSink struct {
	conn    *websocket.Conn
	timeout time.Duration
}

func (k *wsSink) send(ctx context.Context, msgs [][]byte) error {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	for _, m := range msgs {
		if err := k.conn.Write(ctx, websocket.MessageText, m); err != nil {
			return err
		}
	}
	return nil
}

func (k *wsSink) heartbeat(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	return k.conn.Ping(ctx)
}

func (k *wsSink) event(e *live.Event) []byte    { return e.JSON }
func (k *wsSink) control(c live.Control) []byte { return c.JSON }
