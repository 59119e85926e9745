package notetaker

import (
	"fmt"

	"github.com/besunny/workflows/internal/classify"
)

// Hint is what a transcript's meeting says about its project.
type Hint struct {
	// ProjectID is the meeting's project ("" when it has none).
	ProjectID string
	// Confidence is the meeting's own classification confidence.
	Confidence float64
	// Manual: the owner put the meeting in this project.
	Manual bool
}

// manualHintConfidence is how sure a transcript is of a project its owner
// chose for the meeting by hand: sure, yet below 1, which is kept for the
// owner's own assignment of the transcript.
const manualHintConfidence = 0.95

// ApplyHint makes the meeting's project the strongest evidence about its
// transcript, then holds back a decision below review (the transcript's
// review threshold, MEETING_REVIEW_CONFIDENCE) for the owner to assign.
//
// When the classifier agrees with the meeting the two confidences combine
// (1 − (1−a)(1−b)). When it does not, the meeting's project wins unless the
// transcript's own evidence for another project is stronger than the
// meeting's evidence for its project (the classifier's score for it
// combined with the meeting's confidence); a project the owner chose for
// the meeting by hand always wins.
func ApplyHint(d classify.Decision, h Hint, review float64) classify.Decision {
	if h.ProjectID != "" {
		d = applyProjectHint(d, h)
	}
	if d.ProjectID != "" && d.Confidence < review {
		d.Reason = fmt.Sprintf("%s; confidence %.2f is below %.2f, the review threshold for transcripts: left for the owner to assign",
			d.Reason, d.Confidence, review)
		d.ProjectID = ""
	}
	return d
}

func applyProjectHint(d classify.Decision, h Hint) classify.Decision {
	meeting := h.Confidence
	if h.Manual {
		meeting = manualHintConfidence
	}
	if d.ProjectID == h.ProjectID {
		d.Confidence = combine(d.Confidence, meeting)
		d.Reason += "; the meeting is in the same project"
		return d
	}
	own := 0.0
	for _, c := range d.Candidates {
		if c.ProjectID == h.ProjectID {
			own = c.Score
		}
	}
	hinted := combine(own, meeting)
	if h.Manual || d.ProjectID == "" || hinted >= d.Confidence {
		why := "the meeting's project"
		if h.Manual {
			why = "the project its owner chose for the meeting"
		}
		if d.ProjectID != "" {
			d.Reason = fmt.Sprintf("%s, which outweighs the transcript's own evidence (%s, %.2f)", why, d.Reason, d.Confidence)
		} else {
			d.Reason = fmt.Sprintf("%s (the transcript alone: %s)", why, d.Reason)
		}
		d.ProjectID = h.ProjectID
		d.Confidence = hinted
		if h.Manual {
			d.Confidence = max(hinted, manualHintConfidence)
		}
		return d
	}
	d.Reason += fmt.Sprintf("; the meeting's project has less evidence (%.2f)", hinted)
	return d
}

func combine(a, b float64) float64 { return 1 - (1-a)*(1-b) }
