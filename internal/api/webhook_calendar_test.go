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

	"github.com/google/uuid"
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
	calChannelID    = "0c0ffee0-0000-4000-8000-0000000ca1e0"
	calChannelToken = "calendar-channel-token-only-google-and-we-know"
)

var calOwner = uuid.MustParse("aaaaaaaa-0000-4000-8000-0000000000ca")

// calendarHarness is the API on a fresh database holding one active
// channel on calOwner's primary calendar, with a mocked Temporal client and
// the API's log captured.
type calendarHarness struct {
	t        *testing.T
	st       *store.Store
	temporal *mocks.Client
	handler  http.Handler
	logs     *bytes.Buffer
}

func newCalendarHarness(t *testing.T) *calendarHarness {
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
	h := &calendarHarness{t: t, st: database.Store, temporal: tc, logs: logs}
	h.handler = api.New(api.Deps{
		Config:   cfg,
		Logger:   slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Store:    database.Store,
		Temporal: tc,
		Metrics:  metrics.New(),
	})
	if _, err := database.Store.UpsertUserFromClaims(context.Background(), db.UpsertUserFromClaimsParams{ID: calOwner, Email: "owner@example.com"}); err != nil {
		t.Fatal(err)
	}
	h.channel(calChannelID, "res-primary", true, calChannelToken)
	return h
}

// channel stores a channel the way OpenChannel does: only the hashes of its
// attempts' tokens.
func (h *calendarHarness) channel(id, resourceID string, active bool, tokens ...string) {
	h.t.Helper()
	ctx := context.Background()
	for _, tok := range tokens {
		sum := sha256.Sum256([]byte(tok))
		if err := h.st.AddCalendarChannelToken(ctx, db.AddCalendarChannelTokenParams{
			ChannelID: id, OwnerID: calOwner, CalendarID: "primary", TokenHash: sum[:], Expiration: time.Now().Add(time.Hour),
		}); err != nil {
			h.t.Fatal(err)
		}
	}
	if resourceID != "" {
		if err := h.st.SetCalendarChannelOpened(ctx, db.SetCalendarChannelOpenedParams{ChannelID: id, ResourceID: resourceID, Expiration: time.Now().Add(time.Hour)}); err != nil {
			h.t.Fatal(err)
		}
	}
	if !active {
		if err := h.st.DeactivateCalendarChannel(ctx, id); err != nil {
			h.t.Fatal(err)
		}
	}
}

func calNotice(number int64, state string) notice {
	return notice{
		"X-Goog-Channel-ID":         calChannelID,
		"X-Goog-Channel-Token":      calChannelToken,
		"X-Goog-Channel-Expiration": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat),
		"X-Goog-Resource-ID":        "res-primary",
		"X-Goog-Resource-URI":       "https://www.googleapis.com/calendar/v3/calendars/owner@example.com/events?alt=json",
		"X-Goog-Resource-State":     state,
		"X-Goog-Message-Number":     strconv.FormatInt(number, 10),
	}
}

