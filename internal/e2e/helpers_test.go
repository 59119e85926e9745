package e2e

import (
	"testing"
	"time"
)

// waitFor polls cond until it holds, for state that becomes true eventually
// (Temporal visibility is updated asynchronously).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitForWithin(t, what, 30*time.Second, cond)
}

// waitForWithin is waitFor with a deadline sized to the work: a batch of
// messages gets more time on a busy shared machine than one message does.
func waitForWithin(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
