package attendee

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL + "/", APIKey: "k3y"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateBot_SendsAttendeesWireFormat(t *testing.T) {
	var got map[string]any
	var auth, path string
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.Method+" "+r.URL.Path
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &got)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"bot_abc","meeting_url":"https://meet.google.com/abc-defg-hij","state":"scheduled",
			"events":[],"transcription_state":"not_started","recording_state":"not_started",
			"join_at":"2026-03-09T13:58:00Z","deduplication_key":"k","metadata":{"besunny_meeting_id":"m1"}}`)
	})
	join := time.Date(2026, 3, 9, 14, 58, 0, 500, time.FixedZone("CET", 3600))
	bot, err := c.CreateBot(context.Background(), CreateBotRequest{
		MeetingURL: "https://meet.google.com/abc-defg-hij", BotName: "BeSunny Notetaker", JoinAt: join,
		DeduplicationKey: "k", Metadata: map[string]string{"besunny_meeting_id": "m1"},
		Webhooks: []WebhookSubscription{{URL: "https://api.example.com/webhooks/attendee", Triggers: []string{TriggerStateChange}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if auth != "Token k3y" || path != "POST /api/v1/bots" {
		t.Fatalf("auth %q path %q", auth, path)
	}
	if got["join_at"] != "2026-03-09T13:58:00Z" || got["bot_name"] != "BeSunny Notetaker" || got["deduplication_key"] != "k" {
		t.Fatalf("body %v", got)
	}
	hooks, _ := got["webhooks"].([]any)
	if len(hooks) != 1 || hooks[0].(map[string]any)["url"] != "https://api.example.com/webhooks/attendee" {
		t.Fatalf("webhooks %v", got["webhooks"])
	}
	if bot.ID != "bot_abc" || bot.State != "scheduled" || bot.JoinAt == nil || bot.MetadataString("besunny_meeting_id") != "m1" {
		t.Fatalf("bot %+v", bot)
	}
}

func TestCreateBot_LeavesJoinAtOutForARunningMeeting(t *testing.T) {
	var raw string
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		raw = string(b)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"bot_x","state":"joining"}`)
	})
	if _, err := c.CreateBot(context.Background(), CreateBotRequest{MeetingURL: "https://zoom.us/j/1", BotName: "n"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "join_at") || strings.Contains(raw, "deduplication_key") {
		t.Fatalf("body %s", raw)
	}
}

func TestClient_TypesAttendeesErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		check   func(error) bool
		message string
		retry   time.Duration
		temp    bool
	}{
		{"dedup conflict", 400, nil, `{"error": "Deduplication key already in use. A bot in a non-terminal state with this deduplication key already exists. Please use a different deduplication key or wait for that bot to terminate."}`,
			IsDeduplicationConflict, "Deduplication key already in use. A bot in a non-terminal state with this deduplication key already exists. Please use a different deduplication key or wait for that bot to terminate.", 0, false},
		{"field errors", 400, nil, `{"join_at": ["join_at cannot be in the past"], "meeting_url": ["Invalid meeting URL"]}`,
			func(error) bool { return true }, "join_at: join_at cannot be in the past, meeting_url: Invalid meeting URL", 0, false},
		{"invalid state", 400, nil, `{"error": "Bot is in state staged but can only be deleted when in scheduled state"}`, IsInvalidState, "Bot is in state staged but can only be deleted when in scheduled state", 0, false},
		{"leave refused", 400, nil, `{"error": "Event leave_requested not allowed when bot is in state ended. It is only allowed in these states: joining"}`, IsInvalidState, "Event leave_requested not allowed when bot is in state ended. It is only allowed in these states: joining", 0, false},
		{"not found", 404, nil, `{"error": "Bot not found"}`, IsNotFound, "Bot not found", 0, false},
		{"bad key", 401, map[string]string{"WWW-Authenticate": "Token"}, `{"detail": "Invalid or disabled API key"}`, IsUnauthorized, "Invalid or disabled API key", 0, false},
		{"throttled", 429, map[string]string{"Retry-After": "7"}, `{"detail": "Request was throttled. Expected available in 7 seconds."}`, IsTemporary, "Request was throttled. Expected available in 7 seconds.", 7 * time.Second, true},
		{"server error", 502, nil, `<html>Bad gateway</html>`, IsTemporary, "<html>Bad gateway</html>", 0, true},
		{"empty 503", 503, map[string]string{"Retry-After": "1.5"}, ``, IsTemporary, "Service Unavailable", 1500 * time.Millisecond, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			_, err := c.GetBot(context.Background(), "bot_1")
			ae, ok := err.(*APIError)
			if !ok {
				t.Fatalf("err %T %v", err, err)
			}
			if !tc.check(err) || ae.Message != tc.message || ae.RetryAfter != tc.retry || ae.Temporary() != tc.temp || ae.StatusCode != tc.status {
				t.Fatalf("got %+v (temporary %v)", ae, ae.Temporary())
			}
		})
	}
}

