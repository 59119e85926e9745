package classify

import (
	"context"
	"time"
)

// Document is what gets classified. Owner is the ID of the user whose
// document it is: with a CollectionSource (Local.WithCollection), the
// owner's whole collection is consulted; without an owner it is not.
type Document struct {
	ID, Type, Source, Author string
	Owner                    string
	Date                     time.Time
	Title                    string
	Text                     string
	Attachments              []string
}

// Person is a stakeholder of a project.
type Person struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
}

// EntityPatterns are a project's stakeholders and identifiers. They are
// matched exactly (emails, domains, codes) or as phrases (names, locations)
// and weigh more than ordinary words.
type EntityPatterns struct {
	People       []Person `json:"people"`
	Locations    []string `json:"locations"`
	Domains      []string `json:"domains"`
	ProjectCodes []string `json:"project_codes"`
}

// Project is a candidate. Revision changes whenever the project's fields or
// its assigned documents change; Local uses (ID, Revision) as its profile
// cache key. An empty Revision disables caching for that project.
type Project struct {
	ID, Name, Description               string
	Tags, Categories, ReferenceKeywords []string
	Notes                               string
	Entities                            EntityPatterns
	Revision                            string
}

// Example is a document already assigned to a project. Manual examples
// (user corrections) weigh more than automatic assignments.
type Example struct {
	Title, Author, Text string
	Manual              bool
}

// ExampleSource loads a project's assigned examples. Local calls it only
// when the project's profile is not cached at its Revision.
type ExampleSource interface {
	Examples(ctx context.Context, projectID string) ([]Example, error)
}

// ExampleSourceFunc adapts a function to ExampleSource.
type ExampleSourceFunc func(ctx context.Context, projectID string) ([]Example, error)

// Examples calls f.
func (f ExampleSourceFunc) Examples(ctx context.Context, projectID string) ([]Example, error) {
	return f(ctx, projectID)
}

// Usage is the token usage of an LLM call (zero for the local classifier).
type Usage struct {
	PromptTokens, CompletionTokens int
}

// Decision is the outcome of classifying one document.
//
// ProjectID "" means unclassified. Confidence is the confidence in the best
// candidate project: when ProjectID is set, the confidence that it is right;
// when unclassified, the (too low) confidence of the best candidate, or 0 when
// the LLM answered "none". Margin is the distance between the best and the
// second candidate on the same scale. Decider is "local" or
// "openai:<model>". Candidates holds the top candidates (at most 3, best
// first) with their confidence for operators.
type Decision struct {
	ProjectID    string
	Confidence   float64
	MatchedTags  []string
	InferredTags []string
	Reason       string
	Decider      string
	Usage        Usage
	Margin       float64
	Candidates   []Candidate
	// FromCorrections is set on a local assignment the owner's corrections
	// decided: the collection model, in which the project has been taught
	// by hand (collection.go), replaced the scorer's view.
	FromCorrections bool
}

// Candidate is a scored project.
type Candidate struct {
	ProjectID string
	Score     float64
}

// Classifier classifies a document against candidate projects (the user's
// projects). With no candidates the document is unclassified.
type Classifier interface {
	Classify(ctx context.Context, doc Document, projects []Project) (Decision, error)
}

// Threshold is the confidence needed to assign a project. A decision that
// rests on an ambiguous reference (the only strong evidence, such as a
// sender domain, a contact, a code or a name phrase, is shared with another
// candidate) needs AmbiguousThreshold instead.
const Threshold = 0.5

// AmbiguousThreshold is the confidence needed when the decision rests on an
// ambiguous reference (see Threshold).
const AmbiguousThreshold = 0.6

// maxCandidates is the number of candidates reported in a Decision.
const maxCandidates = 3

// LLMError is an error from the LLM path. Kind says what went wrong,
// Retryable whether trying again can help and RetryAfter, when the server
// said so, how long to wait first.
type LLMError struct {
	Kind       ErrorKind
	Message    string
	RetryAfter time.Duration
	Retryable  bool
	// Err is the underlying error, if any (for errors.Is/As).
	Err error
}

func (e *LLMError) Error() string {
	s := "llm " + string(e.Kind) + ": " + e.Message
	if e.RetryAfter > 0 {
		s += " (retry after " + e.RetryAfter.String() + ")"
	}
	return s
}

func (e *LLMError) Unwrap() error { return e.Err }

// ErrorKind classifies LLM errors.
type ErrorKind string

// Error kinds. Retryable ones: KindRateLimited, KindServerError,
// KindInvalidOutput.
const (
	// KindRateLimited: 429 rate_limit_exceeded; retryable, RetryAfter from
	// the Retry-After / x-ratelimit-reset-* headers.
	KindRateLimited ErrorKind = "rate_limited"
	// KindQuotaExhausted: insufficient_quota / billing problem; not
	// retryable, an operator must act.
	KindQuotaExhausted ErrorKind = "quota_exhausted"
	// KindRefusal: the model refused to answer; not retryable.
	KindRefusal ErrorKind = "refusal"
	// KindTruncated: finish_reason "length", the answer was cut off; not
	// retryable with the same request.
	KindTruncated ErrorKind = "truncated"
	// KindContentFilter: the request or answer was filtered; not retryable.
	KindContentFilter ErrorKind = "content_filter"
	// KindInvalidOutput: the answer is not JSON or does not match the
	// schema. It is never salvaged with regular expressions. Retryable (the
	// model may answer correctly next time; bound it with the retry policy).
	KindInvalidOutput ErrorKind = "invalid_output"
	// KindServerError: 5xx, timeouts, connection failures; retryable.
	KindServerError ErrorKind = "server_error"
	// KindBadRequest: other 4xx (e.g. context length); not retryable.
	KindBadRequest ErrorKind = "bad_request"
	// KindAuth: 401/403, wrong or revoked API key; not retryable.
	KindAuth ErrorKind = "auth"
)
