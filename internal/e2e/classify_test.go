package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

type project struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	NormalizedTags []string `json:"normalized_tags"`
	EntityPatterns struct {
		People []struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"people"`
		Domains []string `json:"domains"`
	} `json:"entity_patterns"`
	OnboardedAt *string `json:"onboarded_at"`
}

type document struct {
	ID                   string   `json:"id"`
	ProjectID            *string  `json:"project_id"`
	ClassificationSource string   `json:"classification_source"`
	Confidence           *float64 `json:"confidence"`
}

func createProject(t *testing.T, s *testenv.Stack, token, body string) project {
	t.Helper()
	var p project
	s.Do(t, token, http.MethodPost, "/api/v1/projects", "application/json", strings.NewReader(body), http.StatusCreated, &p)
	return p
}

const harborProject = `{"name": "Harbor Library renovation",
  "description": "Renovation of the Harbor Library: reading room, roof insulation, structural survey, asbestos check.",
  "normalized_tags": ["Roof Insulation", "reading room", "structural survey"],
  "reference_keywords": ["Harbor Library", "Brandt Engineering"],
  "entity_patterns": {"people": [{"name": "Maya Lindqvist", "email": "maya@northwind-architects.example"}], "domains": ["brandt-eng.example"]}}`

const bakeryProject = `{"name": "Sourdough bakery website",
  "description": "A new website and online shop for the Crumb & Co sourdough bakery: product pages, checkout, delivery slots.",
  "normalized_tags": ["website", "online shop", "checkout"],
  "entity_patterns": {"domains": ["crumbandco.example"]}}`

// waitClassified waits for the document's classification of the revision:
// its ClassifyDocumentWorkflow run where there is one (the LLM,
// re-classification), else the decision the email run stored inline (the
// local classifier; ProcessEmailWorkflowV2 decides before it completes).
func waitClassified(t *testing.T, s *testenv.Stack, token, docID string, revision int) document {
	t.Helper()
	wf := workflows.ClassifyWorkflowID(docID, revision)
	waitFor(t, "classification "+wf, func() bool {
		var run testenv.RunAnswer
		switch s.Status(t, s.ServiceToken, "/api/v1/runs/"+url.PathEscape(wf), &run) {
		case http.StatusOK:
			return run.ExecutionStatus == "Completed"
		case http.StatusNotFound:
			_, inline := findDecision(decisionsOf(t, s, token, docID), revision, "local")
			return inline
		}
		return false
	})
	var d document
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusOK, &d)
	return d
}

func postAndWait(t *testing.T, s *testenv.Stack, raw []byte) string {
	t.Helper()
	ans := s.PostEmail(t, raw)
	run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	docs, _ := run.Progress["documents"].([]any)
	if len(docs) != 1 {
		t.Fatalf("run = %+v, want one document", run)
	}
	return docs[0].(map[string]any)["document_id"].(string)
}

func TestClassify_LocalClassifierRoutesMailToTheRightProject(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)
	createProject(t, s, token, bakeryProject)
	if strings.Join(harbor.NormalizedTags, ",") != "roof_insulation,reading_room,structural_survey" {
		t.Fatalf("tags = %v, want snake_case", harbor.NormalizedTags)
	}

	docID := postAndWait(t, s, []byte("From: Maya Lindqvist <maya@northwind-architects.example>\r\nTo: ai+demo@besunny.ai\r\n"+
		"Subject: Harbor Library - roof insulation quotes\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n"+
		"Hi, the two quotes for the roof insulation of the Harbor Library reading room are in. Brandt Engineering's structural survey is due Friday.\r\n"))
	d := waitClassified(t, s, token, docID, 1)
	if d.ProjectID == nil || *d.ProjectID != harbor.ID || d.ClassificationSource != "local" {
		t.Fatalf("document = %+v, want project %s by local", d, harbor.ID)
	}
	var onlyHarbor struct{ Documents []document }
	s.Do(t, token, http.MethodGet, "/api/v1/documents?project_id="+harbor.ID, "", nil, http.StatusOK, &onlyHarbor)
	if len(onlyHarbor.Documents) != 1 {
		t.Fatalf("documents of the project = %+v", onlyHarbor)
	}

	// Unrelated mail stays unclassified, for the user to assign.
	other := postAndWait(t, s, message("ai+demo@besunny.ai", "Your parcel is on its way", "Track your parcel with number 88231. Delivery tomorrow between 9 and 12."))
	if d := waitClassified(t, s, token, other, 1); d.ProjectID != nil || d.ClassificationSource != "none" {
		t.Fatalf("unrelated document = %+v, want unclassified", d)
	}
	var unclassified struct{ Documents []document }
	s.Do(t, token, http.MethodGet, "/api/v1/documents?unclassified=true", "", nil, http.StatusOK, &unclassified)
	if len(unclassified.Documents) != 1 || unclassified.Documents[0].ID != other {
		t.Fatalf("unclassified = %+v", unclassified)
	}
}

func TestClassify_ManualAssignmentSticksUntilReclassify(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	_, otherToken := s.CreateUser(t, "other")
	harbor := createProject(t, s, token, harborProject)
	bakery := createProject(t, s, token, bakeryProject)
	otherProject := createProject(t, s, otherToken, bakeryProject)

	docID := postAndWait(t, s, message("ai+demo@besunny.ai", "Harbor Library reading room", "Roof insulation and the structural survey for the Harbor Library."))
	waitClassified(t, s, token, docID, 1)

	var assigned document
	s.Do(t, token, http.MethodPost, "/api/v1/documents/"+docID+"/assign", "application/json",
		strings.NewReader(fmt.Sprintf(`{"project_id": %q}`, bakery.ID)), http.StatusOK, &assigned)
	if assigned.ProjectID == nil || *assigned.ProjectID != bakery.ID || assigned.ClassificationSource != "manual" {
		t.Fatalf("assigned = %+v", assigned)
	}
	// Another user's project or document is 404.
	s.Do(t, token, http.MethodPost, "/api/v1/documents/"+docID+"/assign", "application/json",
		strings.NewReader(fmt.Sprintf(`{"project_id": %q}`, otherProject.ID)), http.StatusNotFound, nil)
	s.Do(t, otherToken, http.MethodPost, "/api/v1/documents/"+docID+"/assign", "application/json",
		strings.NewReader(fmt.Sprintf(`{"project_id": %q}`, otherProject.ID)), http.StatusNotFound, nil)
	s.Do(t, otherToken, http.MethodPost, "/api/v1/documents/"+docID+"/reclassify", "", nil, http.StatusNotFound, nil)
	s.Do(t, otherToken, http.MethodGet, "/api/v1/projects/"+harbor.ID, "", nil, http.StatusNotFound, nil)

	// Reclassify overrides the manual assignment with a fresh decision.
	var started struct {
		WorkflowID string `json:"workflow_id"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/documents/"+docID+"/reclassify", "", nil, http.StatusAccepted, &started)
	if started.WorkflowID != workflows.ClassifyWorkflowID(docID, 2) {
		t.Fatalf("reclassify run = %s", started.WorkflowID)
	}
	d := waitClassified(t, s, token, docID, 2)
	if d.ProjectID == nil || *d.ProjectID != harbor.ID {
		t.Fatalf("after reclassify = %+v, want %s", d, harbor.ID)
	}
	var decisions struct {
		Decisions []struct {
			Path    string `json:"path"`
			Applied bool   `json:"applied"`
		} `json:"decisions"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID+"/decisions", "", nil, http.StatusOK, &decisions)
	if len(decisions.Decisions) != 3 {
		t.Fatalf("decisions = %+v, want local, manual, local", decisions)
	}
}

func TestClassify_OnboardingDerivesHints(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	p := createProject(t, s, token, `{"name": "Riverside clinic extension"}`)
	var started struct {
		WorkflowID string `json:"workflow_id"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/projects/"+p.ID+"/onboard", "application/json", strings.NewReader(`{"summary": {
		"overview": "Extension of the Riverside clinic with two operating rooms and a new entrance.",
		"keywords": ["Operating Rooms", "clinic extension"],
		"contacts": "Dr. Hanna Berg <hanna.berg@riverside-clinic.example> (client)",
		"locations": "Riverside, Uppsala"}}`), http.StatusAccepted, &started)
	run := s.WaitRun(t, s.ServiceToken, started.WorkflowID)
	if run.ExecutionStatus != "Completed" {
		t.Fatalf("onboarding run = %+v", run)
	}
	var got project
	s.Do(t, token, http.MethodGet, "/api/v1/projects/"+p.ID, "", nil, http.StatusOK, &got)
	if got.OnboardedAt == nil || !slices.Contains(got.NormalizedTags, "operating_rooms") || len(got.EntityPatterns.People) == 0 {
		t.Fatalf("onboarded project = %+v", got)
	}
}

func TestClassify_OpenAIPathThroughTheFake(t *testing.T) {
	s := testenv.StartStack(t, map[string]string{"CLASSIFIER": "openai"})
	_, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)
	createProject(t, s, token, bakeryProject)
	docID := postAndWait(t, s, message("ai+demo@besunny.ai", "Harbor Library reading room", "Roof insulation and the structural survey for the Harbor Library."))
	d := waitClassified(t, s, token, docID, 1)
	if d.ProjectID == nil || *d.ProjectID != harbor.ID || d.ClassificationSource != "ai" {
		t.Fatalf("document = %+v, want %s by ai", d, harbor.ID)
	}
	if s.OpenAI.Requests() == 0 {
		t.Fatal("the fake OpenAI got no request")
	}
}
