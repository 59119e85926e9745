package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/openaifake"
)

func TestRetrying_RetriesWhatTheAPISaysToRetryAndNothingElse(t *testing.T) {
	fake := openaifake.New(openaifake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	r := retrying{c: classify.NewOpenAI(classify.OpenAIConfig{APIKey: "sk-test", BaseURL: srv.URL + "/v1"}), tries: 3, backoff: time.Millisecond}
	doc := classify.Document{ID: "d", Title: "Reading room ceiling", Text: "The Maple Street Library reading room."}
	ps := []classify.Project{{ID: "ms", Name: "Maple Street Library"}}
	ctx := context.Background()

	for _, c := range []struct {
		name     string
		fault    openaifake.Fault
		n        int
		requests int
		fails    bool
	}{
		{"two server errors, then the answer", openaifake.FaultServerError, 2, 3, false},
		{"a quota that is gone is not retried", openaifake.FaultQuota, 1, 1, true},
		{"server errors beyond the tries", openaifake.FaultServerError, 5, 3, true},
	} {
		fake.Reset()
		fake.Inject(c.fault, c.n)
		d, err := r.Classify(ctx, doc, ps)
		var le *classify.LLMError
		if c.fails != (err != nil) || (err != nil && !errors.As(err, &le)) {
			t.Errorf("%s: err = %v", c.name, err)
		}
		if !c.fails && d.ProjectID != "ms" {
			t.Errorf("%s: decision %+v", c.name, d)
		}
		if got := fake.Requests(); got != c.requests {
			t.Errorf("%s: %d requests, want %d", c.name, got, c.requests)
		}
	}
}
