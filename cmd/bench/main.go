// Command bench measures how fast BeSunny drains a Gmail backlog end to end,
// how quickly a pushed message becomes a document meanwhile, and how close
// that comes to what Temporal alone allows (`make bench`).
//
// It starts everything it needs and removes it afterwards: a Temporal dev
// server per phase (bin/temporal, in memory, free ports), a fresh PostgreSQL
// database, the sandbox Google (in-process, Gmail quota enforced), the real
// API (in-process) and the real worker (the cmd/worker binary as a child
// process, so its memory is its own; -worker inprocess hosts it here for
// profiling).
//
// The run, in order:
//
//  1. ceiling: a no-op workflow shaped like the pipeline (a parent starting N
//     children with the same in-flight bound; each child the same regular
//     activities on a queue with the same rate limit, the same local
//     activities, search-attribute upserts and grandchild) → wf/s;
//  2. drain: N messages are loaded into the sandbox mailbox while nobody
//     watches it, the worker starts (and with it the mailbox workflow), and
//     the clock runs until N inbound_emails are terminal; meanwhile a trickle
//     of messages is delivered (each one pushed to the webhook) and timed
//     from delivery to its document row.
//
// The last line of output is the summary documented in BENCHMARKS.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// options are the command line; every field has a default that is the
// documented benchmark.
type options struct {
	mails        int
	quota        int
	inFlight     int
	trickleEvery time.Duration
	trickleMax   int
	worker       string
	ceiling      bool
	matcher      bool
	cpuProfile   string
	memProfile   string
	keepLogs     bool
	// server is memory (the in-memory dev server) or file (BENCH_SERVER=file:
	// the file-backed one, as make run starts it).
	server string
}

func parseOptions() options {
	var o options
	mails := 10000
	if v := os.Getenv("BENCH_MAILS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: BENCH_MAILS=%q is not a positive number\n", v)
			os.Exit(2)
		}
		mails = n
	}
	flag.IntVar(&o.mails, "mails", mails, "messages in the backlog (default BENCH_MAILS or 10000)")
	flag.IntVar(&o.quota, "quota", 250, "Gmail quota of the sandbox mailbox, units per second (GMAIL_QUOTA_UNITS_PER_SECOND)")
	flag.IntVar(&o.inFlight, "in-flight", 20, "GMAIL_MAX_IN_FLIGHT of the mailbox workflow (and the ceiling's parent)")
	flag.DurationVar(&o.trickleEvery, "trickle-every", 2*time.Second, "deliver one pushed message this often while draining (0: no trickle)")
	flag.IntVar(&o.trickleMax, "trickle", 0, "stop the trickle after this many messages (0: trickle until the backlog is drained)")
	flag.StringVar(&o.worker, "worker", "process", "process: run the cmd/worker binary as a child (its own RSS); inprocess: host the worker here (for -cpuprofile)")
	flag.BoolVar(&o.ceiling, "ceiling", true, "measure the Temporal ceiling (false: report 0 and skip it)")
	flag.BoolVar(&o.matcher, "priority-matcher", true, "run the dev servers with the priority-aware task matcher (matching.useNewMatcher), which honours the priority of pushed mail")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of this process during the drain")
	flag.StringVar(&o.memProfile, "memprofile", "", "write a heap profile of this process after the drain")
	flag.BoolVar(&o.keepLogs, "keep-logs", false, "keep the log directory (Temporal, worker) after a successful run")
	server := "memory"
	if v := os.Getenv("BENCH_SERVER"); v != "" {
		server = v
	}
	flag.StringVar(&o.server, "server", server, "memory: drain on an in-memory dev server; file: on a file-backed one configured as make run starts it; file-default-pragmas: file-backed with SQLite's default journal (default BENCH_SERVER or memory)")
	flag.Parse()
	if o.server != "memory" && o.server != "file" && o.server != "file-default-pragmas" {
		fmt.Fprintln(os.Stderr, "bench: -server (BENCH_SERVER) is memory, file or file-default-pragmas")
		os.Exit(2)
	}
	if o.worker != "process" && o.worker != "inprocess" {
		fmt.Fprintln(os.Stderr, "bench: -worker is process or inprocess")
		os.Exit(2)
	}
	return o
}

func main() {
	o := parseOptions()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	res.print(os.Stdout)
}
