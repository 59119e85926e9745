package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// TestRecordReplayHistories records real histories of every workflow from a
// running sandbox stack and replays them with the worker's replayer. With
// BESUNNY_RECORD_HISTORIES=1 it also writes them into
// workflows/testdata/replay, where TestReplay keeps proving that later code
// still replays them:
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordReplayHistories
//
// Record new files when a workflow version is released; never re-record an
// old one to make a replay test pass — a failing replay means the change
// needs workflow.GetVersion.
func TestRecordReplayHistories(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s", "GMAIL_POLL_INTERVAL": "2s"})
	_, token := s.CreateUser(t, "demo")
	s.ConnectGoogle(t, token)
	createProject(t, s, token, harborProject)
	createProject(t, s, token, bakeryProject)
	waitWatched(t, s)

	dir := replayHistoryDir(t)
	record := func(name, workflowID string) {
		t.Helper()
		recordRun(t, s.Base.Temporal, dir, name, workflowID, "")
	}

	// Uploads: each terminal status.
	uploads := map[string][]byte{
		"process_email_v1_processed":      message("ai+demo@besunny.ai, ai+ghost@besunny.ai", "Harbor Library reading room", "Roof insulation for the Harbor Library."),
		"process_email_v1_user_not_found": message("ai+ghost@besunny.ai", "Nobody", "No such user."),
		"process_email_v1_failed":         []byte("\x00\x01 not mail at all"),
	}
	var docID string
	for name, raw := range uploads {
		ans := s.PostEmail(t, raw)
		run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
		record(name, ans.WorkflowID)
		if docs, _ := run.Progress["documents"].([]any); len(docs) == 1 {
			docID = docs[0].(map[string]any)["document_id"].(string)
		}
	}
	// The email runs (ProcessEmailWorkflowV2) classify inline with the
	// local classifier; a re-classification is a ClassifyDocumentWorkflow.
	waitClassified(t, s, token, docID, 1)
	var reclassify struct {
		WorkflowID string `json:"workflow_id"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/documents/"+docID+"/reclassify", "", nil, http.StatusAccepted, &reclassify)
	waitClassified(t, s, token, docID, 2)
	record("classify_document_v1", reclassify.WorkflowID)

	// Onboarding.
	p := createProject(t, s, token, `{"name": "Riverside clinic extension"}`)
	var started struct {
		WorkflowID string `json:"workflow_id"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/projects/"+p.ID+"/onboard", "application/json",
		strings.NewReader(`{"summary": {"overview": "Two operating rooms.", "keywords": ["clinic"]}}`), http.StatusAccepted, &started)
	s.WaitRun(t, s.ServiceToken, started.WorkflowID)
	record("project_onboarding_v1", started.WorkflowID)

	// Drive: a linked file, an edit, the trash.
	var file struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/drive/files", "application/json", strings.NewReader(`{
		"name": "Reading room plan", "mime_type": "application/vnd.google-apps.document", "text": "Version 1."}`), http.StatusCreated, &file)

	// Gmail: a message through the mailbox, linking the file.
	id, _, err := s.Google.Deliver(s.Config.Inbound.Mailbox, message("ai+demo@besunny.ai", "Plan", "The plan: "+file.URL), googlefake.DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gmailRun := workflows.EmailWorkflowID(id, 1)
	waitCompleted(t, s, gmailRun)
	record("process_email_v1_gmail", gmailRun)

	driveRun := workflows.DriveFileWorkflowID(file.ID)
	var w driveWatch
	waitFor(t, "the file to be synced", func() bool {
		ws := watches(t, s, token)
		if len(ws) == 1 && ws[0].DocumentID != nil {
			w = ws[0]
			return true
		}
		return false
	})
	s.Do(t, token, http.MethodPatch, "/api/v1/sandbox/drive/files/"+file.ID, "application/json", strings.NewReader(`{"text": "Version 2."}`), http.StatusOK, nil)
	waitFor(t, "the edit to be synced", func() bool {
		var doc fullDocument
		s.Do(t, token, http.MethodGet, "/api/v1/documents/"+*w.DocumentID, "", nil, http.StatusOK, &doc)
		return strings.Contains(doc.Content, "Version 2")
	})
	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/drive/files/"+file.ID+"?trash=true", "", nil, http.StatusNoContent, nil)
	waitCompleted(t, s, driveRun)
	record("drive_file_v1", driveRun)

	// The sweep and the watch renewal, as their schedules run them.
	sweep, err := s.Base.Temporal.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: "record-drive-sweep", TaskQueue: s.Config.Temporal.TaskQueue}, workflows.DriveSweepWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	if err := sweep.Get(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	record("drive_sweep_v1", sweep.GetID())
	record("renew_watches_v1", latestRun(t, s, "RenewWatchesWorkflow"))
	prune, err := s.Base.Temporal.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: "record-prune-events", TaskQueue: s.Config.Temporal.TaskQueue}, workflows.PruneEventsWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	if err := prune.Get(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	record("prune_events_v1", prune.GetID())

	// The mailbox never ends: its history so far.
	record("mailbox_v1", workflows.MailboxWorkflowID(s.Config.Inbound.Mailbox))
}

func waitCompleted(t *testing.T, s *testenv.Stack, workflowID string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		desc, err := s.Base.Temporal.DescribeWorkflow(t.Context(), workflowID, "")
		if err == nil && desc.Status == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not complete: %v", workflowID, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// latestRun finds a completed run of a workflow type (schedules name their
// runs themselves).
func latestRun(t *testing.T, s *testenv.Stack, workflowType string) string {
	t.Helper()
	var id string
	waitFor(t, "a completed "+workflowType, func() bool {
		resp, err := s.Base.Temporal.ListWorkflow(t.Context(), &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: s.Config.Temporal.Namespace,
			Query:     "WorkflowType = '" + workflowType + "' AND ExecutionStatus = 'Completed'",
		})
		if err != nil || len(resp.GetExecutions()) == 0 {
			return false
		}
		id = resp.GetExecutions()[0].GetExecution().GetWorkflowId()
		return true
	})
	return id
}

// writeHistory writes one run's history (the latest when runID is empty)
// to path as JSON, the form TestReplay reads, and returns its length.
func writeHistory(t *testing.T, c client.Client, workflowID, runID, path string) int {
	t.Helper()
	var hist historypb.History
	it := c.GetWorkflowHistory(t.Context(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		hist.Events = append(hist.Events, ev)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(&hist)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return len(hist.Events)
}

// replayHistoryFile replays a recorded history with every workflow the
// worker registers.
func replayHistoryFile(t *testing.T, path string) {
	t.Helper()
	r := worker.NewWorkflowReplayer()
	for _, wf := range workflows.All() {
		r.RegisterWorkflow(wf)
	}
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
		t.Fatalf("replay %s: %v", filepath.Base(path), err)
	}
}

// replayHistoryDir is where a recording test writes the histories it
// records: workflows/testdata/replay with BESUNNY_RECORD_HISTORIES=1, where
// TestReplay keeps proving later code replays them; else a temporary
// directory, so an ordinary run still records and replays them.
func replayHistoryDir(t *testing.T) string {
	if os.Getenv("BESUNNY_RECORD_HISTORIES") != "" {
		return filepath.Join("..", "..", "workflows", "testdata", "replay")
	}
	return t.TempDir()
}
