package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Google pushes to the product on paths no discovery document describes:
// the Pub/Sub push envelope carrying Gmail's notification, the OIDC token
// that authenticates it, and the header-only notifications of Drive and
// Calendar channels. These tables are written from Google's documentation;
// every row cites the page that defines its field.
const (
	docPubSubPush  = "https://cloud.google.com/pubsub/docs/push#receive_push"
	docPubSubAuth  = "https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions"
	docDeadLetter  = "https://cloud.google.com/pubsub/docs/handling-failures#track-delivery-attempts"
	docOrdering    = "https://cloud.google.com/pubsub/docs/ordering"
	docGmailPush   = "https://developers.google.com/gmail/api/guides/push#receiving_notifications"
	docDrivePush   = "https://developers.google.com/drive/api/guides/push#understand-drive-api-notification-events"
	docCalPush     = "https://developers.google.com/calendar/api/guides/push#understanding-the-notification-message-format"
	docIDTokenJWT  = "https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload"
	httpDateLayout = http.TimeFormat
)

// Rule is one row of a push table: a field, whether Google always sends
// it, what the documentation says of it and where.
type Rule struct {
	// Field is a JSON path ($.message.data), a header name or a claim.
	Field string
	// Always: Google sends it on every push of the kind (else only
	// sometimes, as Says explains).
	Always bool
	// Says is what the documentation says, in short.
	Says string
	// Doc is the page that says it.
	Doc string
	// valid checks a present value ("" when fine).
	valid func(v any) string
}

// PubSubPushRules is the push request body of a Pub/Sub push subscription.
// The message itself is Pub/Sub's PubsubMessage, also checked against the
// pubsub/v1 discovery schema; the snake_case twins are push-only.
func PubSubPushRules() []Rule {
	return []Rule{
		{Field: "$.message", Always: true, Doc: docPubSubPush, Says: "the PubsubMessage, an object", valid: isObject},
		{Field: "$.message.data", Always: true, Doc: docGmailPush, Says: "base64 of Gmail's notification JSON (Pub/Sub allows no data only with attributes; Gmail always sends data)", valid: isBase64String},
		{Field: "$.message.messageId", Always: true, Doc: docPubSubPush, Says: "the message id, a string assigned by the server", valid: isNonEmptyString},
		{Field: "$.message.message_id", Always: true, Doc: docPubSubPush, Says: "the same id under its snake_case name, sent in push bodies", valid: isNonEmptyString},
		{Field: "$.message.publishTime", Always: true, Doc: docPubSubPush, Says: "when the message was published, RFC 3339 with Z", valid: isRFC3339},
		{Field: "$.message.publish_time", Always: true, Doc: docPubSubPush, Says: "the same time under its snake_case name", valid: isRFC3339},
		{Field: "$.message.attributes", Doc: docPubSubPush, Says: "string keys and values, only when the publisher set attributes", valid: isStringMap},
		{Field: "$.message.orderingKey", Doc: docOrdering, Says: "a string, only for messages published with an ordering key", valid: isString},
		{Field: "$.subscription", Always: true, Doc: docPubSubPush, Says: "the subscription name, projects/{project}/subscriptions/{subscription}", valid: matches(subscriptionRE)},
		{Field: "$.deliveryAttempt", Doc: docDeadLetter, Says: "an integer, only when the subscription has a dead-letter policy", valid: isInteger},
	}
}

// GmailNotificationRules is the JSON inside message.data of a Gmail push.
func GmailNotificationRules() []Rule {
	return []Rule{
		{Field: "$.emailAddress", Always: true, Doc: docGmailPush, Says: "the mailbox whose history changed", valid: isNonEmptyString},
		{Field: "$.historyId", Always: true, Doc: docGmailPush,
			Says:  "the mailbox's new history id; the guide's example shows a string, real pushes carry a JSON number, so a receiver must accept both",
			valid: isDecimal},
	}
}

