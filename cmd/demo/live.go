package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// watchLive opens the demo user's event stream the way a browser does (a
// ticket bought with the user's token, then GET /api/v1/events?ticket=) and
// prints every event as it arrives, beside the demo's own output. stop
// waits a moment for the last events and closes the stream.
func (c client) watchLive() (stop func(), err error) {
	var ticket struct {
		EventsURL string `json:"events_url"`
	}
	if err := c.do(c.user, http.MethodPost, "/api/v1/events/ticket", "", nil, &ticket); err != nil {
		return nil, fmt.Errorf("event ticket: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ticket.EventsURL, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("event stream: %s", resp.Status)
	}
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			if line, isReady := describe(data); isReady {
				fmt.Printf("live: stream open (GET /api/v1/events, ticket auth): %s\n\n", line)
				close(ready)
			} else {
				fmt.Printf("  live  %s\n", line)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
	}
	return func() {
		time.Sleep(2 * time.Second)
		cancel()
		resp.Body.Close()
		<-done
	}, nil
}

// describe is one event as a line of the demo's output.
func describe(data string) (string, bool) {
	var e struct {
		ID          int64          `json:"id"`
		Kind        string         `json:"kind"`
		LastEventID int64          `json:"last_event_id"`
		Data        map[string]any `json:"data"`
	}
	if json.Unmarshal([]byte(data), &e) != nil {
		return data, false
	}
	if e.Kind == "ready" {
		return fmt.Sprintf("complete after event %d", e.LastEventID), true
	}
	return fmt.Sprintf("#%-5d %-20s %s", e.ID, e.Kind, summarize(e.Kind, e.Data)), false
}

// summarize picks what a reader of the demo wants from an event's data.
func summarize(kind string, data map[string]any) string {
	var parts []string
	add := func(keys ...string) {
		for _, k := range keys {
			switch v := data[k].(type) {
			case nil:
			case string:
				if v != "" {
					parts = append(parts, fmt.Sprintf("%s=%v", k, v))
				}
			case []any:
				if len(v) > 0 {
					parts = append(parts, fmt.Sprintf("%s=%v", k, v))
				}
			default:
				parts = append(parts, fmt.Sprintf("%s=%v", k, v))
			}
		}
	}
	switch {
	case kind == "bot.status_changed":
		// A transition reads best as one: pending → bot_scheduled.
		parts = append(parts, fmt.Sprintf("%v → %v", data["previous_status"], data["status"]))
		add("title", "reason", "bot_id")
	case strings.HasPrefix(kind, "meeting."):
		add("title", "start", "status", "changed", "reason", "bot_status", "project_id")
	default:
		add("title", "status", "reason", "project_id", "classification_source", "file_id", "active", "last_error")
	}
	return strings.Join(parts, " ")
}
