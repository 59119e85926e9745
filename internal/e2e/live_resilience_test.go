package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/live"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// metric reads one unlabelled sample from a /metrics page.
func metric(t *testing.T, baseURL, name string) float64 {
	t.Helper()
	resp, err := http.Get(baseURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("metric %s not on %s/metrics", name, baseURL)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// insertDocuments writes n documents for the user straight into the store,
// as a pipeline would (the triggers announce them).
func insertDocuments(t *testing.T, s *testenv.Stack, user fmt.Stringer, prefix string, n int) {
	t.Helper()
	_, err := s.Base.Store.Pool.Exec(context.Background(),
		`INSERT INTO documents (owner_id, source, source_id, title, content)
		 SELECT $1, 'upload', $2 || g, 'Document ' || g, 'text' FROM generate_series(1, $3::int) g`, user.String(), prefix, n)
	if err != nil {
		t.Fatal(err)
	}
}

func TestLive_ListenerConnectionKilledMidStreamReconnectsAndLosesNothing(t *testing.T) {
	s := testenv.StartStack(t, nil)
	demoID, token := s.CreateUser(t, "demo")
	stream := openSSE(t, s.URL+"/api/v1/events", bearer(token))
	start := stream.ready(t).LastEventID

	insertDocuments(t, s, demoID, "before-", 3)
	before := loggedEvents(t, s, demoID, start)
	collectEvents(t, func() (streamMsg, bool) { return stream.next(t, 30*time.Second) }, time.Minute, untilIDs(before))

	// Kill the listener's connection from the server side, then commit
	// while it is down: only the catch-up by id can deliver these.
	ctx := context.Background()
	var killed int
	err := s.Base.Store.Pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, live.ListenerApplicationName).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d listener connections (%v), want 1", killed, err)
	}
	insertDocuments(t, s, demoID, "while-down-", 5)
	var committedAt time.Time
	if err := s.Base.Store.Pool.QueryRow(ctx, "SELECT max(created_at) FROM events").Scan(&committedAt); err != nil {
		t.Fatal(err)
	}
	// Then mail goes through the whole pipeline.
	postAndWait(t, s, message("ai+demo@besunny.ai", "After the outage", "Anything lost?"))

	all := loggedEvents(t, s, demoID, start)
	got := collectEvents(t, func() (streamMsg, bool) { return stream.next(t, 30*time.Second) }, time.Minute, untilIDs(all))
	if want := all[len(before):]; !slices.Equal(idsOf(got), want) {
		t.Fatalf("after the kill the stream got %v, want every logged event %v", idsOf(got), want)
	}
	if n := metric(t, s.URL, "besunny_live_listener_reconnects_total"); n < 1 {
		t.Fatalf("reconnects = %v, want ≥ 1", n)
	}
	var backendStart time.Time
	if err := s.Base.Store.Pool.QueryRow(ctx, `SELECT backend_start FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, live.ListenerApplicationName).Scan(&backendStart); err != nil {
		t.Fatalf("no listener connection after the kill: %v", err)
	}
	if !committedAt.Before(backendStart) {
		t.Logf("note: the events of the outage committed after the new connection started (%v ≥ %v)", committedAt, backendStart)
	}
}

func TestLive_ChangeThroughOneReplicaArrivesOnAStreamOfAnother(t *testing.T) {
	s := testenv.StartStack(t, nil)
	replica := s.StartAPIReplica(t)
	demoID, token := s.CreateUser(t, "demo")

	// The ticket is bought on one replica and redeemed on the other.
	var ticket struct {
		Ticket string `json:"ticket"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/events/ticket", "", nil, http.StatusCreated, &ticket)
	onReplica := openSSE(t, replica+"/api/v1/events?ticket="+ticket.Ticket, nil)
	start := onReplica.ready(t).LastEventID
	onFirst := openWS(t, s.URL+"/api/v1/ws", bearer(token))
	if m, _ := onFirst.next(t, 15*time.Second); m.Kind != "ready" {
		t.Fatalf("first message %+v", m)
	}

	docID := postAndWait(t, s, message("ai+demo@besunny.ai", "Through the first API", "Seen by the second?"))
	want := loggedEvents(t, s, demoID, start)
	got := collectEvents(t, func() (streamMsg, bool) { return onReplica.next(t, 30*time.Second) }, time.Minute, untilIDs(want))
	if !slices.Equal(idsOf(got), want) || !slices.ContainsFunc(got, func(m streamMsg) bool { return m.Data.DocumentID == docID }) {
		t.Fatalf("replica stream got %v, want %v with document %s", kindsOf(got), want, docID)
	}
	gotFirst := collectEvents(t, func() (streamMsg, bool) { return onFirst.next(t, 30*time.Second) }, time.Minute, untilIDs(want))
	if !slices.Equal(idsOf(gotFirst), want) {
		t.Fatalf("first API's stream got %v, want %v", idsOf(gotFirst), want)
	}
}

func TestLive_SlowClientIsCutOffWithResyncAndNothingPilesUp(t *testing.T) {
	s := testenv.StartStack(t, map[string]string{"EVENTS_BUFFER": "64"})
	demoID, token := s.CreateUser(t, "demo")

	// A client that does not read, with a receive buffer as small as the
	// kernel allows: the server's writes block as soon as its own socket
	// buffer is full.
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048) })
		if err != nil {
			return err
		}
		return serr
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the stream to be subscribed", func() bool { return metric(t, s.URL, "besunny_live_subscribers") == 1 })

	// Small transactions, each well within the buffer: a client that
	// reads keeps up; this one fills its socket, then its buffer.
	const batch, batches = 20, 1000
	burst := 0
	for i := 0; i < batches && metric(t, s.URL, "besunny_live_slow_consumers_total") == 0; i++ {
		insertDocuments(t, s, demoID, fmt.Sprintf("burst-%d-", i), batch)
		burst += batch
	}
	waitFor(t, "the slow client to be cut off", func() bool {
		return metric(t, s.URL, "besunny_live_slow_consumers_total") == 1 && metric(t, s.URL, "besunny_live_subscribers") == 0
	})

	// Now the client reads what reached it: events in order, then resync,
	// then the end of the stream.
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the stream: %v (read %d bytes)", err, len(body))
	}
	frames := strings.Split(strings.TrimSpace(string(body)), "\n\n")
	if !strings.HasPrefix(frames[0], "id: ") || !strings.Contains(frames[0], "event: ready") {
		t.Fatalf("first frame %q", frames[0])
	}
	lastFrame := frames[len(frames)-1]
	var events int
	var prev int64
	for _, f := range frames[1 : len(frames)-1] {
		if strings.HasPrefix(f, ":") {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(f, "\n", 2)[0], "id: "), 10, 64)
		if err != nil || id <= prev {
			t.Fatalf("frame %q out of order after %d", f, prev)
		}
		prev = id
		events++
	}
	if !strings.Contains(lastFrame, "event: resync") || !strings.Contains(lastFrame, `"reason":"slow_consumer"`) ||
		!strings.Contains(lastFrame, fmt.Sprintf(`"last_event_id":%d`, prev)) {
		t.Fatalf("last frame = %q, want resync slow_consumer with last_event_id %d", lastFrame, prev)
	}
	if events == 0 || events >= burst {
		t.Fatalf("the slow client got %d of %d events: want some (its socket filled) but not all (the rest was never queued)", events, burst)
	}
	t.Logf("the slow client got %d of %d events before resync", events, burst)
}

