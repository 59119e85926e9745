package activities

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/attendeefake"
)

func sandboxBots(t *testing.T) (*MeetingBots, *attendeefake.Fake) {
	t.Helper()
	fake := attendeefake.New(attendeefake.Options{APIKey: "k", TickInterval: -1})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() { srv.Close(); fake.Close() })
	c, err := attendee.New(attendee.Options{BaseURL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	return &MeetingBots{Attendee: c, Settings: MeetingBotSettings{Enabled: true, BotName: "BeSunny Notetaker",
		WebhookURL: "http://127.0.0.1:1/webhooks/attendee"}}, fake
}

func appErrorType(err error) (string, bool) {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		return "", false
	}
	return ae.Type(), ae.NonRetryable()
}

func TestCreateBot_ARetryAfterALostAnswerFindsTheFirstBot(t *testing.T) {
	mb, fake := sandboxBots(t)
	ctx := context.Background()
	join := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	in := CreateBotInput{MeetingID: "m-1", OwnerID: "u-1", DeduplicationKey: "besunny/meeting/m-1/run/1",
		MeetingURL: "https://meet.google.com/abc-defg-hij", JoinAt: &join}

	fake.FailNext("create bot", attendeefake.FaultLostResponse, 1)
	_, err := mb.CreateBot(ctx, in)
	if typ, nonRetryable := appErrorType(err); typ != ErrTypeAttendeeUnavailable || nonRetryable {
		t.Fatalf("lost answer: %v", err)
	}
	bot, err := mb.CreateBot(ctx, in)
	if err != nil || !bot.Adopted || bot.State != attendee.StateScheduled || !bot.JoinAt.Equal(join) {
		t.Fatalf("retry: %+v %v", bot, err)
	}
	// The lookup happens before creating, so even a retry that lost the
	// conflict (a second create racing the first) would not add a bot.
	again, err := mb.CreateBot(ctx, in)
	if err != nil || again.ID != bot.ID {
		t.Fatalf("third attempt: %+v %v", again, err)
	}
	bots := fake.Bots()
	if len(bots) != 1 || bots[0].Metadata[BotMetadataMeetingID] != "m-1" || len(bots[0].Webhooks) != 1 {
		t.Fatalf("bots at Attendee: %+v", bots)
	}
}

func TestCreateBot_MapsAttendeesRefusalsAndLimits(t *testing.T) {
	mb, fake := sandboxBots(t)
	ctx := context.Background()
	in := CreateBotInput{MeetingID: "m-2", DeduplicationKey: "k2", MeetingURL: "https://acme.webex.com/meet/jane"}
	_, err := mb.CreateBot(ctx, in)
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != ErrTypeAttendeeRejected || !ae.NonRetryable() || ae.Message() != "meeting_url: Invalid meeting URL" {
		t.Fatalf("webex: %v", err)
	}
	fake.FailNext("list bots", attendeefake.Fault429, 1)
	in.MeetingURL = "https://zoom.us/j/1234567890"
	_, err = mb.CreateBot(ctx, in)
	if typ, nonRetryable := appErrorType(err); typ != ErrTypeAttendeeRateLimited || nonRetryable {
		t.Fatalf("429: %v", err)
	}
	// A join time that a late retry would send in the past is left out.
	soon := time.Now().Add(10 * time.Second)
	in.JoinAt = &soon
	bot, err := mb.CreateBot(ctx, in)
	if err != nil || bot.State != attendee.StateJoining || bot.JoinAt != nil {
		t.Fatalf("late retry: %+v %v", bot, err)
	}
	if _, err := mb.GetBot(ctx, "bot_missing"); !isType(err, ErrTypeAttendeeBotNotFound) {
		t.Fatalf("unknown bot: %v", err)
	}
	res, err := mb.WithdrawBot(ctx, bot.ID)
	if err != nil || res.Outcome != string(attendee.WithdrawLeaving) {
		t.Fatalf("withdraw: %+v %v", res, err)
	}
}

func TestMeetingBots_WithoutAttendeeSayWhy(t *testing.T) {
	mb := &MeetingBots{}
	_, err := mb.CreateBot(context.Background(), CreateBotInput{})
	if typ, nonRetryable := appErrorType(err); typ != ErrTypeAttendeeDisabled || !nonRetryable {
		t.Fatalf("%v", err)
	}
}

func isType(err error, typ string) bool {
	t, _ := appErrorType(err)
	return t == typ
}
