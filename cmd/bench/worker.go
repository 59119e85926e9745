package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/workerapp"
)

// worker is the running BeSunny worker: every workflow and activity,
// including the rate-limited gmail task queue. Starting it starts the
// mailbox workflow and triggers the watch renewal, as in production.
type worker struct {
	// pid is the process hosting the worker (this one in-process).
	pid    int
	stop   func() error
	exited <-chan error
}

// buildWorker builds cmd/worker, the production binary, into dir.
func buildWorker(root, dir string) (string, error) {
	bin := filepath.Join(dir, "besunny-worker")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/worker")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/worker: %v\n%s", err, out)
	}
	return bin, nil
}

// startWorkerProcess runs the worker binary with e as its whole environment
// (in logDir, so no .env is picked up), logging to logDir/worker.log.
func startWorkerProcess(bin, logDir string, e env) (*worker, error) {
	logFile, err := os.Create(filepath.Join(logDir, "worker.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(e.list(), "PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"))
	cmd.Dir = logDir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so Ctrl-C reaches only the bench, which stops
	// it in order; and killed with the bench if the bench dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logFile.Close() }()
	w := &worker{pid: cmd.Process.Pid, exited: exited}
	w.stop = func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			return err
		case <-time.After(45 * time.Second):
			_ = cmd.Process.Kill()
			return fmt.Errorf("the worker did not stop within 45s; killed")
		}
	}
	return w, nil
}

// startWorkerInProcess runs the worker in this process, with its own
// database pool and Temporal client like the binary, so a CPU profile of
// the bench shows it.
func startWorkerInProcess(ctx context.Context, cfg config.Config, logger *slog.Logger) (*worker, error) {
	base, err := app.Open(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	exited := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		err := workerapp.Run(ctx, workerapp.Deps{Config: cfg, Logger: logger, Store: base.Store, Temporal: base.Temporal, Metrics: base.Metrics})
		done <- err
		exited <- err
	}()
	return &worker{pid: os.Getpid(), exited: exited, stop: func() error {
		cancel()
		err := <-done
		base.Close()
		return err
	}}, nil
}
