package temporalclient_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/temporalclient"
	"github.com/besunny/workflows/internal/testenv"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startFileServer starts bin/temporal's dev server on the file as make run
// does and returns a client and the process.
func startFileServer(t *testing.T, bin, dbPath string, port int) (client.Client, *exec.Cmd) {
	t.Helper()
	args := append([]string{"server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(port), "--headless",
		"--http-port", strconv.Itoa(freePort(t)), "--metrics-port", strconv.Itoa(freePort(t)), "--log-level", "error"},
		temporalclient.DevServerFileArgs(dbPath)...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := client.Dial(client.Options{HostPort: "127.0.0.1:" + strconv.Itoa(port)})
		if err == nil {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			cancel()
			if err == nil {
				t.Cleanup(c.Close)
				return c, cmd
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dev server on %s did not answer: %v", dbPath, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// make run's dev server keeps its state across a crash of the server
// process with the WAL journal and synchronous=NORMAL: a workflow started
// before a SIGKILL is there after the restart.
func TestDevServerFileArgs_StateSurvivesAKilledServer(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "bin", "temporal")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make tools`", bin)
	}
	dbPath := filepath.Join(t.TempDir(), "temporal.db")
	port := freePort(t)
	c, cmd := startFileServer(t, bin, dbPath, port)
	run, err := c.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: "survives-a-kill", TaskQueue: "nobody-polls-this"}, "AnyWorkflow")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dbPath + "-wal"); err != nil {
		t.Fatalf("no WAL next to the database: %v", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	c.Close()

	c2, _ := startFileServer(t, bin, dbPath, port)
	desc, err := c2.DescribeWorkflow(t.Context(), "survives-a-kill", run.GetRunID())
	if err != nil {
		t.Fatalf("the workflow started before the kill: %v", err)
	}
	if st := desc.RawResponse.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("status after the restart = %s", st)
	}
}