func TestLive_ResumeFromBeforeTheRetentionGetsResyncThenLiveEvents(t *testing.T) {
	s := testenv.StartStack(t, map[string]string{"EVENTS_RETENTION": "1h"})
	demoID, token := s.CreateUser(t, "demo")
	insertDocuments(t, s, demoID, "old-", 7)
	old := loggedEvents(t, s, demoID, 0)
	ctx := context.Background()
	if _, err := s.Base.Store.Pool.Exec(ctx, "UPDATE events SET created_at = now() - interval '2 hours'"); err != nil {
		t.Fatal(err)
	}
	insertDocuments(t, s, demoID, "recent-", 2)

	// The retention schedule's workflow, run now.
	run, err := s.Base.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "prune-now", TaskQueue: s.Config.Temporal.TaskQueue}, workflows.PruneEventsWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.PruneEventsResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Events != int64(len(old)) || res.PrunedThrough != old[len(old)-1] {
		t.Fatalf("prune = %+v, want the %d old events through %d", res, len(old), old[len(old)-1])
	}
	kept := loggedEvents(t, s, demoID, 0)
	if len(kept) != 2 {
		t.Fatalf("after pruning %d events remain, want the 2 recent ones", len(kept))
	}

	// Resuming from inside the pruned range: resync, then live.
	stream := openSSE(t, s.URL+"/api/v1/events?since="+strconv.FormatInt(old[2], 10), bearer(token))
	ready := stream.ready(t)
	resync, _ := stream.next(t, 10*time.Second)
	if resync.Kind != "resync" || resync.Reason != "history_pruned" || resync.ID != "" {
		t.Fatalf("after ready %+v: %+v, want resync history_pruned without an id", ready, resync)
	}
	insertDocuments(t, s, demoID, "live-", 1)
	if m, _ := stream.next(t, 30*time.Second); m.Kind != "document.created" || m.EvID <= kept[len(kept)-1] {
		t.Fatalf("after resync: %+v, want the new live event", m)
	}
	// Resuming from the horizon itself loses nothing: no resync.
	exact := openSSE(t, s.URL+"/api/v1/events?since="+strconv.FormatInt(res.PrunedThrough, 10), bearer(token))
	exact.ready(t)
	if m, _ := exact.next(t, 10*time.Second); m.EvID != kept[0] {
		t.Fatalf("from the horizon: %+v, want the first kept event %d", m, kept[0])
	}

	// The schedule exists (hourly) whatever the Google mode.
	if _, err := s.Base.Temporal.ScheduleClient().GetHandle(ctx, workflows.EventsRetentionScheduleID).Describe(ctx); err != nil {
		t.Fatalf("schedule %s: %v", workflows.EventsRetentionScheduleID, err)
	}
}
