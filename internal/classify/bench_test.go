package classify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// benchWords is a vocabulary for synthetic projects and documents.
var benchWords = strings.Fields(`balcony cladding facade drainage soffit window glazing roof membrane scaffold crane
library reading room heritage conservation lift shaft stairs asbestos survey timber concrete steel beam foundation
checkout payment cart shipping refund invoice stripe klarna webhook release sprint staging deploy ticket bug
patient booking appointment clinic reminder consent calendar dashboard chart revenue forecast export widget
grant budget funding outcomes trustees festival traders volunteers marquee raffle permit insurance poster
kitchen worktop island tiles extractor plumbing electrics flight apartment itinerary museum tax return pension
logo packaging palette typography signage launch press influencer campaign photography menu invitations`)

func init() {
	// Add 1,500 pseudo-words so that a 5 KB document has several hundred
	// distinct terms, as real mail does.
	syl := strings.Fields("ka lo mi ne ru sa ti vo ber dan fel gor hin jul kes lor man nor pet quin ros tal ven wil")
	for i := 0; len(benchWords) < 1600; i++ {
		benchWords = append(benchWords, syl[i%len(syl)]+syl[(i/len(syl))%len(syl)]+syl[(i/7)%len(syl)])
	}
}

func benchProjects(r *rand.Rand, n int) ([]Project, map[string][]Example) {
	return benchProjectsWith(r, n, 5)
}

// benchProjectsWith makes n projects with perProject assigned documents
// each (the first of every five a manual assignment).
func benchProjectsWith(r *rand.Rand, n, perProject int) ([]Project, map[string][]Example) {
	var ps []Project
	ex := map[string][]Example{}
	pick := func(k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = benchWords[r.IntN(len(benchWords))]
		}
		return out
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("p%02d", i)
		ps = append(ps, Project{
			ID: id, Name: fmt.Sprintf("%s %s Project %d", title(pick(1)[0]), title(pick(1)[0]), i),
			Description: strings.Join(pick(25), " "), Tags: pick(5), Categories: pick(2), ReferenceKeywords: pick(6),
			Notes: strings.Join(pick(10), " "), Revision: "1",
			Entities: EntityPatterns{
				People:       []Person{{Name: fmt.Sprintf("Person%d Surname%d", i, i), Email: fmt.Sprintf("person%d@client%d.example", i, i)}},
				Domains:      []string{fmt.Sprintf("client%d.example", i)},
				ProjectCodes: []string{fmt.Sprintf("PRJ-%d", 1000+i)},
				Locations:    []string{title(pick(1)[0]) + " Street"},
			},
		})
		for j := 0; j < perProject; j++ {
			ex[id] = append(ex[id], Example{Title: strings.Join(pick(5), " "), Author: fmt.Sprintf("person%d@client%d.example", i, i),
				Text: strings.Join(pick(150), " "), Manual: j%5 == 0})
		}
	}
	return ps, ex
}

// benchDocument is a ~5 KB email with a quoted reply and a signature.
func benchDocument(r *rand.Rand) Document {
	var b strings.Builder
	b.WriteString("Hi Maya,\n\n")
	for b.Len() < 3500 {
		for i := 0; i < 12; i++ {
			b.WriteString(benchWords[r.IntN(len(benchWords))] + " ")
		}
		b.WriteString("and the PRJ-1007 items, see https://www.client7.example/docs/plan-v2.\n")
	}
	b.WriteString("\nThanks,\nGareth\n\n-- \nGareth Price\nSite Manager | Brightline Construction\nwww.brightline-build.com\n\nOn Tue, 4 Mar 2025 at 10:12, Person7 Surname7 <person7@client7.example> wrote:\n")
	for b.Len() < 5000 {
		b.WriteString("> ")
		for i := 0; i < 12; i++ {
			b.WriteString(benchWords[r.IntN(len(benchWords))] + " ")
		}
		b.WriteString("\n")
	}
	return Document{ID: "bench", Type: "email", Author: "Gareth Price <gareth@brightline-build.example>", Title: "Re: site update and PRJ-1007",
		Text: b.String(), Attachments: []string{"valuation_7.xlsx", "photos.zip"}}
}

