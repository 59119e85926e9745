package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/googlefake"
)

// result is everything the bench measured.
type result struct {
	mails, quota int
	corpus       corpusSummary
	ceiling      ceilingResult
	// drain is from the worker's start until the last backlog message
	// became terminal.
	drain    time.Duration
	statuses map[string]int
	// trickle are the push-to-document latencies of the live messages.
	trickle        []time.Duration
	trickleMissing int
	// idle are push-to-document latencies after the drain.
	idle      []time.Duration
	workerRSS int64
	rssScope  string
	cpu       cpuUse
	google    googlefake.Stats
	server    string
	// drainCost is counted from the drain's own runs; costs are the old and
	// the new pipeline on the same messages.
	drainCost pipelineCost
	costs     []pipelineCost
}

// pacedUnitsPerSecond is the rate the Gmail client spends the quota at: 95 %
// of it per 1.1 s window (internal/google/gmail_quota.go).
func (r *result) pacedUnitsPerSecond() float64 {
	return float64(int(0.95*float64(r.quota))) / 1.1
}

// unitsPerMessage is the Gmail quota the drain spent per message, from the
// sandbox's call counts at Gmail's prices.
func (r *result) unitsPerMessage() float64 {
	n := r.mails + len(r.trickle) + r.trickleMissing + len(r.idle)
	if n == 0 {
		return 0
	}
	units := 0
	for method, calls := range r.google.Calls {
		if strings.HasPrefix(method, "gmail.") {
			units += int(calls) * googlefake.GmailUnitCost[method]
		}
	}
	return float64(units) / float64(n)
}

// quotaBound is the most mails/s the Gmail quota allows.
func (r *result) quotaBound() float64 {
	if u := r.unitsPerMessage(); u > 0 {
		return r.pacedUnitsPerSecond() / u
	}
	return 0
}

func (r *result) mailsPerSecond() float64 {
	if r.drain <= 0 {
		return 0
	}
	return float64(r.mails) / r.drain.Seconds()
}

func (r *result) ratio() float64 {
	if c := r.ceiling.perSecond(); c > 0 {
		return r.mailsPerSecond() / c
	}
	return 0
}

// percentile is the nearest-rank percentile of d (0 when empty).
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}

func (r *result) print(w io.Writer) {
	fmt.Fprintf(w, "corpus:   %s\n", r.corpus)
	fmt.Fprintf(w, "ceiling:  %d no-op pipelines in %.1fs = %.1f wf/s (limited queue at %.1f activities/s)\n",
		r.ceiling.n, r.ceiling.elapsed.Seconds(), r.ceiling.perSecond(), r.ceiling.rate)
	printCPU(w, "ceiling", r.ceiling.cpu, r.ceiling.perSecond())
	fmt.Fprintf(w, "drain:    %d messages in %.1fs = %.1f mails/s; statuses %s\n", r.mails, r.drain.Seconds(), r.mailsPerSecond(), counts(r.statuses))
	fmt.Fprintf(w, "trickle:  %d pushed messages, push→document p50 %s p90 %s p99 %s max %s", len(r.trickle)+r.trickleMissing,
		ms(percentile(r.trickle, 50)), ms(percentile(r.trickle, 90)), ms(percentile(r.trickle, 99)), ms(percentile(r.trickle, 100)))
	if r.trickleMissing > 0 {
		fmt.Fprintf(w, "; %d without a document after 3 min", r.trickleMissing)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "idle:     %d pushed messages after the drain, push→document p50 %s p99 %s\n", len(r.idle),
		ms(percentile(r.idle, 50)), ms(percentile(r.idle, 99)))
	printCPU(w, "drain", r.cpu, r.mailsPerSecond())
	g := r.google
	fmt.Fprintf(w, "gmail:    %d messages.get, %d history.list, %d batchModify; %d calls refused for quota %s; peak %d of %d units/s; %d pushes\n",
		g.Calls["gmail.users.messages.get"], g.Calls["gmail.users.history.list"], g.Calls["gmail.users.messages.batchModify"],
		g.TotalRejected(), counts64(g.QuotaRejected), g.MaxGmailUnitsPerSecond, r.quota, g.PushesSent)
	fmt.Fprintf(w, "memory:   peak RSS %.0f MB of %s\n", mb(r.workerRSS), r.rssScope)
	fmt.Fprintf(w, "quota:    %.2f units per message ÷ %.1f paced units/s = %.1f mails/s bound\n", r.unitsPerMessage(), r.pacedUnitsPerSecond(), r.quotaBound())
	fmt.Fprintf(w, "cost:     %s\n", r.drainCost)
	for _, c := range r.costs {
		fmt.Fprintf(w, "cost:     %s\n", c)
	}
	if len(r.costs) == 2 && r.costs[0].runs > 0 && r.costs[1].runs > 0 {
		o, n := r.costs[0], r.costs[1]
		fmt.Fprintf(w, "cost:     new ÷ old: events %.2f, workflow tasks %.2f, activity tasks %.2f, visibility writes %.2f, server CPU %.2f\n",
			n.per(n.events)/o.per(o.events), n.per(n.workflowTasks)/o.per(o.workflowTasks), ratioOf(n.per(n.activityTasks), o.per(o.activityTasks)),
			n.per(n.visWrites)/o.per(o.visWrites), ratioOf(n.cpuPerMail(), o.cpuPerMail()))
	}
	fmt.Fprintf(w, "drain: %d mails in %.1fs = %.1f mails/s (%s server); ceiling %.1f wf/s, ratio %.2f; quota bound %.1f mails/s, ratio %.2f; push p50 %dms p99 %dms; worker rss %.0fMB\n",
		r.mails, r.drain.Seconds(), r.mailsPerSecond(), r.server, r.ceiling.perSecond(), r.ratio(), r.quotaBound(), ratioOf(r.mailsPerSecond(), r.quotaBound()),
		percentile(r.trickle, 50).Milliseconds(), percentile(r.trickle, 99).Milliseconds(), mb(r.workerRSS))
}

// printCPU shows where the CPU went during a phase, in cores: the
// machine as a whole, each process group, and what the rest of the machine
// (other users of this shared machine) used; and the Temporal server's CPU
// per pipeline, which compares the two phases' load on Temporal.
func printCPU(w io.Writer, phase string, u cpuUse, perSecond float64) {
	if u.wall <= 0 {
		return
	}
	names := make([]string, 0, len(u.cores))
	ours := 0.0
	for n, c := range u.cores {
		names = append(names, n)
		ours += c
	}
	sort.Strings(names)
	fmt.Fprintf(w, "cpu:      %s: machine %.2f of %d cores busy:", phase, u.machine, u.ncpu)
	for _, n := range names {
		fmt.Fprintf(w, " %s %.2f,", n, u.cores[n])
	}
	fmt.Fprintf(w, " everything else %.2f", max(u.machine-ours, 0))
	if perSecond > 0 {
		fmt.Fprintf(w, "; Temporal server %.0f ms CPU per message", u.cores["temporal"]/perSecond*1000)
	}
	fmt.Fprintln(w)
}

func ratioOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func ms(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }
func mb(b int64) float64        { return float64(b) / (1 << 20) }

func counts(m map[string]int) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func counts64(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	c := make(map[string]int, len(m))
	for k, v := range m {
		c[strings.TrimPrefix(k, "gmail.users.")] = int(v)
	}
	return "(" + counts(c) + ")"
}
