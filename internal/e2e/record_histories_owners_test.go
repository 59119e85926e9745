package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// TestRecordReplayHistoriesDriveAndLLM records, from a running sandbox stack,
// the histories that cover what the first recordings do not (issue 10, item
// 16): the LLM path of classification (the local decision kept, the LLM
// asked, the guarded store step — applied, and refused because the user
// assigned the document meanwhile), and a Drive file's run with one owner's
// 404 settled per owner and its continue-as-new (the dev server suggests
// continue-as-new early, see testenv.DynamicConfigEnv). Each is replayed at
// once; with BESUNNY_RECORD_HISTORIES=1 the files are written into
// workflows/testdata/replay — only files that do not exist yet: a recorded
// history is never re-recorded.
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordReplayHistoriesDriveAndLLM
func TestRecordReplayHistoriesDriveAndLLM(t *testing.T) {
	// The LLM answers Harbor; its second classification request is held
	// until the user has assigned the document by hand.
	llm, env := startHeldLLM(t)
	llm.holdCall = 1
	env["DRIVE_DEBOUNCE"] = "1s"
	// Enough for the first sync, another owner's 404 and an edit; the polls
	// after them bring continue-as-new.
	env[testenv.DynamicConfigEnv] = "limit.historyCount.suggestContinueAsNew=150"
	s := sandboxStack(t, env)
	_, alice := s.CreateUser(t, "alice")
	s.ConnectGoogle(t, alice)
	_, bob := s.CreateUser(t, "bob")
	s.ConnectGoogle(t, bob)
	harbor := createProject(t, s, alice, harborProject)
	bakery := createProject(t, s, alice, bakeryProject)
	llm.script(harbor.ID)

	dir := replayHistoryDir(t)
	record := func(name, workflowID, runID string, mustContain ...string) {
		t.Helper()
		hist := runHistory(t, s.Base.Temporal, workflowID, runID)
		b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
		if err != nil {
			t.Fatal(err)
		}
		steps := historySteps(t, hist)
		t.Logf("%s: %d events, steps %v", name, len(hist.GetEvents()), steps)
		for _, want := range mustContain {
			if !slices.Contains(steps, want) {
				t.Fatalf("the history of %s has no %q (steps %v): it does not cover what it should", name, want, steps)
			}
		}
		path := filepath.Join(dir, name+".json")
		if _, err := os.Stat(path); err == nil {
			t.Logf("%s exists: recorded histories are never re-recorded; replaying the new recording from a temporary file", path)
			path = filepath.Join(t.TempDir(), name+".json")
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r := worker.NewWorkflowReplayer()
		for _, wf := range workflows.All() {
			r.RegisterWorkflow(wf)
		}
		if err := r.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
			t.Fatalf("replay %s: %v", name, err)
		}
	}

	// Classification by the LLM: a message to Alice.
	docID := postAndWait(t, s, message("ai+alice@besunny.ai", "Harbor Library reading room", "Roof insulation and the structural survey for the Harbor Library."))
	waitClassified(t, s, alice, docID, 1)
	classifyRun := workflows.ClassifyWorkflowID(docID, 1)
	if run := runOf(t, s, s.ServiceToken, classifyRun); run.Progress["decision"].(map[string]any)["path"] != "llm" {
		t.Fatalf("classification = %+v, want the LLM path", run.Progress)
	}
	record("classify_document_v2_llm", classifyRun, "",
		"local ClassifyLocal", "local StoreDecision", "activity ClassifyLLM")

	// … and one the user assigns by hand while the LLM answers: the store
	// step refuses the LLM's decision.
	llm.waitArrived(t) // the first message's request
	assignedID := postAndWait(t, s, message("ai+alice@besunny.ai", "Harbor Library survey", "The structural survey of the Harbor Library is due."))
	llm.waitArrived(t)
	s.Do(t, alice, http.MethodPost, "/api/v1/documents/"+assignedID+"/assign", "application/json",
		strings.NewReader(`{"project_id": "`+bakery.ID+`"}`), http.StatusOK, nil)
	llm.releaseFirst()
	waitClassified(t, s, alice, assignedID, 1)
	assignedRun := workflows.ClassifyWorkflowID(assignedID, 1)
	if run := runOf(t, s, s.ServiceToken, assignedRun); run.Progress["applied"] != false || run.Progress["not_applied"] == nil {
		t.Fatalf("classification = %+v, want the LLM's decision refused", run.Progress)
	}
	record("classify_document_v2_llm_assigned_meanwhile", assignedRun, "",
		"local ClassifyLocal", "local StoreDecision", "activity ClassifyLLM", "version classify-guarded-apply")

	// Drive: Alice watches her file; Bob, who cannot see it, is mailed its
	// link (404 for him alone); Alice edits it; polls until the run
	// continues as new.
	file := createSandboxDoc(t, s, alice, "Reading room plan", "Reading room plan, version 1.")
	watchFile(t, s, alice, file.ID)
	wf := workflows.DriveFileWorkflowID(file.ID)
	desc, err := s.Base.Temporal.DescribeWorkflow(t.Context(), wf, "")
	if err != nil {
		t.Fatal(err)
	}
	firstRun := desc.WorkflowExecution.RunID
	ans := s.PostEmail(t, message("ai+bob@besunny.ai", "Have a look", "The plan: "+file.URL))
	s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	waitFor(t, "Bob's watch to end", func() bool {
		w, ok := watchOf(t, s, bob, file.ID)
		return ok && !w.Active
	})
	s.Do(t, alice, http.MethodPatch, "/api/v1/sandbox/drive/files/"+file.ID, "application/json",
		strings.NewReader(`{"text": "Reading room plan, version 2."}`), http.StatusOK, nil)
	waitFor(t, "the edit to be synced", func() bool {
		w, _ := watchOf(t, s, alice, file.ID)
		var doc fullDocument
		s.Do(t, alice, http.MethodGet, "/api/v1/documents/"+*w.DocumentID, "", nil, http.StatusOK, &doc)
		return strings.Contains(doc.Content, "version 2")
	})
	waitFor(t, "the file's run to continue as new", func() bool {
		d, err := s.Base.Temporal.DescribeWorkflow(t.Context(), wf, firstRun)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			return true
		}
		// The latest run: the first one, or the one it continued as.
		if err := s.Base.Temporal.SignalWorkflow(context.Background(), wf, "", workflows.PollSignal, workflows.DriveChange{ResourceState: "poll"}); err != nil {
			t.Fatal(err)
		}
		return false
	})
	record("drive_file_v2_not_found_continue_as_new", wf, firstRun,
		"signal subscribe", "version drive-per-owner-not-found", "local EndWatch", "signal changed", "activity SyncContent",
		"signal poll", "continue-as-new")
	if w, ok := watchOf(t, s, alice, file.ID); !ok || !w.Active {
		t.Fatalf("Alice's watch after continue-as-new = %+v", w)
	}
}

