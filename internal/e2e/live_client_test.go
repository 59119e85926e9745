package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// streamMsg is one message of an event stream (SSE or WebSocket), decoded.
type streamMsg struct {
	ID        string // the SSE id: field ("" when none)
	Event     string // the SSE event: field
	Kind      string `json:"kind"`
	EvID      int64  `json:"id"`
	UserID    string `json:"user_id"`
	SubjectID string `json:"subject_id"`
	Data      struct {
		DocumentID     string   `json:"document_id"`
		MessageKey     string   `json:"message_key"`
		Status         string   `json:"status"`
		Reason         string   `json:"reason"`
		Title          string   `json:"title"`
		FileID         string   `json:"file_id"`
		Active         *bool    `json:"active"`
		MeetingID      string   `json:"meeting_id"`
		EventID        string   `json:"event_id"`
		PreviousStatus string   `json:"previous_status"`
		BotID          *string  `json:"bot_id"`
		Changed        []string `json:"changed"`
		Adhoc          *bool    `json:"adhoc"`
	} `json:"data"`
	LastEventID int64  `json:"last_event_id"`
	Reason      string `json:"reason"`
	Raw         string
}

// sseClient reads an SSE stream in the background.
type sseClient struct {
	resp   *http.Response
	msgs   chan streamMsg
	cancel context.CancelFunc
	done   chan struct{}
}

// openSSE opens GET url with the headers given and fails unless it answers
// 200 text/event-stream.
func openSSE(t *testing.T, url string, header map[string]string) *sseClient {
	t.Helper()
	c, code, body := tryOpenSSE(t, url, header)
	if code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, code, body)
	}
	return c
}

// tryOpenSSE opens the stream and returns the status (and the body when it
// is not a stream).
func tryOpenSSE(t *testing.T, url string, header map[string]string) (*sseClient, int, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		return nil, resp.StatusCode, string(b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type = %q", ct)
	}
	c := &sseClient{resp: resp, msgs: make(chan streamMsg, 100000), cancel: cancel, done: make(chan struct{})}
	go c.read()
	t.Cleanup(c.close)
	return c, http.StatusOK, ""
}

func (c *sseClient) read() {
	defer close(c.done)
	defer close(c.msgs)
	sc := bufio.NewScanner(c.resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var m streamMsg
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if m.Raw != "" {
				_ = json.Unmarshal([]byte(m.Raw), &m)
				c.msgs <- m
			}
			m = streamMsg{}
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "id: "):
			m.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			m.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			m.Raw += strings.TrimPrefix(line, "data: ")
		}
	}
}

func (c *sseClient) close() {
	c.cancel()
	c.resp.Body.Close()
	<-c.done
}

// next returns the next message, failing after timeout; ok is false when the
// stream ended.
func (c *sseClient) next(t *testing.T, timeout time.Duration) (streamMsg, bool) {
	t.Helper()
	select {
	case m, ok := <-c.msgs:
		return m, ok
	case <-time.After(timeout):
		t.Fatalf("no stream message within %v", timeout)
		return streamMsg{}, false
	}
}

// ready reads the opening ready message.
func (c *sseClient) ready(t *testing.T) streamMsg {
	t.Helper()
	m, ok := c.next(t, 15*time.Second)
	if !ok || m.Kind != "ready" || m.Event != "ready" || m.ID == "" {
		t.Fatalf("first message = %+v, want ready with an id", m)
	}
	return m
}

// collect reads events until done says the collected ones are complete.
func collectEvents(t *testing.T, next func() (streamMsg, bool), timeout time.Duration, done func([]streamMsg) bool) []streamMsg {
	t.Helper()
	var got []streamMsg
	deadline := time.Now().Add(timeout)
	for !done(got) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v; got %d events: %+v", timeout, len(got), kindsOf(got))
		}
		m, ok := next()
		if !ok {
			t.Fatalf("stream ended; got %+v", kindsOf(got))
		}
		got = append(got, m)
	}
	return got
}

func kindsOf(msgs []streamMsg) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Kind + "#" + m.ID
	}
	return out
}

// hasKinds reports whether msgs hold an event of every kind of want.
func hasKinds(msgs []streamMsg, want ...string) bool {
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.Kind] = true
	}
	for _, k := range want {
		if !seen[k] {
			return false
		}
	}
	return true
}

// wsClient reads a WebSocket event stream in the background.
type wsClient struct {
	conn *websocket.Conn
	msgs chan streamMsg
	done chan struct{}
	// closeStatus is the close code the server sent (-1 until it closed).
	closeStatus websocket.StatusCode
}

// openWS dials the stream at url (http:// or https://) with the headers.
func openWS(t *testing.T, url string, header map[string]string) *wsClient {
	t.Helper()
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", url, err, code)
	}
	conn.SetReadLimit(1 << 20)
	c := &wsClient{conn: conn, msgs: make(chan streamMsg, 100000), done: make(chan struct{}), closeStatus: -1}
	go func() {
		defer close(c.done)
		defer close(c.msgs)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				c.closeStatus = websocket.CloseStatus(err)
				return
			}
			var m streamMsg
			_ = json.Unmarshal(b, &m)
			m.Raw, m.Event = string(b), m.Kind
			if m.EvID != 0 {
				m.ID = strconv.FormatInt(m.EvID, 10)
			}
			c.msgs <- m
		}
	}()
	t.Cleanup(func() {
		conn.CloseNow()
		<-c.done
	})
	return c
}

func (c *wsClient) next(t *testing.T, timeout time.Duration) (streamMsg, bool) {
	t.Helper()
	select {
	case m, ok := <-c.msgs:
		return m, ok
	case <-time.After(timeout):
		t.Fatalf("no WebSocket message within %v", timeout)
		return streamMsg{}, false
	}
}
