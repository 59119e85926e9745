package googlefake

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// outbox delivers outgoing HTTP callbacks (Gmail Pub/Sub pushes, Drive
// channel notifications) asynchronously: in order per key, concurrently
// across keys, with retries and exponential backoff. One goroutine runs
// per key that has pending work, so a flood of deliveries to one mailbox
// does not spawn a goroutine per message.
type outbox struct {
	client   *http.Client
	attempts int
	backoff  time.Duration
	log      *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	queues map[string][]delivery
}

// delivery is one callback. build makes a fresh request per attempt
// (bodies are consumed); alive, when set, is checked before each attempt so
// stopped or expired channels send nothing; done reports the outcome.
type delivery struct {
	build func(ctx context.Context) (*http.Request, error)
	alive func() bool
	done  func(ok bool)
}

func newOutbox(c *http.Client, attempts int, backoff time.Duration, log *slog.Logger) *outbox {
	ctx, cancel := context.WithCancel(context.Background())
	return &outbox{client: c, attempts: attempts, backoff: backoff, log: log,
		ctx: ctx, cancel: cancel, queues: map[string][]delivery{}}
}

func (o *outbox) enqueue(key string, d delivery) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ctx.Err() != nil {
		return
	}
	q := o.queues[key]
	o.queues[key] = append(q, d)
	if len(q) == 0 {
		// The queue was idle: start its worker. A running worker keeps
		// the head in the queue until it is sent, so len(q) > 0 means
		// one is already running.
		o.wg.Add(1)
		go o.drain(key)
	}
}

func (o *outbox) drain(key string) {
	defer o.wg.Done()
	for {
		o.mu.Lock()
		q := o.queues[key]
		if len(q) == 0 {
			delete(o.queues, key)
			o.mu.Unlock()
			return
		}
		d := q[0]
		o.mu.Unlock()

		ok := o.send(d)
		if d.done != nil {
			d.done(ok)
		}

		o.mu.Lock()
		o.queues[key] = o.queues[key][1:]
		o.mu.Unlock()
	}
}

// send tries d until it is acknowledged with 2xx, the attempts run out, it
// stops being alive or the outbox closes.
func (o *outbox) send(d delivery) bool {
	wait := o.backoff
	for attempt := 1; ; attempt++ {
		if o.ctx.Err() != nil || (d.alive != nil && !d.alive()) {
			return false
		}
		req, err := d.build(o.ctx)
		if err != nil {
			o.log.Error("googlefake: building callback", "err", err)
			return false
		}
		resp, err := o.client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return true
			}
			err = errStatus(resp.StatusCode)
		}
		o.log.Warn("googlefake: callback failed", "url", req.URL.String(), "attempt", attempt, "err", err)
		if attempt >= o.attempts {
			return false
		}
		select {
		case <-time.After(wait):
		case <-o.ctx.Done():
			return false
		}
		wait = min(2*wait, 5*time.Second)
	}
}

type errStatus int

func (e errStatus) Error() string { return "HTTP " + strconv.Itoa(int(e)) }

// close drops pending callbacks and waits for workers to stop.
func (o *outbox) close() {
	o.mu.Lock()
	o.cancel()
	o.mu.Unlock()
	o.wg.Wait()
}

// pushDueLocked reports whether a message with labels, just added to mb,
// triggers a Gmail push: the fake pushes on messageAdded when a watch is
// active and its label filter matches. s.mu must be held.
func (s *Server) pushDueLocked(mb *mailbox, labels []string) bool {
	w := mb.Watch
	if s.opts.PushEndpoint == "" || w == nil || w.Expiration <= s.now().UnixMilli() {
		return false
	}
	if len(w.LabelIDs) == 0 {
		return true
	}
	hit := slices.ContainsFunc(w.LabelIDs, func(l string) bool { return slices.Contains(labels, l) })
	return hit != w.Exclude
}

// pushEnvelope is the body Pub/Sub POSTs to a push endpoint. Pub/Sub sends
// both camelCase and snake_case names for the id and time.
type pushEnvelope struct {
	Message struct {
		Data             string `json:"data"`
		MessageID        string `json:"messageId"`
		MessageIDSnake   string `json:"message_id"`
		PublishTime      string `json:"publishTime"`
		PublishTimeSnake string `json:"publish_time"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

// enqueuePush sends Gmail's notification {"emailAddress","historyId"} for
// mailbox through the Pub/Sub push emulation.
func (s *Server) enqueuePush(addr string, historyID uint64) {
	s.mu.Lock()
	s.st.Seq++
	msgID := strconv.FormatUint(10000000000000+s.st.Seq, 10)
	s.mu.Unlock()
	data, _ := json.Marshal(struct {
		EmailAddress string `json:"emailAddress"`
		HistoryID    uint64 `json:"historyId"`
	}{addr, historyID})
	var env pushEnvelope
	env.Message.Data = base64.StdEncoding.EncodeToString(data)
	env.Message.MessageID, env.Message.MessageIDSnake = msgID, msgID
	published := s.now().UTC().Format(time.RFC3339Nano)
	env.Message.PublishTime, env.Message.PublishTimeSnake = published, published
	env.Subscription = s.opts.PushSubscription
	body, _ := json.Marshal(env)

	s.out.enqueue("gmail:"+addr, delivery{
		build: func(ctx context.Context) (*http.Request, error) {
			tok, err := s.pushToken()
			if err != nil {
				return nil, err
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.PushEndpoint, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			return req, nil
		},
		done: func(ok bool) {
			s.stats.update(func(st *Stats) {
				if ok {
					st.PushesSent++
				} else {
					st.PushesFailed++
				}
			})
		},
	})
}

// pushToken mints the OIDC token Pub/Sub attaches to authenticated pushes.
func (s *Server) pushToken() (string, error) {
	now := s.now()
	return s.SignIDToken(map[string]any{
		"iss":            googleIssuer,
		"aud":            s.opts.PushAudience,
		"azp":            subjectFor(s.opts.PushServiceAccount),
		"sub":            subjectFor(s.opts.PushServiceAccount),
		"email":          s.opts.PushServiceAccount,
		"email_verified": true,
		"iat":            now.Unix(),
		"exp":            now.Add(time.Hour).Unix(),
	})
}