// historySteps names what a history did, in order: "activity <type>",
// "local <type>", "version <change id>", "signal <name>", "child <type>",
// "continue-as-new".
func historySteps(t *testing.T, hist *historypb.History) []string {
	t.Helper()
	dc := converter.GetDefaultDataConverter()
	var steps []string
	for _, ev := range hist.GetEvents() {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			steps = append(steps, "activity "+ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName())
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			steps = append(steps, "child "+ev.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowType().GetName())
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			steps = append(steps, "signal "+ev.GetWorkflowExecutionSignaledEventAttributes().GetSignalName())
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
			steps = append(steps, "continue-as-new")
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			m := ev.GetMarkerRecordedEventAttributes()
			switch m.GetMarkerName() {
			case "LocalActivity":
				var la struct{ ActivityType string }
				if err := dc.FromPayloads(m.GetDetails()["data"], &la); err != nil {
					t.Fatal(err)
				}
				steps = append(steps, "local "+la.ActivityType)
			case "Version":
				var id string
				if err := dc.FromPayloads(m.GetDetails()["change-id"], &id); err != nil {
					t.Fatal(err)
				}
				steps = append(steps, "version "+id)
			}
		}
	}
	return steps
}

// runHistory reads one run's whole history.
func runHistory(t *testing.T, c client.Client, workflowID, runID string) *historypb.History {
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
	return &hist
}
