package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/mocks"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

const (
	driveChannelID    = "5f1a7c1e-0000-4000-8000-00000000c0de"
	driveChannelToken = "s3cret-channel-token-only-drive-and-we-know"
	driveFileID       = "1HarborPlanDriveFileId"
)

// driveHarness is the API on a fresh database holding one active channel of
// driveFileID (token driveChannelToken), with a mocked Temporal client and
// the API's log captured.
type driveHarness struct {
	t        *testing.T
	st       *store.Store
	temporal *mocks.Client
	handler  http.Handler
	logs     *bytes.Buffer
}

func newDriveHarness(t *testing.T) *driveHarness {
	t.Helper()
	database := testenv.NewDatabase(t)
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		v, ok := map[string]string{"PUBLIC_URL": "https://besunny.example", "GOOGLE_MODE": "off"}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	tc := &mocks.Client{}
	t.Cleanup(func() { tc.AssertExpectations(t) })
	logs := &bytes.Buffer{}
	h := &driveHarness{t: t, st: database.Store, temporal: tc, logs: logs}
	h.handler = api.New(api.Deps{
		Config:   cfg,
		Logger:   slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Store:    database.Store,
		Temporal: tc,
		Metrics:  metrics.New(),
	})
	h.channel(driveChannelID, driveChannelToken, true)
	return h
}

// channel stores a push channel of driveFileID the way OpenChannel does:
// only the token's hash.
func (h *driveHarness) channel(id, token string, active bool) {
	h.t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256([]byte(token))
	if err := h.st.InsertDriveChannel(ctx, db.InsertDriveChannelParams{
		ChannelID: id, FileID: driveFileID, ResourceID: "res-harbor", TokenHash: sum[:], Expiration: time.Now().Add(time.Hour),
	}); err != nil {
		h.t.Fatal(err)
	}
	if !active {
		if err := h.st.DeactivateDriveChannel(ctx, id); err != nil {
			h.t.Fatal(err)
		}
	}
}

// notice is a Drive channel notification's headers.
type notice map[string]string

func change(number int64, state string) notice {
	return notice{
		"X-Goog-Channel-ID":         driveChannelID,
		"X-Goog-Channel-Token":      driveChannelToken,
		"X-Goog-Channel-Expiration": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat),
		"X-Goog-Resource-ID":        "res-harbor",
		"X-Goog-Resource-URI":       "https://www.googleapis.com/drive/v3/files/" + driveFileID + "?alt=json",
		"X-Goog-Resource-State":     state,
		"X-Goog-Message-Number":     strconv.FormatInt(number, 10),
	}
}

