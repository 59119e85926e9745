package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/workflows"
)

var devServer struct {
	once sync.Once
	srv  *testsuite.DevServer
	err  error
}

// tunedServers are dev servers started with extra dynamic config for the
// tests that ask for it (DynamicConfigEnv), one per distinct config.
var tunedServers struct {
	mu   sync.Mutex
	srvs map[string]*testsuite.DevServer
}

// Main runs the package's tests and then stops the dev servers that were
// started. Use it as the package's TestMain body.
func Main(m *testing.M) {
	code := m.Run()
	if devServer.srv != nil {
		_ = devServer.srv.Stop()
	}
	tunedServers.mu.Lock()
	for _, srv := range tunedServers.srvs {
		_ = srv.Stop()
	}
	tunedServers.mu.Unlock()
	os.Exit(code)
}

// DynamicConfigEnv, set in StartStack's env to "key=value[,key=value…]",
// runs the stack on a dev server of its own started with that dynamic config
// (e.g. limit.historyCount.suggestContinueAsNew=40, so that long-lived
// workflows continue as new within a test). The shared dev server never gets
// it: the config is server-wide and would change every other test's
// workflows. The setting itself is not passed on to the stack.
const DynamicConfigEnv = "TEST_TEMPORAL_DYNAMIC_CONFIG"

// TunedTemporalAddress returns the host:port of a dev server started with
// the dynamic config values (see DynamicConfigEnv), started on first use and
// stopped by Main. It ignores TEST_TEMPORAL_ADDRESS: a server someone else
// runs cannot be given the config.
func TunedTemporalAddress(t testing.TB, dynamicConfig string) string {
	t.Helper()
	tunedServers.mu.Lock()
	defer tunedServers.mu.Unlock()
	if srv, ok := tunedServers.srvs[dynamicConfig]; ok {
		return srv.FrontendHostPort()
	}
	var extra []string
	for _, kv := range strings.Split(dynamicConfig, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			extra = append(extra, "--dynamic-config-value", kv)
		}
	}
	srv, err := startDevServer(extra...)
	if err != nil {
		unavailable(t, "a Temporal dev server with "+dynamicConfig, "Build it with `make tools` (bin/temporal).", err)
	}
	if tunedServers.srvs == nil {
		tunedServers.srvs = map[string]*testsuite.DevServer{}
	}
	tunedServers.srvs[dynamicConfig] = srv
	return srv.FrontendHostPort()
}

// namespacePoolSize is how many fresh namespaces one test binary can use.
// Workflow ids are deterministic (the same email always maps to the same id),
// so tests sharing a namespace would see each other's runs as duplicates;
// each Stack takes a namespace no other test has used.
const namespacePoolSize = 64

var namespaces struct {
	mu   sync.Mutex
	next int
}

// FreshNamespace returns a namespace of the dev server that no other test in
// this binary has used.
func FreshNamespace(t testing.TB) string {
	t.Helper()
	if os.Getenv("TEST_TEMPORAL_ADDRESS") != "" {
		return "default"
	}
	namespaces.mu.Lock()
	defer namespaces.mu.Unlock()
	namespaces.next++
	if namespaces.next > namespacePoolSize {
		t.Fatalf("more than %d Temporal stacks in one test binary; raise namespacePoolSize", namespacePoolSize)
	}
	return fmt.Sprintf("test-%02d", namespaces.next)
}

// TemporalAddress returns the host:port of a dev server shared by the test
// binary (started on first use, in memory, on a free port, with BeSunny's
// search attributes), or TEST_TEMPORAL_ADDRESS when set.
func TemporalAddress(t testing.TB) string {
	t.Helper()
	if addr := os.Getenv("TEST_TEMPORAL_ADDRESS"); addr != "" {
		return addr
	}
	devServer.once.Do(func() { devServer.srv, devServer.err = startDevServer() })
	if devServer.err != nil {
		unavailable(t, "the Temporal dev server", "Build it with `make tools` (bin/temporal) or set TEST_TEMPORAL_ADDRESS.", devServer.err)
	}
	return devServer.srv.FrontendHostPort()
}

func startDevServer(extraArgs ...string) (*testsuite.DevServer, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(root, "bin", "temporal")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	var args []string
	for i := 1; i <= namespacePoolSize; i++ {
		args = append(args, "--namespace", fmt.Sprintf("test-%02d", i))
	}
	for name, typ := range workflows.SearchAttributes() {
		args = append(args, "--search-attribute", name+"="+typ.String())
	}
	// As make run and production: the priority-aware task matcher.
	args = append(args, "--dynamic-config-value", "matching.useNewMatcher=true")
	args = append(args, extraArgs...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  bin,
		ClientOptions: &client.Options{Logger: log.NewStructuredLogger(discardLogger())},
		LogLevel:      "error",
		ExtraArgs:     args,
		Stdout:        io.Discard,
		Stderr:        os.Stderr,
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start %s", bin), err)
	}
	return srv, nil
}
