package attendeefake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// AdminClient drives a sandbox Attendee over its admin API (the product in
// sandbox mode, make demo, end-to-end tests).
type AdminClient struct {
	base string
	hc   *http.Client
}

// NewAdminClient returns a client for the fake at baseURL (without /_fake).
// hc nil means a client with a 10 s timeout.
func NewAdminClient(baseURL string, hc *http.Client) *AdminClient {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &AdminClient{base: strings.TrimRight(baseURL, "/"), hc: hc}
}

// SetMeeting scripts a meeting (PUT /_fake/meetings).
func (c *AdminClient) SetMeeting(ctx context.Context, m Meeting) (Meeting, error) {
	var out Meeting
	err := c.do(ctx, http.MethodPut, "/_fake/meetings", m, &out)
	return out, err
}

// Advance fast-forwards every bot by d (POST /_fake/advance).
func (c *AdminClient) Advance(ctx context.Context, d time.Duration) error {
	return c.do(ctx, http.MethodPost, "/_fake/advance", map[string]Duration{"by": Duration(d)}, nil)
}

// Bots lists the fake's bots (GET /_fake/bots).
func (c *AdminClient) Bots(ctx context.Context) ([]BotInfo, error) {
	var out []BotInfo
	err := c.do(ctx, http.MethodGet, "/_fake/bots", nil, &out)
	return out, err
}

// Deliveries lists the fake's webhook deliveries (GET /_fake/webhooks).
func (c *AdminClient) Deliveries(ctx context.Context) ([]Delivery, error) {
	var out []Delivery
	err := c.do(ctx, http.MethodGet, "/_fake/webhooks", nil, &out)
	return out, err
}

// SetFaults replaces the random faults (PUT /_fake/faults).
func (c *AdminClient) SetFaults(ctx context.Context, f Faults) error {
	return c.do(ctx, http.MethodPut, "/_fake/faults", f, nil)
}

// AdminError is a refusal of the admin API (the fake's own message).
type AdminError struct {
	Status  int
	Message string
}

func (e *AdminError) Error() string {
	return fmt.Sprintf("sandbox Attendee: %d %s", e.Status, e.Message)
}

func (c *AdminClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox Attendee at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		return &AdminError{Status: resp.StatusCode, Message: e.Error}
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	return json.Unmarshal(data, out)
}
