package activities

import (
	"context"
	"fmt"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/notetaker"
	"github.com/besunny/workflows/internal/store"
)

// DefaultTranscriptReview is MEETING_REVIEW_CONFIDENCE's default, used when
// the adapter was built without one.
const DefaultTranscriptReview = 0.7

// A meeting transcript is classified through the same workflow as every
// document; what differs is its evidence and its bar: the meeting's own
// project is the strongest hint, and a transcript needs
// MEETING_REVIEW_CONFIDENCE to be filed (notetaker.ApplyHint).

// loadTranscriptHint reads the meeting of a transcript document.
func (a *Classify) loadTranscriptHint(ctx context.Context, c *candidates) error {
	if c.doc.Source != notetaker.DocumentSource {
		return nil
	}
	m, err := a.Store.GetMeetingHintForDocument(ctx, &c.doc.ID)
	if store.IsNotFound(err) {
		c.transcript = &notetaker.Hint{} // a transcript whose meeting is gone: the bar still applies
		return nil
	}
	if err != nil {
		return fmt.Errorf("meeting of transcript %s: %w", c.doc.ID, err)
	}
	h := notetaker.Hint{Manual: m.ClassificationSource == "manual"}
	if m.ProjectID != nil {
		h.ProjectID = m.ProjectID.String()
	}
	if m.Confidence != nil {
		h.Confidence = float64(*m.Confidence)
	}
	c.transcript = &h
	return nil
}

// forTranscript applies the meeting's hint and the review bar to a
// transcript's decision; other documents' decisions pass unchanged.
func (a *Classify) forTranscript(c *candidates, d classify.Decision) classify.Decision {
	if c.transcript == nil {
		return d
	}
	review := a.TranscriptReview
	if review <= 0 {
		review = DefaultTranscriptReview
	}
	return notetaker.ApplyHint(d, *c.transcript, review)
}
