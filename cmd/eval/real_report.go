package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/besunny/workflows/internal/classify"
)

// LearningKs are the numbers of manual assignments per project of the
// learning curve.
var LearningKs = []int{0, 1, 3, 5, 10}

// CurveThresholds are the confidence thresholds of the precision/coverage
// curve.
var CurveThresholds = []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95}

// RunReal classifies every item of ds with a fresh local classifier whose
// examples are the manual assignments in assigned (item index -> project),
// the way the store hands them to the worker's classifier. Items in
// assigned are not evaluated.
func RunReal(ctx context.Context, ds *Dataset, assigned map[int]string, revision string) []Result {
	return runRealWith(ctx, ds, assigned, revision, nil)
}

// runRealWith is RunReal with the classifier route builds around the
// fresh local one and the run's examples (an LLM behind the hybrid policy,
// say); nil classifies with the local classifier alone.
func runRealWith(ctx context.Context, ds *Dataset, assigned map[int]string, revision string, route func(local classify.Classifier, examples classify.ExampleSource) classify.Classifier) []Result {
	return runRealOpts(ctx, ds, assigned, revision, classify.CollectionOptions{}, route)
}

// runRealOpts is runRealWith with the collection model's options.
func runRealOpts(ctx context.Context, ds *Dataset, assigned map[int]string, revision string, opts classify.CollectionOptions, route func(local classify.Classifier, examples classify.ExampleSource) classify.Classifier) []Result {
	byProject := map[string][]classify.Example{}
	ids := make([]int, 0, len(assigned))
	for i := range assigned {
		ids = append(ids, i)
	}
	sort.Ints(ids)
	for _, i := range ids {
		it := ds.Items[i]
		byProject[assigned[i]] = append(byProject[assigned[i]], classify.Example{
			Title: it.Doc.Title, Author: it.Doc.Author, Text: leftRunes(it.Doc.Text, exampleExcerptRunes), Manual: true,
		})
	}
	examples := classify.ExampleSourceFunc(func(_ context.Context, id string) ([]classify.Example, error) {
		return byProject[id], nil
	})
	local := classify.NewLocal(examples).WithCollection(realCollection(ds, assigned), opts)
	projects := make([]classify.Project, 0, len(ds.Projects[RealOwner]))
	for _, p := range ds.Projects[RealOwner] {
		p.Revision = revision
		projects = append(projects, p)
	}
	// The model is built before scoring (classification alone would not
	// wait for it), as the backlog does after corrections.
	// (A failure marks every result.)
	prepared := local.PrepareCollection(ctx, RealOwner, projects)
	var c classify.Classifier = local
	if route != nil {
		c = route(local, examples)
	}
	out := make([]Result, 0, len(ds.Items))
	for i, it := range ds.Items {
		if _, ok := assigned[i]; ok {
			continue
		}
		doc := it.Doc
		doc.Owner = it.Owner
		start := time.Now()
		d, err := c.Classify(ctx, doc, projects)
		if err == nil {
			err = prepared
		}
		out = append(out, Result{Item: it, Decision: d, Err: err, Elapsed: time.Since(start)})
	}
	return out
}

