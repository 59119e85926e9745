package attendeefake_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/attendeefake"
)

// clock is a manual clock for the fake's lifecycle.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// receiver is a webhook endpoint that keeps what it received.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	status int
}

type received struct {
	body      []byte
	signature string
	agent     string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: http.StatusOK}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{body: b, signature: req.Header.Get(attendee.SignatureHeader), agent: req.Header.Get("User-Agent")})
		status := r.status
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type env struct {
	fake   *attendeefake.Fake
	client *attendee.Client
	clock  *clock
	hooks  *receiver
	key    []byte
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)}
	fake := attendeefake.New(attendeefake.Options{APIKey: "sandbox-key", Clock: c.Now, TickInterval: -1, WebhookBackoff: 10 * time.Millisecond})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() { srv.Close(); fake.Close() })
	client, err := attendee.New(attendee.Options{BaseURL: srv.URL, APIKey: "sandbox-key"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := attendee.DecodeSecret(fake.WebhookSecret())
	if err != nil {
		t.Fatal(err)
	}
	return &env{fake: fake, client: client, clock: c, hooks: newReceiver(t), key: key}
}

func (e *env) advance(d time.Duration) {
	e.clock.Add(d)
	e.fake.Step()
}

func (e *env) request(joinAt time.Time, url string) attendee.CreateBotRequest {
	return attendee.CreateBotRequest{
		MeetingURL: url, BotName: "BeSunny Notetaker", JoinAt: joinAt, DeduplicationKey: "meeting/" + url,
		Metadata: map[string]string{"besunny_meeting_id": "m-1"},
		Webhooks: []attendee.WebhookSubscription{{URL: e.hooks.srv.URL + "/webhooks/attendee", Triggers: []string{attendee.TriggerStateChange, attendee.TriggerTranscriptUpdate}}},
	}
}

// stateChanges verifies and decodes every bot.state_change received so far,
// in the order the changes happened (deliveries, like Attendee's, may
// arrive in any order).
func (e *env) stateChanges(t *testing.T) []string {
	t.Helper()
	var changes []attendee.StateChange
	for _, r := range e.hooks.received() {
		if err := attendee.Verify(r.body, r.signature, e.key); err != nil {
			t.Fatalf("webhook signature: %v\n%s", err, r.body)
		}
		if r.agent != "Attendee-Webhook/1.0" {
			t.Fatalf("user agent %q", r.agent)
		}
		w, err := attendee.ParseWebhook(r.body)
		if err != nil {
			t.Fatal(err)
		}
		if w.Trigger != attendee.TriggerStateChange {
			continue
		}
		sc, err := w.StateChange()
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, sc)
	}
	slices.SortStableFunc(changes, func(a, b attendee.StateChange) int { return a.CreatedAt.Compare(b.CreatedAt) })
	var states []string
	for _, sc := range changes {
		states = append(states, sc.NewState)
	}
	return states
}

