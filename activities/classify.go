package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/notetaker"
	"github.com/besunny/workflows/internal/store"
)

// Paths that decided a classification.
const (
	PathLocal  = "local"
	PathLLM    = "llm"
	PathManual = "manual"
)

// Error types of the LLM path.
const (
	// ErrTypeLLMRetryable: rate limits (retried after Retry-After), server
	// errors and invalid output.
	ErrTypeLLMRetryable = "LLMRetryable"
	// ErrTypeLLMFailed: quota exhausted, authentication, a refused or
	// filtered or truncated answer — retrying cannot help; the workflow falls
	// back to the local decision and records why.
	ErrTypeLLMFailed = "LLMFailed"
)

// Classify adapts internal/classify to the classification workflow. The
// document and the candidate projects are read here, from the store; only
// decisions travel through workflow history.
type Classify struct {
	Store *store.Store
	Local *classify.Local
	// LLM is nil when CLASSIFIER=local.
	LLM     classify.Classifier
	Mode    string
	Policy  classify.HybridPolicy
	Onboard classify.Onboarder
	// Backlog configures the ReclassifyBacklogWorkflow (backlog.go).
	Backlog BacklogSettings
	// TranscriptReview is the confidence a meeting transcript needs to be
	// filed (MEETING_REVIEW_CONFIDENCE); see classify_transcript.go.
	TranscriptReview float64
}

// DecisionSummary is a classification decision as workflows carry it.
type DecisionSummary struct {
	ProjectID    string               `json:"project_id,omitempty"`
	Confidence   float64              `json:"confidence"`
	Margin       float64              `json:"margin"`
	MatchedTags  []string             `json:"matched_tags,omitempty"`
	InferredTags []string             `json:"inferred_tags,omitempty"`
	Reason       string               `json:"reason"`
	Classifier   string               `json:"classifier"`
	Path         string               `json:"path"`
	TokensIn     int                  `json:"tokens_in,omitempty"`
	TokensOut    int                  `json:"tokens_out,omitempty"`
	LatencyMS    int64                `json:"latency_ms"`
	Candidates   []classify.Candidate `json:"candidates,omitempty"`
}

// LocalOutcome is the local step's result and what the workflow needs to
// decide what comes next.
type LocalOutcome struct {
	// Skip says why the document is not classified (missing, deleted).
	Skip     string          `json:"skip,omitempty"`
	OwnerID  string          `json:"owner_id,omitempty"`
	Manual   bool            `json:"manual"`
	Mode     string          `json:"mode"`
	NeedsLLM bool            `json:"needs_llm"`
	Decision DecisionSummary `json:"decision"`
}

type candidates struct {
	doc      db.GetDocumentForClassificationRow
	document classify.Document
	projects []classify.Project
	// transcript is set for a meeting transcript (its meeting's hint).
	transcript *notetaker.Hint
}

func (a *Classify) load(ctx context.Context, documentID string) (*candidates, string, error) {
	id, err := uuid.Parse(documentID)
	if err != nil {
		return nil, "", nonRetryable(ErrTypeInvalidInput, err, "document id %q", documentID)
	}
	d, err := a.Store.GetDocumentForClassification(ctx, id)
	if store.IsNotFound(err) {
		return nil, "document_missing", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("load document %s: %w", documentID, err)
	}
	if d.Status == "deleted" {
		return nil, "document_deleted", nil
	}
	rows, err := a.Store.ListActiveProjectsForClassification(ctx, d.OwnerID)
	if err != nil {
		return nil, "", fmt.Errorf("load projects of %s: %w", d.OwnerID, err)
	}
	c := &candidates{doc: d, document: classify.Document{
		ID: d.ID.String(), Owner: d.OwnerID.String(), Type: d.Type, Source: d.Source, Author: d.Author, Date: d.ReceivedAt,
		Title: d.Title, Text: d.Excerpt, Attachments: attachmentNames(d.Metadata),
	}}
	for _, p := range rows {
		var ent classify.EntityPatterns
		if len(p.EntityPatterns) > 0 {
			if err := json.Unmarshal(p.EntityPatterns, &ent); err != nil {
				return nil, "", nonRetryable(ErrTypeInvalidInput, err, "entity patterns of project %s", p.ID)
			}
		}
		c.projects = append(c.projects, classify.Project{
			ID: p.ID.String(), Name: p.Name, Description: p.Description, Tags: p.NormalizedTags,
			Categories: p.Categories, ReferenceKeywords: p.ReferenceKeywords, Notes: p.Notes,
			Entities: ent, Revision: strconv.FormatInt(p.ProfileRevision, 10),
		})
	}
	if err := a.loadTranscriptHint(ctx, c); err != nil {
		return nil, "", err
	}
	return c, "", nil
}

