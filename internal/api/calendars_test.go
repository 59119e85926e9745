package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/workflows"
)

func TestGoogleCallback_WatchesThePrimaryCalendar(t *testing.T) {
	h := newConnectHarness(t)
	if rec := h.do(http.MethodGet, h.consent(), false); rec.Code != http.StatusOK {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body.String())
	}
	id := workflows.CalendarWorkflowID(h.user.String(), "primary")
	h.temporal.AssertCalled(t, "SignalWithStartWorkflow", mock.Anything, id, workflows.SyncNowSignal, nil,
		mock.MatchedBy(func(o client.StartWorkflowOptions) bool { return o.ID == id && o.TaskQueue == h.cfg.Temporal.TaskQueue }),
		mock.Anything, workflows.CalendarInput{UserID: h.user.String(), CalendarID: "primary"})
}

func TestCalendars_WatchNeedsGoogleAndAValidID(t *testing.T) {
	h := newConnectHarness(t)
	if rec := h.do(http.MethodPut, "/api/v1/calendars/primary/watch", true); rec.Code != http.StatusConflict {
		t.Fatalf("watch before connecting: %d %s", rec.Code, rec.Body.String())
	}
	if rec := h.do(http.MethodGet, h.consent(), false); rec.Code != http.StatusOK {
		t.Fatalf("callback: %d", rec.Code)
	}
	if rec := h.do(http.MethodPut, "/api/v1/calendars/a%20b/watch", true); rec.Code != http.StatusBadRequest {
		t.Fatalf("watch of a bad id: %d %s", rec.Code, rec.Body.String())
	}
	// The connected account's address is its primary calendar: one workflow.
	if rec := h.do(http.MethodPut, "/api/v1/calendars/Pat%40sandbox.example.com/watch", true); rec.Code != http.StatusAccepted {
		t.Fatalf("watch by address: %d %s", rec.Code, rec.Body.String())
	}
	n := 0
	for _, c := range h.temporal.Calls {
		if c.Method == "SignalWithStartWorkflow" && c.Arguments.String(1) == workflows.CalendarWorkflowID(h.user.String(), "primary") {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d starts of the primary calendar's workflow, want 2 (callback, watch by address)", n)
	}
	// Not watched (no row yet: the workflow is mocked): sync and unwatch are 404.
	if rec := h.do(http.MethodDelete, "/api/v1/calendars/primary/watch", true); rec.Code != http.StatusNotFound {
		t.Fatalf("unwatch of an unwatched calendar: %d", rec.Code)
	}
	if rec := h.do(http.MethodPost, "/api/v1/calendars/primary/sync", true); rec.Code != http.StatusNotFound {
		t.Fatalf("sync of an unwatched calendar: %d", rec.Code)
	}
}
