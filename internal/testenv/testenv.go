// Package testenv gives integration tests real services: a fresh PostgreSQL
// database per test and a Temporal dev server (from bin/temporal) per test
// binary. When the environment variable CI is set, a missing service fails
// the test; locally the test is skipped with instructions to start it.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// InCI reports whether tests run under CI, where every service must exist.
func InCI() bool { return os.Getenv("CI") != "" }

// unavailable fails (CI) or skips (local) a test whose service is missing.
func unavailable(t testing.TB, what, howTo string, err error) {
	t.Helper()
	msg := fmt.Sprintf("%s is not available: %v\n%s", what, err, howTo)
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// RepoRoot is the directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}
