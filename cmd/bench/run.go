package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/temporalclient"
	"github.com/besunny/workflows/internal/testenv"
)

// mailbox is the sandbox's inbound mailbox, and demoAddress the virtual
// address every backlog message is sent to.
const (
	mailbox     = "ai@besunny.ai"
	demoAddress = "ai+demo@besunny.ai"
)

// run sets everything up, measures, and tears everything down again (also
// on failure or Ctrl-C): the database is dropped, the processes stopped.
func run(ctx context.Context, o options) (*result, error) {
	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()
	root, err := testenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	logDir, err := os.MkdirTemp("", "besunny-bench-")
	if err != nil {
		return nil, err
	}
	ok := false
	cleanups = append(cleanups, func() {
		if ok && !o.keepLogs {
			_ = os.RemoveAll(logDir)
			return
		}
		say("logs kept in %s", logDir)
	})
	logger, closeLog, err := fileLogger(filepath.Join(logDir, "stack.log"))
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, closeLog)

	db, err := createDatabase(ctx)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, db.drop)
	say("database %s created and migrated", db.name)
	st, err := store.Open(ctx, db.url, 10*time.Second)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, st.Close)
	if err := seedDemo(ctx, st); err != nil {
		return nil, err
	}

	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	apiURL := "http://" + apiLn.Addr().String()
	fake, fakeURL, stopFake, err := startGoogle(o.quota, apiURL, logger)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, stopFake)
	corpus, err := newCorpus(root)
	if err != nil {
		return nil, err
	}
	backlog, err := loadBacklog(ctx, fake, st, corpus, o.mails)
	if err != nil {
		return nil, err
	}
	res := &result{mails: o.mails, quota: o.quota, corpus: backlog.summary, server: o.server}

	// Each phase gets a fresh dev server: its in-memory SQLite gets slower
	// as it fills (a drain after the ceiling on the same server costs
	// Temporal half as much CPU again per message), and neither phase should
	// pay for the other's leftovers.
	if o.ceiling {
		say("ceiling: %d no-op pipelines shaped like the mail pipeline", o.mails)
		if res.ceiling, err = ceilingPhase(ctx, o, root, logDir, backlog.shapes); err != nil {
			return nil, fmt.Errorf("ceiling: %w", err)
		}
		say("ceiling: %.1f wf/s", res.ceiling.perSecond())
	}

	say("starting a fresh Temporal dev server for the drain (%s)", o.server)
	var extra []string
	switch o.server {
	case "file":
		// As make run starts it (cmd/dev): state in a SQLite file.
		extra = temporalclient.DevServerFileArgs(filepath.Join(logDir, "temporal.db"))
	case "file-default-pragmas":
		// Before the WAL pragmas: the file with SQLite's defaults.
		extra = []string{"--db-filename", filepath.Join(logDir, "temporal.db")}
	}
	tsrv, err := startTemporal(ctx, root, filepath.Join(logDir, "temporal-drain.log"), o.matcher, extra...)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { _ = tsrv.Stop() })
	env := stackEnv(o, db.url, tsrv.FrontendHostPort(), apiURL, fakeURL)
	cfg, err := config.FromLookup(env.lookup)
	if err != nil {
		return nil, err
	}
	base, err := app.Open(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, base.Close)
	stopAPI, err := serveAPI(ctx, base, apiLn, apiURL)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, stopAPI)

	if err := drain(ctx, o, res, stackParts{
		root: root, logDir: logDir, env: env, cfg: cfg, logger: logger,
		fake: fake, store: st, corpus: corpus, backlog: backlog, temporal: base.Temporal,
	}); err != nil {
		return nil, err
	}
	ok = true
	return res, nil
}

// ceilingPhase runs the ceiling on a dev server of its own.
func ceilingPhase(ctx context.Context, o options, root, logDir string, shapes []int) (ceilingResult, error) {
	tsrv, err := startTemporal(ctx, root, filepath.Join(logDir, "temporal-ceiling.log"), o.matcher)
	if err != nil {
		return ceilingResult{}, err
	}
	defer func() { _ = tsrv.Stop() }()
	return runCeiling(ctx, tsrv.Client(), o, shapes)
}

// say prints progress on stderr; stdout carries only the results.
func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// fileLogger sends the in-process services' logs to a file: at info level
// they would drown the progress lines.
func fileLogger(path string) (*slog.Logger, func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})), func() { f.Close() }, nil
}
