package classify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/openaifake"
)

func TestHybridPolicy_NeedsLLM(t *testing.T) {
	tests := []struct {
		name   string
		p      classify.HybridPolicy
		d      classify.Decision
		expect bool
	}{
		{"sure with a clear margin", classify.HybridPolicy{}, classify.Decision{ProjectID: "a", Confidence: 0.9, Margin: 0.8}, false},
		{"below Sure", classify.HybridPolicy{}, classify.Decision{ProjectID: "a", Confidence: 0.7, Margin: 0.6}, true},
		{"unclassified", classify.HybridPolicy{}, classify.Decision{Confidence: 0.3, Margin: 0.2}, true},
		{"sure but close runner-up", classify.HybridPolicy{}, classify.Decision{ProjectID: "a", Confidence: 0.85, Margin: 0.1}, true},
		{"custom Sure", classify.HybridPolicy{Sure: 0.6}, classify.Decision{ProjectID: "a", Confidence: 0.7, Margin: 0.6}, false},
		{"custom MinMargin", classify.HybridPolicy{MinMargin: 0.5}, classify.Decision{ProjectID: "a", Confidence: 0.9, Margin: 0.4}, true},
		{"assigned by the user's corrections", classify.HybridPolicy{}, classify.Decision{ProjectID: "a", Confidence: 0.55, Margin: 0.1, FromCorrections: true}, false},
		{"corrections but unsure: unclassified", classify.HybridPolicy{}, classify.Decision{Confidence: 0.45, Margin: 0.2, FromCorrections: true}, true},
	}
	for _, tc := range tests {
		if got := tc.p.NeedsLLM(tc.d); got != tc.expect {
			t.Errorf("%s: NeedsLLM = %v, want %v", tc.name, got, tc.expect)
		}
	}
}

func TestHybrid_SureLocalDecisionSkipsLLM(t *testing.T) {
	fake, llm := newFake(t, openaifake.Options{})
	h := classify.NewHybrid(classify.NewLocal(nil), llm, classify.HybridPolicy{})
	doc := classify.Document{Author: "Robert Akande <robert@eastfield.gov.uk>", Title: "Maple Street Library - reading room",
		Text: "The reading room at Maple Street Library: heritage consent for the library ceiling repair is granted."}
	d, err := h.Classify(context.Background(), doc, projects())
	if err != nil {
		t.Fatal(err)
	}
	if d.ProjectID != "ms" || d.Decider != "local" || fake.Requests() != 0 {
		t.Errorf("decision %+v, %d LLM requests; want local ms and none", d, fake.Requests())
	}
}

func TestHybrid_UnsureLocalDecisionAsksLLM(t *testing.T) {
	fake, llm := newFake(t, openaifake.Options{})
	h := classify.NewHybrid(classify.NewLocal(nil), llm, classify.HybridPolicy{})
	// Little local evidence; the fake finds the code in the text.
	doc := classify.Document{Author: "someone@example.org", Title: "Question", Text: "About HVR-2291: can we meet on site?"}
	d, err := h.Classify(context.Background(), doc, projects())
	if err != nil {
		t.Fatal(err)
	}
	if fake.Requests() != 1 || !strings.HasPrefix(d.Decider, "openai:") {
		t.Errorf("decision %+v after %d LLM requests; want an LLM decision", d, fake.Requests())
	}
	if d.ProjectID != "hv" || d.Usage.PromptTokens == 0 || len(d.Candidates) == 0 {
		t.Errorf("decision %+v", d)
	}
}

func TestHybrid_LLMErrorReturnsLocalDecisionAndError(t *testing.T) {
	fake, llm := newFake(t, openaifake.Options{})
	fake.Inject(openaifake.FaultServerError, 1)
	h := classify.NewHybrid(classify.NewLocal(nil), llm, classify.HybridPolicy{})
	d, err := h.Classify(context.Background(), classify.Document{Title: "Hello", Text: "Lunch on Friday?"}, projects())
	le := llmErr(t, err)
	if le.Kind != classify.KindServerError || d.Decider != "local" {
		t.Errorf("err %v, decision %+v", le, d)
	}
}
