package testenv

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Logger returns a logger for services under test: silent unless
// TEST_VERBOSE is set, so failures are not buried in noise.
func Logger(t testing.TB) *slog.Logger {
	if os.Getenv("TEST_VERBOSE") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return discardLogger()
}
