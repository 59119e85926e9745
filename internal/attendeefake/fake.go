// Package attendeefake is the sandbox Attendee: a local stand-in for the
// bots API of attendee.dev that speaks its wire format (routes, JSON
// shapes, state and event codes, error bodies, Token authentication), runs
// each bot through Attendee's lifecycle on a clock, and delivers bot-level
// webhooks signed as Attendee signs them. It backs the product's sandbox
// mode (no ATTENDEE_API_KEY) and the tests; internal/attendee is its client.
//
// # Wiring
//
//	fake := attendeefake.New(attendeefake.Options{APIKey: "k"})
//	srv := httptest.NewServer(fake.Handler())
//	client, _ := attendee.New(attendee.Options{BaseURL: srv.URL, APIKey: "k"})
//
// # What it models
//
// POST/GET /api/v1/bots (deduplication_key, filters, cursor pages), GET,
// PATCH and DELETE /api/v1/bots/{id} (only while scheduled), POST
// /api/v1/bots/{id}/leave, GET /api/v1/bots/{id}/transcript. A bot created
// with join_at is "scheduled", is "staged" Lifecycle.StageLead before it and
// starts "joining" at join_at; without join_at it is "joining" at once.
// What happens in the meeting follows the meeting's script (SetMeeting, or
// PUT /_fake/meetings): admitted (joined_not_recording, then
// joined_recording, or joined_recording_permission_denied), the waiting
// room (admitted later, or could_not_join_meeting /
// waiting_room_timeout_exceeded), a refused join, a meeting not found. The
// meeting ends after its duration (meeting_ended → post_processing →
// post_processing_completed → ended); the script's utterances are released
// into the transcript as the recording reaches them. Webhooks
// (bot.state_change, transcript.update) carry Python's JSON, are signed with
// HMAC-SHA256 over the canonical JSON, and are retried like Attendee's
// (3 attempts, exponential backoff) with the same idempotency_key. Faults:
// 429 with Retry-After, 500, 503, a response lost after its effect, and
// dropped, duplicated or delayed webhook deliveries.
//
// Simplifications: no recordings, chat, participants or media; meeting
// URLs are checked by host (Zoom, Google Meet, Teams) only; every request
// belongs to one project.
package attendeefake

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultWebhookSecret is the sandbox's webhook secret as Attendee's
// dashboard would show it (base64 of 32 bytes).
const DefaultWebhookSecret = "YmVzdW5ueS1zYW5kYm94LWF0dGVuZGVlLXNlY3JldCE="

// Options configure a Fake. The zero value is usable.
type Options struct {
	// APIKey, when set, is required as "Authorization: Token <APIKey>".
	APIKey string
	// WebhookSecret is the base64 secret webhooks are signed with; default
	// DefaultWebhookSecret.
	WebhookSecret string
	// Clock is the time of the lifecycle: when bots stage, join, record and
	// end. Default time.Now. Tests pass a controllable clock and TickInterval
	// -1, and call Step after moving it.
	Clock func() time.Time
	// TickInterval is how often the lifecycle is stepped in the background;
	// default 200 ms, negative for never (call Step).
	TickInterval time.Duration
	// Lifecycle times the automatic transitions.
	Lifecycle Lifecycle
	// RequireHTTPSWebhooks refuses http:// webhook URLs, as Attendee does in
	// production. Default false: the sandbox calls a local API.
	RequireHTTPSWebhooks bool
	// BaseURL is the fake's external URL, used in next-page links; default
	// derived from each request.
	BaseURL string
	// HTTPClient delivers webhooks; default a client with Attendee's 10 s
	// timeout.
	HTTPClient *http.Client
	// WebhookAttempts is how many times a delivery is tried (Attendee's
	// MAX_WEBHOOK_DELIVERY_ATTEMPTS, default 3).
	WebhookAttempts int
	// WebhookBackoff is the first retry delay, doubled per attempt
	// (Celery's retry_backoff: 1 s, 2 s, …). Default 1 s.
	WebhookBackoff time.Duration
	// StateFile, when set, keeps bots and meeting scripts across restarts.
	StateFile string
	// Logger receives the fake's diagnostics; default discard.
	Logger *slog.Logger
}

// Lifecycle times the transitions a bot goes through on its own.
type Lifecycle struct {
	// StageLead: a scheduled bot is staged this long before join_at
	// (Attendee: 5–10 min). Default 5 min.
	StageLead time.Duration
	// JoinDelay: joining → in the meeting, the waiting room or a refusal.
	// Default 5 s.
	JoinDelay time.Duration
	// RecordingDelay: joined_not_recording → recording (or refused).
	// Default 2 s.
	RecordingDelay time.Duration
	// MeetingDuration: how long a meeting without a scripted duration goes
	// on after the bot is admitted. Default 10 min.
	MeetingDuration time.Duration
	// LeaveDelay: leaving → post_processing. Default 2 s.
	LeaveDelay time.Duration
	// PostProcessing: post_processing → ended. Default 10 s.
	PostProcessing time.Duration
	// WaitingRoomTimeout: a bot never admitted gives up after this
	// (Attendee's waiting_room_timeout_seconds, default 900 s).
	WaitingRoomTimeout time.Duration
}

