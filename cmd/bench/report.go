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
	fmt.Fprintf(w, "drain: %d mails in %.1fs = %.1f mails/s; ceiling %.1f wf/s; ratio %.2f; push p50 %dms p99 %dms; worker rss %.0fMB\n",
		r.mails, r.drain.Seconds(), r.mailsPerSecond(), r.ceiling.perSecond(), r.ratio(),
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
