// Package config reads BeSunny's settings from the environment (and an optional
// .env file) into one validated struct. Every setting has a default that makes
// the local stack (`make run`) work with nothing set; production deployments
// set APP_ENV=production, which turns development conveniences into errors.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/ratelimit"
)

// DevJWTSecret signs development tokens when JWT_SECRET is unset. It is refused
// when APP_ENV=production.
const DevJWTSecret = "besunny-development-secret-do-not-use-in-production"

// Environments.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Config is every setting of the API, the worker and the local stack.
type Config struct {
	Env      string // APP_ENV
	LogLevel string // LOG_LEVEL
	// LogFormat is text or json.
	LogFormat string // LOG_FORMAT

	DatabaseURL string // DATABASE_URL
	// MigrateOnStart applies pending migrations when a binary starts.
	MigrateOnStart bool // MIGRATE_ON_START

	Temporal Temporal

	HTTPAddr    string        // HTTP_ADDR
	MetricsAddr string        // METRICS_ADDR (worker)
	CORSOrigins []string      // CORS_ALLOWED_ORIGINS
	HTTPTimeout time.Duration // HTTP_TIMEOUT
	// HTTPReadTimeout bounds reading a whole request, body included.
	HTTPReadTimeout time.Duration // HTTP_READ_TIMEOUT
	// HTTPWriteTimeout bounds a request from the end of its headers to the
	// end of its response (streaming routes are exempt).
	HTTPWriteTimeout time.Duration // HTTP_WRITE_TIMEOUT
	// HTTPIdleTimeout closes keep-alive connections idle this long.
	HTTPIdleTimeout time.Duration // HTTP_IDLE_TIMEOUT
	// PublicURL is where users reach the API; used in links the API returns.
	PublicURL string // PUBLIC_URL
	// UsernameReservation is how long a username its owner gave up stays
	// theirs (only they may take it back; mail to it still reaches them).
	UsernameReservation time.Duration // USERNAME_RESERVATION

	JWT JWT

	RateLimit RateLimit

	Inbound Inbound

	Google   Google
	Gmail    Gmail
	Classify Classify
	Drive    Drive
	Calendar Calendar
	OAuth    OAuth
	Live     Live
	Attendee Attendee
	// TokenEncryptionKey is the keyring that encrypts users' Google tokens:
	// `id:base64(32 bytes)[,id:base64…]`, the first key active.
	TokenEncryptionKey string // TOKEN_ENCRYPTION_KEY
}

// DevTokenEncryptionKey encrypts tokens when TOKEN_ENCRYPTION_KEY is unset
// in development; refused in production.
const DevTokenEncryptionKey = "dev:ZGV2ZWxvcG1lbnQta2V5LWJlc3VubnktMzItYnl0ZXM="

// Drive configures Drive monitoring.
type Drive struct {
	// WebhookBaseURL is the public base URL Drive push channels call
	// (<base>/webhooks/drive); without it files are polled only.
	WebhookBaseURL string        // WEBHOOK_BASE_URL
	Debounce       time.Duration // DRIVE_DEBOUNCE
	SweepInterval  time.Duration // DRIVE_SWEEP_INTERVAL
	PushGrace      time.Duration // DRIVE_PUSH_GRACE
	// ChannelTTL is how long a push channel lives (Drive allows 24 h for files).
	ChannelTTL   time.Duration // DRIVE_CHANNEL_TTL
	MaxFileBytes int64         // DRIVE_MAX_FILE_BYTES
	// WatchedLinksPerMessage caps the Drive links of one message whose
	// files are watched; the rest are recorded as links without a watch.
	WatchedLinksPerMessage int // DRIVE_WATCHED_LINKS_PER_MESSAGE
}

// Live configures the live event stream (GET /api/v1/events and
// /api/v1/ws) and its event log.
type Live struct {
	// Retention is how long events stay in the log for clients to resume
	// from; the events-retention schedule prunes older ones.
	Retention time.Duration // EVENTS_RETENTION
	// Heartbeat is the interval of SSE comments and WebSocket pings.
	Heartbeat time.Duration // EVENTS_HEARTBEAT
	// Buffer is how many events may wait for one slow connection before it
	// is sent `resync` and closed.
	Buffer int // EVENTS_BUFFER
	// WriteTimeout is how long one write to a stream may block.
	WriteTimeout time.Duration // EVENTS_WRITE_TIMEOUT
	// MaxConnectionsPerUser caps one user's (or the service role's) streams
	// on one API process.
	MaxConnectionsPerUser int // EVENTS_MAX_CONNECTIONS_PER_USER
	// MaxConnections caps all streams on one API process.
	MaxConnections int // EVENTS_MAX_CONNECTIONS
	// TicketTTL is how long a stream ticket can be redeemed (at most 60s).
	TicketTTL time.Duration // EVENTS_TICKET_TTL
}

