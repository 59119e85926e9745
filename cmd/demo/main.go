// Command demo sends the sample emails of testdata/demo to a running stack
// (`make run` in another terminal), waits for each run and prints what it
// produced: the terminal status, the documents and the run's Temporal UI link
// — and, as they arrive, the demo user's live events (GET /api/v1/events).
//
// In sandbox mode the mail goes the production way: delivered into the
// sandbox Gmail mailbox, pushed (signed Pub/Sub envelope) to the webhook,
// picked up by the mailbox workflow; then a Drive file and a calendar
// meeting go through their pipelines, and a meeting with ai+demo@… gets its
// notetaker (an Attendee bot) and its transcript a project. Otherwise the
// mail is uploaded with POST /api/v1/emails.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	apiURL := flag.String("api", envOr("PUBLIC_URL", "http://localhost:8080"), "the API's base URL")
	dir := flag.String("dir", filepath.Join("testdata", "demo"), "directory of .eml files to post")
	flag.Parse()
	if err := run(strings.TrimRight(*apiURL, "/"), *dir); err != nil {
		fmt.Fprintln(os.Stderr, "make demo:", err)
		os.Exit(1)
	}
}

type client struct {
	base, service, user string
}

func run(base, dir string) error {
	service, err := readToken(".data/service-token")
	if err != nil {
		return err
	}
	user, err := readToken(".data/dev-token")
	if err != nil {
		return err
	}
	c := client{base: base, service: service, user: user}
	stopLive, err := c.watchLive()
	if err != nil {
		return err
	}
	defer stopLive()
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no .eml files in %s", dir)
	}
	sort.Strings(files)
	sandbox := false
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		ans, err := c.send(raw)
		if err != nil {
			return fmt.Errorf("send %s: %w", f, err)
		}
		sandbox = ans.Sandbox
		run, err := c.wait(ans.WorkflowID)
		if err != nil {
			return err
		}
		fmt.Printf("%s (%s)\n  run     %s\n  status  %v", filepath.Base(f), ans.Via, ans.WorkflowID, run.Progress["status"])
		if r, ok := run.Progress["reason"].(string); ok && r != "" {
			fmt.Printf(" (%s)", r)
		}
		fmt.Printf("\n  UI      %s\n", run.UIURL)
		docs, _ := run.Progress["documents"].([]any)
		for _, d := range docs {
			m, _ := d.(map[string]any)
			fmt.Printf("  document %v for %v\n", m["document_id"], m["username"])
			if m["username"] == "demo" {
				fmt.Printf("  project %s\n", c.classification(fmt.Sprint(m["document_id"])))
			}
		}
		fmt.Println()
	}
	if sandbox {
		if err := c.driveDemo(); err != nil {
			return err
		}
		if err := c.calendarDemo(); err != nil {
			return err
		}
		if err := c.meetingDemo(); err != nil {
			return err
		}
	}
	var list struct {
		Documents []struct {
			ID, Title, Author string
		} `json:"documents"`
	}
	if err := c.do(c.user, http.MethodGet, "/api/v1/documents?limit=10", "", nil, &list); err != nil {
		return err
	}
	fmt.Printf("The demo user's newest documents (GET %s/api/v1/documents):\n", c.base)
	for _, d := range list.Documents {
		fmt.Printf("  %s  %-55s %s\n", d.ID, d.Title, d.Author)
	}
	return nil
}

type sent struct {
	WorkflowID string `json:"workflow_id"`
	Via        string `json:"-"`
	Sandbox    bool   `json:"-"`
}

// send delivers raw into the sandbox mailbox when the stack runs in sandbox
// mode, and uploads it otherwise.
func (c client) send(raw []byte) (sent, error) {
	var ans sent
	err := c.do(c.service, http.MethodPost, "/api/v1/sandbox/mail", "message/rfc822", raw, &ans)
	if err == nil {
		ans.Via, ans.Sandbox = "sandbox Gmail: delivery, push, mailbox workflow", true
		return ans, nil
	}
	if !errors.Is(err, errNotFound) {
		return ans, err
	}
	ans.Via = "uploaded: POST /api/v1/emails"
	return ans, c.do(c.service, http.MethodPost, "/api/v1/emails", "message/rfc822", raw, &ans)
}

type runAnswer struct {
	ExecutionStatus string         `json:"execution_status"`
	UIURL           string         `json:"ui_url"`
	Progress        map[string]any `json:"progress"`
}

// wait polls the run until it is done. A Gmail message's run appears only
// once the mailbox workflow has seen the message, so 404 means "not yet".
func (c client) wait(id string) (runAnswer, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var run runAnswer
		err := c.do(c.service, http.MethodGet, "/api/v1/runs/"+url.PathEscape(id), "", nil, &run)
		if err != nil && !errors.Is(err, errNotFound) {
			return run, err
		}
		if err == nil && run.ExecutionStatus != "Running" {
			return run, nil
		}
		if time.Now().After(deadline) {
			return run, fmt.Errorf("run %s still running after 2 minutes; is the worker up?", id)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c client) do(token, method, path, contentType string, body []byte, out any) error {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w (is `make run` running?)", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%s %s: %w", method, path, errNotFound)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if len(b) == 0 {
		return nil // 202/204 without a body
	}
	return json.Unmarshal(b, out)
}

// classification waits for the document's first decision and describes it.
func (c client) classification(docID string) string {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var out struct {
			Decisions []struct {
				ProjectID  *string `json:"project_id"`
				Confidence float64 `json:"confidence"`
				Classifier string  `json:"classifier"`
				Path       string  `json:"path"`
				Reason     string  `json:"reason"`
				Applied    bool    `json:"applied"`
			} `json:"decisions"`
		}
		if err := c.do(c.user, http.MethodGet, "/api/v1/documents/"+docID+"/decisions", "", nil, &out); err != nil {
			return "unknown (" + err.Error() + ")"
		}
		for _, d := range out.Decisions {
			if !d.Applied {
				continue
			}
			name := "none (left for manual assignment)"
			if d.ProjectID != nil {
				name = c.projectName(*d.ProjectID)
			}
			return fmt.Sprintf("%s — confidence %.2f, by %s: %s", name, d.Confidence, d.Classifier, d.Reason)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return "not classified yet"
}

func (c client) projectName(id string) string {
	var p struct {
		Name string `json:"name"`
	}
	if err := c.do(c.user, http.MethodGet, "/api/v1/projects/"+id, "", nil, &p); err != nil {
		return id
	}
	return p.Name
}

var errNotFound = errors.New("not found")

func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s is missing: start the stack with `make run` first", path)
	}
	return strings.TrimSpace(string(b)), nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
