package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/meetings"
	"github.com/besunny/workflows/internal/store"
)

// Meetings are classified like documents: the same classifiers (local,
// LLM, hybrid routing), the same candidates (the owner's active projects)
// and the same decision log, keyed by meeting instead of document.

type meetingCandidates struct {
	row      db.GetMeetingForClassificationRow
	document classify.Document
	projects []classify.Project
}

func (a *Classify) loadMeeting(ctx context.Context, meetingID string) (*meetingCandidates, string, error) {
	id, err := uuid.Parse(meetingID)
	if err != nil {
		return nil, "", nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", meetingID)
	}
	m, err := a.Store.GetMeetingForClassification(ctx, id)
	if store.IsNotFound(err) {
		return nil, "meeting_missing", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("load meeting %s: %w", meetingID, err)
	}
	if m.Status == "cancelled" {
		return nil, "meeting_cancelled", nil
	}
	var attendees []meetings.Attendee
	if err := json.Unmarshal(m.Attendees, &attendees); err != nil {
		return nil, "", nonRetryable(ErrTypeInvalidInput, err, "attendees of meeting %s", meetingID)
	}
	projects, err := a.activeProjects(ctx, m.OwnerID)
	if err != nil {
		return nil, "", err
	}
	doc := meetings.Classifiable{
		ID: meetingID, Title: m.Title, Description: m.Description, Location: m.Location,
		OrganizerEmail: m.OrganizerEmail, OrganizerName: m.OrganizerName, Attendees: attendees, Start: m.StartAt,
	}.Document()
	return &meetingCandidates{row: m, document: doc, projects: projects}, "", nil
}

// activeProjects are the owner's candidate projects.
func (a *Classify) activeProjects(ctx context.Context, owner uuid.UUID) ([]classify.Project, error) {
	rows, err := a.Store.ListActiveProjectsForClassification(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("load projects of %s: %w", owner, err)
	}
	out := make([]classify.Project, 0, len(rows))
	for _, p := range rows {
		var ent classify.EntityPatterns
		if len(p.EntityPatterns) > 0 {
			if err := json.Unmarshal(p.EntityPatterns, &ent); err != nil {
				return nil, nonRetryable(ErrTypeInvalidInput, err, "entity patterns of project %s", p.ID)
			}
		}
		out = append(out, classify.Project{
			ID: p.ID.String(), Name: p.Name, Description: p.Description, Tags: p.NormalizedTags,
			Categories: p.Categories, ReferenceKeywords: p.ReferenceKeywords, Notes: p.Notes,
			Entities: ent, Revision: strconv.FormatInt(p.ProfileRevision, 10),
		})
	}
	return out, nil
}

// ClassifyMeetingLocal runs the local classifier on a meeting (unless
// CLASSIFIER=openai) and says whether the LLM must decide.
func (a *Classify) ClassifyMeetingLocal(ctx context.Context, meetingID string) (LocalOutcome, error) {
	c, skip, err := a.loadMeeting(ctx, meetingID)
	if err != nil || skip != "" {
		return LocalOutcome{Skip: skip}, err
	}
	out := LocalOutcome{OwnerID: c.row.OwnerID.String(), Manual: c.row.ClassificationSource == "manual", Mode: a.Mode}
	if len(c.projects) == 0 {
		out.Decision = DecisionSummary{Reason: "the owner has no active projects", Classifier: PathLocal, Path: PathLocal}
		return out, nil
	}
	start := time.Now()
	d, err := a.Local.Classify(ctx, c.document, c.projects)
	if err != nil {
		return out, fmt.Errorf("local classifier: %w", err)
	}
	out.Decision = summary(d, PathLocal, time.Since(start))
	switch a.Mode {
	case config.ClassifierOpenAI:
		out.NeedsLLM = a.LLM != nil
	case config.ClassifierHybrid:
		out.NeedsLLM = a.LLM != nil && a.Policy.NeedsLLM(d)
	}
	return out, nil
}

// ClassifyMeetingLLM asks the LLM about a meeting (on the rate-limited llm
// task queue).
func (a *Classify) ClassifyMeetingLLM(ctx context.Context, meetingID string) (DecisionSummary, error) {
	if a.LLM == nil {
		return DecisionSummary{}, nonRetryable(ErrTypeLLMFailed, nil, "no LLM is configured (CLASSIFIER=local)")
	}
	c, skip, err := a.loadMeeting(ctx, meetingID)
	if err != nil {
		return DecisionSummary{}, err
	}
	if skip != "" {
		return DecisionSummary{}, nonRetryable(ErrTypeLLMFailed, nil, "meeting %s: %s", meetingID, skip)
	}
	start := time.Now()
	d, err := a.LLM.Classify(ctx, c.document, c.projects)
	if err != nil {
		return DecisionSummary{}, llmError(err)
	}
	return summary(d, PathLLM, time.Since(start)), nil
}

// StoreMeetingDecisionInput is a decision about a meeting's revision.
type StoreMeetingDecisionInput struct {
	MeetingID string          `json:"meeting_id"`
	Revision  int             `json:"revision"`
	Decision  DecisionSummary `json:"decision"`
	Apply     bool            `json:"apply"`
}

// StoreMeetingDecision records the decision and, when Apply, puts it on the
// meeting — only on the revision it was made for and never over the
// owner's own choice. It reports whether the meeting took it.
func (a *Classify) StoreMeetingDecision(ctx context.Context, in StoreMeetingDecisionInput) (bool, error) {
	id, err := uuid.Parse(in.MeetingID)
	if err != nil {
		return false, nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", in.MeetingID)
	}
	d := in.Decision
	project := optionalUUID(d.ProjectID)
	cands, err := json.Marshal(d.Candidates)
	if err != nil {
		return false, err
	}
	applied := false
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		if _, err := q.UpsertMeetingDecision(ctx, db.UpsertMeetingDecisionParams{
			MeetingID: id, Revision: int32(in.Revision), Path: d.Path, Classifier: d.Classifier,
			ProjectID: project, Confidence: float32(d.Confidence), MatchedTags: nonNil(d.MatchedTags),
			InferredTags: nonNil(d.InferredTags), Reason: d.Reason, Candidates: cands,
			TokensIn: int32(d.TokensIn), TokensOut: int32(d.TokensOut), LatencyMs: int32(d.LatencyMS), Applied: in.Apply,
		}); err != nil {
			return fmt.Errorf("record decision for meeting %s: %w", in.MeetingID, err)
		}
		if !in.Apply {
			return nil
		}
		source := "local"
		if d.Path == PathLLM {
			source = "ai"
		}
		if project == nil {
			source = "none"
		}
		conf := float32(d.Confidence)
		n, err := q.ApplyMeetingClassification(ctx, db.ApplyMeetingClassificationParams{
			ID: id, Revision: int32(in.Revision), ProjectID: project, ClassificationSource: source, Confidence: &conf,
		})
		if err != nil {
			return fmt.Errorf("apply decision to meeting %s: %w", in.MeetingID, err)
		}
		applied = n > 0
		if applied && project != nil {
			return q.SetProjectLastClassified(ctx, *project)
		}
		return nil
	})
	return applied, err
}
