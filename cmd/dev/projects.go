package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// demoProjects are the demo user's projects, so that the demo mail has
// somewhere to be classified. They are created once, when the user has none.
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
}

func seedDemoProjects(ctx context.Context, st *store.Store, demo db.User) error {
	existing, err := st.ListProjectsForOwner(ctx, db.ListProjectsForOwnerParams{OwnerID: demo.ID})
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
			OwnerID: demo.ID, Name: p.name, Description: p.description, Status: "active",
			NormalizedTags: p.tags, Categories: []string{}, ReferenceKeywords: p.keywords,
			EntityPatterns: ent, ClassificationSignals: json.RawMessage(`{}`),
		})
		if err != nil {
			return fmt.Errorf("seed project %q: %w", p.name, err)
		}
	}
	return nil
}