// OAuth configures the per-user Google connection (authorization-code flow).
type OAuth struct {
	ClientID     string // GOOGLE_OAUTH_CLIENT_ID
	ClientSecret string // GOOGLE_OAUTH_CLIENT_SECRET
	// RedirectURL is the callback registered with the OAuth client.
	RedirectURL string // GOOGLE_OAUTH_REDIRECT_URL
	// SuccessURL is where the browser goes after connecting (default: a
	// small confirmation page).
	SuccessURL string // GOOGLE_OAUTH_SUCCESS_URL
}

// Classify configures document classification.
type Classify struct {
	// Mode is local, openai or hybrid.
	Mode          string // CLASSIFIER
	OpenAIAPIKey  string // OPENAI_API_KEY
	OpenAIBaseURL string // OPENAI_BASE_URL
	OpenAIModel   string // OPENAI_MODEL
	// Sure is the local confidence from which hybrid skips the LLM.
	Sure float64 // CLASSIFY_SURE
	// MinMargin is the top-two margin below which hybrid asks the LLM.
	MinMargin float64 // CLASSIFY_MIN_MARGIN
	// LLMRequestsPerSecond rate-limits the llm task queue cluster-wide.
	LLMRequestsPerSecond float64 // LLM_REQUESTS_PER_SECOND
	// BacklogDebounce is how long after a user's last manual assignment
	// the ReclassifyBacklogWorkflow re-scores their unclassified documents.
	BacklogDebounce time.Duration // CLASSIFY_BACKLOG_DEBOUNCE
	// BacklogMinConfidence is the local confidence from which the backlog
	// run files a document (at least the classifier's own threshold). 0.6:
	// on the real-world evaluation's dev half, after 2 to 10 corrections
	// per project, 97–99 % of its filings are right (no-project mail
	// counted), as at 0.7, and it files 1.6–2 times as many.
	BacklogMinConfidence float64 // CLASSIFY_BACKLOG_MIN_CONFIDENCE
	// CollectionMaxDocuments bounds the documents of an owner the local
	// classifier's collection model is built from (the most recent).
	CollectionMaxDocuments int // CLASSIFY_COLLECTION_MAX_DOCUMENTS
}

// Classifier modes.
const (
	ClassifierLocal  = "local"
	ClassifierOpenAI = "openai"
	ClassifierHybrid = "hybrid"
)

// SandboxOpenAIURL is where the local stack serves its fake OpenAI when no
// OPENAI_API_KEY is set.
const SandboxOpenAIURL = "http://127.0.0.1:8096/v1"

// LLMSandbox reports whether the LLM path talks to the local fake.
func (c Classify) LLMSandbox() bool { return c.OpenAIBaseURL == SandboxOpenAIURL }

// Google modes.
const (
	// GoogleSandbox talks to the fakes of internal/googlefake.
	GoogleSandbox = "sandbox"
	// GoogleLive talks to Google with real credentials.
	GoogleLive = "live"
	// GoogleOff disables everything that needs Google (uploads still work).
	GoogleOff = "off"
)

// Google says how BeSunny reaches Google's APIs.
type Google struct {
	Mode string // GOOGLE_MODE
	// ServiceAccountFile is a service-account key with domain-wide
	// delegation, used to read INBOUND_MAILBOX.
	ServiceAccountFile string // GOOGLE_SERVICE_ACCOUNT_FILE
	// SandboxURL is where the sandbox Google listens (cmd/dev starts it).
	SandboxURL string // GOOGLE_SANDBOX_URL
	// SandboxConformance is what the local stack's sandbox does with a
	// request or answer that breaks Google's discovery documents:
	// ConformanceLog (the default in development), ConformanceFail or
	// ConformanceOff.
	SandboxConformance string // GOOGLE_SANDBOX_CONFORMANCE
}

// Sandbox conformance modes (GOOGLE_SANDBOX_CONFORMANCE).
const (
	// ConformanceOff checks nothing.
	ConformanceOff = "off"
	// ConformanceLog logs each distinct violation once, as a warning.
	ConformanceLog = "log"
	// ConformanceFail also refuses: a request Google's documents forbid
	// gets a 400 in Google's format, a sandbox answer that breaks them a
	// 500 naming the violation.
	ConformanceFail = "fail"
)

