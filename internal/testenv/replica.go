package testenv

import (
	"context"
	"net"
	"testing"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/app"
	"github.com/besunny/workflows/internal/metrics"
)

// StartAPIReplica starts one more API server on the stack's database and
// Temporal namespace — a second replica, with its own metrics and its own
// live listener — and returns its base URL. It stops when the test ends.
func (s *Stack) StartAPIReplica(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := &app.Base{Config: s.Config, Logger: s.Base.Logger, Metrics: metrics.New(), Store: s.Base.Store, Temporal: s.Base.Temporal}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, base, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("API replica stopped with error: %v", err)
		}
	})
	url := "http://" + ln.Addr().String()
	waitHTTP(t, url+"/readyz")
	return url
}
