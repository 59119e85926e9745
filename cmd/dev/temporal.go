package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/temporalclient"
	"github.com/besunny/workflows/workflows"
)

// temporalServer is the Temporal the stack uses; stop is nil when it was
// already running (and is left running).
type temporalServer struct {
	uiURL   string
	started bool
	stop    func()
}

// ensureTemporal reuses a Temporal that answers on TEMPORAL_ADDRESS, or starts
// bin/temporal's dev server there with its state in .data/temporal.db, so
// workflow history survives restarts of `make run`.
func ensureTemporal(ctx context.Context, cfg config.Config, logger *slog.Logger) (temporalServer, error) {
	addr := cfg.Temporal.Address
	if answers(addr) {
		logger.Info("using the Temporal server that answers", "address", addr)
		return temporalServer{uiURL: cfg.Temporal.UIURL}, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return temporalServer{}, fmt.Errorf("TEMPORAL_ADDRESS=%q: %w", addr, err)
	}
	if !isLocal(host) {
		return temporalServer{}, fmt.Errorf("Temporal at %s does not answer; it is not local, so make run will not start one there", addr)
	}
	bin, err := filepath.Abs(filepath.Join("bin", "temporal"))
	if err != nil {
		return temporalServer{}, err
	}
	if _, err := os.Stat(bin); err != nil {
		return temporalServer{}, fmt.Errorf("%s is missing: run `make tools` (the first build takes about 6 minutes)", bin)
	}
	args := []string{"server", "start-dev",
		"--ip", host, "--port", port,
		"--ui-port", uiPort(cfg.Temporal.UIURL),
		"--namespace", cfg.Temporal.Namespace,
		"--log-level", "warn",
		// The priority-aware matcher lets mail pushed during a backlog
		// (started at priority 1) pass the backlog's tasks; production
		// Temporal needs the same dynamic config.
		"--dynamic-config-value", "matching.useNewMatcher=true",
	}
	args = append(args, temporalclient.DevServerFileArgs(dataPath("temporal.db"))...)
	for name, typ := range workflows.SearchAttributes() {
		args = append(args, "--search-attribute", name+"="+typ.String())
	}
	logFile, err := logTo("temporal.log")
	if err != nil {
		return temporalServer{}, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group: Ctrl-C in the terminal reaches only make run,
	// which then stops the server in order, after the worker.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return temporalServer{}, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logFile.Close() }()
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	logger.Info("starting the Temporal dev server", "address", addr, "log", dataPath("temporal.log"))
	deadline := time.Now().Add(60 * time.Second)
	for !answers(addr) {
		select {
		case err := <-exited:
			return temporalServer{}, fmt.Errorf("the Temporal dev server exited (%v); see %s", err, dataPath("temporal.log"))
		case <-ctx.Done():
			stop()
			return temporalServer{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return temporalServer{}, errors.New("the Temporal dev server did not answer within 60s; see " + dataPath("temporal.log"))
		}
	}
	return temporalServer{uiURL: cfg.Temporal.UIURL, started: true, stop: stop}, nil
}

func answers(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func isLocal(host string) bool {
	if host == "" || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// uiPort takes the port of TEMPORAL_UI_URL (default 8233).
func uiPort(uiURL string) string {
	u, err := url.Parse(uiURL)
	if err != nil || u.Port() == "" {
		return "8233"
	}
	return u.Port()
}
