package e2e

import (
	"os"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/workflows"
)

// TestRecordEmailV2ReplayHistories records the histories of
// ProcessEmailWorkflowV2 — the common path (a Gmail message, local
// classifier), the LLM path (a ClassifyDocumentWorkflow child) and a
// message Gmail refuses — and the mailbox run that starts it, replays them,
// and checks the common path's shape: one run, at most 20 events, one
// search-attribute write, no activity task and no child. With
// BESUNNY_RECORD_HISTORIES=1 it writes them into workflows/testdata/replay:
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordEmailV2ReplayHistories
func TestRecordEmailV2ReplayHistories(t *testing.T) {
	dir := replayHistoryDir(t)
	t.Run("gmail message, local classifier, refused message", func(t *testing.T) {
		s := sandboxStack(t, nil)
		_, token := s.CreateUser(t, "demo")
		createProject(t, s, token, harborProject)
		waitWatched(t, s)
		mailbox := s.Config.Inbound.Mailbox
		id, _, err := s.Google.Deliver(mailbox, message("ai+demo@besunny.ai", "Harbor Library reading room", "Roof insulation and the structural survey for the Harbor Library."), googlefake.DeliverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var mb mailboxView
		waitFor(t, "the message to be marked", func() bool { mb = viewMailbox(t, s); return mb.Status.MessagesMarked == 1 })
		emailID := workflows.EmailWorkflowID(id, 1)
		shape := historyShapeOf(t, recordRun(t, s.Base.Temporal, dir, "process_email_wf2_gmail_processed", emailID, ""))
		if shape.events > 20 || shape.upserts != 1 || shape.activities != 0 || shape.children != 0 || shape.workflowTasks != 1 {
			t.Fatalf("common path = %+v; want ≤ 20 events, 1 upsert, 1 workflow task, no activity task, no child", shape)
		}
		recordRun(t, s.Base.Temporal, dir, "mailbox_v3_email_v2", workflows.MailboxWorkflowID(mailbox), "")

		gone := workflows.EmailWorkflowID("18c0ffee0000beef", 1)
		run, err := s.Base.Temporal.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: gone, TaskQueue: s.Config.Temporal.TaskQueue},
			workflows.EmailWorkflow, workflows.ProcessEmailInput{MessageKey: "18c0ffee0000beef", Source: "gmail", Mailbox: mailbox})
		if err != nil {
			t.Fatal(err)
		}
		var out workflows.EmailStatus
		if err := run.Get(t.Context(), &out); err != nil {
			t.Fatal(err)
		}
		if out.Status != workflows.StatusFailed {
			t.Fatalf("gone message = %+v", out)
		}
		recordRun(t, s.Base.Temporal, dir, "process_email_wf2_gmail_unavailable", gone, "")
	})
	t.Run("LLM classifier", func(t *testing.T) {
		s := sandboxStack(t, map[string]string{"CLASSIFIER": "openai"})
		_, token := s.CreateUser(t, "demo")
		createProject(t, s, token, harborProject)
		ans := s.PostEmail(t, message("ai+demo@besunny.ai", "Harbor Library reading room", "Roof insulation and the structural survey for the Harbor Library."))
		s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
		shape := historyShapeOf(t, recordRun(t, s.Base.Temporal, dir, "process_email_wf2_llm", ans.WorkflowID, ""))
		if shape.children != 1 {
			t.Fatalf("LLM path = %+v; want the classification child", shape)
		}
	})
}

// historyShape counts what a run cost Temporal.
type historyShape struct {
	events, workflowTasks, activities, children, upserts int
}

func historyShapeOf(t *testing.T, path string) historyShape {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var hist historypb.History
	if err := (temporalproto.CustomJSONUnmarshalOptions{}).Unmarshal(b, &hist); err != nil {
		t.Fatal(err)
	}
	var sh historyShape
	for _, ev := range hist.GetEvents() {
		sh.events++
		switch {
		case ev.GetWorkflowTaskScheduledEventAttributes() != nil:
			sh.workflowTasks++
		case ev.GetActivityTaskScheduledEventAttributes() != nil:
			sh.activities++
		case ev.GetStartChildWorkflowExecutionInitiatedEventAttributes() != nil:
			sh.children++
		case ev.GetUpsertWorkflowSearchAttributesEventAttributes() != nil:
			sh.upserts++
		}
	}
	return sh
}