// push delivers a notification as Google does: a bodiless POST.
func (h *calendarHarness) push(n notice) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/calendar", http.NoBody)
	for k, v := range n {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

func (h *calendarHarness) expectStatus(rec *httptest.ResponseRecorder, want int) {
	h.t.Helper()
	if rec.Code != want {
		h.t.Fatalf("status %d, want %d; body: %s", rec.Code, want, rec.Body.String())
	}
}

func (h *calendarHarness) expectSignal(number int64, state string, err error) {
	h.temporal.On("SignalWorkflow", mock.Anything, workflows.CalendarWorkflowID(calOwner.String(), "primary"), "", workflows.ChangedSignal,
		mock.MatchedBy(func(p workflows.CalendarPush) bool {
			return p.MessageNumber == number && p.ResourceState == state && p.ChannelID == calChannelID && time.Since(p.At) < time.Minute
		})).Return(err).Once()
}

func (h *calendarHarness) signals() int {
	n := 0
	for _, c := range h.temporal.Calls {
		if c.Method == "SignalWorkflow" {
			n++
		}
	}
	return n
}

type calLog struct {
	channel, calendar, state, outcome string
	number                            int64
}

func (h *calendarHarness) logRows() []calLog {
	h.t.Helper()
	rows, err := h.st.Pool.Query(context.Background(),
		`SELECT channel_id, message_number, calendar_id, resource_state, outcome FROM calendar_webhook_logs ORDER BY received_at, message_number`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	var out []calLog
	for rows.Next() {
		var l calLog
		if err := rows.Scan(&l.channel, &l.number, &l.calendar, &l.state, &l.outcome); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

func (h *calendarHarness) expectLogs(want ...calLog) {
	h.t.Helper()
	got := h.logRows()
	if len(got) != len(want) {
		h.t.Fatalf("calendar_webhook_logs = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			h.t.Fatalf("calendar_webhook_logs[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func calLogged(number int64, state, outcome string) calLog {
	return calLog{channel: calChannelID, calendar: "primary", number: number, state: state, outcome: outcome}
}

func TestCalendarPush_ChangeSignalsTheCalendarOnceAndIsRecorded(t *testing.T) {
	h := newCalendarHarness(t)
	h.expectSignal(2, "exists", nil)

	h.expectStatus(h.push(calNotice(2, "exists")), http.StatusNoContent)
	h.expectLogs(calLogged(2, "exists", "signalled"))

	// Google redelivers the same message: acknowledged, not signalled again.
	h.expectStatus(h.push(calNotice(2, "exists")), http.StatusNoContent)
	if n := h.signals(); n != 1 {
		t.Fatalf("%d signals, want 1", n)
	}
	h.expectLogs(calLogged(2, "exists", "signalled"))
	if !strings.Contains(h.logs.String(), `"msg":"calendar push"`) {
		t.Fatalf("the notification was not logged: %s", h.logs.String())
	}
}

func TestCalendarPush_NotExistsIsSignalledToo(t *testing.T) {
	h := newCalendarHarness(t)
	h.expectSignal(3, "not_exists", nil)
	h.expectStatus(h.push(calNotice(3, "not_exists")), http.StatusNoContent)
	h.expectLogs(calLogged(3, "not_exists", "signalled"))
}

func TestCalendarPush_SyncIsAcknowledgedAndTeachesALostResourceID(t *testing.T) {
	h := newCalendarHarness(t)
	h.expectStatus(h.push(calNotice(1, "sync")), http.StatusNoContent)
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals for the sync message, want 0", n)
	}
	h.expectLogs(calLogged(1, "sync", "sync"))

	// A channel whose events.watch answer was lost (no resource id yet),
	// opened by two attempts with two tokens: the first attempt's token
	// works, and the sync message tells the resource id.
	h.channel("retried", "", true, "first-attempt-token", "second-attempt-token")
	n := calNotice(1, "sync").with("X-Goog-Channel-ID", "retried").with("X-Goog-Channel-Token", "first-attempt-token").with("X-Goog-Resource-ID", "res-learned")
	h.expectStatus(h.push(n), http.StatusNoContent)
	ch, err := h.st.GetCalendarChannel(context.Background(), "retried")
	if err != nil || ch.ResourceID != "res-learned" {
		t.Fatalf("channel %+v %v", ch, err)
	}
}

func TestCalendarPush_UnknownOrStoppedChannelIsNotFound(t *testing.T) {
	h := newCalendarHarness(t)
	h.channel("stopped", "res-primary", false, "stopped-token")

	h.expectStatus(h.push(calNotice(2, "exists").with("X-Goog-Channel-ID", "not-ours")), http.StatusNotFound)
	h.expectStatus(h.push(calNotice(2, "exists").with("X-Goog-Channel-ID", "stopped").with("X-Goog-Channel-Token", "stopped-token")), http.StatusNotFound)
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals, want 0", n)
	}
	h.expectLogs()
}

func TestCalendarPush_WrongOrMissingTokenIsUnauthorized(t *testing.T) {
	h := newCalendarHarness(t)
	for name, n := range map[string]notice{
		"wrong token":    calNotice(2, "exists").with("X-Goog-Channel-Token", "guessed"),
		"longer token":   calNotice(2, "exists").with("X-Goog-Channel-Token", calChannelToken+"x"),
		"no token":       calNotice(2, "exists").with("X-Goog-Channel-Token", ""),
		"token of sync":  calNotice(1, "sync").with("X-Goog-Channel-Token", "guessed"),
		"case differs":   calNotice(2, "exists").with("X-Goog-Channel-Token", strings.ToUpper(calChannelToken)),
		"drive's header": calNotice(2, "exists").with("X-Goog-Channel-Token", driveChannelToken),
	} {
		if rec := h.push(n); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401; body: %s", name, rec.Code, rec.Body.String())
		}
	}
	if n := h.signals(); n != 0 {
		t.Fatalf("%d signals, want 0", n)
	}
	h.expectLogs()
	if strings.Contains(h.logs.String(), calChannelToken) || strings.Contains(h.logs.String(), "guessed") {
		t.Fatalf("a channel token reached the log: %s", h.logs.String())
	}
	h.expectSignal(2, "exists", nil)
	h.expectStatus(h.push(calNotice(2, "exists")), http.StatusNoContent)
}

func TestCalendarPush_MissingOrMalformedHeadersAreBadRequests(t *testing.T) {
	h := newCalendarHarness(t)
	for name, n := range map[string]notice{
		"no channel id":      calNotice(2, "exists").with("X-Goog-Channel-ID", ""),
		"no message number":  calNotice(2, "exists").with("X-Goog-Message-Number", ""),
		"no resource state":  calNotice(2, "exists").with("X-Goog-Resource-State", ""),
		"non-numeric number": calNotice(2, "exists").with("X-Goog-Message-Number", "two"),
	} {
		if rec := h.push(n); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; body: %s", name, rec.Code, rec.Body.String())
		}
	}
	h.expectLogs()
}

func TestCalendarPush_CalendarNoLongerWatchedDeactivatesTheChannel(t *testing.T) {
	h := newCalendarHarness(t)
	h.expectSignal(3, "exists", serviceerror.NewNotFound("workflow execution already completed"))
	h.expectStatus(h.push(calNotice(3, "exists")), http.StatusNotFound)
	ch, _ := h.st.GetCalendarChannel(context.Background(), calChannelID)
	if ch.Active {
		t.Fatal("the channel is still active; Google would keep calling")
	}
	h.expectLogs(calLogged(3, "exists", "no watch"))
	h.expectStatus(h.push(calNotice(4, "exists")), http.StatusNotFound)
	if n := h.signals(); n != 1 {
		t.Fatalf("%d signals, want 1", n)
	}
}

func TestCalendarPush_TransientSignalFailureIsRetriedBySender(t *testing.T) {
	h := newCalendarHarness(t)
	h.expectSignal(5, "exists", errors.New("frontend: context deadline exceeded"))
	h.expectSignal(5, "exists", nil)
	if rec := h.push(calNotice(5, "exists")); rec.Code < 500 {
		t.Fatalf("status %d, want a 5xx so Google retries", rec.Code)
	}
	h.expectLogs()
	h.expectStatus(h.push(calNotice(5, "exists")), http.StatusNoContent)
	h.expectLogs(calLogged(5, "exists", "signalled"))
}