func TestScheduledBot_GoesThroughAttendeesLifecycleWithSignedWebhooks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	url := "https://meet.google.com/abc-defg-hij"
	if err := e.fake.SetMeeting(attendeefake.Meeting{URL: url, Duration: attendeefake.Duration(10 * time.Minute), Utterances: []attendeefake.ScriptedUtterance{
		{Speaker: "Alice Martin", At: attendeefake.Duration(5 * time.Second), Duration: attendeefake.Duration(3 * time.Second), Text: "Bonjour, welcome to the Q3 review.", Host: true},
		{Speaker: "Bob Stone", At: attendeefake.Duration(20 * time.Second), Duration: attendeefake.Duration(4 * time.Second), Text: "Budget is on track."},
	}}); err != nil {
		t.Fatal(err)
	}
	joinAt := e.clock.Now().Add(58 * time.Minute)
	bot, err := e.client.CreateBot(ctx, e.request(joinAt, url))
	if err != nil {
		t.Fatal(err)
	}
	if bot.State != attendee.StateScheduled || !strings.HasPrefix(bot.ID, "bot_") || bot.JoinAt == nil || !bot.JoinAt.Equal(joinAt) {
		t.Fatalf("created %+v", bot)
	}
	if bot.MetadataString("besunny_meeting_id") != "m-1" || bot.DeduplicationKey != "meeting/"+url {
		t.Fatalf("metadata/key %+v", bot)
	}

	e.advance(52 * time.Minute) // 6 min before join_at: still scheduled
	if b, _ := e.client.GetBot(ctx, bot.ID); b.State != attendee.StateScheduled {
		t.Fatalf("state %s", b.State)
	}
	e.advance(time.Minute) // 5 min before: staged
	if b, _ := e.client.GetBot(ctx, bot.ID); b.State != attendee.StateStaged {
		t.Fatalf("state %s", b.State)
	}
	e.advance(5 * time.Minute) // join_at
	e.advance(7 * time.Second) // admitted, then recording
	b, _ := e.client.GetBot(ctx, bot.ID)
	if b.State != attendee.StateJoinedRecording || b.RecordingState != "in_progress" {
		t.Fatalf("state %s recording %s", b.State, b.RecordingState)
	}
	e.advance(10 * time.Second) // first utterance spoken
	us, err := e.client.Transcript(ctx, bot.ID)
	if err != nil || len(us) != 1 || us[0].SpeakerName != "Alice Martin" || !us[0].SpeakerIsHost {
		t.Fatalf("transcript so far %+v %v", us, err)
	}
	e.advance(10 * time.Minute) // meeting over
	e.advance(10 * time.Second) // post-processing done
	b, _ = e.client.GetBot(ctx, bot.ID)
	if b.State != attendee.StateEnded || b.LastEvent().Type != attendee.EventPostProcessingCompleted || b.TranscriptionState != "complete" {
		t.Fatalf("ended? %+v", b)
	}
	us, _ = e.client.Transcript(ctx, bot.ID)
	text := attendee.RenderTranscript(us, time.Time{}).Text
	if !strings.Contains(text, "Bob Stone: Budget is on track.") || !strings.Contains(text, "Alice Martin: Bonjour") {
		t.Fatalf("transcript %q", text)
	}
	want := []string{"staged", "joining", "joined_not_recording", "joined_recording", "post_processing", "ended"}
	// Each delivery travels on its own, like Attendee's Celery tasks, so the
	// last state change can arrive before the last transcript update.
	transcriptUpdates := func() int {
		var updates int
		for _, r := range e.hooks.received() {
			if w, _ := attendee.ParseWebhook(r.body); w.Trigger == attendee.TriggerTranscriptUpdate {
				u, err := w.Utterance()
				if err != nil || u.Text() == "" || w.BotID != bot.ID || w.MetadataString("besunny_meeting_id") != "m-1" {
					t.Fatalf("transcript.update %+v %v", u, err)
				}
				updates++
			}
		}
		return updates
	}
	waitFor(t, "webhooks", func() bool { return len(e.stateChanges(t)) == len(want) && transcriptUpdates() >= 2 })
	if got := e.stateChanges(t); !slices.Equal(got, want) {
		t.Fatalf("webhook states %v, want %v", got, want)
	}
	if updates := transcriptUpdates(); updates != 2 {
		t.Fatalf("transcript.update deliveries %d", updates)
	}
}

func TestAdHocBot_JoinsAtOnce(t *testing.T) {
	e := newEnv(t)
	bot, err := e.client.CreateBot(context.Background(), e.request(time.Time{}, "https://zoom.us/j/123456789?pwd=abc"))
	if err != nil {
		t.Fatal(err)
	}
	if bot.State != attendee.StateJoining || bot.JoinAt != nil || len(bot.Events) != 1 || bot.Events[0].Type != "join_requested" {
		t.Fatalf("%+v", bot)
	}
	waitFor(t, "joining webhook", func() bool { return slices.Equal(e.stateChanges(t), []string{"joining"}) })
}

func TestCreate_DeduplicationKeyAndLostResponsesMakeNoSecondBot(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	req := e.request(e.clock.Now().Add(time.Hour), "https://meet.google.com/aaa-bbbb-ccc")
	e.fake.FailNext("create bot", attendeefake.FaultLostResponse, 1)
	_, err := e.client.CreateBot(ctx, req)
	if err == nil || !attendee.IsTemporary(err) {
		t.Fatalf("lost response: %v", err)
	}
	// The retry is refused: the first attempt's bot holds the key.
	_, err = e.client.CreateBot(ctx, req)
	if !attendee.IsDeduplicationConflict(err) {
		t.Fatalf("second create: %v", err)
	}
	bots, err := e.client.ListBots(ctx, attendee.BotQuery{DeduplicationKey: req.DeduplicationKey})
	if err != nil || len(bots) != 1 || bots[0].State != attendee.StateScheduled {
		t.Fatalf("by key: %+v %v", bots, err)
	}
	if n := len(e.fake.Bots()); n != 1 {
		t.Fatalf("%d bots", n)
	}
}