// ClassifyLocal runs the local classifier (unless CLASSIFIER=openai) and says
// whether the LLM must decide.
func (a *Classify) ClassifyLocal(ctx context.Context, documentID string) (LocalOutcome, error) {
	c, skip, err := a.load(ctx, documentID)
	if err != nil || skip != "" {
		return LocalOutcome{Skip: skip}, err
	}
	out := LocalOutcome{OwnerID: c.doc.OwnerID.String(), Manual: c.doc.ClassificationSource == "manual", Mode: a.Mode}
	if len(c.projects) == 0 {
		out.Decision = DecisionSummary{Reason: "the owner has no active projects", Classifier: PathLocal, Path: PathLocal}
		return out, nil
	}
	start := time.Now()
	d, err := a.Local.Classify(ctx, c.document, c.projects)
	if err != nil {
		return out, fmt.Errorf("local classifier: %w", err)
	}
	switch a.Mode {
	case config.ClassifierOpenAI:
		out.NeedsLLM = a.LLM != nil
	case config.ClassifierHybrid:
		out.NeedsLLM = a.LLM != nil && a.Policy.NeedsLLM(d)
	}
	out.Decision = summary(a.forTranscript(c, d), PathLocal, time.Since(start))
	return out, nil
}

// ClassifyLLM asks the LLM. It runs on the llm task queue, whose rate limit
// (LLM_REQUESTS_PER_SECOND) is enforced by Temporal for the whole cluster.
func (a *Classify) ClassifyLLM(ctx context.Context, documentID string) (DecisionSummary, error) {
	if a.LLM == nil {
		return DecisionSummary{}, nonRetryable(ErrTypeLLMFailed, nil, "no LLM is configured (CLASSIFIER=local)")
	}
	c, skip, err := a.load(ctx, documentID)
	if err != nil {
		return DecisionSummary{}, err
	}
	if skip != "" {
		return DecisionSummary{}, nonRetryable(ErrTypeLLMFailed, nil, "document %s: %s", documentID, skip)
	}
	start := time.Now()
	d, err := a.LLM.Classify(ctx, c.document, c.projects)
	if err != nil {
		return DecisionSummary{}, llmError(err)
	}
	return summary(a.forTranscript(c, d), PathLLM, time.Since(start)), nil
}

