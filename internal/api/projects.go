package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// ListProjects lists the caller's projects.
func (s *Server) ListProjects(c echo.Context, params apigen.ListProjectsParams) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	rows, err := s.store.ListProjectsForOwner(c.Request().Context(), db.ListProjectsForOwnerParams{OwnerID: p.UserID, Status: (*string)(params.Status)})
	if err != nil {
		return err
	}
	out := apigen.ProjectList{Projects: make([]apigen.Project, 0, len(rows))}
	for _, r := range rows {
		out.Projects = append(out.Projects, projectBody(r))
	}
	return c.JSON(http.StatusOK, out)
}

// CreateProject creates a project for the caller.
func (s *Server) CreateProject(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var in apigen.ProjectInput
	if err := c.Bind(&in); err != nil {
		return bindFailed(err, "send the project as JSON")
	}
	fields := projectFields{Name: in.Name, Status: "active", Signals: json.RawMessage(`{}`)}
	fields.apply(in.Description, (*string)(in.Status), in.NormalizedTags, in.Categories, in.ReferenceKeywords, in.Notes)
	if err := fields.setEntities(in.EntityPatterns); err != nil {
		return err
	}
	if err := fields.setSignals(in.ClassificationSignals); err != nil {
		return err
	}
	if err := fields.validate(); err != nil {
		return err
	}
	row, err := s.store.CreateProject(c.Request().Context(), db.CreateProjectParams{
		OwnerID: p.UserID, Name: fields.Name, Description: fields.Description, Status: fields.Status,
		NormalizedTags: fields.Tags, Categories: fields.Categories, ReferenceKeywords: fields.Keywords,
		EntityPatterns: fields.Entities, ClassificationSignals: fields.Signals, Notes: fields.Notes,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, projectBody(row))
}

// GetProject returns one of the caller's projects.
func (s *Server) GetProject(c echo.Context, id apigen.ProjectId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	row, err := s.store.GetProjectForOwner(c.Request().Context(), db.GetProjectForOwnerParams{ID: id, OwnerID: p.UserID})
	if store.IsNotFound(err) {
		return notFound("no project " + id.String())
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, projectBody(row))
}

// UpdateProject changes the fields sent.
func (s *Server) UpdateProject(c echo.Context, id apigen.ProjectId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var in apigen.ProjectPatch
	if err := c.Bind(&in); err != nil {
		return bindFailed(err, "send the changes as JSON")
	}
	ctx := c.Request().Context()
	var out db.Project
	err = s.store.InTx(ctx, func(q *db.Queries) error {
		cur, err := q.GetProjectForOwner(ctx, db.GetProjectForOwnerParams{ID: id, OwnerID: p.UserID})
		if store.IsNotFound(err) {
			return notFound("no project " + id.String())
		}
		if err != nil {
			return err
		}
		f := projectFields{
			Name: cur.Name, Description: cur.Description, Status: cur.Status, Tags: cur.NormalizedTags,
			Categories: cur.Categories, Keywords: cur.ReferenceKeywords, Entities: cur.EntityPatterns,
			Signals: cur.ClassificationSignals, Notes: cur.Notes,
		}
		if in.Name != nil {
			f.Name = *in.Name
		}
		f.apply(in.Description, (*string)(in.Status), in.NormalizedTags, in.Categories, in.ReferenceKeywords, in.Notes)
		if in.EntityPatterns != nil {
			if err := f.setEntities(in.EntityPatterns); err != nil {
				return err
			}
		}
		if err := f.setSignals(in.ClassificationSignals); err != nil {
			return err
		}
		if err := f.validate(); err != nil {
			return err
		}
		out, err = q.UpdateProject(ctx, db.UpdateProjectParams{
			ID: id, OwnerID: p.UserID, Name: f.Name, Description: f.Description, Status: f.Status,
			NormalizedTags: f.Tags, Categories: f.Categories, ReferenceKeywords: f.Keywords,
			EntityPatterns: f.Entities, ClassificationSignals: f.Signals, Notes: f.Notes,
		})
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, projectBody(out))
}

// DeleteProject deletes one of the caller's projects.
func (s *Server) DeleteProject(c echo.Context, id apigen.ProjectId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	n, err := s.store.DeleteProject(c.Request().Context(), db.DeleteProjectParams{ID: id, OwnerID: p.UserID})
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("no project " + id.String())
	}
	return c.NoContent(http.StatusNoContent)
}

// projectFields is a project's writable fields, validated and normalised.
type projectFields struct {
	Name, Description, Status, Notes string
	Tags, Categories, Keywords       []string
	Entities, Signals                json.RawMessage
}

func (f *projectFields) apply(description, status *string, tags, categories, keywords *[]string, notes *string) {
	if description != nil {
		f.Description = *description
	}
	if status != nil {
		f.Status = *status
	}
	if tags != nil {
		f.Tags = *tags
	}
	if categories != nil {
		f.Categories = *categories
	}
	if keywords != nil {
		f.Keywords = *keywords
	}
	if notes != nil {
		f.Notes = *notes
	}
}

func (f *projectFields) setEntities(e *apigen.EntityPatterns) error {
	var ent classify.EntityPatterns
	if e != nil {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &ent); err != nil {
			return badRequest("entity_patterns: " + err.Error())
		}
	}
	ent = normaliseEntities(ent)
	b, err := json.Marshal(ent)
	if err != nil {
		return err
	}
	f.Entities = b
	return nil
}

