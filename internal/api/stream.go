package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/live"
)

// stream is one subscriber's state, shared by the SSE and WebSocket
// transports.
type stream struct {
	sub *live.Subscription
	// from is the id the stream is complete after (the ready message's).
	from int64
	// replayFrom is where the replay starts when the client resumes; -1
	// when it does not.
	replayFrom int64
	// pruned: the client resumed from before the retention horizon.
	pruned bool
	// expires is when the caller's credential expires (zero: never).
	expires time.Time
}

// sink is a transport: it writes a batch of messages (SSE frames or
// WebSocket messages) within the write timeout, and heartbeats.
type sink interface {
	send(ctx context.Context, msgs [][]byte) error
	heartbeat(ctx context.Context) error
	// encode picks the transport's encoding of an event or control message.
	event(e *live.Event) []byte
	control(c live.Control) []byte
}

// openStream checks the caller and the resume point and subscribes, before
// anything is written, so every refusal is a plain HTTP problem.
func (s *Server) openStream(c echo.Context, since *int64, userParam *uuid.UUID) (*stream, error) {
	if s.live == nil {
		return nil, newProblem(http.StatusServiceUnavailable, "live updates are not served by this process")
	}
	p := principal(c)
	var filter live.Filter
	key := "service"
	switch {
	case p.IsService() && userParam != nil:
		filter = live.Filter{UserID: *userParam}
	case p.IsService():
		filter = live.Filter{All: true}
	case userParam != nil && *userParam != p.UserID:
		return nil, forbidden("a user token streams its own events only; user_id is for the service role")
	default:
		filter, key = live.Filter{UserID: p.UserID}, p.UserID.String()
	}
	resume, err := resumePoint(c, since)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	var pruned int64
	if resume >= 0 {
		if pruned, err = live.PrunedThrough(ctx, s.store.Queries); err != nil {
			return nil, err
		}
	}
	sub, err := s.live.Subscribe(key, filter)
	switch {
	case errors.Is(err, live.ErrTooManyForCaller):
		c.Response().Header().Set("Retry-After", "10")
		return nil, newProblem(http.StatusTooManyRequests,
			"too many open streams for this caller (EVENTS_MAX_CONNECTIONS_PER_USER="+strconv.Itoa(s.cfg.Live.MaxConnectionsPerUser)+"); close one first")
	case errors.Is(err, live.ErrTooManyStreams), errors.Is(err, live.ErrHubClosed):
		c.Response().Header().Set("Retry-After", "5")
		return nil, newProblem(http.StatusServiceUnavailable, "this server holds as many streams as it can; retry, another replica may answer")
	case err != nil:
		return nil, err
	}
	st := &stream{sub: sub, from: sub.Start(), replayFrom: -1, expires: p.ExpiresAt}
	switch {
	case resume < 0:
	case resume < pruned:
		st.pruned = true
	default:
		// A client ahead of this replica (it saw newer events through
		// another) is complete from its own id; the live events it has
		// seen are skipped.
		st.from, st.replayFrom = resume, resume
	}
	return st, nil
}

// resumePoint is the larger of ?since= and Last-Event-ID, or -1 when the
// client sent neither.
func resumePoint(c echo.Context, since *int64) (int64, error) {
	resume := int64(-1)
	if since != nil {
		if *since < 0 {
			return 0, badRequest("since is an event id (0 or more)")
		}
		resume = *since
	}
	if h := strings.TrimSpace(c.Request().Header.Get("Last-Event-ID")); h != "" {
		id, err := strconv.ParseInt(h, 10, 64)
		if err != nil || id < 0 {
			return 0, badRequest("Last-Event-ID must be an event id this API sent")
		}
		resume = max(resume, id)
	}
	return resume, nil
}

// run writes the stream: ready, the replay of what the client missed, then
// live events, with heartbeats, until the client leaves, the subscription
// ends or the credential expires. Every event goes out once, in id order:
// the replay covers (since, start] and the subscription everything after
// start, and nothing at or below the last id sent is sent again.
func (s *Server) run(ctx context.Context, st *stream, out sink) error {
	last := st.from
	if err := out.send(ctx, [][]byte{out.control(live.Ready(last, s.cfg.Live.Heartbeat))}); err != nil {
		return err
	}
	if st.pruned {
		if err := out.send(ctx, [][]byte{out.control(live.Resync(live.ResyncHistoryPruned, last))}); err != nil {
			return err
		}
	}
	var batch [][]byte
	deliver := func(events []*live.Event) error {
		batch = batch[:0]
		for _, e := range events {
			if e.ID <= last {
				continue
			}
			batch = append(batch, out.event(e))
			last = e.ID
		}
		if len(batch) == 0 {
			return nil
		}
		return out.send(ctx, batch)
	}
	if st.replayFrom >= 0 {
		if err := live.Replay(ctx, s.store.Queries, st.sub.Filter(), st.replayFrom, st.sub.Start(), deliver); err != nil {
			return err
		}
	}
	heartbeat := time.NewTicker(s.cfg.Live.Heartbeat)
	defer heartbeat.Stop()
	var expired <-chan time.Time
	if !st.expires.IsZero() {
		t := time.NewTimer(time.Until(st.expires))
		defer t.Stop()
		expired = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-expired:
			return errCredentialExpired
		case <-st.sub.Wake():
			if err := deliver(st.sub.Take()); err != nil {
				return err
			}
		case <-st.sub.Done():
			if err := st.sub.Err(); errors.Is(err, live.ErrSlowConsumer) {
				// The events are still in the log: the client may resume
				// from last, or reload.
				_ = out.send(ctx, [][]byte{out.control(live.Resync(live.ResyncSlowConsumer, last))})
				return err
			} else if err != nil {
				return err
			}
			return nil
		case <-heartbeat.C:
			if err := out.heartbeat(ctx); err != nil {
				return err
			}
		}
	}
}

var errCredentialExpired = errors.New("the credential of the stream expired")

// streamPrincipal authenticates a stream request that carries ?ticket=: the
// ticket is taken (it never works again) and names the caller. A request
// that also sends a bearer token must be the same caller.
func (s *Server) streamPrincipal(c echo.Context, ticket string) (auth.Principal, error) {
	ctx := c.Request().Context()
	p, err := live.RedeemTicket(ctx, s.store.Queries, ticket)
	if errors.Is(err, live.ErrTicketInvalid) {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="besunny", error="invalid_token"`)
		return p, newProblem(http.StatusUnauthorized, "the ticket is unknown, expired or already used: get a new one with POST /api/v1/events/ticket")
	}
	if err != nil {
		return p, err
	}
	if header := c.Request().Header.Get(echo.HeaderAuthorization); header != "" {
		if _, token, ok := strings.Cut(header, " "); ok {
			bearer, err := s.verifier.Verify(ctx, token)
			if err != nil || bearer.UserID != p.UserID || bearer.Role != p.Role {
				return p, newProblem(http.StatusUnauthorized, "the ticket was issued to another caller than the bearer token")
			}
		}
	}
	return p, nil
}
