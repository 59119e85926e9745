// Package conformancetest switches the sandbox's conformance checker on in
// tests: a recording checker per fake whose violations fail the test at
// cleanup, with the method, the JSON path and what Google's documents say.
//
//	fake := googlefake.New(googlefake.Options{Conformance: conformancetest.Checker(t)})
package conformancetest

import (
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
	return c
}
