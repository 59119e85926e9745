package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// Onboarding derives a project's classification hints from the summary its
// owner gave, by LLM when one is configured and by local keyword and entity
// extraction otherwise (or when the LLM fails).
type Onboarding struct {
	Store *store.Store
	// LLM is nil when CLASSIFIER=local.
	LLM   classify.Onboarder
	Local classify.Onboarder
}

// DeriveInput names the project; UseLLM picks the onboarder.
type DeriveInput struct {
	ProjectID string `json:"project_id"`
	UseLLM    bool   `json:"use_llm"`
}

// DeriveProfile reads the project's stored summary and derives its hints.
func (a *Onboarding) DeriveProfile(ctx context.Context, in DeriveInput) (classify.Profile, error) {
	id, err := uuid.Parse(in.ProjectID)
	if err != nil {
		return classify.Profile{}, nonRetryable(ErrTypeInvalidInput, err, "project id %q", in.ProjectID)
	}
	p, err := a.Store.GetOnboarding(ctx, id)
	if store.IsNotFound(err) {
		return classify.Profile{}, nonRetryable(ErrTypeInvalidInput, err, "project %s does not exist", in.ProjectID)
	}
	if err != nil {
		return classify.Profile{}, fmt.Errorf("load project %s: %w", in.ProjectID, err)
	}
	var summary classify.Summary
	if len(p.OnboardingSummary) > 0 {
		if err := json.Unmarshal(p.OnboardingSummary, &summary); err != nil {
			return classify.Profile{}, nonRetryable(ErrTypeInvalidInput, err, "summary of project %s", in.ProjectID)
		}
	}
	onboarder := a.Local
	if in.UseLLM {
		if a.LLM == nil {
			return classify.Profile{}, nonRetryable(ErrTypeLLMFailed, nil, "no LLM is configured")
		}
		onboarder = a.LLM
	}
	profile, _, err := onboarder.Onboard(ctx, p.Name, summary)
	if err != nil {
		if in.UseLLM {
			return classify.Profile{}, llmError(err)
		}
		return classify.Profile{}, fmt.Errorf("derive profile: %w", err)
	}
	return profile, nil
}

// ApplyProfileInput is a derived profile to add to a project.
type ApplyProfileInput struct {
	ProjectID string           `json:"project_id"`
	Profile   classify.Profile `json:"profile"`
}

// ApplyProfile adds the derived hints to the project (union with what it
// has) and bumps its profile revision so the local classifier rebuilds it.
func (a *Onboarding) ApplyProfile(ctx context.Context, in ApplyProfileInput) error {
	id, err := uuid.Parse(in.ProjectID)
	if err != nil {
		return nonRetryable(ErrTypeInvalidInput, err, "project id %q", in.ProjectID)
	}
	return a.Store.InTx(ctx, func(q *db.Queries) error {
		cur, err := q.GetProjectEntities(ctx, id)
		if err != nil {
			return fmt.Errorf("load project %s: %w", in.ProjectID, err)
		}
		var ent classify.EntityPatterns
		if len(cur) > 0 {
			_ = json.Unmarshal(cur, &ent)
		}
		merged, err := json.Marshal(MergeEntities(ent, in.Profile.Entities))
		if err != nil {
			return err
		}
		return q.ApplyOnboardingProfile(ctx, db.ApplyOnboardingProfileParams{
			ID: id, NormalizedTags: nonNil(in.Profile.NormalizedTags), Categories: nonNil(in.Profile.Categories),
			ReferenceKeywords: nonNil(in.Profile.ReferenceKeywords), EntityPatterns: merged,
		})
	})
}

// MergeEntities adds b's entities to a's, without duplicates (people by
// email, else by name; the rest case-insensitively).
func MergeEntities(a, b classify.EntityPatterns) classify.EntityPatterns {
	out := classify.EntityPatterns{
		Locations:    unionFold(a.Locations, b.Locations),
		Domains:      unionFold(a.Domains, b.Domains),
		ProjectCodes: unionFold(a.ProjectCodes, b.ProjectCodes),
		People:       slices.Clone(a.People),
	}
	key := func(p classify.Person) string {
		if p.Email != "" {
			return strings.ToLower(p.Email)
		}
		return strings.ToLower(p.Name)
	}
	seen := map[string]bool{}
	for _, p := range out.People {
		seen[key(p)] = true
	}
	for _, p := range b.People {
		if !seen[key(p)] {
			seen[key(p)] = true
			out.People = append(out.People, p)
		}
	}
	if out.People == nil {
		out.People = []classify.Person{}
	}
	return out
}

func unionFold(a, b []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range append(slices.Clone(a), b...) {
		k := strings.ToLower(strings.TrimSpace(s))
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, strings.TrimSpace(s))
	}
	return out
}
