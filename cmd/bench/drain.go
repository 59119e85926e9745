package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// stackParts is what the drain needs from the set-up.
type stackParts struct {
	root, logDir string
	env          env
	cfg          config.Config
	logger       *slog.Logger
	fake         *googlefake.Server
	store        *store.Store
	corpus       *corpus
	backlog      *backlog
	temporal     client.Client
}

// drainTimeout bounds a drain that makes no progress (a stuck pipeline
// must fail the bench, not hang it).
const drainTimeout = 3 * time.Minute

// idlePushes are delivered after the drain, one a second, to time a push
// with no backlog ahead of it.
const idlePushes = 10

// drain starts the worker — which starts the mailbox workflow on the
// backlog — and measures until every backlog message has a terminal status,
// with the trickle running meanwhile.
func drain(ctx context.Context, o options, res *result, p stackParts) (err error) {
	var bin string
	if o.worker == "process" {
		if bin, err = buildWorker(p.root, p.logDir); err != nil {
			return err
		}
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}

	say("drain: starting the worker (%s); it starts the mailbox workflow", o.worker)
	start := time.Now()
	var w *worker
	if o.worker == "process" {
		w, err = startWorkerProcess(bin, p.logDir, p.env)
	} else {
		w, err = startWorkerInProcess(ctx, p.cfg, p.logger)
	}
	if err != nil {
		return err
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = w.stop()
		}
	}()
	groups := func() map[string][]int {
		g := map[string][]int{
			"temporal": processes("temporal", os.Getpid()),
			"postgres": postgresProcesses(ctx, p.store),
			"bench":    {os.Getpid()},
		}
		if w.pid != os.Getpid() {
			g["worker"] = []int{w.pid}
		}
		return g
	}
	before := sampleCPU(groups)
	tr := startTrickle(o, p.fake, p.corpus)

	done, err := waitDrained(ctx, p.store, o.mails, tr, w)
	sent := tr.finish()
	if err != nil {
		return err
	}
	res.cpu = before.until(sampleCPU(groups), runtime.NumCPU())
	res.drain = done.Sub(start)
	if res.statuses, err = backlogStatuses(ctx, p.store, sent); err != nil {
		return err
	}
	say("drain: %d messages terminal after %.1fs; timing the %d trickle messages", o.mails, res.drain.Seconds(), len(sent))
	if res.trickle, res.trickleMissing, err = latencies(ctx, p.store, sent, 3*time.Minute); err != nil {
		return err
	}

	// The same path with nothing ahead of it: what a push costs on its own.
	idle := startTrickle(options{trickleEvery: time.Second, trickleMax: idlePushes}, p.fake, p.corpus)
	if res.idle, _, err = latencies(ctx, p.store, idle.wait(), time.Minute); err != nil {
		return err
	}

	// The drain's Gmail calls and the worker's peak memory, before the
	// comparison runs its own messages (100 in flight).
	res.google = p.fake.Stats()
	if res.workerRSS, err = peakRSS(w.pid); err != nil {
		return err
	}

	// What a message costs Temporal: the drain's runs from their
	// histories, then the old and the new pipeline side by side.
	drained := pipelineCost{name: "drain"}
	sample := make([]string, 0, costHistories)
	for _, id := range p.backlog.ids[:min(costHistories, len(p.backlog.ids))] {
		sample = append(sample, workflows.EmailWorkflowID(id, 1))
	}
	if err := countHistories(ctx, p.temporal, sample, &drained); err != nil {
		return err
	}
	res.drainCost = drained
	if res.costs, err = comparePipelines(ctx, p.temporal, p.fake, p.corpus, costInFlight, p.cfg.Temporal.TaskQueue, p.cfg.Gmail.FetchDeadline); err != nil {
		return err
	}

	res.rssScope = "the worker process (cmd/worker)"
	if w.pid == os.Getpid() {
		res.rssScope = "the whole bench process (worker in-process, with the API and the sandbox Google holding the mailbox)"
	}
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return err
		}
	}
	stopped = true
	if err := w.stop(); err != nil {
		say("worker stopped with: %v", err)
	}
	return nil
}

// waitDrained polls the database until n messages (the trickle's excluded)
// are terminal, and returns when the last of them became terminal (its
// processed_at), which is more precise than the polling.
func waitDrained(ctx context.Context, st *store.Store, n int, tr *trickle, w *worker) (time.Time, error) {
	const q = `SELECT count(*), max(processed_at) FROM inbound_emails
		WHERE status <> 'pending' AND message_key <> ALL($1)`
	last, lastAt, lastReport := 0, time.Now(), time.Now()
	for {
		var terminal int
		var newest *time.Time
		if err := st.Pool.QueryRow(ctx, q, tr.ids()).Scan(&terminal, &newest); err != nil {
			return time.Time{}, fmt.Errorf("count terminal messages: %w", err)
		}
		if terminal >= n {
			return *newest, nil
		}
		now := time.Now()
		if terminal > last {
			last, lastAt = terminal, now
		}
		if now.Sub(lastAt) > drainTimeout {
			return time.Time{}, fmt.Errorf("no message became terminal for %s (%d of %d are)", drainTimeout, terminal, n)
		}
		if now.Sub(lastReport) >= 15*time.Second {
			say("drain: %d of %d terminal", terminal, n)
			lastReport = now
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case err := <-w.exited:
			return time.Time{}, fmt.Errorf("the worker exited during the drain: %v", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// backlogStatuses counts the backlog's terminal statuses (all should be
// processed; anything else is reported).
func backlogStatuses(ctx context.Context, st *store.Store, trickle []delivery) (map[string]int, error) {
	ids := make([]string, len(trickle))
	for i, d := range trickle {
		ids[i] = d.id
	}
	rows, err := st.Pool.Query(ctx, `SELECT status, count(*) FROM inbound_emails WHERE message_key <> ALL($1) GROUP BY status`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// postgresProcesses are the server processes working for the bench: the
// connections to its database and the shared background processes (WAL
// writer, checkpointer…), not other databases' connections.
func postgresProcesses(ctx context.Context, st *store.Store) []int {
	rows, err := st.Pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR datname IS NULL`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			out = append(out, pid)
		}
	}
	return out
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}
