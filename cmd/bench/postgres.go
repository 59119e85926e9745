package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// adminDatabaseURL is the server the bench creates its database on.
func adminDatabaseURL() string {
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// database is the bench's own, freshly migrated database.
type database struct {
	name, url string
	drop      func()
}

// createDatabase creates a database with a random name and applies the
// migrations; drop removes it (even with connections still open).
func createDatabase(ctx context.Context) (*database, error) {
	admin := adminDatabaseURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s (set BENCH_DATABASE_URL): %w", admin, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	name := "besunny_bench_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	d := &database{name: name, url: u.String(), drop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	}}
	st, err := store.Open(ctx, d.url, 10*time.Second)
	if err != nil {
		d.drop()
		return nil, err
	}
	defer st.Close()
	if err := st.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		d.drop()
		return nil, err
	}
	return d, nil
}

// demoUserID is the user every backlog message is addressed to
// (ai+demo@besunny.ai).
var demoUserID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://besunny.ai/users/demo"))

// benchProjects give classification real work: the corpus talks about
// them (and about other things, which stay unclassified).
var benchProjects = []struct {
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
			People:  []classify.Person{{Name: "Maya Lindqvist", Role: "project architect", Email: "maya@northwind-architects.example"}},
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

// seed creates the user demo and its projects.
func seed(ctx context.Context, st *store.Store) error {
	if _, err := st.UpsertUserFromClaims(ctx, db.UpsertUserFromClaimsParams{ID: demoUserID, Email: "demo@besunny.local", Name: "Demo User"}); err != nil {
		return fmt.Errorf("seed the demo user: %w", err)
	}
	name := "demo"
	if _, err := st.SetUsername(ctx, db.SetUsernameParams{ID: demoUserID, Username: &name}); err != nil {
		return fmt.Errorf("seed the demo user: %w", err)
	}
	for _, p := range benchProjects {
		ent, err := json.Marshal(p.entities)
		if err != nil {
			return err
		}
		_, err = st.CreateProject(ctx, db.CreateProjectParams{
			OwnerID: demoUserID, Name: p.name, Description: p.description, Status: "active",
			NormalizedTags: p.tags, Categories: []string{}, ReferenceKeywords: p.keywords,
			EntityPatterns: ent, ClassificationSignals: json.RawMessage(`{}`),
		})
		if err != nil {
			return fmt.Errorf("seed project %q: %w", p.name, err)
		}
	}
	return nil
}