func (l *Lifecycle) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&l.StageLead, 5*time.Minute)
	def(&l.JoinDelay, 5*time.Second)
	def(&l.RecordingDelay, 2*time.Second)
	def(&l.MeetingDuration, 10*time.Minute)
	def(&l.LeaveDelay, 2*time.Second)
	def(&l.PostProcessing, 10*time.Second)
	def(&l.WaitingRoomTimeout, 15*time.Minute)
}

// Fake is the sandbox Attendee. It is safe for concurrent use.
type Fake struct {
	opts   Options
	now    func() time.Time
	log    *slog.Logger
	secret []byte
	mux    *http.ServeMux

	// mu guards everything below; webhook deliveries and HTTP answers are
	// made after releasing it.
	mu       sync.Mutex
	bots     map[string]*bot
	order    []string // bot ids in creation order
	meetings map[string]Meeting

	faults *faultInjector
	hooks  *deliveries
	file   *stateFile

	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// New returns a running Fake; Close stops it.
func New(opts Options) *Fake {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.TickInterval == 0 {
		opts.TickInterval = 200 * time.Millisecond
	}
	if opts.WebhookSecret == "" {
		opts.WebhookSecret = DefaultWebhookSecret
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.WebhookAttempts <= 0 {
		opts.WebhookAttempts = 3
	}
	if opts.WebhookBackoff <= 0 {
		opts.WebhookBackoff = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	opts.Lifecycle.defaults()
	secret, err := base64.StdEncoding.DecodeString(opts.WebhookSecret)
	if err != nil {
		// A secret that is not base64 is used as it is, so a sandbox
		// configured by hand still signs something.
		secret = []byte(opts.WebhookSecret)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &Fake{
		opts:     opts,
		now:      opts.Clock,
		log:      opts.Logger,
		secret:   secret,
		bots:     map[string]*bot{},
		meetings: map[string]Meeting{},
		faults:   newFaultInjector(),
		ctx:      ctx,
		cancel:   cancel,
	}
	f.hooks = newDeliveries(f)
	if opts.StateFile != "" {
		f.file = newStateFile(f, opts.StateFile)
	}
	f.routes()
	if opts.TickInterval > 0 {
		f.wg.Add(1)
		go f.tick(opts.TickInterval)
	}
	return f
}

// Handler serves the bots API under /api/v1/ and the admin API under
// /_fake/.
func (f *Fake) Handler() http.Handler { return f.mux }

// WebhookSecret is the base64 secret the fake signs webhooks with.
func (f *Fake) WebhookSecret() string { return f.opts.WebhookSecret }

// Close stops the lifecycle and pending webhook deliveries and saves the
// state file. It is idempotent.
func (f *Fake) Close() {
	f.closeOnce.Do(func() {
		f.cancel()
		f.wg.Wait()
		f.hooks.wait()
		if f.file != nil {
			f.file.close()
		}
	})
}

func (f *Fake) tick(every time.Duration) {
	defer f.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-f.ctx.Done():
			return
		case <-t.C:
			f.Step()
		}
	}
}

func (f *Fake) routes() {
	m := http.NewServeMux()
	f.mux = m
	m.HandleFunc("POST /api/v1/bots", f.api("create bot", f.createBot))
	m.HandleFunc("GET /api/v1/bots", f.api("list bots", f.listBots))
	m.HandleFunc("GET /api/v1/bots/{id}", f.api("get bot", f.getBot))
	m.HandleFunc("PATCH /api/v1/bots/{id}", f.api("patch bot", f.patchBot))
	m.HandleFunc("DELETE /api/v1/bots/{id}", f.api("delete bot", f.deleteBot))
	m.HandleFunc("POST /api/v1/bots/{id}/leave", f.api("leave", f.leaveBot))
	m.HandleFunc("GET /api/v1/bots/{id}/transcript", f.api("transcript", f.transcript))
	f.adminRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
	})
}

// api wraps a bots API method: Token authentication, then injected faults,
// then the method. A lost-response fault runs the method and throws its
// answer away, as a connection dropped after the server committed would.
func (f *Fake) api(op string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !f.authenticate(w, r) {
			return
		}
		fault := f.faults.plan(op)
		if fault.apply(w, f.now()) {
			return
		}
		if fault.lostResponse {
			h(discardWriter{header: http.Header{}}, r)
			writeJSON(w, http.StatusBadGateway, map[string]string{"error": "upstream connection reset"})
			return
		}
		h(w, r)
	}
}

func (f *Fake) authenticate(w http.ResponseWriter, r *http.Request) bool {
	if f.opts.APIKey == "" {
		return true
	}
	h, ok := r.Header["Authorization"]
	if !ok {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Missing Authorization header"})
		return false
	}
	parts := strings.Fields(strings.Join(h, " "))
	if len(parts) != 2 || !strings.EqualFold(parts[0], "token") {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Invalid Authorization header. Should have this format: Token <api_key>"})
		return false
	}
	if parts[1] != f.opts.APIKey {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Invalid or disabled API key"})
		return false
	}
	return true
}

// discardWriter swallows an answer (lost-response faults).
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// changed schedules a state save; callers hold f.mu.
func (f *Fake) changed() {
	if f.file != nil {
		f.file.markDirty()
	}
}
