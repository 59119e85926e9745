package main

import (
	"context"

	"github.com/besunny/workflows/internal/classify"
)

// countingClassifier counts the calls to a live LLM classifier.
type countingClassifier struct {
	c classify.Classifier
	n *int
}

func (c countingClassifier) Classify(ctx context.Context, doc classify.Document, projects []classify.Project) (classify.Decision, error) {
	*c.n++
	return c.c.Classify(ctx, doc, projects)
}

// oracle answers with the document's label, as a perfect LLM would.
type oracle struct{ ds *Dataset }

func (o oracle) Classify(_ context.Context, doc classify.Document, _ []classify.Project) (classify.Decision, error) {
	for _, it := range o.ds.Items {
		if it.Doc.ID == doc.ID {
			d := classify.Decision{ProjectID: it.Label, Confidence: 0.95, Margin: 0.95, Decider: "openai:oracle", Reason: "oracle"}
			if it.Label == "" {
				d.Confidence, d.Margin = 0, 0
			}
			return d, nil
		}
	}
	return classify.Decision{Decider: "openai:oracle"}, nil
}
