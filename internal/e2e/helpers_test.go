package e2e

import (
	"testing"
	"time"
)

// waitFor polls cond until it holds, for state that becomes true eventually
// (Temporal visibility is updated asynchronously).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
