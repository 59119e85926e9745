package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/openaifake"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// heldLLM is an OpenAI fake whose answers the test scripts and holds: one
// request (the first, unless holdCall says another) waits until the test
// releases it, so the test can act while an LLM call is in flight.
type heldLLM struct {
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
	// holdCall is the classification request (0-based) that is held; set
	// it before the stack starts.
	holdCall int

	mu sync.Mutex
	// answers are the project ids answered in turn (the last one repeats).
	answers []string
	calls   int
}

// startHeldLLM serves a held fake and returns the stack settings that use it.
func startHeldLLM(t *testing.T) (*heldLLM, map[string]string) {
	t.Helper()
	h := &heldLLM{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	fake := openaifake.New(openaifake.Options{Respond: h.respond})
	srv := httptest.NewServer(fake)
	// Released first, so that a held request does not keep srv.Close
	// waiting.
	t.Cleanup(srv.Close)
	t.Cleanup(h.releaseFirst)
	return h, map[string]string{"CLASSIFIER": "openai", "OPENAI_BASE_URL": srv.URL + "/v1"}
}

func (h *heldLLM) script(projectIDs ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.answers = projectIDs
}

func (h *heldLLM) respond(r openaifake.Request) (string, bool) {
	if r.SchemaName != "project_classification" {
		return "", false
	}
	h.mu.Lock()
	n := h.calls
	h.calls++
	project := h.answers[min(n, len(h.answers)-1)]
	h.mu.Unlock()
	select {
	case h.arrived <- struct{}{}:
	default: // nobody waits for this many arrivals
	}
	if n == h.holdCall {
		<-h.release
	}
	return fmt.Sprintf(`{"project_id": %q, "confidence": 0.93, "matched_tags": [], "inferred_tags": [], "reason": "scripted answer %d"}`, project, n+1), true
}

// waitArrived waits for the next classification request to reach the fake.
func (h *heldLLM) waitArrived(t *testing.T) {
	t.Helper()
	select {
	case <-h.arrived:
	case <-time.After(60 * time.Second):
		t.Fatal("no LLM request arrived")
	}
}

func (h *heldLLM) releaseFirst() { h.once.Do(func() { close(h.release) }) }

type decisionRow struct {
	Revision  int     `json:"revision"`
	Path      string  `json:"path"`
	ProjectID *string `json:"project_id"`
	Applied   bool    `json:"applied"`
}

func decisionsOf(t *testing.T, s *testenv.Stack, token, docID string) []decisionRow {
	t.Helper()
	var out struct {
		Decisions []decisionRow `json:"decisions"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID+"/decisions", "", nil, http.StatusOK, &out)
	return out.Decisions
}

func findDecision(ds []decisionRow, revision int, path string) (decisionRow, bool) {
	for _, d := range ds {
		if d.Revision == revision && d.Path == path {
			return d, true
		}
	}
	return decisionRow{}, false
}

// TestClassify_ManualAssignmentMadeDuringTheLLMCallWins: the user assigns a
// document by hand while its classification waits for the LLM; the LLM's
// later answer is recorded but does not replace the user's choice.
func TestClassify_ManualAssignmentMadeDuringTheLLMCallWins(t *testing.T) {
	llm, env := startHeldLLM(t)
	s := testenv.StartStack(t, env)
	_, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)
	bakery := createProject(t, s, token, bakeryProject)
	llm.script(harbor.ID)

	docID := postAndWait(t, s, message("ai+demo@besunny.ai", "Harbor Library reading room", "Roof insulation and the structural survey for the Harbor Library."))
	llm.waitArrived(t)
	var assigned document
	s.Do(t, token, http.MethodPost, "/api/v1/documents/"+docID+"/assign", "application/json",
		strings.NewReader(fmt.Sprintf(`{"project_id": %q}`, bakery.ID)), http.StatusOK, &assigned)
	llm.releaseFirst()

	d := waitClassified(t, s, token, docID, 1)
	if d.ProjectID == nil || *d.ProjectID != bakery.ID || d.ClassificationSource != "manual" {
		t.Fatalf("document = %+v, want the manual assignment to %s to stand", d, bakery.ID)
	}
	llmDecision, ok := findDecision(decisionsOf(t, s, token, docID), 1, "llm")
	if !ok || llmDecision.Applied || llmDecision.ProjectID == nil || *llmDecision.ProjectID != harbor.ID {
		t.Fatalf("LLM decision = %+v (found %v), want recorded for %s and not applied", llmDecision, ok, harbor.ID)
	}
	run := s.WaitRun(t, token, workflows.ClassifyWorkflowID(docID, 1))
	if applied, _ := run.Progress["applied"].(bool); applied {
		t.Fatalf("classification run = %+v, want applied false", run.Progress)
	}
}

// TestClassify_LateDecisionOfAnOlderRevisionDoesNotOverwriteANewerOne: the
// first classification waits for the LLM while the user asks to reclassify;
// the second revision decides first, and the first one's late answer must
// not replace it.
func TestClassify_LateDecisionOfAnOlderRevisionDoesNotOverwriteANewerOne(t *testing.T) {
	llm, env := startHeldLLM(t)
	s := testenv.StartStack(t, env)
	_, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)
	bakery := createProject(t, s, token, bakeryProject)
	// Revision 1 (held) answers bakery; revision 2 answers harbor at once.
	llm.script(bakery.ID, harbor.ID)

	docID := postAndWait(t, s, message("ai+demo@besunny.ai", "Harbor Library reading room", "Roof insulation and the structural survey for the Harbor Library."))
	llm.waitArrived(t)
	var started struct {
		WorkflowID string `json:"workflow_id"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/documents/"+docID+"/reclassify", "", nil, http.StatusAccepted, &started)
	if started.WorkflowID != workflows.ClassifyWorkflowID(docID, 2) {
		t.Fatalf("reclassify run = %s", started.WorkflowID)
	}
	if d := waitClassified(t, s, token, docID, 2); d.ProjectID == nil || *d.ProjectID != harbor.ID || d.ClassificationSource != "ai" {
		t.Fatalf("after revision 2 = %+v, want %s by ai", d, harbor.ID)
	}

	llm.releaseFirst()
	d := waitClassified(t, s, token, docID, 1)
	if d.ProjectID == nil || *d.ProjectID != harbor.ID || d.ClassificationSource != "ai" {
		t.Fatalf("after revision 1's late answer = %+v, want revision 2's %s to stand", d, harbor.ID)
	}
	late, ok := findDecision(decisionsOf(t, s, token, docID), 1, "llm")
	if !ok || late.Applied || late.ProjectID == nil || *late.ProjectID != bakery.ID {
		t.Fatalf("revision 1's LLM decision = %+v (found %v), want recorded for %s and not applied", late, ok, bakery.ID)
	}
	var run testenv.RunAnswer
	s.Do(t, token, http.MethodGet, "/api/v1/runs/"+url.PathEscape(workflows.ClassifyWorkflowID(docID, 1)), "", nil, http.StatusOK, &run)
	if applied, _ := run.Progress["applied"].(bool); applied {
		t.Fatalf("revision 1's run = %+v, want applied false", run.Progress)
	}
}
