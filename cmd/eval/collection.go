package main

import (
	"context"
	"sort"

	"github.com/besunny/workflows/internal/classify"
)

// evalCollection is an owner's collection as the classifier's collection
// model sees it in an evaluation (classify.CollectionSource): every document
// of the owner, with the manual assignments the evaluation hands out as its
// only labels. In the real-world evaluation those are the learning curve's
// examples, chosen from the dev split: a test-split label is never in it,
// and neither is a List-Id message (ReadCorpus never returns one).
type evalCollection struct {
	byOwner map[string][]classify.CollectionDoc
}

// realCollection is the real-world set's collection: all its documents,
// labelled only where assigned (item index -> project).
func realCollection(ds *Dataset, assigned map[int]string) evalCollection {
	c := evalCollection{byOwner: map[string][]classify.CollectionDoc{}}
	for i, it := range ds.Items {
		d := classify.CollectionDoc{ID: it.Doc.ID, Title: it.Doc.Title, Author: it.Doc.Author, Text: leftRunes(it.Doc.Text, collectionExcerptRunes)}
		if p, ok := assigned[i]; ok {
			d.ProjectID, d.Manual = p, true
		}
		c.byOwner[it.Owner] = append(c.byOwner[it.Owner], d)
	}
	return c
}

// generatedCollection is the generated set's collection of each owner: the
// documents to classify, unlabelled, and the projects' assigned examples,
// labelled when they were assigned by hand.
func generatedCollection(ds *Dataset) evalCollection {
	c := evalCollection{byOwner: map[string][]classify.CollectionDoc{}}
	owners := make([]string, 0, len(ds.Projects))
	for o := range ds.Projects {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	for _, o := range owners {
		for _, p := range ds.Projects[o] {
			for i, ex := range ds.examples[p.ID] {
				d := classify.CollectionDoc{ID: p.ID + "/example/" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Title: ex.Title, Author: ex.Author,
					Text: leftRunes(ex.Text, collectionExcerptRunes)}
				if ex.Manual {
					d.ProjectID, d.Manual = p.ID, true
				}
				c.byOwner[o] = append(c.byOwner[o], d)
			}
		}
	}
	for _, it := range ds.Items {
		c.byOwner[it.Owner] = append(c.byOwner[it.Owner], classify.CollectionDoc{ID: it.Doc.ID, Title: it.Doc.Title, Author: it.Doc.Author,
			Text: leftRunes(it.Doc.Text, collectionExcerptRunes)})
	}
	return c
}

// collectionExcerptRunes is how much of a document the store hands to the
// collection model (ListCollectionDocuments: left(content, 2000)).
const collectionExcerptRunes = 2000

// CollectionDocuments implements classify.CollectionSource.
func (c evalCollection) CollectionDocuments(_ context.Context, owner string, max int) ([]classify.CollectionDoc, error) {
	docs := c.byOwner[owner]
	if len(docs) > max {
		docs = docs[:max]
	}
	return docs, nil
}

// CollectionStats implements classify.CollectionSource.
func (c evalCollection) CollectionStats(_ context.Context, owner string) (classify.CollectionStats, error) {
	st := classify.CollectionStats{Documents: len(c.byOwner[owner])}
	for _, d := range c.byOwner[owner] {
		if d.Manual && d.ProjectID == "" {
			st.ManualNoProject++
		}
	}
	return st, nil
}
