package googlefake

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/besunny/workflows/internal/googlefake/store"
)

// Options configures a fake Server. The zero value is usable.
type Options struct {
	// Clock is the time source for everything the fake dates or expires:
	// internalDate, history, watch and token expiry, quota windows. Tests
	// pass a controllable clock; default time.Now. Injected latency always
	// sleeps in real time.
	Clock func() time.Time

	// QuotaUnitsPerSecond is the Gmail budget per user in any 1-second
	// sliding window, charged with Google's per-method unit costs (see
	// GmailUnitCost). 0 means unlimited; units are still counted in Stats.
	QuotaUnitsPerSecond int

	// DriveQueriesPerSecond is the Drive budget per account (1 per call) in
	// any 1-second sliding window. 0 means unlimited.
	DriveQueriesPerSecond int

	// CalendarQueriesPerSecond is the Calendar budget per account (1 per
	// call) in any 1-second sliding window. 0 means unlimited.
	CalendarQueriesPerSecond int

	// CalendarSyncTokenTTL, when set, makes Calendar sync tokens older than
	// it answer 410 Gone (Google expires old tokens too). 0: tokens expire
	// only through ExpireCalendarSyncTokens.
	CalendarSyncTokenTTL time.Duration

	// HistoryRetention is how many Gmail history records a mailbox keeps.
	// history.list with a startHistoryId older than the oldest kept record
	// answers 404, which is what makes clients fall back to a full sync.
	// Default 100000.
	HistoryRetention int

	// StateFile, when set, persists mailboxes, Drive files, channels and
	// OAuth grants as JSON so a sandbox survives restarts. It is loaded by
	// New and saved shortly after each change (debounced) and at Close.
	StateFile string

	// PushEndpoint is where Gmail watch notifications are POSTed, as a
	// Pub/Sub push subscription would. Empty disables Gmail push.
	PushEndpoint string
	// PushAudience is the aud claim of the push OIDC token; default
	// PushEndpoint, which is what Pub/Sub uses when no audience is set.
	PushAudience string
	// PushServiceAccount is the email claim of the push OIDC token.
	// Default "gmail-push@sandbox.iam.gserviceaccount.com".
	PushServiceAccount string
	// PushSubscription is the subscription name in the push envelope.
	// Default "projects/sandbox/subscriptions/gmail-push".
	PushSubscription string

	// BaseURL is the fake's own external URL, e.g. "http://127.0.0.1:8085".
	// It is used in Drive resourceUri values. When empty the URL is
	// derived from each request's Host.
	BaseURL string

	// DefaultMailbox is the mailbox Gmail's userId "me" names when the
	// request carries no access token issued by this fake (the usual case:
	// Gmail clients run WithoutAuthentication). Default "ai@besunny.ai".
	DefaultMailbox string
	// DefaultAccount is the Google account the OAuth authorization endpoint
	// signs in when the request has no login_hint.
	// Default "user@sandbox.example.com".
	DefaultAccount string

	// HTTPClient sends Gmail pushes and Drive channel notifications.
	// Default: a client with a 10 s timeout.
	HTTPClient *http.Client
	// PushAttempts is how many times a push or channel notification is
	// tried before it is dropped (Pub/Sub and Drive retry non-2xx answers
	// with backoff). Default 5.
	PushAttempts int
	// PushBackoff is the first retry delay, doubled per attempt up to 5 s.
	// Default 100 ms.
	PushBackoff time.Duration

	// Logger receives the fake's diagnostics. Default: discard.
	Logger *slog.Logger
}

// Server is a fake of the Gmail v1, Drive v3, Calendar v3, Google OAuth 2.0 and Pub/Sub
// push surfaces BeSunny uses. It is safe for concurrent use. Serve it with
// Handler; stop it with Close.
type Server struct {
	opts Options
	now  func() time.Time
	log  *slog.Logger
	mux  *http.ServeMux

	// mu guards st and the indexes derived from it. Handlers copy what
	// they need and release it before any slow work (MIME parsing, I/O).
	mu    sync.Mutex
	st    *state
	codes map[string]*authCode

	gmailQuota    *quota
	driveQuota    *quota
	calendarQuota *quota
	stats         *statsRecorder
	faults        *faultInjector
	out           *outbox
	signer        *signer
	file          *store.File

	closing   chan struct{}
	closeOnce sync.Once
}

