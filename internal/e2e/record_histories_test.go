package e2e

import (
	"os"
	"path/filepath"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// TestRecordReplayHistories records real histories from a running stack and
// replays them with the worker's replayer. With BESUNNY_RECORD_HISTORIES=1 it
// also writes them into workflows/testdata/replay, where the replay tests keep
// proving that later code still replays them:
//
//	BESUNNY_RECORD_HISTORIES=1 go test ./internal/e2e -run TestRecordReplayHistories
//
// Record a new file when a workflow version is released; never re-record an
// old one to make a replay test pass.
func TestRecordReplayHistories(t *testing.T) {
	s := testenv.StartStack(t, nil)
	s.CreateUser(t, "demo")
	cases := map[string][]byte{
		"process_email_v1_processed.json":      message("ai+demo@besunny.ai, ai+ghost@besunny.ai", "Recorded", "A recorded message."),
		"process_email_v1_user_not_found.json": message("ai+ghost@besunny.ai", "Nobody", "No such user."),
		"process_email_v1_failed.json":         []byte("\x00\x01 not mail at all"),
	}
	dir := t.TempDir()
	if os.Getenv("BESUNNY_RECORD_HISTORIES") != "" {
		dir = filepath.Join("..", "..", "workflows", "testdata", "replay")
	}
	for name, raw := range cases {
		ans := s.PostEmail(t, raw)
		s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
		path := filepath.Join(dir, name)
		writeHistory(t, s.Base.Temporal, ans.WorkflowID, path)
		r := worker.NewWorkflowReplayer()
		r.RegisterWorkflow(workflows.ProcessEmailWorkflow)
		if err := r.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
			t.Fatalf("replay %s: %v", name, err)
		}
	}
}

func writeHistory(t *testing.T, c client.Client, workflowID, path string) {
	t.Helper()
	var hist historypb.History
	it := c.GetWorkflowHistory(t.Context(), workflowID, "", false, 0)
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
}