func TestFaults_RateLimitsAndServerErrorsAreTyped(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fake.FailNext("", attendeefake.Fault429, 1)
	e.fake.FailNext("get bot", attendeefake.Fault503, 1)
	_, err := e.client.GetBot(ctx, "bot_x")
	var ae *attendee.APIError
	if !asAPIError(err, &ae) || ae.StatusCode != 429 || ae.RetryAfter != time.Second || !ae.Temporary() {
		t.Fatalf("429: %v", err)
	}
	_, err = e.client.GetBot(ctx, "bot_x")
	if !asAPIError(err, &ae) || ae.StatusCode != 503 || !ae.Temporary() {
		t.Fatalf("503: %v", err)
	}
	_, err = e.client.GetBot(ctx, "bot_x")
	if !attendee.IsNotFound(err) {
		t.Fatalf("unknown bot: %v", err)
	}
	bad, _ := attendee.New(attendee.Options{BaseURL: e.client.BaseURL(), APIKey: "wrong"})
	if _, err := bad.GetBot(ctx, "bot_x"); !attendee.IsUnauthorized(err) {
		t.Fatalf("bad key: %v", err)
	}
}

func asAPIError(err error, target **attendee.APIError) bool {
	ae, ok := err.(*attendee.APIError)
	if ok {
		*target = ae
	}
	return ok
}

func TestWaitingRoom_NeverAdmittedEndsInAFatalErrorWithItsReason(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	url := "https://meet.google.com/wai-ting-rom"
	_ = e.fake.SetMeeting(attendeefake.Meeting{URL: url, WaitingRoom: true})
	bot, _ := e.client.CreateBot(ctx, e.request(time.Time{}, url))
	e.advance(5 * time.Second)
	b, _ := e.client.GetBot(ctx, bot.ID)
	if b.State != attendee.StateWaitingRoom {
		t.Fatalf("state %s", b.State)
	}
	e.advance(15 * time.Minute)
	b, _ = e.client.GetBot(ctx, bot.ID)
	last := b.LastEvent()
	in := attendee.Interpret(b.State, last.Type, last.SubType, b.HasEvent(attendee.EventJoinedMeeting))
	if b.State != attendee.StateFatalError || last.SubType != "waiting_room_timeout_exceeded" || in.Status != attendee.StatusFailed ||
		in.Reason != "the notetaker was never admitted from the waiting room" {
		t.Fatalf("%+v %+v", b, in)
	}
}

func TestScriptedRefusals(t *testing.T) {
	cases := []struct {
		name    string
		meeting attendeefake.Meeting
		state   string
		sub     string
	}{
		{"join denied", attendeefake.Meeting{DenyJoin: true}, attendee.StateFatalError, "request_to_join_denied"},
		{"not found", attendeefake.Meeting{NotFound: true}, attendee.StateFatalError, "meeting_not_found"},
		{"recording denied", attendeefake.Meeting{DenyRecording: true, Utterances: []attendeefake.ScriptedUtterance{{Speaker: "A", At: 1, Text: "unheard"}}}, attendee.StateEnded, ""},
		{"admitted later", attendeefake.Meeting{WaitingRoom: true, AdmitAfter: attendeefake.Duration(time.Minute)}, attendee.StateEnded, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			c.meeting.URL = "https://zoom.us/j/987654321"
			c.meeting.Duration = attendeefake.Duration(time.Minute)
			_ = e.fake.SetMeeting(c.meeting)
			bot, err := e.client.CreateBot(ctx, e.request(time.Time{}, c.meeting.URL))
			if err != nil {
				t.Fatal(err)
			}
			for range 20 {
				e.advance(10 * time.Second)
			}
			b, _ := e.client.GetBot(ctx, bot.ID)
			if b.State != c.state || b.LastEvent().SubType != c.sub {
				t.Fatalf("%s / %s, events %+v", b.State, b.LastEvent().SubType, b.Events)
			}
			if us, _ := e.client.Transcript(ctx, bot.ID); len(us) != 0 {
				t.Fatalf("transcript %+v", us)
			}
		})
	}
}

