// Package e2e holds integration tests that run the whole back end — API,
// worker, PostgreSQL and a Temporal dev server — and talk to it over HTTP.
package e2e

import (
	"testing"

	"github.com/besunny/workflows/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
