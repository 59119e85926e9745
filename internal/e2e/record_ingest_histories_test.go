package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// TestRecordIngestReplayHistories records, from a running sandbox stack,
// the histories of the ingestion paths the first release's histories do not
// reach, and replays them: the mailbox marking in batches, working through
// a backlog while the follow-head reads pushed mail, resyncing from an
// expired cursor, continuing as new with runs handed over (and the next run
// following them through the store), and the Gmail-unavailable path of an
// email. With BESUNNY_RECORD_HISTORIES=1 it writes them into
// workflows/testdata/replay, where TestReplay keeps proving that later code
// replays them:
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordIngestReplayHistories
//
// Never re-record a released history to make a replay pass.
func TestRecordIngestReplayHistories(t *testing.T) {
	dir := replayHistoryDir(t)
	t.Run("marks, backlog with follow-head, resync, gmail unavailable", func(t *testing.T) {
		recordMailboxPaths(t, dir)
	})
	t.Run("continue-as-new with runs handed over", func(t *testing.T) {
		recordMailboxHandOver(t, dir)
	})
}

func recordMailboxPaths(t *testing.T, dir string) {
	// Two runs in flight: a burst of mail is a backlog.
	s := sandboxStack(t, map[string]string{"GMAIL_MAX_IN_FLIGHT": "2"})
	_, token := s.CreateUser(t, "demo")
	waitWatched(t, s)
	mailbox := s.Config.Inbound.Mailbox
	deliver := func(subject string) string {
		t.Helper()
		id, _, err := s.Google.Deliver(mailbox, message("ai+demo@besunny.ai", subject, "For the replay histories."), googlefake.DeliverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	var mb mailboxView
	status := func() { mb = viewMailbox(t, s) }

	// Marks: a message, processed and labelled in a batch.
	deliver("First")
	waitFor(t, "the first message to be marked", func() bool { status(); return mb.Status.MessagesMarked == 1 })

	// A backlog: 12 messages whose fetches take a second each, two at a
	// time; mail pushed meanwhile is read by the follow-head.
	s.Google.SetFaults(googlefake.Faults{SlowRate: 1, SlowDelay: time.Second, Methods: []string{"gmail.users.messages.get"}})
	for i := range 12 {
		deliver(fmt.Sprintf("Backlog %d", i))
	}
	waitFor(t, "the backlog to be under way", func() bool { status(); return mb.Status.MessagesStarted >= 3 })
	deliver("Pushed during the backlog")
	waitForWithin(t, "the backlog to be worked off and marked", 2*time.Minute, func() bool {
		status()
		return mb.Status.MessagesMarked == 14 && mb.Status.Head == ""
	})
	s.Google.SetFaults(googlefake.Faults{})

	// A cursor Gmail no longer keeps: a full resync.
	s.Google.ExpireHistory(mailbox)
	deliver("After the resync")
	waitFor(t, "the resync's message to be marked", func() bool {
		status()
		return mb.Status.Resyncs == 1 && mb.Status.MessagesMarked == 15
	})

	mailboxID := workflows.MailboxWorkflowID(mailbox)
	path := recordRun(t, s.Base.Temporal, dir, "mailbox_v2_marks_backlog_resync", mailboxID, "")
	if n := countUrgentHistoryReads(t, path); n == 0 {
		t.Fatal("the recorded history has no follow-head read: the push came after the backlog")
	}

	// The Gmail-unavailable path: a message Gmail no longer has.
	gone := workflows.EmailWorkflowID("18c0ffee0000dead", 1)
	run, err := s.Base.Temporal.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: gone, TaskQueue: s.Config.Temporal.TaskQueue},
		workflows.ProcessEmailWorkflow, workflows.ProcessEmailInput{MessageKey: "18c0ffee0000dead", Source: "gmail", Mailbox: mailbox})
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
	recordRun(t, s.Base.Temporal, dir, "process_email_v2_gmail_unavailable", gone, "")
	_ = token
}

