package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/workflows"
)

// startTemporal starts bin/temporal's dev server: in memory unless
// extraArgs name a file (nothing is left behind), on a free port, headless, with BeSunny's search attributes on the
// default namespace. Its output goes to logPath.
//
// matcher turns on the priority-aware task matcher (off by default in
// server 1.29): MailboxWorkflow starts pushed mail that arrives during a
// backlog at priority 1, and only that matcher lets its tasks pass the
// backlog's queued ones. Both phases run with the same setting.
func startTemporal(ctx context.Context, root, logPath string, matcher bool, extraArgs ...string) (*testsuite.DevServer, error) {
	bin := filepath.Join(root, "bin", "temporal")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s is missing: run `make tools` (the first build takes about 6 minutes)", bin)
	}
	var args []string
	for name, typ := range workflows.SearchAttributes() {
		args = append(args, "--search-attribute", name+"="+typ.String())
	}
	if matcher {
		args = append(args, "--dynamic-config-value", "matching.useNewMatcher=true")
	}
	args = append(args, extraArgs...)
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	srv, err := testsuite.StartDevServer(startCtx, testsuite.DevServerOptions{
		ExistingPath: bin,
		ClientOptions: &client.Options{
			Namespace: "default",
			Logger:    log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		},
		LogLevel:  "warn",
		ExtraArgs: args,
		Stdout:    logFile,
		Stderr:    logFile,
	})
	if err != nil {
		logFile.Close()
		return nil, errors.Join(fmt.Errorf("start %s (log: %s)", bin, logFile.Name()), err)
	}
	return srv, nil
}
