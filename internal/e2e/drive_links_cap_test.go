package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
)

// driveRuns counts the DriveFileWorkflow executions of the stack's namespace.
func driveRuns(t *testing.T, s *testenv.Stack) int64 {
	t.Helper()
	resp, err := s.Base.Temporal.CountWorkflow(t.Context(), &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: s.Config.Temporal.Namespace, Query: "WorkflowType = 'DriveFileWorkflow'",
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetCount()
}

// TestDrive_AMessageWith10000LinksWatchesOnlyTheCap sends one message
// linking 10,000 Drive files (and a folder) through the API: it ends
// processed, exactly DRIVE_WATCHED_LINKS_PER_MESSAGE (20) files get a
// DriveFileWorkflow, and every link is recorded on the document, the rest
// without a watch.
func TestDrive_AMessageWith10000LinksWatchesOnlyTheCap(t *testing.T) {
	const links, cap = 10000, 20
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s"})
	if s.Config.Drive.WatchedLinksPerMessage != cap {
		t.Fatalf("DRIVE_WATCHED_LINKS_PER_MESSAGE defaults to %d, want %d", s.Config.Drive.WatchedLinksPerMessage, cap)
	}
	_, token := s.CreateUser(t, "demo")
	s.ConnectGoogle(t, token)
	var conn struct {
		Email string `json:"email"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/google/connection", "", nil, http.StatusOK, &conn)

	// The first files are real ones in demo's sandbox Drive; the rest are
	// ids nobody has (Drive would answer 404: each a workflow and a call
	// on demo's quota, had they been watched).
	var body strings.Builder
	body.WriteString("The plans, sheet by sheet. Folder: https://drive.google.com/drive/folders/1FolderOfPlansAbCdEfGhIj\r\n")
	for i := range links {
		id := fmt.Sprintf("1Sheet%05dAbCdEfGhIjKlMnOp", i)
		if i < cap {
			// Straight into the sandbox Drive: twenty creations through the
			// API would meet its per-user rate limit, which is not what this
			// test is about.
			file, err := s.Google.CreateFile(conn.Email, fmt.Sprintf("Sheet %d", i), googlefake.MimeGoogleDoc, fmt.Sprintf("Plan sheet %d.", i))
			if err != nil {
				t.Fatal(err)
			}
			id = file.ID
		}
		fmt.Fprintf(&body, "Sheet %d: https://drive.google.com/file/d/%s/view\r\n", i, id)
	}
	start := time.Now()
	ans := s.PostEmail(t, message("ai+demo@besunny.ai", "All the sheets", body.String()))
	run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	t.Logf("a message of %d KB with %d links processed in %v", body.Len()/1024, links, time.Since(start).Round(time.Millisecond))
	if run.ExecutionStatus != "Completed" || run.Progress["status"] != "processed" {
		t.Fatalf("run = %+v", run)
	}
	if run.Progress["watched_files"] != float64(cap) || run.Progress["unwatched_links"] != float64(links-cap) {
		t.Fatalf("run progress = %v, want %d files watched and %d links not", run.Progress, cap, links-cap)
	}

	// Exactly the cap of watches, and no more once everything has settled.
	waitFor(t, "the watched files' workflows", func() bool { return driveRuns(t, s) >= cap })
	waitFor(t, "the watched files to be synced", func() bool {
		n := 0
		for _, w := range watches(t, s, token) {
			if w.Active && w.DocumentID != nil {
				n++
			}
		}
		return n == cap
	})
	time.Sleep(2 * time.Second)
	if n := driveRuns(t, s); n != cap {
		t.Fatalf("%d DriveFileWorkflows, want exactly %d", n, cap)
	}
	if ws := watches(t, s, token); len(ws) != cap {
		t.Fatalf("%d watches, want %d", len(ws), cap)
	}

	// Every link is on the document, in message order; the first files
	// ask for a watch, the folder and the rest do not.
	docs := run.Progress["documents"].([]any)
	docID := docs[0].(map[string]any)["document_id"].(string)
	type link struct {
		FileID   string `json:"file_id"`
		Kind     string `json:"kind"`
		Watch    bool   `json:"watch"`
		Position int    `json:"position"`
	}
	var all []link
	cursor := ""
	for pages := 0; ; pages++ {
		var page struct {
			Links      []link  `json:"links"`
			NextCursor *string `json:"next_cursor"`
		}
		path := "/api/v1/documents/" + docID + "/links?limit=1000"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		s.Do(t, token, http.MethodGet, path, "", nil, http.StatusOK, &page)
		all = append(all, page.Links...)
		if page.NextCursor == nil {
			break
		}
		if pages > 20 {
			t.Fatal("link pages do not end")
		}
		cursor = *page.NextCursor
	}
	if len(all) != links+1 {
		t.Fatalf("%d links on the document, want %d", len(all), links+1)
	}
	watched := 0
	for i, l := range all {
		if l.Position != i {
			t.Fatalf("link %d has position %d: not in message order", i, l.Position)
		}
		if l.Watch {
			watched++
		}
	}
	if all[0].Kind != "folder" || all[0].Watch || !all[1].Watch || !all[cap].Watch || all[cap+1].Watch || watched != cap {
		t.Fatalf("watch flags: folder %+v, first %+v, last watched %+v, first unwatched %+v, %d watched", all[0], all[1], all[cap], all[cap+1], watched)
	}
}
