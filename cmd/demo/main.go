// Command demo posts the sample emails of testdata/demo to a running stack
// (`make run` in another terminal), waits for each run and prints what it
// produced: the terminal status, the documents and the run's Temporal UI link.
package main

import (
	"bytes"
	"encoding/json"
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
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no .eml files in %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var ans struct {
			WorkflowID string `json:"workflow_id"`
			UIURL      string `json:"ui_url"`
			Duplicate  bool   `json:"duplicate"`
		}
		if err := c.do(c.service, http.MethodPost, "/api/v1/emails", "message/rfc822", raw, &ans); err != nil {
			return fmt.Errorf("post %s: %w", f, err)
		}
		run, err := c.wait(ans.WorkflowID)
		if err != nil {
			return err
		}
		note := ""
		if ans.Duplicate {
			note = " (posted before: same run)"
		}
		fmt.Printf("%s%s\n  run     %s\n  status  %v", filepath.Base(f), note, ans.WorkflowID, run.Progress["status"])
		if r, ok := run.Progress["reason"].(string); ok && r != "" {
			fmt.Printf(" (%s)", r)
		}
		fmt.Printf("\n  UI      %s\n", ans.UIURL)
		docs, _ := run.Progress["documents"].([]any)
		for _, d := range docs {
			m, _ := d.(map[string]any)
			fmt.Printf("  document %v for %v\n", m["document_id"], m["username"])
		}
		fmt.Println()
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

type runAnswer struct {
	ExecutionStatus string         `json:"execution_status"`
	Progress        map[string]any `json:"progress"`
}

func (c client) wait(id string) (runAnswer, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var run runAnswer
		if err := c.do(c.service, http.MethodGet, "/api/v1/runs/"+url.PathEscape(id), "", nil, &run); err != nil {
			return run, err
		}
		if run.ExecutionStatus != "Running" {
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
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

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
