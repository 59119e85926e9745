package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"time"

	"github.com/besunny/workflows/internal/classify"
)

// Files of the evaluation set (see testdata/classify/README.md).
type fileProject struct {
	ID                string                  `json:"id"`
	Name              string                  `json:"name"`
	Description       string                  `json:"description"`
	Tags              []string                `json:"tags"`
	Categories        []string                `json:"categories"`
	ReferenceKeywords []string                `json:"reference_keywords"`
	Notes             string                  `json:"notes"`
	Entities          classify.EntityPatterns `json:"entities"`
	Revision          string                  `json:"revision"`
	Examples          []struct {
		Title  string `json:"title"`
		Author string `json:"author"`
		Text   string `json:"text"`
		Manual bool   `json:"manual"`
	} `json:"examples"`
}

type fileOwner struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Email    string        `json:"email"`
	Projects []fileProject `json:"projects"`
}

type fileDoc struct {
	ID          string   `json:"id"`
	Owner       string   `json:"owner"`
	Type        string   `json:"type"`
	Source      string   `json:"source"`
	Author      string   `json:"author"`
	Title       string   `json:"title"`
	Text        string   `json:"text"`
	Date        string   `json:"date"`
	Attachments []string `json:"attachments"`
	Label       string   `json:"label"`
	Mode        string   `json:"mode"`
}

// Item is one document of the set with its owner's projects and its label.
type Item struct {
	Doc     classify.Document
	Owner   string
	Label   string
	Mode    string
	Holdout bool
}

// Dataset is the loaded evaluation set.
type Dataset struct {
	Items    []Item
	Projects map[string][]classify.Project // by owner
	Names    map[string]string             // project ID -> name
	examples map[string][]classify.Example
}

// Examples implements classify.ExampleSource with the projects' examples.
func (ds *Dataset) Examples(_ context.Context, projectID string) ([]classify.Example, error) {
	return ds.examples[projectID], nil
}

// Holdout reports whether a document belongs to the held-out half: the
// FNV-1a hash of its id is odd. The classifier was tuned on the other half.
func Holdout(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%2 == 1
}

// Load reads projects.json and documents.jsonl from dir.
func Load(dir string) (*Dataset, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "projects.json"))
	if err != nil {
		return nil, err
	}
	var pf struct {
		Owners []fileOwner `json:"owners"`
	}
	if err := json.Unmarshal(raw, &pf); err != nil {
		return nil, fmt.Errorf("projects.json: %w", err)
	}
	ds := &Dataset{Projects: map[string][]classify.Project{}, Names: map[string]string{}, examples: map[string][]classify.Example{}}
	for _, o := range pf.Owners {
		for _, p := range o.Projects {
			ds.Projects[o.ID] = append(ds.Projects[o.ID], classify.Project{
				ID: p.ID, Name: p.Name, Description: p.Description, Tags: p.Tags, Categories: p.Categories,
				ReferenceKeywords: p.ReferenceKeywords, Notes: p.Notes, Entities: p.Entities, Revision: p.Revision,
			})
			ds.Names[p.ID] = p.Name
			for _, ex := range p.Examples {
				ds.examples[p.ID] = append(ds.examples[p.ID], classify.Example{Title: ex.Title, Author: ex.Author, Text: ex.Text, Manual: ex.Manual})
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "documents.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var d fileDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("documents.jsonl:%d: %w", line, err)
		}
		if _, ok := ds.Projects[d.Owner]; !ok {
			return nil, fmt.Errorf("documents.jsonl:%d: unknown owner %q", line, d.Owner)
		}
		date, _ := time.Parse(time.RFC3339, d.Date)
		ds.Items = append(ds.Items, Item{
			Doc: classify.Document{ID: d.ID, Type: d.Type, Source: d.Source, Author: d.Author, Date: date,
				Title: d.Title, Text: d.Text, Attachments: d.Attachments},
			Owner: d.Owner, Label: d.Label, Mode: d.Mode, Holdout: Holdout(d.ID),
		})
	}
	return ds, sc.Err()
}