func TestListBots_FollowsCursorPagesOnItsOwnHost(t *testing.T) {
	var srvURL string
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("deduplication_key") != "meeting/m1/1" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		switch r.URL.Query().Get("cursor") {
		case "":
			_, _ = io.WriteString(w, `{"next":"`+srvURL+`/api/v1/bots?cursor=p2&deduplication_key=meeting%2Fm1%2F1","previous":null,"results":[{"id":"bot_1","state":"ended"}]}`)
		case "p2":
			_, _ = io.WriteString(w, `{"next":null,"previous":"x","results":[{"id":"bot_2","state":"scheduled"}]}`)
		}
	})
	srvURL = c.base.String()
	bots, err := c.ListBots(context.Background(), BotQuery{DeduplicationKey: "meeting/m1/1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(bots) != 2 || bots[1].ID != "bot_2" {
		t.Fatalf("bots %+v", bots)
	}

	evil := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"next":"https://evil.example.com/api/v1/bots?cursor=x","results":[]}`)
	})
	if _, err := evil.ListBots(context.Background(), BotQuery{}); err == nil || !strings.Contains(err.Error(), "leaves") {
		t.Fatalf("a next link to another host was followed: %v", err)
	}
}

func TestTranscript_ReadsArraysAndPages(t *testing.T) {
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/bots/bot_1/transcript" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("page") == "" {
			_, _ = io.WriteString(w, `{"next":"/api/v1/bots/bot_1/transcript?page=2","results":[{"speaker_name":"A","speaker_uuid":"1","speaker_user_uuid":null,"speaker_is_host":true,"timestamp_ms":1,"duration_ms":2,"transcription":{"transcript":"hi","words":null}}]}`)
			return
		}
		_, _ = io.WriteString(w, `{"next":null,"results":[{"speaker_name":"B","speaker_uuid":"2","timestamp_ms":3,"duration_ms":4,"transcription":{"transcript":"yo"}}]}`)
	})
	us, err := c.Transcript(context.Background(), "bot_1")
	if err != nil || len(us) != 2 || us[0].Text() != "hi" || us[1].SpeakerName != "B" {
		t.Fatalf("%+v %v", us, err)
	}

	arr := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `[{"speaker_name":"A","timestamp_ms":1,"duration_ms":2,"transcription":{"transcript":"hi"}}]`)
	})
	us, err = arr.Transcript(context.Background(), "bot_1")
	if err != nil || len(us) != 1 {
		t.Fatalf("%+v %v", us, err)
	}
}

func TestDeleteAndLeave_UseAttendeesRoutes(t *testing.T) {
	var calls []string
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, r.Method+" "+r.URL.Path)
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusOK)
			return
		}
		_, _ = io.WriteString(w, `{"id":"bot_1","state":"leaving"}`)
	})
	ctx := context.Background()
	if err := c.DeleteBot(ctx, "bot_1"); err != nil {
		t.Fatal(err)
	}
	if b, err := c.LeaveBot(ctx, "bot_1"); err != nil || b.State != "leaving" {
		t.Fatal(b, err)
	}
	if _, err := c.RescheduleBot(ctx, "bot_1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	want := "DELETE /api/v1/bots/bot_1,POST /api/v1/bots/bot_1/leave,PATCH /api/v1/bots/bot_1"
	if strings.Join(calls, ",") != want {
		t.Fatalf("calls %v", calls)
	}
}

func TestParseWebhook_ReadsStateChanges(t *testing.T) {
	body := `{"idempotency_key": "k1", "bot_id": "bot_1", "bot_metadata": {"besunny_meeting_id": "m1", "n": 3}, "trigger": "bot.state_change",
		"data": {"event_type": "could_not_join_meeting", "event_sub_type": "waiting_room_timeout_exceeded", "event_metadata": {},
		"old_state": "waiting_room", "new_state": "fatal_error", "created_at": "2026-03-09T14:02:11.482913+00:00"}}`
	w, err := ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := w.StateChange()
	if err != nil {
		t.Fatal(err)
	}
	if w.MetadataString("besunny_meeting_id") != "m1" || w.MetadataString("n") != "3" || sc.NewState != "fatal_error" ||
		sc.EventSubType != "waiting_room_timeout_exceeded" || sc.CreatedAt.UnixMicro() != time.Date(2026, 3, 9, 14, 2, 11, 482913000, time.UTC).UnixMicro() {
		t.Fatalf("%+v %+v", w, sc)
	}
	if _, err := w.Utterance(); err == nil {
		t.Fatal("a state change read as an utterance")
	}
	if _, err := ParseWebhook([]byte(`{"bot_id":"x"}`)); err == nil {
		t.Fatal("accepted a body without idempotency_key")
	}
}
