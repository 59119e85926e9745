package main

import (
	"context"
	"errors"
	"time"

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

// retrying retries an LLM classifier's retryable failures (rate limits,
// server errors, invalid output) up to tries times, waiting the server's
// Retry-After or else backoff, doubled per try — what the worker's
// activity retry policy does — so that a live evaluation measures the
// model rather than the account's rate limit. A failure that is not
// retryable, or the last one, is returned.
type retrying struct {
	c       classify.Classifier
	tries   int
	backoff time.Duration
}

func (r retrying) Classify(ctx context.Context, doc classify.Document, projects []classify.Project) (classify.Decision, error) {
	delay := r.backoff
	for try := 1; ; try++ {
		d, err := r.c.Classify(ctx, doc, projects)
		var le *classify.LLMError
		if err == nil || try >= r.tries || !errors.As(err, &le) || !le.Retryable {
			return d, err
		}
		wait := delay
		if le.RetryAfter > 0 {
			wait = le.RetryAfter
		}
		select {
		case <-ctx.Done():
			return d, err
		case <-time.After(wait):
		}
		delay *= 2
	}
}
