package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// Three projects whose descriptions share no word with the mail below, so
// nothing is classified on arrival: only the user's corrections can teach
// the classifier what belongs where.
var backlogProjects = []string{
	`{"name": "Orchard", "description": "The family orchard."}`,
	`{"name": "Club", "description": "The weekend club."}`,
	`{"name": "Household", "description": "Household paperwork."}`,
}

// backlogMail has twenty messages: six about cider making, six about the
// kayak club, five about the tax return and three that belong to no project.
var backlogMail = [][]string{
	{
		"Pressing day", "We pressed the russet apples on Saturday: the juice went into two oak barrels with a champagne yeast for the fermentation.",
		"Barrels", "The oak barrels leak a little; soak them before the next pressing so the apple juice and the yeast stay in.",
		"Fermentation", "Fermentation is slow in the cold shed; the yeast needs warmer barrels or the cider will stall before bottling.",
		"Bottling the cider", "Cider bottling next week: rack the fermented juice off the yeast, then bottle from the barrels with a little sugar.",
		"Russet harvest", "The russet apples are ripe; pick them for pressing before the frost, the juice is sweeter for the cider.",
		"Yeast order", "Ordered a new champagne yeast and sulphite tablets for the fermentation of this year's apple juice in the barrels.",
	},
	{
		"Paddling on Sunday", "Sunday paddle on the river: kayaks leave the boathouse at nine, bring a spray deck and a buoyancy aid for the rapids.",
		"Rapids session", "The rapids below the weir are high after the rain; the kayak session stays on the flat river with paddle drills.",
		"Boathouse keys", "New boathouse keys for the kayak racks; paddle and buoyancy aid storage moves to the back of the boathouse.",
		"Eskimo roll", "Pool session for the eskimo roll on Wednesday: kayaks from the boathouse, helmets, and a spray deck each.",
		"River trip", "Two-day river trip in kayaks: we paddle the gorge, camp by the rapids and portage the weir.",
		"Spray decks", "The spray decks for the small kayaks are torn; order two new ones before the rapids season on the river.",
	},
	{
		"Tax return", "The self assessment tax return is due in January: gather the payslips, the pension statements and the bank interest.",
		"HMRC letter", "HMRC wrote about the tax return: the pension contributions and the bank interest need receipts before January.",
		"Payslips", "Scanned the payslips and the P60 for the tax return; the pension statement is still missing for the self assessment.",
		"Tax code", "The tax code on the payslips looks wrong; ask HMRC before filing the self assessment return.",
		"Pension relief", "Higher rate pension relief goes on the self assessment tax return; keep the pension statement with the payslips.",
	},
	{
		"Parcel", "Your parcel is on its way, tracking number 88231, delivery tomorrow between 9 and 12.",
		"Dentist", "A reminder of the dental check-up on Thursday at 3pm.",
		"Newsletter", "This month: new recipes, a garden competition and the village fete. Unsubscribe at any time.",
	},
}