// PushTokenClaimRules is the OIDC ID token in Authorization: Bearer of an
// authenticated push, signed by Google (RS256, keys at oauth2/v3/certs).
func PushTokenClaimRules() []Rule {
	return []Rule{
		{Field: "iss", Always: true, Doc: docPubSubAuth, Says: "https://accounts.google.com (accounts.google.com is also valid for Google ID tokens)",
			valid: oneOf("https://accounts.google.com", "accounts.google.com")},
		{Field: "aud", Always: true, Doc: docPubSubAuth, Says: "the audience configured on the subscription, by default the push endpoint URL", valid: isNonEmptyString},
		{Field: "azp", Always: true, Doc: docPubSubAuth, Says: "the service account's unique id", valid: isNonEmptyString},
		{Field: "sub", Always: true, Doc: docPubSubAuth, Says: "the service account's unique id", valid: isNonEmptyString},
		{Field: "email", Always: true, Doc: docPubSubAuth, Says: "the push subscription's service account email", valid: isEmail},
		{Field: "email_verified", Always: true, Doc: docPubSubAuth, Says: "true", valid: isTrue},
		{Field: "iat", Always: true, Doc: docIDTokenJWT, Says: "issue time, seconds since the epoch (a JSON number)", valid: isEpochSeconds},
		{Field: "exp", Always: true, Doc: docIDTokenJWT, Says: "expiry, seconds since the epoch, one hour after iat", valid: isEpochSeconds},
	}
}

// ChannelHeaderRules are the headers of a Drive or Calendar channel
// notification, which has no body.
func ChannelHeaderRules() []Rule {
	return []Rule{
		{Field: "X-Goog-Channel-ID", Always: true, Doc: docDrivePush, Says: "the channel id the app chose in the watch request", valid: isNonEmptyString},
		{Field: "X-Goog-Message-Number", Always: true, Doc: docDrivePush, Says: "an integer identifying the message on its channel: 1 for sync, then increasing (not necessarily by one)", valid: isPositiveDecimal},
		{Field: "X-Goog-Resource-ID", Always: true, Doc: docDrivePush, Says: "an opaque id of the watched resource, stable across API versions", valid: isNonEmptyString},
		{Field: "X-Goog-Resource-State", Always: true, Doc: docDrivePush, Says: "Drive: sync, add, remove, update, trash, untrash, change; Calendar: sync, exists, not_exists",
			valid: oneOf("sync", "add", "remove", "update", "trash", "untrash", "change", "exists", "not_exists")},
		{Field: "X-Goog-Resource-URI", Always: true, Doc: docDrivePush, Says: "an API-version-specific URL of the watched resource", valid: isAbsoluteURL},
		{Field: "X-Goog-Channel-Expiration", Doc: docDrivePush, Says: "the channel's expiry in human-readable form (RFC 1123, GMT), only when the channel has one", valid: isHTTPDate},
		{Field: "X-Goog-Channel-Token", Doc: docDrivePush, Says: "the token the app set on the channel, only when it set one", valid: isString},
		{Field: "X-Goog-Changed", Doc: docDrivePush, Says: "Drive update messages only: a comma-separated list of content, parents, children, permissions, properties; never with sync",
			valid: commaListOf("content", "parents", "children", "permissions", "properties")},
	}
}

// calendarStates and driveStates are the resource states per API.
var (
	driveStates    = []string{"sync", "add", "remove", "update", "trash", "untrash", "change"}
	calendarStates = []string{"sync", "exists", "not_exists"}
)

var (
	subscriptionRE = regexp.MustCompile(`^projects/[^/]+/subscriptions/[^/]+$`)
	emailRE        = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func isObject(v any) string {
	if _, ok := v.(map[string]any); !ok {
		return "an object"
	}
	return ""
}

func isString(v any) string {
	if _, ok := v.(string); !ok {
		return "a string"
	}
	return ""
}

func isNonEmptyString(v any) string {
	if s, ok := v.(string); !ok || s == "" {
		return "a non-empty string"
	}
	return ""
}

func isBase64String(v any) string {
	if s, ok := v.(string); !ok || !isBase64(s) {
		return "a base64 string"
	}
	return ""
}

func isRFC3339(v any) string {
	s, _ := v.(string)
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return "an RFC 3339 timestamp"
	}
	return ""
}

func isStringMap(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return "an object of strings"
	}
	for _, x := range m {
		if _, ok := x.(string); !ok {
			return "an object of strings"
		}
	}
	return ""
}

func isInteger(v any) string {
	if n, ok := v.(json.Number); !ok || checkInteger(n.String(), "int32") != "" {
		return "a JSON integer"
	}
	return ""
}

// isDecimal accepts a JSON number or a decimal string (Gmail's historyId).
func isDecimal(v any) string {
	switch x := v.(type) {
	case json.Number:
		if checkInteger(x.String(), "uint64") == "" {
			return ""
		}
	case string:
		if _, err := strconv.ParseUint(x, 10, 64); err == nil {
			return ""
		}
	}
	return "a positive integer, as a JSON number or a decimal string"
}

func isPositiveDecimal(v any) string {
	s, _ := v.(string)
	if n, err := strconv.ParseUint(s, 10, 64); err != nil || n == 0 {
		return "a positive decimal integer"
	}
	return ""
}