// recordMailboxHandOver runs a stack on its own dev server, which suggests
// continue-as-new after a few events, with fetches that outlast the
// hand-over wait: runs are handed to the next run, which marks them.
func recordMailboxHandOver(t *testing.T, dir string) {
	addr := dedicatedDevServer(t, "limit.historyCount.suggestContinueAsNew=60")
	s := sandboxStack(t, map[string]string{"TEMPORAL_ADDRESS": addr, "TEMPORAL_NAMESPACE": "default"})
	s.CreateUser(t, "demo")
	waitWatched(t, s)
	mailbox := s.Config.Inbound.Mailbox
	mailboxID := workflows.MailboxWorkflowID(mailbox)
	s.Google.SetFaults(googlefake.Faults{SlowRate: 1, SlowDelay: 32 * time.Second, Methods: []string{"gmail.users.messages.get"}})

	var mb mailboxView
	status := func() { mb = viewMailbox(t, s) }
	delivered := 0
	waitForWithin(t, "continue-as-new", 2*time.Minute, func() bool {
		status()
		if mb.Status.Runs >= 2 {
			return true
		}
		if delivered < 20 {
			if _, _, err := s.Google.Deliver(mailbox, message("ai+demo@besunny.ai", fmt.Sprintf("Slow %d", delivered), "Fetched slowly."), googlefake.DeliverOptions{}); err != nil {
				t.Fatal(err)
			}
			delivered++
			time.Sleep(300 * time.Millisecond)
		}
		return false
	})
	if len(mb.Status.HandedOver) == 0 {
		t.Fatalf("the second run was handed no run in flight: %+v", mb.Status)
	}
	waitForWithin(t, "the handed-over runs to be followed and marked", 2*time.Minute, func() bool {
		status()
		return len(mb.Status.HandedOver) == 0 && mb.Status.MessagesMarked == delivered
	})

	first := continuedRun(t, s, mailboxID)
	recordRun(t, s.Base.Temporal, dir, "mailbox_v2_continue_as_new", mailboxID, first)
	recordRun(t, s.Base.Temporal, dir, "mailbox_v2_handed_over", mailboxID, "")
}

// mailboxView is what the recordings read of GET /api/v1/mailboxes/{address}.
type mailboxView struct {
	Status struct {
		Runs            int    `json:"runs"`
		MessagesStarted int    `json:"messages_started"`
		MessagesMarked  int    `json:"messages_marked"`
		Resyncs         int    `json:"resyncs"`
		Head            string `json:"head"`
		LastError       string `json:"last_error"`
		HandedOver      []struct {
			MessageID string `json:"message_id"`
		} `json:"handed_over"`
	} `json:"status"`
}

func viewMailbox(t *testing.T, s *testenv.Stack) mailboxView {
	t.Helper()
	var v mailboxView
	s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/mailboxes/"+s.Config.Inbound.Mailbox, "", nil, http.StatusOK, &v)
	return v
}

// dedicatedDevServer starts a Temporal dev server of the test's own (for
// dynamic config the shared one must not have) and returns its address.
func dedicatedDevServer(t *testing.T, dynamicConfig ...string) string {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--dynamic-config-value", "matching.useNewMatcher=true"}
	for _, dc := range dynamicConfig {
		args = append(args, "--dynamic-config-value", dc)
	}
	for name, typ := range workflows.SearchAttributes() {
		args = append(args, "--search-attribute", name+"="+typ.String())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  filepath.Join(root, "bin", "temporal"),
		ClientOptions: &client.Options{Logger: log.NewStructuredLogger(testenv.Logger(t))},
		LogLevel:      "error",
		ExtraArgs:     args,
		Stdout:        io.Discard,
		Stderr:        os.Stderr,
	})
	if err != nil {
		if testenv.InCI() {
			t.Fatalf("dev server: %v", err)
		}
		t.Skipf("dev server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv.FrontendHostPort()
}

// continuedRun is the run id of the workflow's first run that continued as
// new.
func continuedRun(t *testing.T, s *testenv.Stack, workflowID string) string {
	t.Helper()
	var runID string
	waitFor(t, "the run that continued as new", func() bool {
		resp, err := s.Base.Temporal.ListWorkflow(t.Context(), &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: s.Config.Temporal.Namespace,
			Query:     fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'ContinuedAsNew'", workflowID),
		})
		if err != nil || len(resp.GetExecutions()) == 0 {
			return false
		}
		execs := resp.GetExecutions()
		runID = execs[len(execs)-1].GetExecution().GetRunId() // oldest last
		return true
	})
	return runID
}

// recordRun writes one run's history (the latest when runID is empty) to
// dir/name.json and replays it with every workflow of the worker.
func recordRun(t *testing.T, c client.Client, dir, name, workflowID, runID string) string {
	t.Helper()
	path := filepath.Join(dir, name+".json")
	events := writeHistory(t, c, workflowID, runID, path)
	replayHistoryFile(t, path)
	t.Logf("recorded %s: %d events", name, events)
	return path
}

// countUrgentHistoryReads counts the history.list calls a recorded mailbox
// history made at priority 1: the follow-head's reads.
func countUrgentHistoryReads(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var hist historypb.History
	if err := (temporalproto.CustomJSONUnmarshalOptions{}).Unmarshal(b, &hist); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range hist.GetEvents() {
		a := ev.GetActivityTaskScheduledEventAttributes()
		if a.GetActivityType().GetName() == "ListHistory" && a.GetPriority().GetPriorityKey() == 1 {
			n++
		}
	}
	return n
}