func TestBacklog_FiveCorrectionsSortThePile(t *testing.T) {
	s := testenv.StartStack(t, map[string]string{"CLASSIFY_BACKLOG_DEBOUNCE": "2s"})
	userID, token := s.CreateUser(t, "demo")
	var projects []project
	for _, body := range backlogProjects {
		projects = append(projects, createProject(t, s, token, body))
	}

	// Twenty documents, none classified on arrival.
	type doc struct {
		id    string
		theme int // index of its project; 3 = none
	}
	var docs []doc
	for theme, mails := range backlogMail {
		for i := 0; i < len(mails); i += 2 {
			id := postAndWait(t, s, message("ai+demo@besunny.ai", mails[i], mails[i+1]))
			if d := waitClassified(t, s, token, id, 1); d.ProjectID != nil {
				t.Fatalf("%q was classified on arrival into %s; the test needs an unclassified backlog", mails[i], *d.ProjectID)
			}
			docs = append(docs, doc{id, theme})
		}
	}
	if len(docs) != 20 {
		t.Fatalf("%d documents", len(docs))
	}
	backlog := docs

	// Five corrections: two cider, two kayak, one tax.
	manual := map[string]int{backlog[0].id: 0, backlog[1].id: 0, backlog[6].id: 1, backlog[7].id: 1, backlog[12].id: 2}
	for id, theme := range manual {
		var d document
		s.Do(t, token, http.MethodPost, "/api/v1/documents/"+id+"/assign", "application/json",
			strings.NewReader(fmt.Sprintf(`{"project_id": %q}`, projects[theme].ID)), http.StatusOK, &d)
	}

	// One backlog run for the user, visible by its user id.
	wf := workflows.BacklogWorkflowID(userID.String())
	var run testenv.RunAnswer
	waitForWithin(t, "the backlog run", 2*time.Minute, func() bool {
		return s.Status(t, token, "/api/v1/runs/"+url.PathEscape(wf), &run) == http.StatusOK && run.ExecutionStatus == "Completed"
	})
	var runs struct {
		Runs []struct {
			WorkflowID string `json:"workflow_id"`
		} `json:"runs"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/runs", "", nil, http.StatusOK, &runs)
	backlogRuns := 0
	for _, r := range runs.Runs {
		if r.WorkflowID == wf {
			backlogRuns++
		}
	}
	if backlogRuns != 1 {
		t.Errorf("%d backlog runs listed for the user, want one for five corrections", backlogRuns)
	}

	filed, wrong := 0, 0
	for _, d := range backlog {
		var got document
		s.Do(t, token, http.MethodGet, "/api/v1/documents/"+d.id, "", nil, http.StatusOK, &got)
		if theme, ok := manual[d.id]; ok {
			if got.ClassificationSource != "manual" || got.ProjectID == nil || *got.ProjectID != projects[theme].ID {
				t.Errorf("manual assignment %s changed: %+v", d.id, got)
			}
			continue
		}
		if got.ProjectID == nil {
			continue
		}
		filed++
		if d.theme == 3 || *got.ProjectID != projects[d.theme].ID {
			wrong++
			t.Errorf("document %s of theme %d filed into %s", d.id, d.theme, *got.ProjectID)
			continue
		}
		var decisions struct {
			Decisions []struct {
				Path    string `json:"path"`
				Applied bool   `json:"applied"`
			} `json:"decisions"`
		}
		s.Do(t, token, http.MethodGet, "/api/v1/documents/"+d.id+"/decisions", "", nil, http.StatusOK, &decisions)
		if len(decisions.Decisions) == 0 || decisions.Decisions[0].Path != "backlog" || !decisions.Decisions[0].Applied {
			t.Errorf("document %s: decisions %+v, want the backlog filing first", d.id, decisions.Decisions)
		}
	}
	// Of the 12 themed documents left (20 minus five corrections and the
	// three that belong nowhere), the run files those it is sure of
	// (CLASSIFY_BACKLOG_MIN_CONFIDENCE, 0.6) and none wrongly. With one or
	// two one-sentence examples per project the classifier is sure of few
	// of them (3 when this test was last run, as at 0.5; 2 at the former
	// 0.7): it ranks the right project first, but short mail sharing a few
	// words with one example stays below the bar — the calibration that
	// keeps 97–99 % of the backlog's filings right on real mail
	// (testdata/classify/RESULTS.md).
	// What this test proves is the run: it files, never wrongly, never over
	// a manual assignment, in one run for five corrections.
	if filed < 2 {
		t.Errorf("the backlog run filed %d of 12 documents it could learn from five corrections, want at least 2", filed)
	}
	t.Logf("backlog run: %+v; filed %d, wrong %d", run.Progress, filed, wrong)
	recordBacklogHistory(t, s, wf)
}

// recordBacklogHistory replays the run's history with today's workflows
// and, with BESUNNY_RECORD_HISTORIES=1, keeps it as the released version's
// history in workflows/testdata/replay — only if that file does not exist
// yet: a recorded history is never re-recorded.
func recordBacklogHistory(t *testing.T, s *testenv.Stack, workflowID string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "reclassify_backlog_v1.json")
	keep := filepath.Join("..", "..", "workflows", "testdata", "replay", "reclassify_backlog_v1.json")
	if _, err := os.Stat(keep); os.Getenv("BESUNNY_RECORD_HISTORIES") != "" && os.IsNotExist(err) {
		path = keep
	}
	writeHistory(t, s.Base.Temporal, workflowID, "", path)
	replayHistoryFile(t, path)
}
