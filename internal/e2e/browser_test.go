package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/besunny/workflows/internal/testenv"
)

// chromiumFlags are the headless flags that work on this machine (and in
// CI, as root, without a GPU or network).
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run"}

// findChromium returns Debian's chromium, or fails (CI) or skips the test
// with what to install. The test never installs anything itself.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "the browser test needs Debian's chromium: apt-get install -y chromium (.ci/run installs it)"
	if testenv.InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browserPage subscribes with EventSource and with WebSocket, each with its
// own ticket (so the JWT never lands in a URL), and records what arrives in
// window.state for the test to read through the DevTools protocol.
var browserPage = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>BeSunny live</title></head><body>
<pre id="log"></pre>
<script>
const api = {{.API}}, token = {{.Token}};
const kinds = ["email.finished", "document.created", "document.classified"];
window.state = {sse: [], ws: [], sseReady: false, wsReady: false, errors: []};
async function ticket() {
  const r = await fetch(api + "/api/v1/events/ticket", {method: "POST", headers: {Authorization: "Bearer " + token}});
  if (!r.ok) throw new Error("ticket: HTTP " + r.status);
  return r.json();
}
(async () => {
  try {
    const sse = await ticket();
    const es = new EventSource(sse.events_url);
    es.addEventListener("ready", e => { state.sseReady = true; state.sseReadyId = e.lastEventId; });
    for (const k of kinds) es.addEventListener(k, e => state.sse.push({kind: k, id: Number(e.lastEventId), data: JSON.parse(e.data).data}));
    es.onerror = () => state.errors.push("EventSource error, readyState " + es.readyState);
    const ws = await ticket();
    const sock = new WebSocket(ws.websocket_url);
    sock.onmessage = m => {
      const msg = JSON.parse(m.data);
      if (msg.kind === "ready") state.wsReady = true;
      else if (kinds.includes(msg.kind)) state.ws.push({kind: msg.kind, id: msg.id, data: msg.data});
    };
    sock.onerror = () => state.errors.push("WebSocket error");
  } catch (e) { state.errors.push(String(e)); }
})();
</script></body></html>`))

type browserState struct {
	SSE      []browserEvent `json:"sse"`
	WS       []browserEvent `json:"ws"`
	SSEReady bool           `json:"sseReady"`
	WSReady  bool           `json:"wsReady"`
	Errors   []string       `json:"errors"`
}

type browserEvent struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
	Data struct {
		DocumentID string  `json:"document_id"`
		ProjectID  *string `json:"project_id"`
		Status     string  `json:"status"`
	} `json:"data"`
}

func TestBrowser_EventSourceAndWebSocketWithTicketsReceiveTheMailsEvents(t *testing.T) {
	chromium := findChromium(t)
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)

	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = browserPage.Execute(w, map[string]string{"API": s.URL, "Token": token})
	}))
	defer page.Close()

	cdp := startChromium(t, chromium, page.URL+"/")
	var st browserState
	poll := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			cdp.evaluate(t, "JSON.stringify(window.state || {})", &st)
			if len(st.Errors) > 0 {
				t.Fatalf("the page reports errors: %v", st.Errors)
			}
			if cond() {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; page state %+v", what, st)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	poll("both streams to be ready", func() bool { return st.SSEReady && st.WSReady })

	docID := postAndWait(t, s, harborMail("ai+demo@besunny.ai", "Harbor Library quotes"))
	complete := func(events []browserEvent) bool {
		seen := map[string]bool{}
		for _, e := range events {
			if e.Data.DocumentID == docID {
				seen[e.Kind] = true
			}
		}
		return seen["email.finished"] && seen["document.created"] && seen["document.classified"]
	}
	poll("the mail's events in the page", func() bool { return complete(st.SSE) && complete(st.WS) })
	for name, events := range map[string][]browserEvent{"EventSource": st.SSE, "WebSocket": st.WS} {
		for i, e := range events {
			if i > 0 && e.ID <= events[i-1].ID {
				t.Fatalf("%s: ids out of order: %+v", name, events)
			}
			if e.Kind == "document.classified" && (e.Data.ProjectID == nil || *e.Data.ProjectID != harbor.ID) {
				t.Fatalf("%s: classified into %v, want %s", name, e.Data.ProjectID, harbor.ID)
			}
		}
		if len(events) != 3 {
			t.Fatalf("%s received %d events, want exactly 3: %+v", name, len(events), events)
		}
	}
}

// devtools is a minimal Chrome DevTools protocol client for one page.
type devtools struct {
	conn *websocket.Conn
	next int
}

// startChromium opens url in a headless chromium with a fresh profile and
// connects to the page's DevTools endpoint.
func startChromium(t *testing.T, chromium, url string) *devtools {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	profile, err := os.MkdirTemp("", "besunny-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+profile, "--remote-debugging-port=0", url)
	cmd := exec.Command(chromium, args...)
	// Its own process group, so the renderers and helpers stop with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	t.Cleanup(func() {
		cancel()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		_ = os.RemoveAll(profile)
	})
	endpoint := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`DevTools listening on ws://([^/]+)/`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				endpoint <- m[1]
			}
		}
	}()
	var host string
	select {
	case host = <-endpoint:
	case <-time.After(30 * time.Second):
		t.Fatal("chromium did not print its DevTools address within 30s")
	}
	var pageWS string
	deadline := time.Now().Add(30 * time.Second)
	for pageWS == "" {
		var targets []struct {
			Type, URL            string
			WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
		}
		if resp, err := http.Get("http://" + host + "/json/list"); err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
		}
		for _, tg := range targets {
			if tg.Type == "page" && strings.HasPrefix(tg.URL, url) {
				pageWS = tg.WebSocketDebuggerURL
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no page %s in chromium's targets", url)
		}
		time.Sleep(100 * time.Millisecond)
	}
	dialCtx, dialCancel := context.WithTimeout(ctx, 10*time.Second)
	defer dialCancel()
	conn, _, err := websocket.Dial(dialCtx, pageWS, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(16 << 20)
	t.Cleanup(func() { conn.CloseNow() })
	return &devtools{conn: conn}
}

// evaluate runs expression (which must yield a JSON string) in the page and
// decodes its value into out.
func (d *devtools) evaluate(t *testing.T, expression string, out any) {
	t.Helper()
	d.next++
	id := d.next
	req, _ := json.Marshal(map[string]any{"id": id, "method": "Runtime.evaluate",
		"params": map[string]any{"expression": expression, "returnByValue": true}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.conn.Write(ctx, websocket.MessageText, req); err != nil {
		t.Fatal(err)
	}
	for {
		_, b, err := d.conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var resp struct {
			ID     int `json:"id"`
			Result struct {
				Result struct {
					Value string `json:"value"`
				} `json:"result"`
				ExceptionDetails any `json:"exceptionDetails"`
			} `json:"result"`
			Error any `json:"error"`
		}
		if json.Unmarshal(b, &resp) != nil || resp.ID != id {
			continue // an event, or another call's answer
		}
		if resp.Error != nil || resp.Result.ExceptionDetails != nil {
			t.Fatalf("evaluate %q: %s", expression, b)
		}
		if err := json.Unmarshal([]byte(resp.Result.Result.Value), out); err != nil {
			t.Fatalf("evaluate %q: %v (%s)", expression, err, fmt.Sprint(resp.Result.Result.Value))
		}
		return
	}
}