// New builds a fake server. It never fails: an unreadable StateFile is
// logged, moved aside to StateFile+".corrupt" and the fake starts empty.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.HistoryRetention <= 0 {
		opts.HistoryRetention = 100000
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.PushAudience == "" {
		opts.PushAudience = opts.PushEndpoint
	}
	if opts.PushServiceAccount == "" {
		opts.PushServiceAccount = "gmail-push@sandbox.iam.gserviceaccount.com"
	}
	if opts.PushSubscription == "" {
		opts.PushSubscription = "projects/sandbox/subscriptions/gmail-push"
	}
	if opts.DefaultMailbox == "" {
		opts.DefaultMailbox = "ai@besunny.ai"
	}
	opts.DefaultMailbox = normalizeAddress(opts.DefaultMailbox)
	if opts.DefaultAccount == "" {
		opts.DefaultAccount = "user@sandbox.example.com"
	}
	opts.DefaultAccount = normalizeAddress(opts.DefaultAccount)
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.PushAttempts <= 0 {
		opts.PushAttempts = 5
	}
	if opts.PushBackoff <= 0 {
		opts.PushBackoff = 100 * time.Millisecond
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")

	s := &Server{
		opts:          opts,
		now:           opts.Clock,
		log:           opts.Logger,
		st:            newState(),
		codes:         map[string]*authCode{},
		gmailQuota:    newQuota(),
		driveQuota:    newQuota(),
		calendarQuota: newQuota(),
		stats:         newStatsRecorder(),
		faults:        newFaultInjector(),
		signer:        &signer{},
		closing:       make(chan struct{}),
	}
	s.out = newOutbox(opts.HTTPClient, opts.PushAttempts, opts.PushBackoff, opts.Logger)
	if opts.StateFile != "" {
		s.file = store.New(opts.StateFile, 200*time.Millisecond, s.snapshot, func(err error) {
			s.log.Error("googlefake: saving state", "file", opts.StateFile, "err", err)
		})
		s.loadState()
	}
	s.routes()
	return s
}

// Handler serves every surface of the fake: /gmail/v1/, /drive/v3/, /calendar/v3/,
// /o/oauth2/auth, /token, /revoke, /oauth2/, and the admin API under /_fake/.
func (s *Server) Handler() http.Handler { return s.mux }

// Close stops outgoing pushes and notifications, releases hung requests and
// writes the state file. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.out.close()
		if s.file != nil {
			if err := s.file.Close(); err != nil {
				s.log.Error("googlefake: saving state", "file", s.opts.StateFile, "err", err)
			}
		}
	})
}

// changed schedules a state save; callers hold s.mu or have just released it.
func (s *Server) changed() {
	if s.file != nil {
		s.file.MarkDirty()
	}
}