func isEmail(v any) string {
	if s, _ := v.(string); !emailRE.MatchString(s) {
		return "an email address"
	}
	return ""
}

func isTrue(v any) string {
	if b, ok := v.(bool); !ok || !b {
		return "the boolean true"
	}
	return ""
}

func isEpochSeconds(v any) string {
	n, ok := v.(json.Number)
	if !ok {
		return "a JSON number of seconds"
	}
	// Milliseconds would be 13 digits now; seconds are 10.
	if i, err := n.Int64(); err != nil || i < 1e9 || i > 1e11 {
		return "a JSON number of seconds since the epoch"
	}
	return ""
}

func isAbsoluteURL(v any) string {
	s, _ := v.(string)
	if u, err := url.Parse(s); err != nil || !u.IsAbs() || u.Host == "" {
		return "an absolute URL"
	}
	return ""
}

func isHTTPDate(v any) string {
	s, _ := v.(string)
	if _, err := time.Parse(httpDateLayout, s); err != nil {
		return `an RFC 1123 date in GMT, e.g. "Tue, 19 Nov 2013 01:13:52 GMT"`
	}
	return ""
}

func oneOf(values ...string) func(any) string {
	return func(v any) string {
		if s, _ := v.(string); !slices.Contains(values, s) {
			return "one of " + strings.Join(values, ", ")
		}
		return ""
	}
}

func commaListOf(values ...string) func(any) string {
	return func(v any) string {
		s, _ := v.(string)
		for _, part := range strings.Split(s, ",") {
			if !slices.Contains(values, strings.TrimSpace(part)) {
				return "a comma-separated list of " + strings.Join(values, ", ")
			}
		}
		return ""
	}
}

func matches(re *regexp.Regexp) func(any) string {
	return func(v any) string {
		if s, _ := v.(string); !re.MatchString(s) {
			return "a string matching " + re.String()
		}
		return ""
	}
}

// applyRules checks the fields of obj (decoded JSON) against rules whose
// Field is a JSON path from root ("$.message.data"), and reports fields
// under root the rules do not name.
func applyRules(method string, rules []Rule, obj any, call string) []Violation {
	var out []Violation
	named := map[string]bool{}
	for _, r := range rules {
		named[r.Field] = true
		v, present := lookupPath(obj, r.Field)
		switch {
		case !present && r.Always:
			out = append(out, Violation{Method: method, Side: Push, Path: r.Field, Got: "no value", Want: "always sent: " + r.Says, Source: r.Doc, Call: call})
		case present:
			if msg := r.valid(v); msg != "" {
				out = append(out, Violation{Method: method, Side: Push, Path: r.Field, Got: jsonKind(v), Want: msg + " (" + r.Says + ")", Source: r.Doc, Call: call})
			}
		}
	}
	// Fields the documentation does not define: the fake invented them.
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, k := range sortedKeys(m) {
			p := prefix + "." + k
			if named[p] {
				if !strings.HasSuffix(p, "attributes") {
					walk(p, m[k])
				}
				continue
			}
			out = append(out, Violation{Method: method, Side: Push, Path: p, Got: "a field " + strconv.Quote(k),
				Want: "no such field in the documented body", Source: rules[0].Doc, Call: call})
		}
	}
	walk("$", obj)
	return out
}

