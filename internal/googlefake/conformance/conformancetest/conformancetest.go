// Package conformancetest switches the sandbox's conformance checker on in
// tests: a recording checker per fake whose violations fail the test at
// cleanup, with the method, the JSON path and what Google's documents say.
//
//	fake := googlefake.New(googlefake.Options{Conformance: conformancetest.Checker(t)})
package conformancetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/besunny/workflows/internal/googlefake/conformance"
)

// installed is the Spec of the module cache, read once per test binary:
// the documents are immutable files of one module version, so every test
// may share the parsed result (about 30 ms to read).
var installed = sync.OnceValues(conformance.LoadInstalled)

// Spec returns the discovery documents of the google.golang.org/api
// version in go.mod, failing t when they cannot be read.
func Spec(t testing.TB) *conformance.Spec {
	t.Helper()
	spec, err := installed()
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	return spec
}

// Checker returns a recording checker that fails t at cleanup when
// anything the fake served or sent broke Google's documented contract.
// Call it before starting the servers it will watch, so its report runs
// after they stopped.
func Checker(t testing.TB) *conformance.Checker {
	t.Helper()
	c := conformance.New(Spec(t), conformance.ModeRecord, nil)
	c.ReportTo(t)
	t.Cleanup(func() { t.Logf("conformance: checked %s", summary(c.Calls())) })
	return c
}

// summary renders call counts as "12 calls: gmail.users.messages.get ×8, …".
func summary(calls map[string]int) string {
	ids := make([]string, 0, len(calls))
	total := 0
	for id, n := range calls {
		ids = append(ids, id)
		total += n
	}
	slices.Sort(ids)
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("%s ×%d", id, calls[id]))
	}
	return fmt.Sprintf("%d calls: %s", total, strings.Join(parts, ", "))
}
