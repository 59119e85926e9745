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
