package attendee

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is Attendee's hosted service.
const DefaultBaseURL = "https://app.attendee.dev"

// maxResponseBytes bounds what the client reads of one answer; a long
// meeting's transcript is a few MB.
const maxResponseBytes = 64 << 20

// maxPages bounds how many pages a list follows, against a server that
// keeps answering with a next link.
const maxPages = 200

// Client calls Attendee's bots API. It is safe for concurrent use.
type Client struct {
	base   *url.URL
	apiKey string
	http   *http.Client
	now    func() time.Time
}

// Options configure a Client.
type Options struct {
	// BaseURL is Attendee's root (the API is under /api/v1/); default
	// DefaultBaseURL.
	BaseURL string
	// APIKey is sent as "Authorization: Token <APIKey>".
	APIKey string
	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
	// Clock dates Retry-After headers; default time.Now.
	Clock func() time.Time
}

// New returns a client. It fails only on a malformed BaseURL.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("attendee base URL %q is not an absolute URL", opts.BaseURL)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	return &Client{base: u, apiKey: opts.APIKey, http: opts.HTTPClient, now: opts.Clock}, nil
}

// CreateBot sends a bot to a meeting (POST /api/v1/bots).
func (c *Client) CreateBot(ctx context.Context, req CreateBotRequest) (Bot, error) {
	var bot Bot
	err := c.do(ctx, "create bot", http.MethodPost, "/api/v1/bots", req, &bot)
	return bot, err
}

// GetBot reads a bot (GET /api/v1/bots/{id}).
func (c *Client) GetBot(ctx context.Context, id string) (Bot, error) {
	var bot Bot
	err := c.do(ctx, "get bot", http.MethodGet, "/api/v1/bots/"+url.PathEscape(id), nil, &bot)
	return bot, err
}

// RescheduleBot moves a scheduled bot's join time (PATCH /api/v1/bots/{id});
// Attendee allows it only while the bot is "scheduled" (IsInvalidState
// otherwise).
func (c *Client) RescheduleBot(ctx context.Context, id string, joinAt time.Time) (Bot, error) {
	var bot Bot
	body := map[string]string{"join_at": FormatTime(joinAt)}
	err := c.do(ctx, "reschedule bot", http.MethodPatch, "/api/v1/bots/"+url.PathEscape(id), body, &bot)
	return bot, err
}

// DeleteBot removes a scheduled bot (DELETE /api/v1/bots/{id}); Attendee
// allows it only while the bot is "scheduled" (IsInvalidState otherwise).
func (c *Client) DeleteBot(ctx context.Context, id string) error {
	return c.do(ctx, "delete bot", http.MethodDelete, "/api/v1/bots/"+url.PathEscape(id), nil, nil)
}

// LeaveBot makes a bot leave its meeting (POST /api/v1/bots/{id}/leave);
// Attendee allows it from joining, the waiting room and the joined states.
func (c *Client) LeaveBot(ctx context.Context, id string) (Bot, error) {
	var bot Bot
	err := c.do(ctx, "leave", http.MethodPost, "/api/v1/bots/"+url.PathEscape(id)+"/leave", nil, &bot)
	return bot, err
}

// BotQuery filters ListBots.
type BotQuery struct {
	DeduplicationKey string
	MeetingURL       string
	States           []string
}

// ListBots returns every bot matching q, following Attendee's cursor pages.
func (c *Client) ListBots(ctx context.Context, q BotQuery) ([]Bot, error) {
	v := url.Values{}
	if q.DeduplicationKey != "" {
		v.Set("deduplication_key", q.DeduplicationKey)
	}
	if q.MeetingURL != "" {
		v.Set("meeting_url", q.MeetingURL)
	}
	for _, s := range q.States {
		v.Add("states", s)
	}
	path := "/api/v1/bots"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var out []Bot
	err := c.pages(ctx, "list bots", path, func(raw json.RawMessage) error {
		var page []Bot
		if err := json.Unmarshal(raw, &page); err != nil {
			return err
		}
		out = append(out, page...)
		return nil
	})
	return out, err
}

// Transcript returns a bot's utterances in meeting order
// (GET /api/v1/bots/{id}/transcript). Attendee answers with one array; a
// paged answer ({"results", "next"}) is followed to its end.
func (c *Client) Transcript(ctx context.Context, id string) ([]Utterance, error) {
	var out []Utterance
	err := c.pages(ctx, "transcript", "/api/v1/bots/"+url.PathEscape(id)+"/transcript", func(raw json.RawMessage) error {
		var page []Utterance
		if err := json.Unmarshal(raw, &page); err != nil {
			return err
		}
		out = append(out, page...)
		return nil
	})
	return out, err
}

// pages GETs path and every next page, handing each page's items to add.
// An answer is either a JSON array (one page) or a DRF page object.
func (c *Client) pages(ctx context.Context, op, path string, add func(json.RawMessage) error) error {
	for n := 0; path != ""; n++ {
		if n == maxPages {
			return fmt.Errorf("attendee %s: more than %d pages", op, maxPages)
		}
		var raw json.RawMessage
		if err := c.do(ctx, op, http.MethodGet, path, nil, &raw); err != nil {
			return err
		}
		raw = json.RawMessage(bytes.TrimSpace(raw))
		if len(raw) > 0 && raw[0] == '[' {
			return wrapDecode(op, add(raw))
		}
		var page struct {
			Next    *string         `json:"next"`
			Results json.RawMessage `json:"results"`
		}
		if err := json.Unmarshal(raw, &page); err != nil || page.Results == nil {
			return fmt.Errorf("attendee %s: unexpected answer: %.200s", op, raw)
		}
		if err := add(page.Results); err != nil {
			return wrapDecode(op, err)
		}
		path = ""
		if page.Next != nil && *page.Next != "" {
			next, err := c.samePath(*page.Next)
			if err != nil {
				return fmt.Errorf("attendee %s: %w", op, err)
			}
			path = next
		}
	}
	return nil
}

func wrapDecode(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("attendee %s: decoding the answer: %w", op, err)
}

// samePath reduces a next link to a path on our base URL, so the API key
// is never sent to another host a page might name.
func (c *Client) samePath(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("next link %q: %w", link, err)
	}
	if u.Host != "" && !strings.EqualFold(u.Host, c.base.Host) {
		return "", fmt.Errorf("next link %q leaves %s", link, c.base.Host)
	}
	p := strings.TrimPrefix(u.EscapedPath(), c.base.EscapedPath())
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, nil
}

// do sends one request and decodes a 2xx JSON answer into out (when out is
// not nil); any other answer is an *APIError.
func (c *Client) do(ctx context.Context, op, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("attendee %s: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return fmt.Errorf("attendee %s: %w", op, err)
	}
	req.Header.Set("Authorization", "Token "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	// Attendee's documentation asks for it on every call, GETs included.
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("attendee %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("attendee %s: reading the answer: %w", op, err)
	}
	if len(data) > maxResponseBytes {
		return fmt.Errorf("attendee %s: answer larger than %d bytes", op, maxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return apiError(op, resp, data, c.now())
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		if out != nil {
			return errors.New("attendee " + op + ": empty answer")
		}
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("attendee %s: decoding the answer: %w", op, err)
	}
	return nil
}

// BaseURL is the root the client calls.
func (c *Client) BaseURL() string { return c.base.String() }