func TestRescheduleDeleteAndLeave_FollowAttendeesStateRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	joinAt := e.clock.Now().Add(time.Hour)
	bot, _ := e.client.CreateBot(ctx, e.request(joinAt, "https://meet.google.com/res-ched-ule"))
	later := joinAt.Add(30 * time.Minute)
	b, err := e.client.RescheduleBot(ctx, bot.ID, later)
	if err != nil || !b.JoinAt.Equal(later) {
		t.Fatalf("reschedule %+v %v", b, err)
	}
	if _, err := e.client.RescheduleBot(ctx, bot.ID, e.clock.Now().Add(-time.Minute)); err == nil || !strings.Contains(err.Error(), "join_at cannot be in the past") {
		t.Fatalf("past join_at: %v", err)
	}
	if _, err := e.client.LeaveBot(ctx, bot.ID); !attendee.IsInvalidState(err) {
		t.Fatalf("leave a scheduled bot: %v", err)
	}
	e.advance(86 * time.Minute) // staged, 4 min before the new join time
	if err := e.client.DeleteBot(ctx, bot.ID); !attendee.IsInvalidState(err) {
		t.Fatalf("delete a staged bot: %v", err)
	}
	if _, err := e.client.RescheduleBot(ctx, bot.ID, later.Add(time.Hour)); !attendee.IsInvalidState(err) {
		t.Fatalf("reschedule a staged bot: %v", err)
	}
	e.advance(4*time.Minute + 10*time.Second) // joined and recording
	b, err = e.client.LeaveBot(ctx, bot.ID)
	if err != nil || b.State != attendee.StateLeaving {
		t.Fatalf("leave %+v %v", b, err)
	}
	e.advance(15 * time.Second)
	b, _ = e.client.GetBot(ctx, bot.ID)
	if b.State != attendee.StateEnded || !b.HasEvent("left_meeting") {
		t.Fatalf("after leave %+v", b)
	}

	other, _ := e.client.CreateBot(ctx, e.request(e.clock.Now().Add(time.Hour), "https://meet.google.com/del-etem-eee"))
	if err := e.client.DeleteBot(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetBot(ctx, other.ID); !attendee.IsNotFound(err) {
		t.Fatalf("deleted bot: %v", err)
	}
}

func TestDeduplicationKey_IsFreeAgainOnceTheBotEnded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	url := "https://meet.google.com/reu-seke-yyy"
	_ = e.fake.SetMeeting(attendeefake.Meeting{URL: url, Duration: attendeefake.Duration(time.Minute)})
	first, _ := e.client.CreateBot(ctx, e.request(time.Time{}, url))
	for range 10 {
		e.advance(20 * time.Second)
	}
	second, err := e.client.CreateBot(ctx, e.request(time.Time{}, url))
	if err != nil || second.ID == first.ID {
		t.Fatalf("reuse after end: %v", err)
	}
}

func TestWebhookFaults_DropDuplicateDelayAndRetries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fake.DisturbNextWebhooks(attendeefake.WebhookDrop, 1)
	e.fake.DisturbNextWebhooks(attendeefake.WebhookDuplicate, 1)
	if _, err := e.client.CreateBot(ctx, e.request(time.Time{}, "https://meet.google.com/fau-ltsx-xxx")); err != nil { // joining: dropped
		t.Fatal(err)
	}
	e.advance(5 * time.Second) // joined_not_recording: duplicated
	waitFor(t, "duplicate", func() bool { return len(e.hooks.received()) == 2 })
	got := e.hooks.received()
	w1, _ := attendee.ParseWebhook(got[0].body)
	w2, _ := attendee.ParseWebhook(got[1].body)
	if w1.IdempotencyKey != w2.IdempotencyKey || string(got[0].body) != string(got[1].body) {
		t.Fatalf("duplicate differs: %s / %s", got[0].body, got[1].body)
	}
	ds := e.fake.Deliveries()
	if ds[0].Outcome != "dropped" || ds[0].NewState != "joining" || !ds[2].Duplicate {
		t.Fatalf("deliveries %+v", ds)
	}

	// A failing endpoint gets three attempts with the same key.
	e.hooks.mu.Lock()
	e.hooks.status = http.StatusInternalServerError
	e.hooks.mu.Unlock()
	e.advance(2 * time.Second) // joined_recording
	waitFor(t, "retries", func() bool {
		d := e.fake.Deliveries()
		return d[len(d)-1].Outcome == "failed"
	})
	ds = e.fake.Deliveries()
	if last := ds[len(ds)-1]; last.Attempts != 3 || !slices.Equal(last.Statuses, []int{500, 500, 500}) {
		t.Fatalf("retries %+v", last)
	}
}