// Gmail configures the ingestion of the master mailbox.
type Gmail struct {
	PollInterval time.Duration // GMAIL_POLL_INTERVAL
	MaxInFlight  int           // GMAIL_MAX_IN_FLIGHT
	// FetchDeadline bounds how long a message's fetch is retried (Gmail
	// down, credentials refused) before the message ends failed.
	FetchDeadline time.Duration // GMAIL_FETCH_DEADLINE
	// QuotaUnitsPerSecond is the mailbox's Gmail quota; the gmail task
	// queue's activity rate is derived from it.
	QuotaUnitsPerSecond int    // GMAIL_QUOTA_UNITS_PER_SECOND
	ProcessedLabel      string // GMAIL_PROCESSED_LABEL
	// MarkAction is label, label_and_archive or none.
	MarkAction string // GMAIL_MARK_ACTION
	// PubSubTopic enables push (users.watch) when set.
	PubSubTopic string // GMAIL_PUBSUB_TOPIC
	// PushAudience is the OIDC audience of Pub/Sub push requests.
	PushAudience string // PUBSUB_AUDIENCE
	// PushServiceAccount is the service account Pub/Sub signs pushes as.
	PushServiceAccount string // PUBSUB_SERVICE_ACCOUNT
	// PushSubscription, when set, must match the push envelope's.
	PushSubscription string // PUBSUB_SUBSCRIPTION
}

// Gmail mark actions.
const (
	MarkLabel           = "label"
	MarkLabelAndArchive = "label_and_archive"
	MarkNone            = "none"
)

// Sandbox defaults: the sandbox Google signs pushes with these.
const (
	SandboxPushServiceAccount = "gmail-push@besunny-sandbox.iam.gserviceaccount.com"
	SandboxPubSubTopic        = "projects/besunny-sandbox/topics/gmail-push"
)

// Temporal says how to reach the Temporal service (a dev server, a cluster or
// Temporal Cloud).
type Temporal struct {
	Address   string // TEMPORAL_ADDRESS
	Namespace string // TEMPORAL_NAMESPACE
	TaskQueue string // TASK_QUEUE
	// APIKey authenticates to Temporal Cloud; it implies TLS.
	APIKey string // TEMPORAL_API_KEY
	// TLS enables TLS without client certificates.
	TLS bool // TEMPORAL_TLS
	// TLSCertFile and TLSKeyFile enable mTLS.
	TLSCertFile string // TEMPORAL_TLS_CERT
	TLSKeyFile  string // TEMPORAL_TLS_KEY
	// UIURL is the Temporal web UI, for links in API answers and logs.
	UIURL string // TEMPORAL_UI_URL
	// ConnectTimeout bounds how long a binary waits for Temporal at start.
	ConnectTimeout time.Duration // TEMPORAL_CONNECT_TIMEOUT
}

// JWT configures bearer-token verification for the API.
type JWT struct {
	Secret   string // JWT_SECRET (HS256, the Supabase scheme)
	JWKSURL  string // JWT_JWKS_URL (RS256/ES256)
	Audience string // JWT_AUDIENCE
	Issuer   string // JWT_ISSUER (checked when set)
	// MaxTokenLifetime refuses tokens living longer (exp − iat, or exp −
	// now without iat).
	MaxTokenLifetime time.Duration // JWT_MAX_TOKEN_LIFETIME
	// JWKSRefresh is the key set's age from which it is refreshed in the
	// background.
	JWKSRefresh time.Duration // JWT_JWKS_REFRESH
	// JWKSMaxStale is how long the last good keys keep verifying while the
	// JWKS endpoint fails.
	JWKSMaxStale time.Duration // JWT_JWKS_MAX_STALE
}

// RateLimit configures the API's token buckets. They are per replica: with
// N replicas behind a load balancer a caller gets up to N times these
// rates.
type RateLimit struct {
	Enabled bool // RATE_LIMIT_ENABLED
	// User is every request of one user; UserWorkflow the requests of one
	// user that start workflows or LLM calls (counted in User too).
	User         ratelimit.Rate // RATE_LIMIT_USER
	UserWorkflow ratelimit.Rate // RATE_LIMIT_USER_WORKFLOW
	// IP is every request from one client address (an IPv6 /64), signed in
	// or not, the service role's excepted; IPWorkflow likewise.
	IP         ratelimit.Rate // RATE_LIMIT_IP
	IPWorkflow ratelimit.Rate // RATE_LIMIT_IP_WORKFLOW
	// ServiceWorkflow bounds the service role's workflow-starting requests
	// (uploads, re-processing, syncs); its other requests are not limited.
	ServiceWorkflow ratelimit.Rate // RATE_LIMIT_SERVICE_WORKFLOW
	// MaxKeys bounds the buckets kept per limit (memory: about 200 bytes
	// each).
	MaxKeys int // RATE_LIMIT_MAX_KEYS
	// TrustedProxies are the addresses whose X-Forwarded-For is believed;
	// without any, the client address is the TCP peer's.
	TrustedProxies []netip.Prefix // TRUSTED_PROXIES
}

