package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/besunny/workflows/internal/api"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/metrics"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// The reference vectors were signed by a Python implementation of
// Attendee's scheme (internal/attendee/testdata/reference_signatures.py).
type attendeeVectors struct {
	SecretBase64 string `json:"secret_base64"`
	Vectors      []struct {
		Name      string `json:"name"`
		Body      string `json:"body"`
		Signature string `json:"signature"`
	} `json:"vectors"`
}

// The first vector's bot carries this meeting id in its metadata.
const vectorMeetingID = "8a3e0c55-2f61-4d8e-b8f2-0c6c9f1e7a42"

type botHarness struct {
	t        *testing.T
	st       *store.Store
	temporal *mocks.Client
	handler  http.Handler
	logs     *bytes.Buffer
	vectors  attendeeVectors
	owner    uuid.UUID
	bearer   string
	stranger string
}

func newBotHarness(t *testing.T) *botHarness {
	t.Helper()
	raw, err := os.ReadFile("../attendee/testdata/signature_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	h := &botHarness{t: t, owner: uuid.New(), logs: &bytes.Buffer{}}
	if err := json.Unmarshal(raw, &h.vectors); err != nil {
		t.Fatal(err)
	}
	database := testenv.NewDatabase(t)
	h.st = database.Store
	env := map[string]string{"PUBLIC_URL": "https://besunny.example", "GOOGLE_MODE": "off", "ATTENDEE_WEBHOOK_SECRET": h.vectors.SecretBase64}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(auth.Config{Secret: cfg.JWT.Secret, Audience: cfg.JWT.Audience})
	if err != nil {
		t.Fatal(err)
	}
	h.temporal = &mocks.Client{}
	t.Cleanup(func() { h.temporal.AssertExpectations(t) })
	h.handler = api.New(api.Deps{
		Config: cfg, Logger: slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Store: database.Store, Temporal: h.temporal, Verifier: verifier, Metrics: metrics.New(),
	})
	mint := func(id uuid.UUID, email string) string {
		tok, err := auth.MintHS256(cfg.JWT.Secret, auth.TokenSpec{UserID: id, Role: auth.RoleAuthenticated, Email: email, Name: "Pat Owner", Audience: cfg.JWT.Audience, TTL: time.Hour}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	h.bearer, h.stranger = mint(h.owner, "pat@acme.example"), mint(uuid.New(), "eve@elsewhere.example")
	ctx := context.Background()
	if _, err := h.st.Pool.Exec(ctx, `INSERT INTO users (id, email, name) VALUES ($1, 'pat@acme.example', 'Pat Owner')`, h.owner); err != nil {
		t.Fatal(err)
	}
	h.meeting(vectorMeetingID, time.Now().Add(time.Hour))
	return h
}

// meeting stores a calendar meeting of the owner starting at start.
func (h *botHarness) meeting(id string, start time.Time) {
	h.t.Helper()
	_, err := h.st.Pool.Exec(context.Background(), `
		INSERT INTO meetings (id, owner_id, calendar_id, event_id, title, meeting_url, meeting_provider, start_at, end_at)
		VALUES ($1, $2, 'primary', $3, 'Q3 review', 'https://meet.google.com/abc-defg-hij', 'google_meet', $4, $5)`,
		id, h.owner, "ev-"+id, start, start.Add(time.Hour))
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *botHarness) push(body, signature string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/attendee", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Attendee-Webhook/1.0")
	if signature != "" {
		req.Header.Set("X-Webhook-Signature", signature)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

func (h *botHarness) call(method, target, body, bearer string) *httptest.ResponseRecorder {
	h.t.Helper()
	var r *strings.Reader
	if body != "" {
		r = strings.NewReader(body)
	} else {
		r = strings.NewReader("")
	}
	req := httptest.NewRequest(method, target, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer)
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

func (h *botHarness) outcome(key string) (string, int) {
	h.t.Helper()
	var outcome string
	var deliveries int
	err := h.st.Pool.QueryRow(context.Background(), `SELECT outcome, deliveries FROM attendee_webhook_logs WHERE idempotency_key = $1`, key).Scan(&outcome, &deliveries)
	if err != nil {
		return "", 0
	}
	return outcome, deliveries
}

func ack(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var out struct {
		Outcome string `json:"outcome"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("answer %d %s", rec.Code, rec.Body)
	}
	return out.Outcome
}

func TestAttendeePush_AReferenceSignedDeliverySignalsTheMeetingsWorkflow(t *testing.T) {
	h := newBotHarness(t)
	v := h.vectors.Vectors[0]
	h.temporal.On("SignalWorkflow", mock.Anything, workflows.MeetingBotWorkflowID(vectorMeetingID), "", workflows.BotEventSignal,
		mock.MatchedBy(func(n workflows.BotEventNotice) bool {
			return n.IdempotencyKey == "3f1c2a4e-9b7d-4c1e-8f00-5d2b6a7e9c10" && n.BotID == "bot_Xy7pQ2rS9tUv3wZa" &&
				n.NewState == "joined_not_recording" && n.EventType == "joined_meeting" &&
				n.CreatedAt.Equal(time.Date(2026, 3, 9, 14, 2, 11, 482913000, time.UTC))
		})).Return(nil).Once()

	rec := h.push(v.Body, v.Signature)
	if rec.Code != http.StatusOK || ack(t, rec) != "signalled" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if o, n := h.outcome("3f1c2a4e-9b7d-4c1e-8f00-5d2b6a7e9c10"); o != "signalled" || n != 1 {
		t.Fatalf("log %s %d", o, n)
	}
	if !strings.Contains(h.logs.String(), `"msg":"attendee webhook"`) {
		t.Fatalf("delivery not logged: %s", h.logs)
	}
}

func TestAttendeePush_RefusesTamperedAndUnsignedDeliveries(t *testing.T) {
	h := newBotHarness(t)
	v := h.vectors.Vectors[0]
	tampered := strings.Replace(v.Body, "joined_not_recording", "joined_recording", 1)
	cases := []struct{ name, body, sig string }{
		{"tampered body", tampered, v.Signature},
		{"missing header", v.Body, ""},
		{"another secret's signature", v.Body, "pPyVlkeilzO1eXINAo9NCCAsWhcT1JfJpah4BXM5AGQ="},
		{"not JSON", "hello", v.Signature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := h.push(c.body, c.sig)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	}
	// Nothing was signalled (the mock has no expectation) or recorded.
	if o, _ := h.outcome("3f1c2a4e-9b7d-4c1e-8f00-5d2b6a7e9c10"); o != "" {
		t.Fatalf("a refused delivery was recorded: %s", o)
	}
	if !strings.Contains(h.logs.String(), "attendee webhook refused") {
		t.Fatal("refusals not logged")
	}
}

func TestAttendeePush_AReplayedIdempotencyKeyIsNotSignalledTwice(t *testing.T) {
	h := newBotHarness(t)
	v := h.vectors.Vectors[0]
	h.temporal.On("SignalWorkflow", mock.Anything, workflows.MeetingBotWorkflowID(vectorMeetingID), "", workflows.BotEventSignal, mock.Anything).
		Return(nil).Once()
	if rec := h.push(v.Body, v.Signature); ack(t, rec) != "signalled" {
		t.Fatalf("first: %s", rec.Body)
	}
	rec := h.push(v.Body, v.Signature)
	if rec.Code != http.StatusOK || ack(t, rec) != "duplicate" {
		t.Fatalf("replay: %d %s", rec.Code, rec.Body)
	}
	if o, n := h.outcome("3f1c2a4e-9b7d-4c1e-8f00-5d2b6a7e9c10"); o != "signalled" || n != 2 {
		t.Fatalf("log %s %d", o, n)
	}
}

func TestAttendeePush_ADeliveryThatCouldNotBeHandedOnIsSignalledOnItsRetry(t *testing.T) {
	h := newBotHarness(t)
	v := h.vectors.Vectors[0]
	h.temporal.On("SignalWorkflow", mock.Anything, mock.Anything, "", workflows.BotEventSignal, mock.Anything).
		Return(errors.New("temporal unavailable")).Once()
	h.temporal.On("SignalWorkflow", mock.Anything, mock.Anything, "", workflows.BotEventSignal, mock.Anything).Return(nil).Once()
	if rec := h.push(v.Body, v.Signature); rec.Code != http.StatusInternalServerError {
		t.Fatalf("first: %d", rec.Code)
	}
	if rec := h.push(v.Body, v.Signature); ack(t, rec) != "signalled" {
		t.Fatalf("retry: %s", rec.Body)
	}
}

func TestAttendeePush_UnknownBotsAndFinishedRunsAreAnswered200(t *testing.T) {
	h := newBotHarness(t)
	// bot_AAAA… has no BeSunny metadata and no meeting holds it.
	unknown := h.vectors.Vectors[2]
	rec := h.push(unknown.Body, unknown.Signature)
	if rec.Code != http.StatusOK || ack(t, rec) != "unknown_bot" {
		t.Fatalf("unknown: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(h.logs.String(), `"outcome":"unknown_bot"`) {
		t.Fatalf("unknown bot not logged: %s", h.logs)
	}

	// The meeting's run has ended: nothing to signal.
	h.temporal.On("SignalWorkflow", mock.Anything, mock.Anything, "", workflows.BotEventSignal, mock.Anything).
		Return(serviceerror.NewNotFound("workflow not found")).Once()
	v := h.vectors.Vectors[0]
	if rec := h.push(v.Body, v.Signature); rec.Code != http.StatusOK || ack(t, rec) != "no_workflow" {
		t.Fatalf("no run: %d %s", rec.Code, rec.Body)
	}

	// A transcript update of a bot found by its id (no metadata) is
	// recorded and not handed on: the run follows state changes.
	if _, err := h.st.Pool.Exec(context.Background(), `UPDATE meetings SET bot_id = 'bot_Xy7pQ2rS9tUv3wZa' WHERE id = $1`, vectorMeetingID); err != nil {
		t.Fatal(err)
	}
	u := h.vectors.Vectors[1]
	if rec := h.push(u.Body, u.Signature); rec.Code != http.StatusOK || ack(t, rec) != "ignored" {
		t.Fatalf("transcript update: %d %s", rec.Code, rec.Body)
	}
}

func TestMeetingBotRoutes_StartCallOffAndShowTheOwnersNotetaker(t *testing.T) {
	h := newBotHarness(t)
	id := vectorMeetingID
	wf := workflows.MeetingBotWorkflowID(id)
	notRunning := serviceerror.NewNotFound("workflow not found")

	// Another user's meeting does not exist for them.
	if rec := h.call(http.MethodPost, "/api/v1/meetings/"+id+"/bot", "", h.stranger); rec.Code != http.StatusNotFound {
		t.Fatalf("stranger: %d", rec.Code)
	}

	h.temporal.On("SignalWorkflow", mock.Anything, wf, "", workflows.MeetingChangedSignal, workflows.MeetingChange{Kind: workflows.MeetingWanted}).
		Return(notRunning).Once()
	h.temporal.On("ExecuteWorkflow", mock.Anything, mock.MatchedBy(func(o client.StartWorkflowOptions) bool { return o.ID == wf }),
		mock.Anything, workflows.MeetingBotInput{MeetingID: id, OwnerID: h.owner.String()}).Return(&mocks.WorkflowRun{}, nil).Once()
	rec := h.call(http.MethodPost, "/api/v1/meetings/"+id+"/bot", "", h.bearer)
	if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), `"bot_status":"pending"`) || !strings.Contains(rec.Body.String(), `"duplicate":false`) {
		t.Fatalf("request: %d %s", rec.Code, rec.Body)
	}
	var status, reason string
	var autoJoin *bool
	_ = h.st.Pool.QueryRow(context.Background(), `SELECT bot_status, bot_reason, auto_join FROM meetings WHERE id = $1`, id).Scan(&status, &reason, &autoJoin)
	if status != "pending" || reason != "requested" || autoJoin == nil || !*autoJoin {
		t.Fatalf("stored %s %s %v", status, reason, autoJoin)
	}

	// A running run is only told.
	h.temporal.On("SignalWorkflow", mock.Anything, wf, "", workflows.MeetingChangedSignal, workflows.MeetingChange{Kind: workflows.MeetingWanted}).
		Return(nil).Once()
	if rec := h.call(http.MethodPost, "/api/v1/meetings/"+id+"/bot", "", h.bearer); !strings.Contains(rec.Body.String(), `"duplicate":true`) {
		t.Fatalf("again: %s", rec.Body)
	}

	h.temporal.On("QueryWorkflow", mock.Anything, wf, "", workflows.StatusQuery).Return(nil, notRunning).Once()
	rec = h.call(http.MethodGet, "/api/v1/meetings/"+id+"/bot", "", h.bearer)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"bot_status":"pending"`) || !strings.Contains(rec.Body.String(), `"workflow_id":"`+wf+`"`) {
		t.Fatalf("get: %d %s", rec.Code, rec.Body)
	}

	// Called off with no run following: the pending wish is withdrawn here.
	h.temporal.On("SignalWorkflow", mock.Anything, wf, "", workflows.MeetingChangedSignal,
		workflows.MeetingChange{Kind: workflows.MeetingUnwanted, Reason: "the owner called the notetaker off"}).Return(notRunning).Once()
	if rec := h.call(http.MethodDelete, "/api/v1/meetings/"+id+"/bot", "", h.bearer); rec.Code != http.StatusAccepted {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	_ = h.st.Pool.QueryRow(context.Background(), `SELECT bot_status, auto_join FROM meetings WHERE id = $1`, id).Scan(&status, &autoJoin)
	if status != "cancelled" || autoJoin == nil || *autoJoin {
		t.Fatalf("after delete %s %v", status, autoJoin)
	}

	// A transcribed meeting gets no second notetaker.
	if _, err := h.st.Pool.Exec(context.Background(), `
		WITH d AS (INSERT INTO documents (owner_id, source, source_id, type, title) VALUES ($1, 'meeting', 'bot_x', 'meeting_transcript', 't') RETURNING id)
		UPDATE meetings SET transcript_document_id = (SELECT id FROM d) WHERE id = $2`, h.owner, id); err != nil {
		t.Fatal(err)
	}
	if rec := h.call(http.MethodPost, "/api/v1/meetings/"+id+"/bot", "", h.bearer); rec.Code != http.StatusConflict {
		t.Fatalf("transcribed: %d %s", rec.Code, rec.Body)
	}
}

func TestCreateAdhocBot_MakesOneMeetingPerRequestAndRefusesOtherLinks(t *testing.T) {
	h := newBotHarness(t)
	if rec := h.call(http.MethodPost, "/api/v1/bots", `{"meeting_url":"https://acme.webex.com/meet/jane"}`, h.bearer); rec.Code != http.StatusBadRequest {
		t.Fatalf("webex: %d %s", rec.Code, rec.Body)
	}
	if rec := h.call(http.MethodPost, "/api/v1/bots", `{"meeting_url":"https://zoom.us/j/123","join_at":"2020-01-01T10:00:00Z"}`, h.bearer); rec.Code != http.StatusBadRequest {
		t.Fatalf("past: %d %s", rec.Code, rec.Body)
	}
	join := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	body := `{"meeting_url":"https://zoom.us/j/98765432100?pwd=x","title":"Call with Acme","join_at":"` + join + `"}`
	h.temporal.On("SignalWorkflow", mock.Anything, mock.Anything, "", workflows.MeetingChangedSignal, workflows.MeetingChange{Kind: workflows.MeetingWanted}).
		Return(serviceerror.NewNotFound("workflow not found")).Once()
	h.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(&mocks.WorkflowRun{}, nil).Once()
	rec := h.call(http.MethodPost, "/api/v1/bots", body, h.bearer)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("adhoc: %d %s", rec.Code, rec.Body)
	}
	var first struct {
		MeetingID string `json:"meeting_id"`
		Duplicate bool   `json:"duplicate"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &first)
	var title, organizer, calendar string
	var adhoc bool
	_ = h.st.Pool.QueryRow(context.Background(), `SELECT title, organizer_email, calendar_id, adhoc FROM meetings WHERE id = $1`, first.MeetingID).
		Scan(&title, &organizer, &calendar, &adhoc)
	if title != "Call with Acme" || organizer != "pat@acme.example" || calendar != "" || !adhoc || first.Duplicate {
		t.Fatalf("stored %q %q %q %v %+v", title, organizer, calendar, adhoc, first)
	}

	h.temporal.On("SignalWorkflow", mock.Anything, workflows.MeetingBotWorkflowID(first.MeetingID), "", workflows.MeetingChangedSignal, mock.Anything).Return(nil).Once()
	rec = h.call(http.MethodPost, "/api/v1/bots", body, h.bearer)
	var again struct {
		MeetingID string `json:"meeting_id"`
		Duplicate bool   `json:"duplicate"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &again)
	if again.MeetingID != first.MeetingID || !again.Duplicate {
		t.Fatalf("the same request made another meeting: %+v vs %+v", again, first)
	}
}
