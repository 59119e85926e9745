package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgServer is the PostgreSQL the stack uses; stop is set only for a private
// cluster this process started.
type pgServer struct {
	stop func()
}

// ensurePostgres makes sure the server of DATABASE_URL answers and its
// database exists. When nothing answers on a local address but PostgreSQL is
// installed, it initialises (once) and starts a private cluster under
// .data/postgres on that port.
func ensurePostgres(ctx context.Context, databaseURL string, logger *slog.Logger) (pgServer, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return pgServer{}, fmt.Errorf("DATABASE_URL: %w", err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"

	var srv pgServer
	if err := ping(ctx, admin.String()); err != nil {
		host, port := u.Hostname(), u.Port()
		if port == "" {
			port = "5432"
		}
		if !isLocal(host) {
			return srv, fmt.Errorf("PostgreSQL at %s does not answer (%w); start it or set DATABASE_URL", u.Host, err)
		}
		logger.Info("no PostgreSQL answers; starting a private cluster", "dir", dataPath("postgres"), "port", port)
		if srv, err = startPrivateCluster(port); err != nil {
			return srv, fmt.Errorf("PostgreSQL at %s does not answer, and a private cluster could not start: %w", u.Host, err)
		}
		if err := waitFor(ctx, 30*time.Second, func() error { return ping(ctx, admin.String()) }); err != nil {
			srv.stop()
			return pgServer{}, fmt.Errorf("the private PostgreSQL cluster does not answer: %w (see %s)", err, dataPath("postgres.log"))
		}
	}
	if err := createDatabase(ctx, admin.String(), dbName); err != nil {
		if srv.stop != nil {
			srv.stop()
		}
		return pgServer{}, err
	}
	return srv, nil
}

func ping(ctx context.Context, dsn string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

func createDatabase(ctx context.Context, adminDSN, name string) error {
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// startPrivateCluster runs initdb (first time) and pg_ctl start. PostgreSQL
// refuses to run as root, so as root it runs as the postgres system user.
func startPrivateCluster(port string) (pgServer, error) {
	bindir, err := postgresBinDir()
	if err != nil {
		return pgServer{}, err
	}
	dir, err := filepath.Abs(dataPath("postgres"))
	if err != nil {
		return pgServer{}, err
	}
	logFile, _ := filepath.Abs(dataPath("postgres.log"))
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return pgServer{}, err
		}
		if os.Geteuid() == 0 {
			if err := chownToPostgres(dir, logFile); err != nil {
				return pgServer{}, err
			}
		}
		if out, err := pgCommand(bindir, "initdb", "-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8").CombinedOutput(); err != nil {
			return pgServer{}, fmt.Errorf("initdb: %w: %s", err, out)
		}
	}
	opts := fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1", port, dir)
	if out, err := pgCommand(bindir, "pg_ctl", "-D", dir, "-l", logFile, "-o", opts, "-w", "start").CombinedOutput(); err != nil {
		return pgServer{}, fmt.Errorf("pg_ctl start: %w: %s", err, out)
	}
	stop := func() {
		_ = pgCommand(bindir, "pg_ctl", "-D", dir, "-m", "fast", "-w", "stop").Run()
	}
	return pgServer{stop: stop}, nil
}

// pgCommand runs a PostgreSQL program, as the postgres user when we are root.
func pgCommand(bindir, name string, args ...string) *exec.Cmd {
	bin := filepath.Join(bindir, name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

func chownToPostgres(paths ...string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the postgres system user: %w", err)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			f.Close()
		}
		if out, err := exec.Command("chown", u.Username, p).CombinedOutput(); err != nil {
			return fmt.Errorf("chown %s: %w: %s", p, err, out)
		}
	}
	return nil
}

// postgresBinDir finds initdb and pg_ctl: from pg_config, or Debian's layout.
func postgresBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", errors.New("PostgreSQL is not installed (no initdb found): install it or set DATABASE_URL")
}

func waitFor(ctx context.Context, d time.Duration, check func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