func (s *Server) routes() {
	m := http.NewServeMux()
	s.mux = m

	g := "/gmail/v1/users/{userId}/"
	m.HandleFunc("GET "+g+"messages", s.gmail("gmail.users.messages.list", s.messagesList))
	m.HandleFunc("GET "+g+"messages/{id}", s.gmail("gmail.users.messages.get", s.messagesGet))
	m.HandleFunc("POST "+g+"messages/{id}/modify", s.gmail("gmail.users.messages.modify", s.messagesModify))
	m.HandleFunc("POST "+g+"messages/batchModify", s.gmail("gmail.users.messages.batchModify", s.messagesBatchModify))
	m.HandleFunc("GET "+g+"messages/{messageId}/attachments/{id}", s.gmail("gmail.users.messages.attachments.get", s.attachmentsGet))
	m.HandleFunc("GET "+g+"history", s.gmail("gmail.users.history.list", s.historyList))
	m.HandleFunc("GET "+g+"labels", s.gmail("gmail.users.labels.list", s.labelsList))
	m.HandleFunc("POST "+g+"labels", s.gmail("gmail.users.labels.create", s.labelsCreate))
	m.HandleFunc("GET "+g+"profile", s.gmail("gmail.users.getProfile", s.getProfile))
	m.HandleFunc("POST "+g+"watch", s.gmail("gmail.users.watch", s.watch))
	m.HandleFunc("POST "+g+"stop", s.gmail("gmail.users.stop", s.stop))

	m.HandleFunc("GET /drive/v3/files/{fileId}", s.drive("drive.files.get", s.filesGet))
	m.HandleFunc("GET /drive/v3/files/{fileId}/export", s.drive("drive.files.export", s.filesExport))
	m.HandleFunc("POST /drive/v3/files/{fileId}/watch", s.drive("drive.files.watch", s.filesWatch))
	m.HandleFunc("POST /drive/v3/channels/stop", s.drive("drive.channels.stop", s.channelsStop))

	c := "/calendar/v3/calendars/{calendarId}/"
	m.HandleFunc("GET "+c+"events", s.calendar("calendar.events.list", s.eventsList))
	m.HandleFunc("POST "+c+"events/watch", s.calendar("calendar.events.watch", s.eventsWatch))
	m.HandleFunc("POST /calendar/v3/channels/stop", s.calendar("calendar.channels.stop", s.calendarChannelsStop))
	s.calendarAdminRoutes(m)

	m.HandleFunc("GET /o/oauth2/auth", s.oauthAuthorize)
	m.HandleFunc("GET /o/oauth2/v2/auth", s.oauthAuthorize)
	m.HandleFunc("POST /token", s.oauthToken)
	m.HandleFunc("/revoke", s.oauthRevoke)
	m.HandleFunc("GET /oauth2/v2/userinfo", s.userinfo)
	m.HandleFunc("GET /oauth2/v3/userinfo", s.userinfo)
	m.HandleFunc("GET /oauth2/v3/certs", s.certs)

	s.adminRoutes(m)

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeNotFound(w) })
}

// gmail wraps a Gmail method: count it, resolve the user, charge quota
// when the call arrives, inject faults, and only then run the handler, so a
// rejected or faulted call has no effect. Charging on arrival is what Gmail
// does: a call that is then slow still counts in the second it was sent.
func (s *Server) gmail(method string, h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	units := GmailUnitCost[method]
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.call(method)
		user := s.gmailUser(r)
		if !s.gmailQuota.take(user, units, s.opts.QuotaUnitsPerSecond, s.now()) {
			s.stats.rejected(method)
			s.writeRateLimited(w, "rateLimitExceeded")
			return
		}
		if !s.injectFaults(w, r, method, "rateLimitExceeded") {
			return
		}
		s.log.Debug("googlefake: call", "method", method, "user", user)
		h(w, r, user)
	}
}

// drive wraps a Drive method like gmail does, with OAuth bearer
// authentication before quota (quota is per account).
func (s *Server) drive(method string, h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.call(method)
		account, ok := s.driveAuth(w, r)
		if !ok {
			return
		}
		if !s.driveQuota.take(account, 1, s.opts.DriveQueriesPerSecond, s.now()) {
			s.stats.rejected(method)
			s.writeRateLimited(w, "userRateLimitExceeded")
			return
		}
		if !s.injectFaults(w, r, method, "userRateLimitExceeded") {
			return
		}
		s.log.Debug("googlefake: call", "method", method, "account", account)
		h(w, r, account)
	}
}

// sleep waits d or until ctx ends or the server closes; it reports whether
// the full delay elapsed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.closing:
	}
	return false
}

// baseURL is the externally visible URL of the fake for r.
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func normalizeAddress(a string) string { return strings.ToLower(strings.TrimSpace(a)) }