// llmError maps the classifier's typed errors onto Temporal's retry
// behaviour, passing the server's Retry-After on as the next retry delay.
func llmError(err error) error {
	var le *classify.LLMError
	if !errors.As(err, &le) {
		return fmt.Errorf("llm: %w", err)
	}
	if le.Retryable {
		return temporal.NewApplicationErrorWithOptions(le.Error(), ErrTypeLLMRetryable, temporal.ApplicationErrorOptions{
			NextRetryDelay: le.RetryAfter,
		})
	}
	return temporal.NewApplicationErrorWithOptions(le.Error(), ErrTypeLLMFailed, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// StoreDecisionInput is a decision to record (and, when Apply, to put on the
// document).
type StoreDecisionInput struct {
	DocumentID string          `json:"document_id"`
	Revision   int             `json:"revision"`
	Decision   DecisionSummary `json:"decision"`
	Apply      bool            `json:"apply"`
	// Force lets the decision replace a manual assignment made before this
	// revision was requested (the user's explicit reclassify).
	Force bool `json:"force,omitempty"`
}

// Reasons a decision that was to be applied was not.
const (
	NotAppliedManual        = "the document was assigned by hand"
	NotAppliedNewerRevision = "a newer revision's decision is on the document"
)

// StoreDecisionResult says whether the decision is now on the document.
type StoreDecisionResult struct {
	Applied bool `json:"applied"`
	// NotApplied says why a decision asked to be applied was not.
	NotApplied string `json:"not_applied,omitempty"`
}

// StoreDecision records the decision in classification_decisions and, when
// asked to apply it, puts it on the document through the guarded apply query
// (never over a manual assignment unless forced, never over a newer
// revision's decision) — in one transaction, idempotent per (document,
// revision, path). The recorded decision says whether it was applied.
func (a *Classify) StoreDecision(ctx context.Context, in StoreDecisionInput) (StoreDecisionResult, error) {
	docID, err := uuid.Parse(in.DocumentID)
	if err != nil {
		return StoreDecisionResult{}, nonRetryable(ErrTypeInvalidInput, err, "document id %q", in.DocumentID)
	}
	d := in.Decision
	project := optionalUUID(d.ProjectID)
	cands, err := json.Marshal(d.Candidates)
	if err != nil {
		return StoreDecisionResult{}, err
	}
	var out StoreDecisionResult
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		out = StoreDecisionResult{}
		if in.Apply {
			applied, err := applyDecision(ctx, q, docID, in.Revision, d, in.Force)
			if err != nil {
				return fmt.Errorf("apply decision to %s: %w", in.DocumentID, err)
			}
			out.Applied = applied
			if !applied {
				// Read in the same transaction, after the refused update:
				// the row is the one that won.
				doc, err := q.GetDocumentForClassification(ctx, docID)
				if err != nil && !store.IsNotFound(err) {
					return fmt.Errorf("load document %s: %w", in.DocumentID, err)
				}
				out.NotApplied = NotAppliedNewerRevision
				if err == nil && doc.ClassificationSource == "manual" {
					out.NotApplied = NotAppliedManual
				}
			}
		}
		_, err := q.UpsertDecision(ctx, db.UpsertDecisionParams{
			DocumentID: docID, Revision: int32(in.Revision), Path: d.Path, Classifier: d.Classifier,
			ProjectID: project, Confidence: float32(d.Confidence), MatchedTags: nonNil(d.MatchedTags),
			InferredTags: nonNil(d.InferredTags), Reason: d.Reason, Candidates: cands,
			TokensIn: int32(d.TokensIn), TokensOut: int32(d.TokensOut), LatencyMs: int32(d.LatencyMS), Applied: out.Applied,
		})
		if err != nil {
			return fmt.Errorf("record decision for %s: %w", in.DocumentID, err)
		}
		return nil
	})
	return out, err
}

// applyDecision puts an automatic decision on the document through the
// guarded apply query and reports whether it won.
func applyDecision(ctx context.Context, q *db.Queries, docID uuid.UUID, revision int, d DecisionSummary, force bool) (bool, error) {
	project := optionalUUID(d.ProjectID)
	source := "local"
	if d.Path == PathLLM {
		source = "ai"
	}
	if project == nil {
		source = "none"
	}
	conf := float32(d.Confidence)
	n, err := q.ApplyClassification(ctx, db.ApplyClassificationParams{
		ID: docID, ProjectID: project, ClassificationSource: source, Confidence: &conf,
		Revision: int32(revision), Force: force,
	})
	if err != nil || n == 0 {
		return false, err
	}
	if project != nil {
		if err := q.SetProjectLastClassified(ctx, *project); err != nil {
			return false, err
		}
	}
	return true, nil
}