// lookupPath finds "$.a.b" in decoded JSON.
func lookupPath(v any, path string) (any, bool) {
	for _, k := range strings.Split(strings.TrimPrefix(path, "$."), ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// CheckPubSubPush checks a Gmail push as Pub/Sub delivers it: POST, JSON
// envelope, base64 Gmail notification, and the OIDC bearer token's header
// and claims (the signature is the receiver's to verify).
func (s *Spec) CheckPubSubPush(r *http.Request, body []byte) []Violation {
	call := r.Method + " " + r.URL.String()
	const method = "pubsub.push"
	bad := func(path, got, want, doc string) Violation {
		return Violation{Method: method, Side: Push, Path: path, Got: got, Want: want, Source: doc, Call: call}
	}
	var out []Violation
	if r.Method != http.MethodPost {
		out = append(out, bad("HTTP method", r.Method, "a push is a POST", docPubSubPush))
	}
	if mt := mediaTypeOf(r.Header); mt != "application/json" {
		out = append(out, bad("header Content-Type", quoteShort(r.Header.Get("Content-Type")), "application/json", docPubSubPush))
	}
	env, err := decodeJSON(body)
	if err != nil {
		return append(out, bad("$", "a body that is not JSON", "the JSON push envelope", docPubSubPush))
	}
	out = append(out, applyRules(method, PubSubPushRules(), env, call)...)
	if ps := s.apis["pubsub/v1"]; ps != nil {
		if msg, ok := lookupPath(env, "$.message"); ok {
			if m, ok := msg.(map[string]any); ok {
				// The snake_case twins are push-only and covered above.
				trimmed := map[string]any{}
				for k, v := range m {
					if k != "message_id" && k != "publish_time" {
						trimmed[k] = v
					}
				}
				w := &walker{api: ps, side: Response, method: method}
				w.run(rootLoc("PushEnvelope").field("message"), trimmed, &Schema{Ref: "PubsubMessage"}, nil)
				for _, p := range w.found {
					out = append(out, bad(p.path, p.got, p.want, ps.Source()))
				}
			}
		}
	}
	for _, twin := range [][2]string{{"$.message.messageId", "$.message.message_id"}, {"$.message.publishTime", "$.message.publish_time"}} {
		a, _ := lookupPath(env, twin[0])
		b, _ := lookupPath(env, twin[1])
		if a != nil && b != nil && a != b {
			out = append(out, bad(twin[1], jsonKind(b), "the same value as "+twin[0]+" ("+jsonKind(a)+")", docPubSubPush))
		}
	}
	if data, ok := lookupPath(env, "$.message.data"); ok {
		if str, ok := data.(string); ok {
			raw, err := base64.StdEncoding.DecodeString(str)
			if err != nil {
				raw, err = base64.URLEncoding.DecodeString(str)
			}
			if n, jerr := decodeJSON(raw); err == nil && jerr == nil {
				for _, v := range applyRules("gmail.notification", GmailNotificationRules(), n, call) {
					v.Path = "$.message.data→" + v.Path
					out = append(out, v)
				}
			} else {
				out = append(out, bad("$.message.data", quoteShort(str), "base64 of Gmail's JSON notification", docGmailPush))
			}
		}
	}
	out = append(out, checkPushToken(r.Header.Get("Authorization"), call)...)
	return out
}

// checkPushToken checks the header and claims of the push's OIDC token.
func checkPushToken(authz, call string) []Violation {
	const method = "pubsub.push.token"
	bad := func(path, got, want string) Violation {
		return Violation{Method: method, Side: Push, Path: path, Got: got, Want: want, Source: docPubSubAuth, Call: call}
	}
	tok, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok {
		return []Violation{bad("header Authorization", quoteShort(authz), "Bearer <OIDC token> on an authenticated push subscription")}
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return []Violation{bad("header Authorization", "a token of "+strconv.Itoa(len(parts))+" parts", "a signed JWT (header.payload.signature)")}
	}
	var out []Violation
	hdr, err1 := decodeJWTPart(parts[0])
	claims, err2 := decodeJWTPart(parts[1])
	if err1 != nil || err2 != nil {
		return []Violation{bad("header Authorization", "a token whose parts are not base64url JSON", "a signed JWT")}
	}
	h, _ := hdr.(map[string]any)
	if h["alg"] != "RS256" {
		out = append(out, bad("token header alg", jsonKind(h["alg"]), "RS256"))
	}
	if k, _ := h["kid"].(string); k == "" {
		out = append(out, bad("token header kid", jsonKind(h["kid"]), "the id of the signing key in Google's certs"))
	}
	for _, r := range PushTokenClaimRules() {
		v, present := lookupPath(claims, "$."+r.Field)
		switch {
		case !present && r.Always:
			out = append(out, Violation{Method: method, Side: Push, Path: "claim " + r.Field, Got: "no claim", Want: r.Says, Source: r.Doc, Call: call})
		case present:
			if msg := r.valid(v); msg != "" {
				out = append(out, Violation{Method: method, Side: Push, Path: "claim " + r.Field, Got: jsonKind(v), Want: msg + " (" + r.Says + ")", Source: r.Doc, Call: call})
			}
		}
	}
	c, _ := claims.(map[string]any)
	iat, _ := c["iat"].(json.Number)
	exp, _ := c["exp"].(json.Number)
	if i, err1 := iat.Int64(); err1 == nil {
		if e, err2 := exp.Int64(); err2 == nil && (e <= i || e-i > 3600) {
			out = append(out, bad("claim exp", fmt.Sprintf("%d s after iat", e-i), "Google's ID tokens expire one hour (3600 s) after iat"))
		}
	}
	return out
}

func decodeJWTPart(p string) (any, error) {
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, err
	}
	return decodeJSON(b)
}

// CheckChannelNotification checks a Drive or Calendar channel
// notification: a POST without a body whose headers follow the table; the
// resource states are those of the API the resource URI belongs to.
func (s *Spec) CheckChannelNotification(r *http.Request, body []byte) []Violation {
	call := r.Method + " " + r.URL.String()
	h := r.Header
	uri := h.Get("X-Goog-Resource-URI")
	method, doc, states := "channel.notification", docDrivePush, slices.Concat(driveStates, calendarStates)
	switch {
	case strings.Contains(uri, "/drive/v3/"):
		method, states = "drive.notification", driveStates
	case strings.Contains(uri, "/calendar/v3/"):
		method, doc, states = "calendar.notification", docCalPush, calendarStates
	}
	bad := func(path, got, want string) Violation {
		return Violation{Method: method, Side: Push, Path: path, Got: got, Want: want, Source: doc, Call: call}
	}
	var out []Violation
	if r.Method != http.MethodPost {
		out = append(out, bad("HTTP method", r.Method, "a notification is a POST"))
	}
	if len(bytes.TrimSpace(body)) > 0 {
		out = append(out, bad("body", fmt.Sprintf("%d bytes", len(body)), "a notification has no body: everything is in the headers"))
	}
	for _, rule := range ChannelHeaderRules() {
		vals := h.Values(rule.Field)
		switch {
		case len(vals) == 0 && rule.Always:
			out = append(out, Violation{Method: method, Side: Push, Path: "header " + rule.Field, Got: "no header", Want: "always sent: " + rule.Says, Source: doc, Call: call})
		case len(vals) > 1:
			out = append(out, bad("header "+rule.Field, fmt.Sprintf("%d values", len(vals)), "one value"))
		case len(vals) == 1:
			if msg := rule.valid(vals[0]); msg != "" {
				out = append(out, Violation{Method: method, Side: Push, Path: "header " + rule.Field, Got: quoteShort(vals[0]), Want: msg, Source: doc, Call: call})
			}
		}
	}
	state := h.Get("X-Goog-Resource-State")
	if state != "" && !slices.Contains(states, state) {
		out = append(out, bad("header X-Goog-Resource-State", quoteShort(state), method+" states are "+strings.Join(states, ", ")))
	}
	if state == "sync" && h.Get("X-Goog-Message-Number") != "1" {
		out = append(out, bad("header X-Goog-Message-Number", quoteShort(h.Get("X-Goog-Message-Number")), "1 on the sync message"))
	}
	if h.Get("X-Goog-Changed") != "" && (state != "update" || method == "calendar.notification") {
		out = append(out, bad("header X-Goog-Changed", quoteShort(h.Get("X-Goog-Changed")), "only on Drive update messages"))
	}
	if method == "channel.notification" {
		out = append(out, bad("header X-Goog-Resource-URI", quoteShort(uri), "a Drive v3 or Calendar v3 resource URL"))
	} else if u, err := url.Parse(uri); err == nil {
		if rt, _ := s.match(http.MethodGet, u.EscapedPath()); rt == nil {
			out = append(out, bad("header X-Goog-Resource-URI", quoteShort(uri), "the URL of a resource a discovery GET method serves"))
		}
	}
	return out
}

// Transport checks every callback the fake sends — Gmail pushes and channel
// notifications — before passing it to next (nil: http.DefaultTransport).
// A callback that is neither is a violation: Google sends no others.
func (c *Checker) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if c.mode == ModeOff {
		return next
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil {
				return nil, err
			}
			body = b
			// A RoundTripper must not change the caller's request.
			r = r.Clone(r.Context())
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		var vs []Violation
		switch {
		case r.Header.Get("X-Goog-Channel-ID") != "" || r.Header.Get("X-Goog-Resource-State") != "":
			vs = c.spec.CheckChannelNotification(r, body)
		case bytes.Contains(body, []byte(`"subscription"`)):
			vs = c.spec.CheckPubSubPush(r, body)
		default:
			vs = []Violation{{Method: "unknown", Side: Push, Path: "request", Got: r.Method + " " + r.URL.String(),
				Want: "Google calls back only with Pub/Sub pushes and channel notifications", Source: docPubSubPush,
				Call: r.Method + " " + r.URL.String()}}
		}
		for _, v := range vs {
			c.add(v)
		}
		c.count(pushKind(r))
		return next.RoundTrip(r)
	})
}

func pushKind(r *http.Request) string {
	if r.Header.Get("X-Goog-Channel-ID") != "" {
		if strings.Contains(r.Header.Get("X-Goog-Resource-URI"), "/calendar/v3/") {
			return "calendar.notification"
		}
		return "drive.notification"
	}
	return "pubsub.push"
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