// pickExamples chooses k labelled items per project of the development
// split with a seeded shuffle (fewer when a project has fewer: at least one
// of its development items is always left to evaluate). The test split is
// never an example, so learning is measured there on mail nothing was
// chosen or tuned on.
func pickExamples(ds *Dataset, k int, seed uint64) map[int]string {
	out := map[int]string{}
	if k == 0 {
		return out
	}
	byLabel := map[string][]int{}
	for i, it := range ds.Items {
		if it.Label != "" && !it.Holdout {
			byLabel[it.Label] = append(byLabel[it.Label], i)
		}
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for _, l := range labels {
		idx := byLabel[l]
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx[:min(k, len(idx)-1)] {
			out[i] = l
		}
	}
	return out
}

// CurvePoint is the precision and coverage of labelled mail when a
// document is assigned at confidence >= Threshold, and the share of
// no-project mail left unclassified.
type CurvePoint struct {
	Threshold, Precision, Coverage, NoneRate float64
}

// Curve computes the precision/coverage curve over the results kept: a
// document counts as assigned to its decision's project (or, when the
// decision is unsure, its best candidate) when the decision's confidence
// reaches the threshold.
func Curve(rs []Result, keep func(Result) bool) []CurvePoint {
	var out []CurvePoint
	for _, t := range CurveThresholds {
		var labelled, classified, correct, none, noneOK int
		for _, r := range rs {
			if keep != nil && !keep(r) {
				continue
			}
			top, conf := r.Decision.ProjectID, r.Decision.Confidence
			if top == "" && len(r.Decision.Candidates) > 0 {
				// An unsure decision's best candidate, at its confidence.
				top = r.Decision.Candidates[0].ProjectID
			}
			assigned := top != "" && conf >= t
			if r.Item.Label == "" {
				none++
				if !assigned {
					noneOK++
				}
				continue
			}
			labelled++
			if assigned {
				classified++
				if top == r.Item.Label {
					correct++
				}
			}
		}
		out = append(out, CurvePoint{t, ratio(correct, classified), ratio(classified, labelled), ratio(noneOK, none)})
	}
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// RealMetrics are the numbers the goals are stated in.
type RealMetrics struct {
	Top1, Precision, Coverage, NoneRate float64
}

func realMetrics(rs []Result, keep func(Result) bool) RealMetrics {
	m := Compute(rs, keep)
	return RealMetrics{
		Top1:      top1Number(m),
		Precision: precisionNumber(m),
		Coverage:  ratio(m.LabelledClassified, m.Labelled),
		NoneRate:  noneLeftNumber(m),
	}
}

func isDev(r Result) bool  { return !r.Item.Holdout }
func isTest(r Result) bool { return r.Item.Holdout }

// ReportReal runs the whole real-world evaluation and prints it.
func ReportReal(ctx context.Context, w io.Writer, ds *Dataset, st RealStats, seeds int, verbose bool) {
	labelled, none := 0, 0
	for _, it := range ds.Items {
		if it.Label != "" {
			labelled++
		} else {
			none++
		}
	}
	fmt.Fprintf(w, "real-world set: %d documents, %d labelled (%d dev, %d test) in %d projects, %d no project %v\n",
		len(ds.Items), labelled, st.DevLabelled, st.TestLabelled, len(ds.Projects[RealOwner]), none, st.NoProject)
	fmt.Fprintf(w, "  corpus: %d messages read, %d with List-Id held back unread; %d feed items relabelled by channel id, %d duplicates dropped\n",
		st.Read, st.HeldBack, st.Relabelled, st.Duplicates)
	fmt.Fprintf(w, "  feed items by project: %v\n", st.FeedItems)

	zero := RunReal(ctx, ds, nil, "0")
	fmt.Fprintln(w, "\nzero-shot (names, descriptions and keywords only), at the production thresholds:")
	fmt.Fprintln(w, "  split   top-1   precision  coverage  no-project unclassified")
	for _, s := range []struct {
		name string
		keep func(Result) bool
	}{{"all", nil}, {"dev", isDev}, {"test", isTest}} {
		m := realMetrics(zero, s.keep)
		fmt.Fprintf(w, "  %-6s %6.3f  %9.3f  %8.3f  %7.3f\n", s.name, m.Top1, m.Precision, m.Coverage, m.NoneRate)
	}
	fmt.Fprintln(w, "  no-project unclassified by kind:")
	for _, k := range []string{KindOtherFeed, KindHam, KindSpam} {
		m := realMetrics(zero, func(r Result) bool { return r.Item.Mode == k })
		fmt.Fprintf(w, "    %-10s %.3f\n", k, m.NoneRate)
	}
	fmt.Fprintln(w, "\nzero-shot precision/coverage curve (assigned when the top confidence >= threshold):")
	printCurves(w, Curve(zero, isDev), Curve(zero, isTest))

	fmt.Fprintf(w, "\nlearning curve: k manual assignments per project, chosen by seed among the dev split, evaluated on the rest; mean ± sd over %d seeds\n", seeds)
	lc := LearningCurve(ctx, ds, seeds)
	for _, split := range []string{"dev", "test"} {
		fmt.Fprintf(w, "  %s (%s)\n", split, map[string]string{"dev": "the dev items not chosen: tuned on", "test": "never chosen, never tuned on"}[split])
		fmt.Fprintln(w, "  k    top-1           precision       coverage        no-project unclassified")
		for _, k := range LearningKs {
			ms := lc.Metrics[split][k]
			fmt.Fprintf(w, "  %-3d  %s   %s   %s   %s\n", k,
				meanSD(ms, func(m RealMetrics) float64 { return m.Top1 }),
				meanSD(ms, func(m RealMetrics) float64 { return m.Precision }),
				meanSD(ms, func(m RealMetrics) float64 { return m.Coverage }),
				meanSD(ms, func(m RealMetrics) float64 { return m.NoneRate }))
		}
	}
	for _, k := range []int{5, 10} {
		fmt.Fprintf(w, "\nprecision/coverage curve after %d assignments per project (mean over the seeds):\n", k)
		printCurves(w, lc.Curves["dev"][k], lc.Curves["test"][k])
	}
	printGoals(w, zero, lc.After5, "")
	if verbose {
		fmt.Fprintln(w, "\nzero-shot wrong assignments:")
		for _, r := range zero {
			if r.Decision.ProjectID != "" && r.Decision.ProjectID != r.Item.Label {
				fmt.Fprintf(w, "  %s [%s %s] label=%q got=%q conf=%.2f %q | %s\n", r.Item.Doc.ID, realSplitName(r.Item), r.Item.Mode,
					r.Item.Label, r.Decision.ProjectID, r.Decision.Confidence, r.Decision.Reason, r.Item.Doc.Title)
			}
		}
	}
}

// Learning is the outcome of the learning curve.
type Learning struct {
	// Metrics are the goals' numbers by split ("dev": the dev items that
	// were not chosen; "test") and k, one per seed.
	Metrics map[string]map[int][]RealMetrics
	// Curves are the precision/coverage curves by split and k, the mean
	// over the seeds.
	Curves map[string]map[int][]CurvePoint
	// After5 are the runs after 5 assignments per project, one per seed:
	// the goals' setting.
	After5 [][]Result
}

// LearningCurve runs the learning curve: every k of LearningKs with every
// seed.
func LearningCurve(ctx context.Context, ds *Dataset, seeds int) Learning {
	out := Learning{
		Metrics: map[string]map[int][]RealMetrics{"dev": {}, "test": {}},
		Curves:  map[string]map[int][]CurvePoint{"dev": {}, "test": {}},
	}
	eachLearningRun(ctx, ds, seeds, "k", func(k, n int, rs []Result) {
		if k == 5 {
			out.After5 = append(out.After5, rs)
		}
		for split, keep := range map[string]func(Result) bool{"dev": isDev, "test": isTest} {
			out.Metrics[split][k] = append(out.Metrics[split][k], realMetrics(rs, keep))
			c := Curve(rs, keep)
			if out.Curves[split][k] == nil {
				out.Curves[split][k] = make([]CurvePoint, len(c))
			}
			for i, p := range c {
				m := &out.Curves[split][k][i]
				m.Threshold = p.Threshold
				m.Precision += nanToZero(p.Precision) / float64(n)
				m.Coverage += p.Coverage / float64(n)
				m.NoneRate += p.NoneRate / float64(n)
			}
		}
	})
	return out
}

// eachLearningRun runs the learning curve's classifications: for every k
// of LearningKs and seed (one run at k = 0: there is nothing to choose) it
// hands f the results and the number of runs at that k. tag keeps the
// runs' profile revisions apart.
func eachLearningRun(ctx context.Context, ds *Dataset, seeds int, tag string, f func(k, runs int, rs []Result)) {
	for _, k := range LearningKs {
		n := seeds
		if k == 0 {
			n = 1
		}
		for s := 1; s <= n; s++ {
			f(k, n, RunReal(ctx, ds, pickExamples(ds, k, uint64(s)), tag+strconv.Itoa(k)+"s"+strconv.Itoa(s)))
		}
	}
}

// The goals on the real-world set.
const (
	goalZeroShotPrecision = 0.95 // at coverage >= goalZeroShotCoverage
	goalZeroShotCoverage  = 0.6
	goalNoneLeft          = 0.9
	goalLearnedTop1       = 0.90 // after 5 assignments per project
	goalLearnedPrecision  = 0.97
)

// printGoals prints the goals table: each goal with its number on dev and
// on test (after 5 assignments: the mean over the runs of after5, one per
// seed), whether the test split meets it, and the test number's 95 %
// bootstrap interval over the test documents (interval.go). Four
// decimals, so that a mean just under a goal (0.8997) does not print as
// the goal. caveat, when not empty, qualifies the header (an LLM that is
// not a model).
func printGoals(w io.Writer, zero []Result, after5 [][]Result, caveat string) {
	fmt.Fprintln(w, "\ngoals (issue 9), dev and test; met = on test"+caveat+"; the test number's 95 % interval over the test documents (bootstrap):")
	row := func(what string, dev, test float64, goal float64, detail string) {
		met := "no"
		if test >= goal {
			met = "yes"
		}
		fmt.Fprintf(w, "  %-62s goal >= %.2f   dev %.4f   test %.4f   met: %-3s %s\n", what, goal, dev, test, met, detail)
	}
	within := func(runs [][]Result, number goalNumber) string {
		lo, hi, ok := interval(runs, isTest, number)
		if !ok {
			return ""
		}
		return fmt.Sprintf("[%.3f, %.3f]", lo, hi)
	}
	best := func(c []CurvePoint) (float64, string) {
		p, maxCov := 0.0, 0.0
		for _, x := range c {
			maxCov = math.Max(maxCov, x.Coverage)
			if x.Coverage >= goalZeroShotCoverage && !math.IsNaN(x.Precision) {
				p = math.Max(p, x.Precision)
			}
		}
		if maxCov < goalZeroShotCoverage {
			return 0, fmt.Sprintf("(coverage reaches only %.3f)", maxCov)
		}
		return p, ""
	}
	dp, _ := best(Curve(zero, isDev))
	tp, detail := best(Curve(zero, isTest))
	row("zero-shot: precision at coverage >= 0.6", dp, tp, goalZeroShotPrecision, detail)
	row("zero-shot: no-project left unclassified", realMetrics(zero, isDev).NoneRate, realMetrics(zero, isTest).NoneRate, goalNoneLeft,
		within([][]Result{zero}, noneLeftNumber))
	mean := func(keep func(Result) bool, number goalNumber) float64 {
		sum := 0.0
		for _, rs := range after5 {
			sum += number(Compute(rs, keep))
		}
		return sum / float64(len(after5))
	}
	for _, g := range []struct {
		what   string
		number goalNumber
		goal   float64
	}{
		{"after 5 assignments per project: top-1 on the rest", top1Number, goalLearnedTop1},
		{"after 5 assignments per project: precision", precisionNumber, goalLearnedPrecision},
		{"after 5 assignments per project: no-project left unclassified", noneLeftNumber, goalNoneLeft},
	} {
		row(g.what, mean(isDev, g.number), mean(isTest, g.number), g.goal, within(after5, g.number))
	}
}

func nanToZero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

func meanSD(ms []RealMetrics, f func(RealMetrics) float64) string {
	var sum, sq float64
	for _, m := range ms {
		sum += f(m)
	}
	mean := sum / float64(len(ms))
	for _, m := range ms {
		sq += (f(m) - mean) * (f(m) - mean)
	}
	return fmt.Sprintf("%.3f ± %.3f", mean, math.Sqrt(sq/float64(len(ms))))
}
