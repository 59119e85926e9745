package classify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/openaifake"
)

// countingExamples is an ExampleSource that counts its calls by project.
type countingExamples struct {
	mu    sync.Mutex
	calls map[string]int
	by    map[string][]classify.Example
	err   error
}

func (c *countingExamples) Examples(_ context.Context, id string) ([]classify.Example, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[id]++
	return c.by[id], c.err
}

func newFakeWithExamples(t *testing.T, src classify.ExampleSource, per int) (*openaifake.Fake, *classify.OpenAI) {
	t.Helper()
	fake := openaifake.New(openaifake.Options{})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, classify.NewOpenAI(classify.OpenAIConfig{APIKey: "sk-test", BaseURL: srv.URL + "/v1", HTTPClient: srv.Client(),
		Examples: src, ExamplesPerProject: per})
}

func lastPrompt(t *testing.T, fake *openaifake.Fake) string {
	t.Helper()
	req, ok := fake.Last()
	if !ok {
		t.Fatal("no request")
	}
	return req.User
}

func TestOpenAI_PromptShowsWhatTheUserFiledInEachProject(t *testing.T) {
	src := &countingExamples{calls: map[string]int{}, by: map[string][]classify.Example{
		"hv": {
			{Title: "Balcony drawings rev C", Text: "Attached the revised\nbalcony drawings.", Manual: true},
			{Title: "Quay Road snag list", Text: "Snags from Tuesday's walk.", Manual: true},
			{Title: "Autumn newsletter", Text: "Filed by the classifier itself.", Manual: false},
		},
		"ms": {{Title: "Reading room | ceiling", Text: "Plaster  samples | lab results", Manual: true}},
	}}
	fake, o := newFakeWithExamples(t, src, 0)
	ctx := context.Background()
	for range 2 {
		if _, err := o.Classify(ctx, libraryDoc, projects()); err != nil {
			t.Fatal(err)
		}
	}
	prompt := lastPrompt(t, fake)
	for _, want := range []string{
		`filed by the user: "Balcony drawings rev C" Attached the revised balcony drawings. | "Quay Road snag list" Snags from Tuesday's walk.` + "\n",
		`filed by the user: "Reading room / ceiling" Plaster samples / lab results` + "\n",
	} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q:\n%s", want, prompt)
		}
	}
	if strings.Contains(prompt, "Autumn newsletter") {
		t.Errorf("an automatic assignment is shown as the user's:\n%s", prompt)
	}
	// Each example sits in its own project's block, before the document.
	if hv, ms, doc := strings.Index(prompt, "Balcony drawings"), strings.Index(prompt, "Reading room /"), strings.Index(prompt, "\nDocument:\n"); !(hv < strings.Index(prompt, "id: ms") && ms > strings.Index(prompt, "id: ms") && ms < doc) {
		t.Errorf("examples outside their project's block:\n%s", prompt)
	}
	if src.calls["hv"] != 1 || src.calls["ms"] != 1 {
		t.Errorf("store asked %v for two requests at the same revisions, want once per project", src.calls)
	}

	// A correction bumps the project's revision: its examples are read again.
	ps := projects()
	ps[0].Revision = "2"
	src.by["hv"] = append([]classify.Example{{Title: "Lift shaft survey", Manual: true}}, src.by["hv"]...)
	if _, err := o.Classify(ctx, libraryDoc, ps); err != nil {
		t.Fatal(err)
	}
	if src.calls["hv"] != 2 || src.calls["ms"] != 1 {
		t.Errorf("calls after hv's new revision: %v", src.calls)
	}
	if p := lastPrompt(t, fake); !strings.Contains(p, `filed by the user: "Lift shaft survey" | "Balcony drawings rev C"`) {
		t.Errorf("the new correction is not shown first:\n%s", p)
	}
}

func TestOpenAI_ExamplesShownShrinkWithTheNumberOfCandidates(t *testing.T) {
	many := func(n int) []classify.Project {
		ps := make([]classify.Project, n)
		for i := range ps {
			ps[i] = classify.Project{ID: fmt.Sprintf("p%02d", i), Name: fmt.Sprintf("Project %02d", i), Revision: "1"}
		}
		return ps
	}
	three := []classify.Example{{Title: "first", Manual: true}, {Title: "second", Manual: true}, {Title: "third", Manual: true}, {Title: "fourth", Manual: true}}
	src := classify.ExampleSourceFunc(func(context.Context, string) ([]classify.Example, error) { return three, nil })
	for _, c := range []struct {
		per, projects int
		want          string // the line of the first project
		absent        string
	}{
		{0, 10, `filed by the user: "first" | "second" | "third"` + "\n", `"fourth"`},
		{1, 10, `filed by the user: "first"` + "\n", `"second"`},
		{0, 16, `filed by the user: "first"` + "\n", `"second"`},
		{0, 41, "", "filed by the user"},
	} {
		fake, o := newFakeWithExamples(t, src, c.per)
		if _, err := o.Classify(context.Background(), libraryDoc, many(c.projects)); err != nil {
			t.Fatal(err)
		}
		p := lastPrompt(t, fake)
		if c.want != "" && !strings.Contains(p, "id: p00\nname: Project 00\n"+c.want) {
			t.Errorf("per=%d, %d projects: first block lacks %q:\n%.600s", c.per, c.projects, c.want, p)
		}
		if strings.Contains(p, c.absent) {
			t.Errorf("per=%d, %d projects: prompt has %q", c.per, c.projects, c.absent)
		}
	}
}

func TestOpenAI_ExamplesFailureAsksNothing(t *testing.T) {
	storeDown := errors.New("connection refused")
	src := &countingExamples{calls: map[string]int{}, err: storeDown}
	fake, o := newFakeWithExamples(t, src, 0)
	_, err := o.Classify(context.Background(), libraryDoc, projects())
	if !errors.Is(err, storeDown) {
		t.Fatalf("err = %v, want the store's", err)
	}
	if fake.Requests() != 0 {
		t.Errorf("%d requests without the examples", fake.Requests())
	}
}

func TestOpenAI_ExamplesLeaveTheDocumentItsRoom(t *testing.T) {
	long := func(title string) classify.Example {
		return classify.Example{Title: title + strings.Repeat(" heading", 20), Text: strings.Repeat("opening words ", 30), Manual: true}
	}
	src := classify.ExampleSourceFunc(func(_ context.Context, id string) ([]classify.Example, error) {
		return []classify.Example{long(id + "-first"), long(id + "-second"), long(id + "-third")}, nil
	})
	fake := openaifake.New(openaifake.Options{})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	o := classify.NewOpenAI(classify.OpenAIConfig{APIKey: "sk-test", BaseURL: srv.URL + "/v1", HTTPClient: srv.Client(),
		MaxInputTokens: 1000, Examples: src})
	doc := libraryDoc
	doc.Text = strings.Repeat("The reading room ceiling needs work. ", 200)
	if _, err := o.Classify(context.Background(), doc, projects()); err != nil {
		t.Fatal(err)
	}
	p := lastPrompt(t, fake)
	// Both projects keep one example each (three each would fill a third
	// of the prompt's budget twice over), and the document keeps its room.
	for _, id := range []string{"hv", "ms"} {
		if !strings.Contains(p, `"`+id+`-first`) || strings.Contains(p, `"`+id+`-second`) {
			t.Errorf("project %s: want exactly its first example:\n%s", id, p)
		}
	}
	if i := strings.Index(p, "<document>"); i < 0 || len(p)-i < 1000 {
		t.Errorf("the document got %d bytes of the prompt", len(p)-i)
	}
}
