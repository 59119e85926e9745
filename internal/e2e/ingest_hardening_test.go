package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// storedEmail is what GET /api/v1/emails/{key} says about a message's row.
type storedEmail struct {
	Status       string `json:"status"`
	StatusReason string `json:"status_reason"`
	Revision     int    `json:"revision"`
	SizeBytes    int64  `json:"size_bytes"`
}

func TestEmail_ATerminatedRunIsStartedAgainByARepostButACompletedOneIsNot(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	raw := message("ai+demo@besunny.ai", "Stuck once", "A run an operator had to terminate.")
	key := workflows.UploadMessageKey(raw)
	id := workflows.EmailWorkflowID(key, 1)

	// A run that never got anywhere (its worker was gone) and was
	// terminated by an operator: it recorded no outcome.
	opts := workflows.EmailStartOptions("nobody-polls-this", id, "upload")
	run, err := s.Base.Temporal.ExecuteWorkflow(t.Context(), opts, workflows.ProcessEmailWorkflow, workflows.ProcessEmailInput{MessageKey: key, Source: "upload"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Base.Temporal.TerminateWorkflow(t.Context(), id, run.GetRunID(), "stuck"); err != nil {
		t.Fatal(err)
	}

	// Posting the same bytes again runs the message.
	ans := s.PostEmail(t, raw)
	if ans.WorkflowID != id {
		t.Fatalf("workflow id %s, want %s", ans.WorkflowID, id)
	}
	done := s.WaitRun(t, s.ServiceToken, id)
	if done.ExecutionStatus != "Completed" || done.Progress["status"] != "processed" {
		t.Fatalf("run after the re-post = %+v, want a new run that processed the message", done)
	}
	desc, err := s.Base.Temporal.DescribeWorkflow(t.Context(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	processedRun := desc.RawResponse.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	if processedRun == run.GetRunID() {
		t.Fatal("the terminated run was not replaced")
	}

	// A completed run is final: a third post starts nothing.
	again := s.PostEmail(t, raw)
	if !again.Duplicate || again.WorkflowID != id {
		t.Fatalf("third post = %+v", again)
	}
	time.Sleep(500 * time.Millisecond)
	desc, err = s.Base.Temporal.DescribeWorkflow(t.Context(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := desc.RawResponse.GetWorkflowExecutionInfo(); got.GetExecution().GetRunId() != processedRun || got.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("after a post of a completed message: run %s (%v), want the completed run %s", got.GetExecution().GetRunId(), got.GetStatus(), processedRun)
	}
	var docs documentList
	s.Do(t, token, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) != 1 {
		t.Fatalf("documents = %+v, want exactly one", docs)
	}
}

func TestGmail_AMessageNotFetchedByTheDeadlineEndsFailedAndAReprocessFetchesIt(t *testing.T) {
	s := sandboxStack(t, map[string]string{"GMAIL_FETCH_DEADLINE": "10s"})
	_, token := s.CreateUser(t, "demo")
	waitWatched(t, s)
	// Gmail answers every messages.get with 503 for longer than the deadline.
	s.Google.SetFaults(googlefake.Faults{Rate503: 1, Methods: []string{"gmail.users.messages.get"}})

	gid, _, err := s.Google.Deliver(s.Config.Inbound.Mailbox, message("ai+demo@besunny.ai", "Fetched late", "Gmail was down."), googlefake.DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/emails/" + url.PathEscape(gid)
	var d storedEmail
	waitForWithin(t, "the message to end failed at the fetch deadline", time.Minute, func() bool {
		return s.Status(t, s.ServiceToken, path, &d) == http.StatusOK && d.Status != "pending"
	})
	if d.Status != "failed" || !strings.HasPrefix(d.StatusReason, "gmail_unavailable: not fetched within 10s") || !strings.Contains(d.StatusReason, "503") {
		t.Fatalf("message = %+v, want failed with the deadline and Gmail's last answer", d)
	}
	if d.SizeBytes != 0 {
		t.Fatalf("size %d: the failed message has only a placeholder", d.SizeBytes)
	}

	// Gmail is back: a re-run fetches the message, over its placeholder.
	s.Google.SetFaults(googlefake.Faults{})
	var re struct {
		WorkflowID string `json:"workflow_id"`
	}
	s.Do(t, s.ServiceToken, http.MethodPost, path+"/reprocess", "", nil, http.StatusAccepted, &re)
	run := s.WaitRun(t, s.ServiceToken, re.WorkflowID)
	if run.Progress["status"] != "processed" {
		t.Fatalf("re-run = %+v", run)
	}
	s.Do(t, s.ServiceToken, http.MethodGet, path, "", nil, http.StatusOK, &d)
	if d.Status != "processed" || d.SizeBytes == 0 || d.Revision != 2 {
		t.Fatalf("message after the re-run = %+v", d)
	}
	var docs documentList
	s.Do(t, token, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) != 1 || docs.Documents[0].Title != "Fetched late" {
		t.Fatalf("documents = %+v", docs)
	}
}