func (f *projectFields) setSignals(m *map[string]any) error {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(*m)
	if err != nil {
		return badRequest("classification_signals: " + err.Error())
	}
	f.Signals = b
	return nil
}

func (f *projectFields) validate() error {
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" || len(f.Name) > 200 {
		return badRequest("a project needs a name of 1 to 200 characters")
	}
	if f.Status != "active" && f.Status != "archived" {
		return badRequest("status is active or archived")
	}
	f.Tags = normaliseTags(f.Tags)
	f.Categories = cleanList(f.Categories)
	f.Keywords = cleanList(f.Keywords)
	return nil
}

// normaliseTags turns tags into snake_case ("Roof Insulation" →
// roof_insulation) without duplicates.
func normaliseTags(tags []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range tags {
		var b strings.Builder
		underscore := false
		for _, r := range strings.ToLower(strings.TrimSpace(t)) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if underscore && b.Len() > 0 {
					b.WriteByte('_')
				}
				underscore = false
				b.WriteRune(r)
			} else {
				underscore = true
			}
		}
		if tag := b.String(); tag != "" && !seen[tag] {
			seen[tag] = true
			out = append(out, tag)
		}
	}
	return out
}

func cleanList(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if k := strings.ToLower(s); s != "" && !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

func normaliseEntities(e classify.EntityPatterns) classify.EntityPatterns {
	people := []classify.Person{}
	for _, p := range e.People {
		p.Name, p.Email = strings.TrimSpace(p.Name), strings.ToLower(strings.TrimSpace(p.Email))
		if p.Name != "" || p.Email != "" {
			people = append(people, p)
		}
	}
	domains := cleanList(e.Domains)
	for i, d := range domains {
		domains[i] = strings.TrimPrefix(strings.ToLower(d), "@")
	}
	return classify.EntityPatterns{People: people, Locations: cleanList(e.Locations), Domains: domains, ProjectCodes: cleanList(e.ProjectCodes)}
}

func projectBody(p db.Project) apigen.Project {
	var ent apigen.EntityPatterns
	_ = json.Unmarshal(p.EntityPatterns, &ent)
	signals := map[string]any{}
	_ = json.Unmarshal(p.ClassificationSignals, &signals)
	return apigen.Project{
		Id: p.ID, Name: p.Name, Description: p.Description, Status: apigen.ProjectStatus(p.Status),
		NormalizedTags: p.NormalizedTags, Categories: p.Categories, ReferenceKeywords: p.ReferenceKeywords,
		EntityPatterns: ent, ClassificationSignals: signals, Notes: p.Notes,
		LastClassifiedAt: p.LastClassifiedAt, OnboardedAt: p.OnboardedAt, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}