func (n notice) with(k, v string) notice {
	out := notice{}
	for a, b := range n {
		out[a] = b
	}
	if v == "" {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// push delivers a notification as Drive does: a bodiless POST.
func (h *driveHarness) push(n notice) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/drive", http.NoBody)
	for k, v := range n {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

func (h *driveHarness) expectStatus(rec *httptest.ResponseRecorder, want int) {
	h.t.Helper()
	if rec.Code != want {
		h.t.Fatalf("status %d, want %d; body: %s", rec.Code, want, rec.Body.String())
	}
}

// expectSignal expects one changed signal to the file's workflow for the
// message number, answered with err.
func (h *driveHarness) expectSignal(number int64, state string, err error) {
	h.temporal.On("SignalWorkflow", mock.Anything, workflows.DriveFileWorkflowID(driveFileID), "", workflows.ChangedSignal,
		mock.MatchedBy(func(c workflows.DriveChange) bool {
			return c.MessageNumber == number && c.ResourceState == state && time.Since(c.At) < time.Minute
		})).Return(err).Once()
}

func (h *driveHarness) signals() int {
	n := 0
	for _, c := range h.temporal.Calls {
		if c.Method == "SignalWorkflow" {
			n++
		}
	}
	return n
}

type webhookLog struct {
	channel, file, state, changed, outcome string
	number                                 int64
}

func (h *driveHarness) webhookLogs() []webhookLog {
	h.t.Helper()
	rows, err := h.st.Pool.Query(context.Background(),
		`SELECT channel_id, message_number, file_id, resource_state, changed, outcome FROM drive_webhook_logs ORDER BY received_at, message_number`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	var out []webhookLog
	for rows.Next() {
		var l webhookLog
		if err := rows.Scan(&l.channel, &l.number, &l.file, &l.state, &l.changed, &l.outcome); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func (h *driveHarness) channelActive(id string) bool {
	h.t.Helper()
	ch, err := h.st.GetDriveChannel(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return ch.Active
}

func (h *driveHarness) expectLogs(want ...webhookLog) {
	h.t.Helper()
	got := h.webhookLogs()
	if len(got) != len(want) {
		h.t.Fatalf("drive_webhook_logs = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			h.t.Fatalf("drive_webhook_logs[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func logged(number int64, state, changed, outcome string) webhookLog {
	return webhookLog{channel: driveChannelID, file: driveFileID, number: number, state: state, changed: changed, outcome: outcome}
}

func TestDrivePush_ChangeSignalsTheFileOnceAndIsRecorded(t *testing.T) {
	h := newDriveHarness(t)
	h.expectSignal(2, "update", nil)

	h.expectStatus(h.push(change(2, "update").with("X-Goog-Changed", "content,properties")), http.StatusNoContent)
	h.expectLogs(logged(2, "update", "content,properties", "signalled"))

	// Drive redelivers the same message: acknowledged, not signalled again.
	h.expectStatus(h.push(change(2, "update").with("X-Goog-Changed", "content,properties")), http.StatusNoContent)
	if n := h.signals(); n != 1 {
		t.Fatalf("%d signals, want 1", n)
	}
	h.expectLogs(logged(2, "update", "content,properties", "signalled"))
}

func TestDrivePush_EveryStateButSyncIsSignalled(t *testing.T) {
	h := newDriveHarness(t)
	for i, state := range []string{"update", "trash", "untrash", "remove", "change"} {
		h.expectSignal(int64(i+2), state, nil)
		h.expectStatus(h.push(change(int64(i+2), state)), http.StatusNoContent)
	}
	if n := h.signals(); n != 5 {
		t.Fatalf("%d signals, want 5", n)
	}
	if n := len(h.webhookLogs()); n != 5 {
		t.Fatalf("%d log rows, want 5", n)
	}
}

func TestDrivePush_SyncMessageIsRecordedWithoutSignal(t *testing.T) {
	h := newDriveHarness(t)

	h.expectStatus(h.push(change(1, "sync")), http.StatusNoContent)
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals for the sync message, want 0", n)
	}
	h.expectLogs(logged(1, "sync", "", "sync"))
}

func TestDrivePush_UnknownChannelIsNotFound(t *testing.T) {
	h := newDriveHarness(t)

	h.expectStatus(h.push(change(2, "update").with("X-Goog-Channel-ID", "not-a-channel-of-ours")), http.StatusNotFound)
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals, want 0", n)
	}
	h.expectLogs()
}

func TestDrivePush_StoppedChannelIsNotFound(t *testing.T) {
	h := newDriveHarness(t)
	h.channel("stopped-channel", "stopped-token", false)

	rec := h.push(change(2, "update").with("X-Goog-Channel-ID", "stopped-channel").with("X-Goog-Channel-Token", "stopped-token"))
	h.expectStatus(rec, http.StatusNotFound)
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals, want 0", n)
	}
	h.expectLogs()
}

func TestDrivePush_WrongOrMissingTokenIsUnauthorized(t *testing.T) {
	h := newDriveHarness(t)

	for name, n := range map[string]notice{
		"wrong token":           change(2, "update").with("X-Goog-Channel-Token", "guessed"),
		"another's token":       change(2, "update").with("X-Goog-Channel-Token", driveChannelToken+"x"),
		"no token":              change(2, "update").with("X-Goog-Channel-Token", ""),
		"token of sync":         change(1, "sync").with("X-Goog-Channel-Token", "guessed"),
		"token in another case": change(2, "update").with("X-Goog-Channel-Token", strings.ToUpper(driveChannelToken)),
	} {
		if rec := h.push(n); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401; body: %s", name, rec.Code, rec.Body.String())
		}
	}
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals, want 0", n)
	}
	h.expectLogs() // nothing past the token check
	if strings.Contains(h.logs.String(), driveChannelToken) || strings.Contains(h.logs.String(), "guessed") {
		t.Fatalf("a channel token reached the log: %s", h.logs.String())
	}

	// The genuine token still works afterwards.
	h.expectSignal(2, "update", nil)
	h.expectStatus(h.push(change(2, "update")), http.StatusNoContent)
}

func TestDrivePush_MissingOrMalformedHeadersAreBadRequests(t *testing.T) {
	h := newDriveHarness(t)

	for name, n := range map[string]notice{
		"no channel id":      change(2, "update").with("X-Goog-Channel-ID", ""),
		"no message number":  change(2, "update").with("X-Goog-Message-Number", ""),
		"no resource state":  change(2, "update").with("X-Goog-Resource-State", ""),
		"non-numeric number": change(2, "update").with("X-Goog-Message-Number", "two"),
	} {
		if rec := h.push(n); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; body: %s", name, rec.Code, rec.Body.String())
		}
	}
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals, want 0", n)
	}
	h.expectLogs()
}

func TestDrivePush_FileNoLongerWatchedDeactivatesTheChannel(t *testing.T) {
	h := newDriveHarness(t)
	h.expectSignal(3, "update", serviceerror.NewNotFound("workflow execution already completed"))

	h.expectStatus(h.push(change(3, "update")), http.StatusNotFound)
	if h.channelActive(driveChannelID) {
		t.Fatal("the channel is still active; Drive would keep calling")
	}
	h.expectLogs(logged(3, "update", "", "no watch"))

	// The next message finds the channel stopped: no second signal.
	h.expectStatus(h.push(change(4, "update")), http.StatusNotFound)
	if n := h.signals(); n != 1 {
		t.Fatalf("%d signals, want 1", n)
	}
}

func TestDrivePush_TransientSignalFailureIsRetriedBySender(t *testing.T) {
	h := newDriveHarness(t)
	h.expectSignal(5, "update", errors.New("frontend: context deadline exceeded"))
	h.expectSignal(5, "update", nil)

	rec := h.push(change(5, "update"))
	if rec.Code < 500 {
		t.Fatalf("status %d, want a 5xx so Drive retries; body: %s", rec.Code, rec.Body.String())
	}
	h.expectLogs() // not recorded: the retry must not be taken for a duplicate
	if !h.channelActive(driveChannelID) {
		t.Fatal("a transient failure deactivated the channel")
	}

	// Drive retries the same message number: it is signalled this time.
	h.expectStatus(h.push(change(5, "update")), http.StatusNoContent)
	if n := h.signals(); n != 2 {
		t.Fatalf("%d signals, want 2 (the failed one and the retry)", n)
	}
	h.expectLogs(logged(5, "update", "", "signalled"))
}

func TestDrivePush_MessagesOfOneChannelAreRecordedApart(t *testing.T) {
	h := newDriveHarness(t)
	h.channel("second-channel", "second-token", true)
	h.expectSignal(2, "update", nil)
	h.temporal.On("SignalWorkflow", mock.Anything, workflows.DriveFileWorkflowID(driveFileID), "", workflows.ChangedSignal,
		mock.MatchedBy(func(c workflows.DriveChange) bool { return c.MessageNumber == 2 })).Return(nil).Once()

	h.expectStatus(h.push(change(1, "sync")), http.StatusNoContent)
	h.expectStatus(h.push(change(2, "update")), http.StatusNoContent)
	// The same message number on another channel (renewal overlap) is a
	// different message.
	h.expectStatus(h.push(change(2, "update").with("X-Goog-Channel-ID", "second-channel").with("X-Goog-Channel-Token", "second-token")), http.StatusNoContent)
	if n := h.signals(); n != 2 {
		t.Fatalf("%d signals, want 2", n)
	}
	got := h.webhookLogs()
	if len(got) != 3 {
		t.Fatalf("drive_webhook_logs = %+v, want 3 rows", got)
	}
}