func TestListBots_PagesLikeDRF(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 30 {
		req := e.request(e.clock.Now().Add(time.Hour), "https://meet.google.com/pag-ingx-"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		if _, err := e.client.CreateBot(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	bots, err := e.client.ListBots(ctx, attendee.BotQuery{States: []string{"scheduled"}})
	if err != nil || len(bots) != 30 {
		t.Fatalf("%d bots, %v", len(bots), err)
	}
}

func TestCreate_ValidatesLikeAttendee(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cases := []struct {
		name string
		mod  func(*attendee.CreateBotRequest)
		msg  string
	}{
		{"webex", func(r *attendee.CreateBotRequest) { r.MeetingURL = "https://acme.webex.com/meet/jane" }, "meeting_url: Invalid meeting URL"},
		{"past", func(r *attendee.CreateBotRequest) { r.JoinAt = e.clock.Now().Add(-time.Minute) }, "join_at: join_at cannot be in the past"},
		{"trigger", func(r *attendee.CreateBotRequest) { r.Webhooks[0].Triggers = []string{"bot.joined"} }, "Invalid webhook trigger type: bot.joined"},
		{"three hooks", func(r *attendee.CreateBotRequest) {
			r.Webhooks = append(r.Webhooks, attendee.WebhookSubscription{URL: "https://a.example/1"}, attendee.WebhookSubscription{URL: "https://a.example/2"})
		}, "You have reached the maximum number of webhooks for a single bot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := e.request(e.clock.Now().Add(time.Hour), "https://meet.google.com/val-idat-eee")
			c.mod(&req)
			_, err := e.client.CreateBot(ctx, req)
			var ae *attendee.APIError
			if !asAPIError(err, &ae) || ae.StatusCode != 400 || ae.Message != c.msg {
				t.Fatalf("%v", err)
			}
		})
	}
}

func TestAdvance_FastForwardsAScheduledBot(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bot, _ := e.client.CreateBot(ctx, e.request(e.clock.Now().Add(3*time.Minute), "https://meet.google.com/fas-tfwd-xxx"))
	e.fake.Advance(3*time.Minute + 10*time.Second)
	b, _ := e.client.GetBot(ctx, bot.ID)
	if b.State != attendee.StateJoinedRecording {
		t.Fatalf("state %s after advance", b.State)
	}
}

func TestStateFile_KeepsBotsAcrossRestarts(t *testing.T) {
	path := t.TempDir() + "/attendee.json"
	c := &clock{t: time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)}
	fake := attendeefake.New(attendeefake.Options{Clock: c.Now, TickInterval: -1, StateFile: path})
	srv := httptest.NewServer(fake.Handler())
	client, _ := attendee.New(attendee.Options{BaseURL: srv.URL})
	bot, err := client.CreateBot(context.Background(), attendee.CreateBotRequest{MeetingURL: "https://meet.google.com/per-sist-xxx", BotName: "n", JoinAt: c.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	fake.Close()

	again := attendeefake.New(attendeefake.Options{Clock: c.Now, TickInterval: -1, StateFile: path})
	defer again.Close()
	bots := again.Bots()
	if len(bots) != 1 || bots[0].ID != bot.ID || bots[0].State != "scheduled" {
		t.Fatalf("after restart %+v", bots)
	}
}

func TestWithdraw_DeletesLeavesOrWaitsByState(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	scheduled, _ := e.client.CreateBot(ctx, e.request(e.clock.Now().Add(time.Hour), "https://meet.google.com/wit-hdra-waa"))
	if out, _, err := e.client.Withdraw(ctx, scheduled.ID); err != nil || out != attendee.WithdrawDeleted {
		t.Fatalf("scheduled: %s %v", out, err)
	}
	staged, _ := e.client.CreateBot(ctx, e.request(e.clock.Now().Add(3*time.Minute), "https://meet.google.com/wit-hdra-wbb"))
	e.fake.Step()
	if out, b, err := e.client.Withdraw(ctx, staged.ID); err != nil || out != attendee.WithdrawNotYet || b.State != attendee.StateStaged {
		t.Fatalf("staged: %s %s %v", out, b.State, err)
	}
	e.advance(3*time.Minute + 10*time.Second)
	if out, b, err := e.client.Withdraw(ctx, staged.ID); err != nil || out != attendee.WithdrawLeaving || b.State != attendee.StateLeaving {
		t.Fatalf("recording: %s %s %v", out, b.State, err)
	}
	e.advance(20 * time.Second)
	if out, _, err := e.client.Withdraw(ctx, staged.ID); err != nil || out != attendee.WithdrawGone {
		t.Fatalf("ended: %s %v", out, err)
	}
	if out, _, err := e.client.Withdraw(ctx, "bot_unknown"); err != nil || out != attendee.WithdrawGone {
		t.Fatalf("unknown: %s %v", out, err)
	}
}