// StoreExamples feeds the local classifier the projects' assigned documents
// (it is a classify.ExampleSource, not an activity).
type StoreExamples struct {
	Store *store.Store
	// Max bounds the examples per project.
	Max int
}

// Examples is called only when a project's profile is not cached at its
// revision.
func (a StoreExamples) Examples(ctx context.Context, projectID string) ([]classify.Example, error) {
	id, err := uuid.Parse(projectID)
	if err != nil {
		return nil, err
	}
	rows, err := a.Store.ListProjectExamples(ctx, db.ListProjectExamplesParams{ProjectID: &id, MaxRows: int32(a.Max)})
	if err != nil {
		return nil, fmt.Errorf("examples of project %s: %w", projectID, err)
	}
	out := make([]classify.Example, 0, len(rows))
	for _, r := range rows {
		out = append(out, classify.Example{Title: r.Title, Author: r.Author, Text: r.Excerpt, Manual: r.Manual})
	}
	return out, nil
}

// StoreCollection gives the local classifier each owner's whole collection
// (it is a classify.CollectionSource, not an activity). The classifier
// calls it only when it builds or re-checks an owner's collection model.
type StoreCollection struct {
	Store *store.Store
}

// CollectionDocuments returns up to max of the owner's documents, the most
// recent first, with their manual assignments.
func (a StoreCollection) CollectionDocuments(ctx context.Context, ownerID string, max int) ([]classify.CollectionDoc, error) {
	owner, err := uuid.Parse(ownerID)
	if err != nil {
		return nil, err
	}
	rows, err := a.Store.ListCollectionDocuments(ctx, db.ListCollectionDocumentsParams{OwnerID: owner, MaxRows: int32(max)})
	if err != nil {
		return nil, fmt.Errorf("collection of %s: %w", ownerID, err)
	}
	out := make([]classify.CollectionDoc, 0, len(rows))
	for _, r := range rows {
		d := classify.CollectionDoc{ID: r.ID.String(), Title: r.Title, Author: r.Author, Text: r.Excerpt, Manual: r.Manual}
		if r.ProjectID != nil {
			d.ProjectID = r.ProjectID.String()
		}
		out = append(out, d)
	}
	return out, nil
}

// CollectionStats counts the owner's documents and their manual "no
// project" assignments, in one query that loads no document.
func (a StoreCollection) CollectionStats(ctx context.Context, ownerID string) (classify.CollectionStats, error) {
	owner, err := uuid.Parse(ownerID)
	if err != nil {
		return classify.CollectionStats{}, err
	}
	st, err := a.Store.CollectionStats(ctx, owner)
	if err != nil {
		return classify.CollectionStats{}, fmt.Errorf("collection counts of %s: %w", ownerID, err)
	}
	return classify.CollectionStats{Documents: int(st.Documents), ManualNoProject: int(st.ManualNoProject)}, nil
}

func summary(d classify.Decision, path string, took time.Duration) DecisionSummary {
	return DecisionSummary{
		ProjectID: d.ProjectID, Confidence: d.Confidence, Margin: d.Margin, MatchedTags: d.MatchedTags,
		InferredTags: d.InferredTags, Reason: d.Reason, Classifier: d.Decider, Path: path,
		TokensIn: d.Usage.PromptTokens, TokensOut: d.Usage.CompletionTokens,
		LatencyMS: took.Milliseconds(), Candidates: d.Candidates,
	}
}

func attachmentNames(metadata json.RawMessage) []string {
	var m struct {
		Attachments []struct {
			Filename string `json:"filename"`
		} `json:"attachments"`
	}
	if json.Unmarshal(metadata, &m) != nil {
		return nil
	}
	var out []string
	for _, a := range m.Attachments {
		if a.Filename != "" {
			out = append(out, a.Filename)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