// Inbound describes the master mailbox and the virtual plus-addresses.
type Inbound struct {
	Mailbox   string   // INBOUND_MAILBOX
	LocalPart string   // INBOUND_LOCAL_PART
	Domains   []string // INBOUND_DOMAINS
	// MaxEmailBytes is the largest message that is parsed; larger ones are
	// kept raw and end failed/too_large.
	MaxEmailBytes int64 // MAX_EMAIL_BYTES
	// MaxUploadBytes bounds POST /api/v1/emails bodies. Messages between
	// MaxEmailBytes and this are stored and end failed/too_large; larger
	// bodies are refused with 413.
	MaxUploadBytes int64 // MAX_UPLOAD_BYTES
	// IgnoreBulk ignores `Precedence: bulk|junk` mail.
	IgnoreBulk bool // IGNORE_BULK_MAIL
}

// Load reads the configuration from the process environment, after filling
// unset variables from the .env file in the working directory (if any).
func Load() (Config, error) {
	env, err := environWithDotEnv(".env")
	if err != nil {
		return Config{}, err
	}
	return FromLookup(env.lookup)
}

// FromLookup builds and validates a Config from a lookup function, so tests
// can supply their own environment.
func FromLookup(lookup func(string) (string, bool)) (Config, error) {
	r := &reader{lookup: lookup}
	c := Config{
		Env:            r.str("APP_ENV", EnvDevelopment),
		LogLevel:       r.str("LOG_LEVEL", "info"),
		DatabaseURL:    r.str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/besunny?sslmode=disable"),
		MigrateOnStart: r.boolean("MIGRATE_ON_START", true),
		Temporal: Temporal{
			Address:        r.str("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
			Namespace:      r.str("TEMPORAL_NAMESPACE", "default"),
			TaskQueue:      r.str("TASK_QUEUE", "besunny"),
			APIKey:         r.str("TEMPORAL_API_KEY", ""),
			TLS:            r.boolean("TEMPORAL_TLS", false),
			TLSCertFile:    r.str("TEMPORAL_TLS_CERT", ""),
			TLSKeyFile:     r.str("TEMPORAL_TLS_KEY", ""),
			UIURL:          r.str("TEMPORAL_UI_URL", "http://localhost:8233"),
			ConnectTimeout: r.duration("TEMPORAL_CONNECT_TIMEOUT", time.Minute),
		},
		HTTPAddr:    r.str("HTTP_ADDR", ":8080"),
		MetricsAddr: r.str("METRICS_ADDR", ":9090"),
		CORSOrigins: r.list("CORS_ALLOWED_ORIGINS", []string{"*"}),
		HTTPTimeout: r.duration("HTTP_TIMEOUT", 30*time.Second),
		// A 50 MiB upload at 1 MB/s needs most of the read minute; the write
		// timeout also covers that read (net/http starts it after the
		// headers), so it is longer.
		HTTPReadTimeout:  r.duration("HTTP_READ_TIMEOUT", time.Minute),
		HTTPWriteTimeout: r.duration("HTTP_WRITE_TIMEOUT", 2*time.Minute),
		HTTPIdleTimeout:  r.duration("HTTP_IDLE_TIMEOUT", 2*time.Minute),
		PublicURL:        strings.TrimRight(r.str("PUBLIC_URL", "http://localhost:8080"), "/"),
		// 90 days: long enough for correspondents to learn the new address.
		UsernameReservation: r.duration("USERNAME_RESERVATION", 90*24*time.Hour),
		JWT: JWT{
			Secret:   r.str("JWT_SECRET", ""),
			JWKSURL:  r.str("JWT_JWKS_URL", ""),
			Audience: r.str("JWT_AUDIENCE", "authenticated"),
			Issuer:   r.str("JWT_ISSUER", ""),
			// The development tokens of `make run` live 30 days.
			MaxTokenLifetime: r.duration("JWT_MAX_TOKEN_LIFETIME", 30*24*time.Hour),
			JWKSRefresh:      r.duration("JWT_JWKS_REFRESH", time.Hour),
			JWKSMaxStale:     r.duration("JWT_JWKS_MAX_STALE", 24*time.Hour),
		},
	}
	c.RateLimit = RateLimit{
		Enabled:         r.boolean("RATE_LIMIT_ENABLED", true),
		User:            r.rate("RATE_LIMIT_USER", ratelimit.Rate{PerSecond: 10, Burst: 50}),
		UserWorkflow:    r.rate("RATE_LIMIT_USER_WORKFLOW", ratelimit.Rate{PerSecond: 30.0 / 60, Burst: 10}),
		IP:              r.rate("RATE_LIMIT_IP", ratelimit.Rate{PerSecond: 50, Burst: 200}),
		IPWorkflow:      r.rate("RATE_LIMIT_IP_WORKFLOW", ratelimit.Rate{PerSecond: 120.0 / 60, Burst: 30}),
		ServiceWorkflow: r.rate("RATE_LIMIT_SERVICE_WORKFLOW", ratelimit.Rate{PerSecond: 50, Burst: 500}),
		MaxKeys:         int(r.integer("RATE_LIMIT_MAX_KEYS", 50_000)),
		TrustedProxies:  r.prefixes("TRUSTED_PROXIES"),
	}
	c.LogFormat = r.str("LOG_FORMAT", map[bool]string{true: "json", false: "text"}[c.Env == EnvProduction])
	c.Inbound.Mailbox = strings.ToLower(r.str("INBOUND_MAILBOX", "ai@besunny.ai"))
	local, domain, _ := strings.Cut(c.Inbound.Mailbox, "@")
	c.Inbound.LocalPart = strings.ToLower(r.str("INBOUND_LOCAL_PART", local))
	c.Inbound.Domains = lower(r.list("INBOUND_DOMAINS", []string{domain}))
	c.Inbound.MaxEmailBytes = r.integer("MAX_EMAIL_BYTES", 25<<20)
	c.Inbound.MaxUploadBytes = r.integer("MAX_UPLOAD_BYTES", 2*c.Inbound.MaxEmailBytes)
	c.Inbound.IgnoreBulk = r.boolean("IGNORE_BULK_MAIL", false)

	c.Google.ServiceAccountFile = r.str("GOOGLE_SERVICE_ACCOUNT_FILE", "")
	defaultMode := GoogleSandbox
	switch {
	case c.Google.ServiceAccountFile != "":
		defaultMode = GoogleLive
	case c.Env == EnvProduction:
		defaultMode = GoogleOff
	}
	c.Google.Mode = r.str("GOOGLE_MODE", defaultMode)
	c.Google.SandboxURL = strings.TrimRight(r.str("GOOGLE_SANDBOX_URL", "http://127.0.0.1:8095"), "/")
	c.Google.SandboxConformance = strings.ToLower(r.str("GOOGLE_SANDBOX_CONFORMANCE",
		map[bool]string{true: ConformanceOff, false: ConformanceLog}[c.Env == EnvProduction]))
	sandbox := c.Google.Mode == GoogleSandbox
	c.Gmail = Gmail{
		PollInterval: r.duration("GMAIL_POLL_INTERVAL", time.Minute),
		// 20, not more: an email run works the whole time it is in flight
		// (its fetch is local), so more runs only queue in the worker, and a
		// pushed message waits behind them (BENCHMARKS.md).
		MaxInFlight:         int(r.integer("GMAIL_MAX_IN_FLIGHT", 20)),
		FetchDeadline:       r.duration("GMAIL_FETCH_DEADLINE", 24*time.Hour),
		QuotaUnitsPerSecond: int(r.integer("GMAIL_QUOTA_UNITS_PER_SECOND", 250)),
		ProcessedLabel:      r.str("GMAIL_PROCESSED_LABEL", "BeSunny/Processed"),
		MarkAction:          r.str("GMAIL_MARK_ACTION", MarkLabel),
		PubSubTopic:         r.str("GMAIL_PUBSUB_TOPIC", map[bool]string{true: SandboxPubSubTopic}[sandbox]),
		PushAudience:        r.str("PUBSUB_AUDIENCE", c.PublicURL+"/webhooks/gmail"),
		PushServiceAccount:  r.str("PUBSUB_SERVICE_ACCOUNT", map[bool]string{true: SandboxPushServiceAccount}[sandbox]),
		PushSubscription:    r.str("PUBSUB_SUBSCRIPTION", ""),
	}

	c.Classify = Classify{
		Mode:                   r.str("CLASSIFIER", ClassifierLocal),
		OpenAIAPIKey:           r.str("OPENAI_API_KEY", ""),
		OpenAIModel:            r.str("OPENAI_MODEL", "gpt-4o-mini"),
		Sure:                   r.float("CLASSIFY_SURE", 0.8),
		MinMargin:              r.float("CLASSIFY_MIN_MARGIN", 0.15),
		LLMRequestsPerSecond:   r.float("LLM_REQUESTS_PER_SECOND", 5),
		BacklogDebounce:        r.duration("CLASSIFY_BACKLOG_DEBOUNCE", 30*time.Second),
		BacklogMinConfidence:   r.float("CLASSIFY_BACKLOG_MIN_CONFIDENCE", 0.6),
		CollectionMaxDocuments: int(r.integer("CLASSIFY_COLLECTION_MAX_DOCUMENTS", 5000)),
	}
	defaultLLM := "https://api.openai.com/v1"
	if c.Classify.OpenAIAPIKey == "" && c.Env != EnvProduction {
		defaultLLM = SandboxOpenAIURL
	}
	c.Classify.OpenAIBaseURL = strings.TrimRight(r.str("OPENAI_BASE_URL", defaultLLM), "/")

	c.Drive = Drive{
		WebhookBaseURL: strings.TrimRight(r.str("WEBHOOK_BASE_URL", map[bool]string{true: c.PublicURL}[sandbox]), "/"),
		// The sandbox waits less, so `make demo` shows a re-sync in seconds.
		Debounce:      r.duration("DRIVE_DEBOUNCE", map[bool]time.Duration{true: 15 * time.Second, false: 2 * time.Minute}[sandbox]),
		SweepInterval: r.duration("DRIVE_SWEEP_INTERVAL", 15*time.Minute),
		PushGrace:     r.duration("DRIVE_PUSH_GRACE", 30*time.Minute),
		ChannelTTL:    r.duration("DRIVE_CHANNEL_TTL", 24*time.Hour),
		MaxFileBytes:  r.integer("DRIVE_MAX_FILE_BYTES", 10<<20),

		WatchedLinksPerMessage: int(r.integer("DRIVE_WATCHED_LINKS_PER_MESSAGE", 20)),
	}
	c.Calendar = readCalendar(r)
	c.OAuth = OAuth{
		ClientID:     r.str("GOOGLE_OAUTH_CLIENT_ID", map[bool]string{true: "besunny-sandbox"}[sandbox]),
		ClientSecret: r.str("GOOGLE_OAUTH_CLIENT_SECRET", map[bool]string{true: "sandbox-secret"}[sandbox]),
		RedirectURL:  r.str("GOOGLE_OAUTH_REDIRECT_URL", c.PublicURL+"/api/v1/google/callback"),
		SuccessURL:   r.str("GOOGLE_OAUTH_SUCCESS_URL", ""),
	}
	c.Live = Live{
		Retention:             r.duration("EVENTS_RETENTION", 7*24*time.Hour),
		Heartbeat:             r.duration("EVENTS_HEARTBEAT", 15*time.Second),
		Buffer:                int(r.integer("EVENTS_BUFFER", 1024)),
		WriteTimeout:          r.duration("EVENTS_WRITE_TIMEOUT", 10*time.Second),
		MaxConnectionsPerUser: int(r.integer("EVENTS_MAX_CONNECTIONS_PER_USER", 10)),
		MaxConnections:        int(r.integer("EVENTS_MAX_CONNECTIONS", 20000)),
		TicketTTL:             r.duration("EVENTS_TICKET_TTL", 30*time.Second),
	}
	c.Attendee = readAttendee(r, c)
	c.TokenEncryptionKey = r.str("TOKEN_ENCRYPTION_KEY", map[bool]string{true: DevTokenEncryptionKey}[c.Env != EnvProduction])

	if c.JWT.Secret == "" && c.JWT.JWKSURL == "" && c.Env != EnvProduction {
		c.JWT.Secret = DevJWTSecret
	}
	r.problems = append(r.problems, c.validate()...)
	if len(r.problems) > 0 {
		return c, fmt.Errorf("invalid configuration:\n  - %s", strings.Join(r.problems, "\n  - "))
	}
	return c, nil
}

// Dev reports whether development conveniences (the built-in JWT secret,
// sandbox Google, text logs) are allowed.
func (c Config) Dev() bool { return c.Env != EnvProduction }

func (c Config) validate() []string {
	var p []string
	if c.Env != EnvDevelopment && c.Env != EnvProduction {
		p = append(p, fmt.Sprintf("APP_ENV=%q: set it to %q or %q", c.Env, EnvDevelopment, EnvProduction))
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		p = append(p, fmt.Sprintf("LOG_LEVEL=%q: set it to debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		p = append(p, fmt.Sprintf("LOG_FORMAT=%q: set it to text or json", c.LogFormat))
	}
	if c.DatabaseURL == "" {
		p = append(p, "DATABASE_URL is empty: set it to a PostgreSQL URL such as postgres://user@host:5432/besunny")
	}
	if c.Temporal.Address == "" {
		p = append(p, "TEMPORAL_ADDRESS is empty: set it to host:port of the Temporal frontend (127.0.0.1:7233 for a dev server)")
	}
	if (c.Temporal.TLSCertFile == "") != (c.Temporal.TLSKeyFile == "") {
		p = append(p, "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS)")
	}
	if c.Env == EnvProduction && c.JWT.Secret == "" && c.JWT.JWKSURL == "" {
		p = append(p, "APP_ENV=production needs JWT_SECRET (HS256, the Supabase JWT secret) or JWT_JWKS_URL (RS256/ES256)")
	}
	if c.Env == EnvProduction && c.JWT.Secret == DevJWTSecret {
		p = append(p, "JWT_SECRET is the development secret: set your own when APP_ENV=production")
	}
	if c.JWT.MaxTokenLifetime < time.Minute {
		p = append(p, "JWT_MAX_TOKEN_LIFETIME must be at least 1m (default 720h, 30 days)")
	}
	if c.JWT.JWKSRefresh < time.Minute || c.JWT.JWKSMaxStale < c.JWT.JWKSRefresh {
		p = append(p, "JWT_JWKS_REFRESH must be at least 1m and JWT_JWKS_MAX_STALE at least JWT_JWKS_REFRESH (defaults 1h and 24h)")
	}
	if c.JWT.Secret != "" && len(c.JWT.Secret) < 32 {
		p = append(p, "JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit key)")
	}
	if a, err := mail.ParseAddress(c.Inbound.Mailbox); err != nil || a.Address != c.Inbound.Mailbox {
		p = append(p, fmt.Sprintf("INBOUND_MAILBOX=%q: set it to a bare address such as ai@besunny.ai", c.Inbound.Mailbox))
	}
	if c.Inbound.LocalPart == "" || strings.ContainsAny(c.Inbound.LocalPart, "+@ ") {
		p = append(p, fmt.Sprintf("INBOUND_LOCAL_PART=%q: set it to the local part before '+', such as ai", c.Inbound.LocalPart))
	}
	if len(c.Inbound.Domains) == 0 {
		p = append(p, "INBOUND_DOMAINS is empty: set it to a comma-separated list such as besunny.ai")
	}
	if c.Inbound.MaxEmailBytes < 1024 {
		p = append(p, "MAX_EMAIL_BYTES must be at least 1024")
	}
	if c.Inbound.MaxUploadBytes < c.Inbound.MaxEmailBytes {
		p = append(p, "MAX_UPLOAD_BYTES must be at least MAX_EMAIL_BYTES, so too-large mail is kept and recorded")
	}
	switch c.Google.Mode {
	case GoogleSandbox:
		if c.Env == EnvProduction {
			// The sandbox serves unauthenticated admin routes and lets any
			// user deliver mail or edit files: never on a real deployment.
			p = append(p, "GOOGLE_MODE=sandbox is refused when APP_ENV=production: set GOOGLE_MODE=live (with GOOGLE_SERVICE_ACCOUNT_FILE) or off")
		}
	case GoogleOff:
	case GoogleLive:
		if c.Google.ServiceAccountFile == "" {
			p = append(p, "GOOGLE_MODE=live needs GOOGLE_SERVICE_ACCOUNT_FILE: a service-account key with domain-wide delegation for INBOUND_MAILBOX")
		}
		if c.Gmail.PubSubTopic != "" && c.Gmail.PushServiceAccount == "" {
			p = append(p, "GMAIL_PUBSUB_TOPIC needs PUBSUB_SERVICE_ACCOUNT: the service account of the push subscription, whose OIDC tokens the webhook accepts")
		}
	default:
		p = append(p, fmt.Sprintf("GOOGLE_MODE=%q: set it to sandbox, live or off", c.Google.Mode))
	}
	switch c.Google.SandboxConformance {
	case ConformanceOff, ConformanceLog, ConformanceFail:
	default:
		p = append(p, fmt.Sprintf("GOOGLE_SANDBOX_CONFORMANCE=%q: set it to log, fail or off", c.Google.SandboxConformance))
	}
	if c.Gmail.PollInterval < time.Second {
		p = append(p, "GMAIL_POLL_INTERVAL must be at least 1s")
	}
	if c.Gmail.MaxInFlight < 1 {
		p = append(p, "GMAIL_MAX_IN_FLIGHT must be at least 1")
	}
	if c.Gmail.FetchDeadline < 10*time.Second {
		p = append(p, "GMAIL_FETCH_DEADLINE must be at least 10s: how long a message's fetch is retried before it ends failed")
	}
	if c.Gmail.QuotaUnitsPerSecond < 10 {
		p = append(p, "GMAIL_QUOTA_UNITS_PER_SECOND must be at least 10")
	}
	switch c.Gmail.MarkAction {
	case MarkLabel, MarkLabelAndArchive, MarkNone:
	default:
		p = append(p, fmt.Sprintf("GMAIL_MARK_ACTION=%q: set it to label, label_and_archive or none", c.Gmail.MarkAction))
	}
	switch c.Classify.Mode {
	case ClassifierLocal:
	case ClassifierOpenAI, ClassifierHybrid:
		if c.Env == EnvProduction && c.Classify.OpenAIAPIKey == "" {
			p = append(p, fmt.Sprintf("CLASSIFIER=%s needs OPENAI_API_KEY (or CLASSIFIER=local)", c.Classify.Mode))
		}
	default:
		p = append(p, fmt.Sprintf("CLASSIFIER=%q: set it to local, openai or hybrid", c.Classify.Mode))
	}
	if c.Classify.Sure <= 0 || c.Classify.Sure > 1 {
		p = append(p, "CLASSIFY_SURE must be in (0, 1]")
	}
	if c.Classify.MinMargin < 0 || c.Classify.MinMargin > 1 {
		p = append(p, "CLASSIFY_MIN_MARGIN must be in [0, 1]")
	}
	if c.Classify.LLMRequestsPerSecond <= 0 {
		p = append(p, "LLM_REQUESTS_PER_SECOND must be positive")
	}
	if c.Classify.BacklogDebounce < 0 || c.Classify.BacklogDebounce > time.Hour {
		p = append(p, "CLASSIFY_BACKLOG_DEBOUNCE must be between 0 and 1h")
	}
	if c.Classify.BacklogMinConfidence < 0.5 || c.Classify.BacklogMinConfidence > 1 {
		p = append(p, "CLASSIFY_BACKLOG_MIN_CONFIDENCE must be in [0.5, 1] (0.5 is the classifier's own threshold)")
	}
	if c.Classify.CollectionMaxDocuments < 0 || c.Classify.CollectionMaxDocuments > 50_000 {
		p = append(p, "CLASSIFY_COLLECTION_MAX_DOCUMENTS must be in [0, 50000] (0: the default, 5000)")
	}
	if c.Drive.Debounce < 0 || c.Drive.SweepInterval < time.Minute || c.Drive.PushGrace < 0 {
		p = append(p, "DRIVE_DEBOUNCE must be ≥ 0, DRIVE_SWEEP_INTERVAL ≥ 1m, DRIVE_PUSH_GRACE ≥ 0")
	}
	if c.Drive.ChannelTTL < 10*time.Minute || c.Drive.ChannelTTL > 24*time.Hour {
		p = append(p, "DRIVE_CHANNEL_TTL must be between 10m and 24h (Drive's limit for file channels)")
	}
	if c.Drive.MaxFileBytes < 1024 {
		p = append(p, "DRIVE_MAX_FILE_BYTES must be at least 1024")
	}
	if c.Drive.WatchedLinksPerMessage < 0 {
		p = append(p, "DRIVE_WATCHED_LINKS_PER_MESSAGE must be ≥ 0 (0 watches no linked file)")
	}
	p = append(p, c.Calendar.problems()...)
	if c.Google.Mode != GoogleOff && c.TokenEncryptionKey == "" {
		p = append(p, "TOKEN_ENCRYPTION_KEY is required to store Google tokens: set it to k1:$(openssl rand -base64 32)")
	}
	if c.Env == EnvProduction && c.TokenEncryptionKey == DevTokenEncryptionKey {
		p = append(p, "TOKEN_ENCRYPTION_KEY is the development key: set your own when APP_ENV=production")
	}
	if c.Google.Mode == GoogleLive && (c.OAuth.ClientID == "") != (c.OAuth.ClientSecret == "") {
		p = append(p, "GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET must be set together")
	}
	if c.HTTPTimeout <= 0 {
		p = append(p, "HTTP_TIMEOUT must be a positive duration such as 30s")
	}
	if c.RateLimit.MaxKeys < 100 {
		p = append(p, "RATE_LIMIT_MAX_KEYS must be at least 100 (default 50000)")
	}
	if c.UsernameReservation < 0 {
		p = append(p, "USERNAME_RESERVATION must be 0 (names are free at once) or a positive duration (default 2160h, 90 days)")
	}
	if c.HTTPReadTimeout <= 0 || c.HTTPIdleTimeout <= 0 {
		p = append(p, "HTTP_READ_TIMEOUT and HTTP_IDLE_TIMEOUT must be positive durations (defaults 1m and 2m)")
	}
	if c.HTTPWriteTimeout <= c.HTTPTimeout {
		p = append(p, "HTTP_WRITE_TIMEOUT must be longer than HTTP_TIMEOUT, or a request that times out could not be answered (defaults 2m and 30s)")
	}
	p = append(p, c.Attendee.validate(c)...)
	return append(p, c.Live.validate()...)
}

func (l Live) validate() []string {
	var p []string
	if l.Retention < time.Hour {
		p = append(p, "EVENTS_RETENTION must be at least 1h (default 168h, 7 days)")
	}
	if l.Heartbeat < time.Second || l.Heartbeat > 5*time.Minute {
		p = append(p, "EVENTS_HEARTBEAT must be between 1s and 5m (proxies close idle streams after about a minute)")
	}
	if l.Buffer < 8 {
		p = append(p, "EVENTS_BUFFER must be at least 8 events")
	}
	if l.WriteTimeout < 100*time.Millisecond {
		p = append(p, "EVENTS_WRITE_TIMEOUT must be at least 100ms")
	}
	if l.MaxConnectionsPerUser < 1 || l.MaxConnections < 1 {
		p = append(p, "EVENTS_MAX_CONNECTIONS_PER_USER and EVENTS_MAX_CONNECTIONS must be at least 1")
	}
	if l.TicketTTL < time.Second || l.TicketTTL > time.Minute {
		p = append(p, "EVENTS_TICKET_TTL must be between 1s and 60s: a ticket is for opening one stream now")
	}
	return p
}

var errDotEnvSyntax = errors.New(".env syntax")

func lower(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}
