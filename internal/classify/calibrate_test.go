//go:build calibrate

// Calibration of the local scorer's parameters on the tuning half of
// testdata/classify. Not part of the normal test run:
//
//	go test -tags calibrate -run TestCalibrate -v ./internal/classify
//	CAL_DOCS=d0012,d0100 go test -tags calibrate -run TestExplain -v ./internal/classify
//
// It fits the parameters by coordinate descent on an objective that mixes
// the log-loss (with "no project" as a class) and the error rates at the
// threshold, and prints the metrics on both halves. The held-out half is
// never used for fitting.
package classify

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
)

var calDict *termDict

type calDoc struct {
	id, owner, label, mode string
	holdout                bool
	a                      *analysis
	profiles               []*profile
	set                    *candidateSet
}

func loadCal(t *testing.T) []calDoc {
	dir := "../../testdata/classify"
	raw, err := os.ReadFile(dir + "/projects.json")
	if err != nil {
		t.Fatal(err)
	}
	var pf struct {
		Owners []struct {
			ID       string `json:"id"`
			Projects []struct {
				ID, Name, Description string
				Tags, Categories      []string
				ReferenceKeywords     []string `json:"reference_keywords"`
				Notes                 string
				Entities              EntityPatterns
				Revision              string
				Examples              []struct {
					Title, Author, Text string
					Manual              bool
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &pf); err != nil {
		t.Fatal(err)
	}
	profs := map[string][]*profile{}
	exs := map[string][]Example{}
	l := NewLocal(ExampleSourceFunc(func(_ context.Context, id string) ([]Example, error) { return exs[id], nil }))
	calDict = l.dict
	for _, o := range pf.Owners {
		for _, p := range o.Projects {
			for _, e := range p.Examples {
				exs[p.ID] = append(exs[p.ID], Example{Title: e.Title, Author: e.Author, Text: e.Text, Manual: e.Manual})
			}
			pr, err := l.profile(context.Background(), Project{ID: p.ID, Name: p.Name, Description: p.Description, Tags: p.Tags,
				Categories: p.Categories, ReferenceKeywords: p.ReferenceKeywords, Notes: p.Notes, Entities: p.Entities, Revision: p.Revision})
			if err != nil {
				t.Fatal(err)
			}
			profs[o.ID] = append(profs[o.ID], pr)
		}
	}
	f, err := os.Open(dir + "/documents.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []calDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var d struct {
			ID, Owner, Type, Author, Title, Text, Label, Mode string
			Attachments                                       []string
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		h := fnv.New32a()
		h.Write([]byte(d.ID))
		docs = append(docs, calDoc{id: d.ID, owner: d.Owner, label: d.Label, mode: d.Mode, holdout: h.Sum32()%2 == 1,
			a:        analyzeDocument(Document{ID: d.ID, Type: d.Type, Author: d.Author, Title: d.Title, Text: d.Text, Attachments: d.Attachments}),
			profiles: profs[d.Owner], set: newCandidateSet(profs[d.Owner], calDict)})
	}
	return docs
}

type calStats struct {
	n, labelled, none, top1, classified, correct, noneOK int
	logloss                                              float64
}

func (s calStats) String() string {
	return fmt.Sprintf("docs %d top1 %.1f%% precision %.1f%% (%d/%d) recall %.1f%% none-unclassified %.1f%% logloss %.3f",
		s.n, 100*float64(s.top1)/float64(s.labelled), 100*float64(s.correct)/math.Max(1, float64(s.classified)), s.correct, s.classified,
		100*float64(s.correct)/float64(s.labelled), 100*float64(s.noneOK)/math.Max(1, float64(s.none)), s.logloss/float64(s.n))
}

func evalCal(pp localParams, docs []calDoc, keep func(calDoc) bool) calStats {
	var s calStats
	for _, d := range docs {
		if !keep(d) {
			continue
		}
		d.a.pos = nil
		r := pp.score(d.a, d.set, calDict)
		dec := r.decide(d.a)
		s.n++
		p := r.none
		for _, c := range r.scores {
			if c.p.id == d.label {
				p = c.prob
			}
		}
		s.logloss -= math.Log(math.Max(p, 1e-6))
		if dec.ProjectID != "" {
			s.classified++
			if dec.ProjectID == d.label {
				s.correct++
			}
		}
		if d.label == "" {
			s.none++
			if dec.ProjectID == "" {
				s.noneOK++
			}
			continue
		}
		s.labelled++
		if r.scores[0].p.id == d.label {
			s.top1++
		}
	}
	return s
}

// objective: log-loss plus a heavy price for wrong assignments (precision
// is what users notice) and a smaller one for missed assignments.
func objective(s calStats) float64 {
	fp := float64(s.classified - s.correct)
	fn := float64(s.labelled - s.correct)
	return s.logloss/float64(s.n) + (3*fp+0.5*fn)/float64(s.n)
}

func TestCalibrate(t *testing.T) {
	docs := loadCal(t)
	tune := func(d calDoc) bool { return !d.holdout }
	hold := func(d calDoc) bool { return d.holdout }
	all := func(calDoc) bool { return true }
	pp := defaultParams
	t.Logf("start  tune:    %v", evalCal(pp, docs, tune))
	t.Logf("start  holdout: %v", evalCal(pp, docs, hold))

	// Every knob has a sane range; the fit may not leave it, and a small
	// penalty pulls it toward the hand-set default (in log space) so that
	// the synthetic data cannot turn one feature into certainty.
	type knob struct {
		name   string
		ptr    func(*localParams) *float64
		lo, hi float64
	}
	knobs := []knob{
		{"temp", func(p *localParams) *float64 { return &p.temp }, 1, 8},
		{"none", func(p *localParams) *float64 { return &p.none }, 2, 20},
		{"termW", func(p *localParams) *float64 { return &p.termW }, 0.5, 2},
		{"termCap", func(p *localParams) *float64 { return &p.termCap }, 1.5, 6},
		{"lenNorm", func(p *localParams) *float64 { return &p.lenNorm }, 0.05, 1},
		{"bgDocs", func(p *localParams) *float64 { return &p.bgDocs }, 1, 20},
		{"bgCom", func(p *localParams) *float64 { return &p.bgCom }, 1, 30},
		{"b", func(p *localParams) *float64 { return &p.b }, 0.05, 1},
		{"bulkW", func(p *localParams) *float64 { return &p.bulkW }, 0.5, 8},
		{"bulkDamp", func(p *localParams) *float64 { return &p.bulkDamp }, 0.1, 0.8},
	}
	// Absolute ranges for the feature weights, and the hand-set prior the
	// regulariser pulls toward.
	names := []string{"name", "subname", "code", "sender", "sendername", "domain", "exsender", "exdomain", "contact", "mdomain", "person", "location", "keyword"}
	ranges := [numHitKinds][3]float64{ // lo, hi, prior
		hitName: {3, 12, 6}, hitSubName: {1.5, 6, 3}, hitCode: {3, 10, 5}, hitSender: {1.5, 6, 5}, hitSenderName: {1.5, 5, 3},
		hitDomain: {2, 8, 3.5}, hitExSender: {1, 4, 2}, hitExDomain: {0.5, 2, 1}, hitContact: {1, 4, 2}, hitMDomain: {0.5, 2.5, 1},
		hitPerson: {1, 4, 2}, hitLocation: {1, 5, 1.5}, hitKeyword: {0.5, 4, 1},
	}
	prior := defaultParams
	prior.temp, prior.none, prior.termW, prior.termCap, prior.lenNorm, prior.bgDocs, prior.bgCom, prior.b, prior.bulkW, prior.bulkDamp = 2, 6, 1, 4, 0.5, 4, 4, 0.3, 3, 0.5
	for k := hitKind(0); k < numHitKinds; k++ {
		k := k
		prior.hitW[k] = ranges[k][2]
		knobs = append(knobs, knob{"hitW." + names[k], func(p *localParams) *float64 { return &p.hitW[k] }, ranges[k][0], ranges[k][1]})
	}
	reg := func(p localParams) float64 {
		r := 0.0
		for _, kn := range knobs {
			v, v0 := *kn.ptr(&p), *kn.ptr(&prior)
			l := math.Log(v / v0)
			r += l * l
		}
		return 0.002 * r
	}
	obj := func(p localParams) float64 { return objective(evalCal(p, docs, tune)) + reg(p) }
	best := obj(pp)
	steps := []float64{0.5, 0.7, 0.85, 1.2, 1.4, 2}
	for round := 0; round < 6; round++ {
		improved := false
		for _, kn := range knobs {
			cur := *kn.ptr(&pp)
			bestV := cur
			for _, st := range steps {
				v := math.Min(kn.hi, math.Max(kn.lo, cur*st))
				if v == cur {
					continue
				}
				q := pp
				*kn.ptr(&q) = v
				if o := obj(q); o < best-1e-6 {
					best, bestV, improved = o, v, true
				}
			}
			*kn.ptr(&pp) = bestV
		}
		t.Logf("round %d objective %.4f", round, best)
		if !improved {
			break
		}
	}
	var parts []string
	for _, kn := range knobs {
		parts = append(parts, fmt.Sprintf("%s=%.3g", kn.name, *kn.ptr(&pp)))
	}
	t.Logf("fitted: %s", strings.Join(parts, " "))
	t.Logf("fitted tune:    %v", evalCal(pp, docs, tune))
	t.Logf("fitted holdout: %v", evalCal(pp, docs, hold))
	t.Logf("fitted all:     %v", evalCal(pp, docs, all))
}

// TestExplain prints the score components of the documents in CAL_DOCS.
func TestExplain(t *testing.T) {
	docs := loadCal(t)
	want := map[string]bool{}
	for _, id := range strings.Split(os.Getenv("CAL_DOCS"), ",") {
		want[id] = true
	}
	pp := defaultParams
	for _, d := range docs {
		if !want[d.id] {
			continue
		}
		r := pp.score(d.a, d.set, calDict)
		t.Logf("%s label=%q none=%.3f total doc weight %.1f", d.id, d.label, r.none, d.a.total)
		for _, s := range r.scores {
			t.Logf("  %-8s p=%.3f total=%.2f terms=%.2f hits=%v", s.p.id, s.prob, s.total, s.terms, s.hits)
			type tc struct {
				t string
				c float64
			}
			var tcs []tc
			for term, dw := range d.a.terms {
				if w := s.p.weight(calDict.intern(term)); w > 0 {
					tcs = append(tcs, tc{term, dw * w})
				}
			}
			sort.Slice(tcs, func(i, j int) bool { return tcs[i].c > tcs[j].c })
			if len(tcs) > 12 {
				tcs = tcs[:12]
			}
			t.Logf("     terms: %v", tcs)
		}
	}
}

// weight returns (for the calibration report) the profile's weight of a term id (0 if absent).
func (pr *profile) weight(id uint32) float64 {
	i := sort.Search(len(pr.termIDs), func(i int) bool { return pr.termIDs[i] >= id })
	if i < len(pr.termIDs) && pr.termIDs[i] == id {
		return pr.termW[i]
	}
	return 0
}
