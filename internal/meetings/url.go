package meetings

import (
	"net/url"
	"regexp"
	"strings"

	"google.golang.org/api/calendar/v3"

	"github.com/besunny/workflows/internal/mail"
)

// Meeting providers.
const (
	ProviderGoogleMeet = "google_meet"
	ProviderZoom       = "zoom"
	ProviderTeams      = "teams"
	ProviderWebex      = "webex"
	// ProviderOther is a video entry point of another conference add-on.
	ProviderOther = "other"
)

// webLink finds http(s) URLs in plain text; trailing punctuation is trimmed
// afterwards.
var webLink = regexp.MustCompile(`(?i)https?://[^\s<>"'\x60{}|\\^\[\]]+`)

// meetCode is a Google Meet meeting code (abc-defg-hij).
var meetCode = regexp.MustCompile(`^/[a-z]{3}-[a-z]{4}-[a-z]{3}$`)

// FindURL returns the event's meeting URL and provider, or "" when the event
// is not a meeting: the video entry point of its conference data, else its
// Hangouts/Meet link, else the first Meet, Zoom, Teams or Webex link in its
// location, else in its description (HTML or text, links in hrefs too).
func FindURL(ev *calendar.Event) (link, provider string) {
	if cd := ev.ConferenceData; cd != nil {
		for _, ep := range cd.EntryPoints {
			if ep == nil || ep.EntryPointType != "video" || !isHTTP(ep.Uri) {
				continue
			}
			if p := Provider(ep.Uri); p != "" {
				return ep.Uri, p
			}
			if cd.ConferenceSolution != nil && cd.ConferenceSolution.Key != nil && cd.ConferenceSolution.Key.Type == "hangoutsMeet" {
				return ep.Uri, ProviderGoogleMeet
			}
			return ep.Uri, ProviderOther
		}
	}
	if isHTTP(ev.HangoutLink) {
		return ev.HangoutLink, ProviderGoogleMeet
	}
	if link, p := FindURLInText(ev.Location); link != "" {
		return link, p
	}
	return FindURLInText(ev.Description)
}

// FindURLInText returns the first Meet, Zoom, Teams or Webex link in text,
// which may be HTML (links in hrefs count) or plain text. Google and Outlook
// redirect wrappers are unwrapped.
func FindURLInText(text string) (link, provider string) {
	if text == "" {
		return "", ""
	}
	candidates := webLink.FindAllString(text, -1)
	if looksLikeHTML(text) {
		rendered, hrefs := mail.HTMLToText(text)
		candidates = append(hrefs, webLink.FindAllString(rendered, -1)...)
	}
	for _, c := range candidates {
		c = unwrapRedirect(trimLink(c))
		if p := Provider(c); p != "" {
			return c, p
		}
	}
	return "", ""
}

// Provider names the meeting service a join link belongs to, or "" for any
// other link (a Meet landing page or a Zoom marketing page is not a meeting).
func Provider(link string) string {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	host, path := strings.ToLower(u.Hostname()), u.EscapedPath()
	switch {
	case host == "meet.google.com":
		if meetCode.MatchString(strings.ToLower(path)) || strings.HasPrefix(path, "/lookup/") {
			return ProviderGoogleMeet
		}
	case hostIs(host, "zoom.us") || hostIs(host, "zoomgov.com"):
		for _, p := range []string{"/j/", "/my/", "/w/", "/s/", "/wc/join/", "/wc/"} {
			if strings.HasPrefix(path, p) && len(path) > len(p) {
				return ProviderZoom
			}
		}
	case host == "teams.microsoft.com":
		if strings.HasPrefix(path, "/l/meetup-join/") || strings.HasPrefix(path, "/meet/") {
			return ProviderTeams
		}
	case host == "teams.live.com":
		if strings.HasPrefix(path, "/meet/") {
			return ProviderTeams
		}
	case hostIs(host, "webex.com"):
		lower := strings.ToLower(path)
		for _, p := range []string{"/meet/", "/join/", "j.php", "/wbxmjs/joinservice/"} {
			if strings.Contains(lower, p) {
				return ProviderWebex
			}
		}
	}
	return ""
}

func hostIs(host, domain string) bool { return host == domain || strings.HasSuffix(host, "."+domain) }

func isHTTP(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// trimLink drops punctuation that ends a sentence rather than the URL, and
// an unbalanced closing parenthesis.
func trimLink(s string) string {
	for s != "" {
		last := s[len(s)-1]
		switch {
		case strings.IndexByte(".,;:!?'\"", last) >= 0:
			s = s[:len(s)-1]
		case last == ')' && strings.Count(s, "(") < strings.Count(s, ")"):
			s = s[:len(s)-1]
		default:
			return s
		}
	}
	return s
}

// unwrapRedirect returns the target of a Google (google.com/url?q=) or
// Outlook SafeLinks (…safelinks.protection.outlook.com/?url=) redirect.
func unwrapRedirect(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case (host == "www.google.com" || host == "google.com") && u.Path == "/url":
		if q := u.Query().Get("q"); isHTTP(q) {
			return q
		}
	case strings.HasSuffix(host, "safelinks.protection.outlook.com"):
		if q := u.Query().Get("url"); isHTTP(q) {
			return q
		}
	}
	return s
}

// looksLikeHTML reports whether a description carries markup; Calendar
// descriptions are HTML when written in Google's editor and plain text when
// set through the API or imported.
func looksLikeHTML(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0 && i+1 < len(s); {
		c := s[i+1]
		if c == '/' || c == '!' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
			return true
		}
		next := strings.IndexByte(s[i+1:], '<')
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}