// BenchmarkLocalClassify classifies a 5 KB email against 50 projects with
// a warm profile cache. Goal: at most 2 ms/op.
func BenchmarkLocalClassify(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ps, ex := benchProjects(r, 50)
	l := NewLocal(ExampleSourceFunc(func(_ context.Context, id string) ([]Example, error) { return ex[id], nil }))
	doc := benchDocument(r)
	if len(doc.Text) < 4800 || len(doc.Text) > 5500 {
		b.Fatalf("document is %d bytes", len(doc.Text))
	}
	ctx := context.Background()
	if _, err := l.Classify(ctx, doc, ps); err != nil { // warm the cache
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := l.Classify(ctx, doc, ps); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// benchCollection is the owner's collection of the benchmarks: the
// assigned documents, manual ones labelled.
type benchCollection []CollectionDoc

func newBenchCollection(ps []Project, ex map[string][]Example) benchCollection {
	var c benchCollection
	for _, p := range ps {
		for i, e := range ex[p.ID] {
			d := CollectionDoc{ID: fmt.Sprintf("%s/%d", p.ID, i), Title: e.Title, Author: e.Author, Text: e.Text}
			if e.Manual {
				d.ProjectID, d.Manual = p.ID, true
			}
			c = append(c, d)
		}
	}
	return c
}

func (c benchCollection) CollectionDocuments(_ context.Context, _ string, max int) ([]CollectionDoc, error) {
	return c[:min(max, len(c))], nil
}

func (c benchCollection) CollectionStats(context.Context, string) (CollectionStats, error) {
	return CollectionStats{Documents: len(c)}, nil
}

// BenchmarkLocalClassify10000Examples classifies the same 5 KB email
// against 50 projects with 200 assigned documents each (10,000 in the
// profiles: every one in its project's centroid), and with those 10,000
// documents as the owner's collection (2,000 of them manual assignments),
// warm caches. Goal: at most 2 ms/op.
func BenchmarkLocalClassify10000Examples(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ps, ex := benchProjectsWith(r, 50, 200)
	l := NewLocal(ExampleSourceFunc(func(_ context.Context, id string) ([]Example, error) { return ex[id], nil })).
		WithCollection(newBenchCollection(ps, ex), CollectionOptions{MaxDocuments: 10000})
	doc := benchDocument(r)
	doc.Owner = "owner"
	ctx := context.Background()
	if err := l.PrepareCollection(ctx, doc.Owner, ps); err != nil {
		b.Fatal(err)
	}
	if _, err := l.Classify(ctx, doc, ps); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := l.Classify(ctx, doc, ps); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkLocalProfiles10000Examples builds the 50 profiles of 200
// assigned documents each from scratch (a cold cache: after a worker start,
// or for the projects whose revision changed).
func BenchmarkLocalProfiles10000Examples(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ps, ex := benchProjectsWith(r, 50, 200)
	doc := benchDocument(r)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l := NewLocal(ExampleSourceFunc(func(_ context.Context, id string) ([]Example, error) { return ex[id], nil }))
		if _, err := l.Classify(ctx, doc, ps); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectionBuild10000 builds an owner's collection model of
// 10,000 documents from scratch (after a correction or when the collection
// has grown by a tenth), profiles warm.
func BenchmarkCollectionBuild10000(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ps, ex := benchProjectsWith(r, 50, 200)
	coll := newBenchCollection(ps, ex)
	doc := benchDocument(r)
	doc.Owner = "owner"
	ctx := context.Background()
	l := NewLocal(ExampleSourceFunc(func(_ context.Context, id string) ([]Example, error) { return ex[id], nil }))
	if _, err := l.Classify(ctx, doc, ps); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.WithCollection(coll, CollectionOptions{MaxDocuments: 10000})
		if err := l.PrepareCollection(ctx, doc.Owner, ps); err != nil {
			b.Fatal(err)
		}
	}
}

// processCPU is the CPU time the process has used (all threads, user and
// system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start: on a machine shared
// with other work the wall time per op (ns/op) grows with the load, the CPU
// time much less.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

func TestBenchDocumentHasManyDistinctTerms(t *testing.T) {
	a := analyzeDocument(benchDocument(rand.New(rand.NewPCG(1, 2))))
	if len(a.terms) < 300 {
		t.Errorf("benchmark document has %d distinct terms, want >= 300", len(a.terms))
	}
}

// title capitalises an ASCII test word.
func title(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// BenchmarkClassifyDuringCollectionRebuild5000 classifies the 5 KB email
// against 50 projects whose owner has a collection of 5,000 documents
// (1,000 of them manual assignments), idle and while that owner's model is
// rebuilt over and over (a correction after every build: one project's
// revision changes). Classification never waits for a build, so the ratio
// of the two is what a build's CPU and memory traffic cost the calls on
// the other core, not the build's duration (build-ms, which a call waited
// for before the model was built in the background). max-ms is the slowest
// call.
func BenchmarkClassifyDuringCollectionRebuild5000(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ps, ex := benchProjectsWith(r, 50, 100)
	coll := newBenchCollection(ps, ex)
	doc := benchDocument(r)
	doc.Owner = "owner"
	ctx := context.Background()
	for _, mode := range []string{"idle", "rebuilding"} {
		b.Run(mode, func(b *testing.B) {
			l := NewLocal(ExampleSourceFunc(func(_ context.Context, id string) ([]Example, error) { return ex[id], nil })).
				WithCollection(coll, CollectionOptions{MaxDocuments: 5000})
			if err := l.PrepareCollection(ctx, doc.Owner, ps); err != nil {
				b.Fatal(err)
			}
			if _, err := l.Classify(ctx, doc, ps); err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var builds int
			var building time.Duration
			if mode == "rebuilding" {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 1; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						rev := append([]Project(nil), ps...)
						rev[i%len(rev)].Revision = fmt.Sprintf("%s-%d", ps[i%len(ps)].Revision, i)
						start := time.Now()
						if err := l.PrepareCollection(ctx, doc.Owner, rev); err != nil {
							b.Error(err)
							return
						}
						builds++
						building += time.Since(start)
					}
				}()
			}
			var slowest time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := l.Classify(ctx, doc, ps); err != nil {
					b.Fatal(err)
				}
				slowest = max(slowest, time.Since(start))
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			l.coll.refreshes.Wait()
			b.ReportMetric(float64(slowest)/1e6, "max-ms")
			if builds > 0 {
				b.ReportMetric(float64(builds), "builds")
				b.ReportMetric(float64(building)/float64(builds)/1e6, "build-ms")
			}
		})
	}
}
