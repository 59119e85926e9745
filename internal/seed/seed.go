// Package seed creates the demo user and its projects, the data that makes
// the sandbox useful on a fresh machine: make run and make bench seed them.
package seed

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// DemoUserID is fixed so that tokens written by one run stay valid in the
// next and the demo user's data accumulates across runs.
var DemoUserID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://besunny.ai/users/demo"))

// DemoUsername makes the demo user the owner of ai+demo@<domain>.
const DemoUsername = "demo"

// DemoUser creates (or refreshes) the user demo.
func DemoUser(ctx context.Context, st *store.Store) (db.User, error) {
	if _, err := st.UpsertUserFromClaims(ctx, db.UpsertUserFromClaimsParams{ID: DemoUserID, Email: "demo@besunny.local", Name: "Demo User"}); err != nil {
		return db.User{}, fmt.Errorf("seed the demo user: %w", err)
	}
	name := DemoUsername
	u, err := st.SetUsername(ctx, db.SetUsernameParams{ID: DemoUserID, Username: &name})
	if store.IsUniqueViolation(err, "users_username_key") {
		return db.User{}, fmt.Errorf("another user already has the username %q in this database; the demo user needs it", DemoUsername)
	}
	if err != nil {
		return db.User{}, fmt.Errorf("seed the demo user: %w", err)
	}
	return u, nil
}

// demoProjects are the demo user's projects, so that the demo mail (and the
// bench's corpus) has somewhere to be classified; it also talks about other
// things, which stay unclassified.
var demoProjects = []struct {
	name, description string
	tags, keywords    []string
	entities          classify.EntityPatterns
}{
	{
		name:        "Harbor Library renovation",
		description: "Renovation of the Harbor Library for the city: reading room, roof insulation, children's corner, structural survey and asbestos check.",
		tags:        []string{"renovation", "reading_room", "roof_insulation", "structural_survey"},
		keywords:    []string{"Harbor Library", "Brandt Engineering"},
		entities: classify.EntityPatterns{
			People:  []classify.Person{{Name: "Maya Lindqvist", Role: "project architect", Email: "maya@northwind-architects.example"}, {Name: "Ines Duarte", Role: "interior designer", Email: "ines@duarte-interiors.example"}},
			Domains: []string{"brandt-eng.example"}, Locations: []string{"Harbor district"}, ProjectCodes: []string{"HL-2026"},
		},
	},
	{
		name:        "Crumb & Co bakery website",
		description: "A new website and online shop for the Crumb & Co sourdough bakery: product pages, checkout, delivery slots, newsletter.",
		tags:        []string{"website", "online_shop", "checkout", "branding"},
		keywords:    []string{"Crumb & Co", "sourdough"},
		entities:    classify.EntityPatterns{Domains: []string{"crumbandco.example"}},
	},
	{
		name:        "Riverside clinic fit-out",
		description: "Interior fit-out of the Riverside physiotherapy clinic: treatment rooms, reception, accessibility, medical gas and ventilation.",
		tags:        []string{"fit_out", "clinic", "ventilation", "accessibility"},
		keywords:    []string{"Riverside clinic", "treatment rooms"},
		entities: classify.EntityPatterns{
			People:  []classify.Person{{Name: "Jonas Berg", Role: "clinic manager", Email: "jonas@riverside-physio.example"}},
			Domains: []string{"riverside-physio.example"}, ProjectCodes: []string{"RC-114"},
		},
	},
}

// DemoProjects creates the demo projects for owner, once: an owner who has
// any project already is left alone.
func DemoProjects(ctx context.Context, st *store.Store, owner uuid.UUID) error {
	existing, err := st.ListProjectsForOwner(ctx, db.ListProjectsForOwnerParams{OwnerID: owner})
	if err != nil {
		return fmt.Errorf("list the demo user's projects: %w", err)
	}
	if len(existing) > 0 {
		return nil
	}
	for _, p := range demoProjects {
		ent, err := json.Marshal(p.entities)
		if err != nil {
			return err
		}
		_, err = st.CreateProject(ctx, db.CreateProjectParams{
			OwnerID: owner, Name: p.name, Description: p.description, Status: "active",
			NormalizedTags: p.tags, Categories: []string{}, ReferenceKeywords: p.keywords,
			EntityPatterns: ent, ClassificationSignals: json.RawMessage(`{}`),
		})
		if err != nil {
			return fmt.Errorf("seed project %q: %w", p.name, err)
		}
	}
	return nil
}
