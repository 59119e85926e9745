package api_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// Short timeouts so the tests see them fire: read 300 ms, per-request
// 400 ms, write 600 ms, idle 300 ms.
var shortTimeouts = map[string]string{
	"HTTP_READ_TIMEOUT": "300ms", "HTTP_TIMEOUT": "400ms", "HTTP_WRITE_TIMEOUT": "600ms", "HTTP_IDLE_TIMEOUT": "300ms",
}

// closedWithin reports whether the server closes conn within d.
func closedWithin(conn net.Conn, d time.Duration) bool {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

func TestServer_SlowRequestBodyIsCutOffByTheReadTimeout(t *testing.T) {
	h := newAPIHarness(t, shortTimeouts)
	_, bearer := h.user()
	conn, err := net.Dial("tcp", h.serve())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promise 100 bytes of body; only a few ever come.
	fmt.Fprintf(conn, "POST /api/v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na", bearer)
	if !closedWithin(conn, 3*time.Second) {
		t.Fatal("a request whose body never arrives holds its connection past the read timeout")
	}
}

func TestServer_IdleKeepAliveConnectionIsClosed(t *testing.T) {
	h := newAPIHarness(t, shortTimeouts)
	conn, err := net.Dial("tcp", h.serve())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if !closedWithin(conn, 3*time.Second) {
		t.Fatal("an idle keep-alive connection stays open past the idle timeout")
	}
}

// slowStream writes a line every 100 ms for 1.2 s (longer than every
// timeout) and records whether the request's context ended early.
func slowStream(cancelled *atomic.Bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, "text/event-stream")
		c.Response().WriteHeader(http.StatusOK)
		for i := range 12 {
			if _, err := fmt.Fprintf(c.Response(), "data: %d\n\n", i); err != nil {
				return nil
			}
			c.Response().Flush()
			time.Sleep(100 * time.Millisecond)
		}
		cancelled.Store(c.Request().Context().Err() != nil)
		return nil
	}
}

func TestServer_WriteTimeoutEndsSlowResponsesButNotStreamingRoutes(t *testing.T) {
	h := newAPIHarness(t, shortTimeouts)
	var streamCancelled, plainCancelled atomic.Bool
	// Routes the API will serve later (SSE, WebSocket) and an ordinary one.
	h.e.GET("/api/v1/events/test-stream", slowStream(&streamCancelled))
	h.e.GET("/api/v1/ws/test-stream", slowStream(&streamCancelled))
	h.e.GET("/api/v1/test-slow", slowStream(&plainCancelled))
	addr := h.serve()

	read := func(path string) (lines int, err error) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		req.Header.Set("Authorization", "Bearer "+h.service)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return strings.Count(string(body), "data: "), err
	}
	for _, path := range []string{"/api/v1/events/test-stream", "/api/v1/ws/test-stream"} {
		if n, err := read(path); err != nil || n != 12 {
			t.Fatalf("%s: %d of 12 events, %v: a streaming route is cut by the server's timeouts", path, n, err)
		}
		if streamCancelled.Load() {
			t.Fatalf("%s: the request context ended while streaming", path)
		}
	}
	if n, err := read("/api/v1/test-slow"); err == nil && n == 12 {
		t.Fatal("an ordinary route wrote for 1.2 s past the 600 ms write timeout")
	}
}
