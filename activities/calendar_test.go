package activities_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/testenv"
)

const calAccount = "demo@besunny.local"

// calendarHarness is a real database and a sandbox Google with one user,
// demo, connected through the OAuth flow; webhook receives channel
// notifications.
type calendarHarness struct {
	t       *testing.T
	st      *store.Store
	fake    *googlefake.Server
	a       *activities.Calendar
	user    uuid.UUID
	ref     activities.CalendarRef
	webhook *httptest.Server
	pushes  chan http.Header
	base    string
}

func newCalendarHarness(t *testing.T) *calendarHarness {
	t.Helper()
	database := testenv.NewDatabase(t)
	fake := googlefake.New(googlefake.Options{DefaultAccount: calAccount})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		fake.Close()
		srv.Close()
	})
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		v, ok := map[string]string{"GOOGLE_MODE": "sandbox", "GOOGLE_SANDBOX_URL": srv.URL}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := google.NewAccounts(cfg, database.Store)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	user := uuid.New()
	username := "demo"
	if _, err := database.Store.UpsertUserFromClaims(ctx, db.UpsertUserFromClaimsParams{ID: user, Email: calAccount}); err != nil {
		t.Fatal(err)
	}
	if _, err := database.Store.SetUsername(ctx, db.SetUsernameParams{ID: user, Username: &username}); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.ConnectSandbox(ctx, user, calAccount); err != nil {
		t.Fatal(err)
	}
	h := &calendarHarness{t: t, st: database.Store, fake: fake, user: user, pushes: make(chan http.Header, 100), base: srv.URL,
		ref: activities.CalendarRef{UserID: user.String(), CalendarID: "primary"}}
	h.webhook = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.pushes <- r.Header.Clone()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.webhook.Close)
	h.a = &activities.Calendar{
		Accounts: accounts, Store: database.Store, WebhookURL: h.webhook.URL,
		Virtual: mail.RecipientRules{LocalPart: "ai", Domains: []string{"besunny.ai"}},
		Settings: activities.CalendarSettings{SyncPast: 7 * 24 * time.Hour, SyncAhead: 60 * 24 * time.Hour, PollInterval: time.Minute,
			FullResyncInterval: time.Hour, ChannelTTL: 24 * time.Hour, PageSize: 2},
	}
	if err := h.a.RegisterCalendar(ctx, h.ref); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *calendarHarness) event(summary string, in googlefake.EventInput) googlefake.CalendarEvent {
	h.t.Helper()
	in.Summary = summary
	if in.Start.IsZero() {
		in.Start = time.Now().Add(2 * time.Hour).Truncate(time.Minute)
		in.End = in.Start.Add(time.Hour)
	}
	ev, err := h.fake.CreateEvent(calAccount, in)
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

// sync runs a whole sync as the workflow does (every page, same
// parameters) and returns the changes, the new token and the pages read.
func (h *calendarHarness) sync(in activities.SyncPageInput) ([]activities.MeetingChange, string, int) {
	h.t.Helper()
	in.CalendarRef = h.ref
	var changes []activities.MeetingChange
	for pages := 1; ; pages++ {
		res, err := h.a.SyncPage(context.Background(), in)
		if err != nil {
			h.t.Fatal(err)
		}
		if res.Gone || res.Forbidden != "" {
			h.t.Fatalf("sync answered %+v", res)
		}
		changes = append(changes, res.Changes...)
		if res.NextPageToken == "" {
			return changes, res.NextSyncToken, pages
		}
		in.PageToken = res.NextPageToken
	}
}

func (h *calendarHarness) full(mark int64) ([]activities.MeetingChange, string, int) {
	now := time.Now()
	return h.sync(activities.SyncPageInput{TimeMin: now.Add(-7 * 24 * time.Hour), TimeMax: now.Add(60 * 24 * time.Hour), FullSyncMark: mark})
}

func (h *calendarHarness) meetings() []db.Meeting {
	h.t.Helper()
	rows, err := h.st.ListMeetingsForOwner(context.Background(), db.ListMeetingsForOwnerParams{OwnerID: h.user, Status: "all", MaxRows: 100})
	if err != nil {
		h.t.Fatal(err)
	}
	return rows
}

func kinds(changes []activities.MeetingChange) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Kind)
	}
	slices.Sort(out)
	return out
}

func TestSyncPage_FullSyncStoresEveryPageThenIncrementalAppliesChanges(t *testing.T) {
	h := newCalendarHarness(t)
	review := h.event("Reading room review", googlefake.EventInput{Conference: "meet", Description: "<b>Agenda</b>: shelving",
		Attendees: []googlefake.AttendeeInput{{Email: "ai+demo@besunny.ai"}, {Email: "maya@northwind.example", Name: "Maya"}}})
	zoom := h.event("Supplier call", googlefake.EventInput{Conference: "https://acme.zoom.us/j/123"})
	weekly := h.event("Weekly", googlefake.EventInput{Conference: "meet", Recurrence: []string{"RRULE:FREQ=WEEKLY;COUNT=2"}})
	h.event("Lunch", googlefake.EventInput{}) // no meeting link: not a meeting

	changes, token, pages := h.full(1)
	if pages != 3 || token == "" {
		t.Fatalf("%d pages, token %q; want 3 pages of 2 (5 events) and a token", pages, token)
	}
	if got := kinds(changes); !slices.Equal(got, []string{"created", "created", "created", "created"}) {
		t.Fatalf("changes %v", got)
	}
	ms := h.meetings()
	if len(ms) != 4 {
		t.Fatalf("%d meetings, want 4 (the lunch has no link)", len(ms))
	}
	byEvent := map[string]db.Meeting{}
	for _, m := range ms {
		byEvent[m.EventID] = m
	}
	r := byEvent[review.ID]
	if r.MeetingProvider != "google_meet" || r.Description != "Agenda: shelving" || r.EventStatus != "accepted" ||
		!slices.Equal(r.VirtualUsernames, []string{"demo"}) || r.CalendarID != "primary" || r.SeenInFullSync != 1 {
		t.Fatalf("review meeting %+v", r)
	}
	if byEvent[zoom.ID].MeetingProvider != "zoom" {
		t.Fatalf("zoom meeting %+v", byEvent[zoom.ID])
	}
	for _, c := range changes {
		if c.EventID == review.ID && (!c.WantsBot || c.BotReason != "virtual_attendee" || c.ClassifyRevision != 1) {
			t.Fatalf("review change %+v", c)
		}
		if c.EventID == zoom.ID && c.WantsBot {
			t.Fatalf("zoom change wants a bot: %+v", c)
		}
	}
	instances := 0
	for _, m := range ms {
		if m.RecurringEventID == weekly.ID {
			instances++
		}
	}
	if instances != 2 {
		t.Fatalf("%d instances of the weekly meeting, want 2", instances)
	}

	// A repeated full sync creates nothing; it only reminds that the
	// review still wants its bot (nobody requested it in this test).
	again, _, _ := h.full(2)
	if len(again) != 1 || again[0].EventID != review.ID || again[0].Kind != "updated" || again[0].Moved || again[0].URLChanged ||
		again[0].ClassifyRevision != 0 || !again[0].WantsBot || len(h.meetings()) != 4 {
		t.Fatalf("repeated full sync: %+v, %d meetings", again, len(h.meetings()))
	}

	// Moved, renamed, cancelled: the incremental sync tells each.
	later := review.Start.Add(24 * time.Hour)
	if _, err := h.fake.UpdateEvent(calAccount, review.ID, googlefake.EventPatch{Start: &later}); err != nil {
		t.Fatal(err)
	}
	title := "Supplier call (pricing)"
	if _, err := h.fake.UpdateEvent(calAccount, zoom.ID, googlefake.EventPatch{Summary: &title}); err != nil {
		t.Fatal(err)
	}
	if err := h.fake.CancelEvent(calAccount, weekly.ID+"_"+weekly.Start.UTC().Format("20060102T150405Z")); err != nil {
		t.Fatal(err)
	}
	inc, _, _ := h.sync(activities.SyncPageInput{SyncToken: token})
	got := map[string]activities.MeetingChange{}
	for _, c := range inc {
		got[c.EventID] = c
	}
	if c := got[review.ID]; c.Kind != "updated" || !c.Moved || c.ClassifyRevision != 0 {
		t.Fatalf("moved: %+v", c)
	}
	if c := got[zoom.ID]; c.Kind != "updated" || c.Moved || c.ClassifyRevision != 2 {
		t.Fatalf("renamed: %+v", c)
	}
	first := weekly.ID + "_" + weekly.Start.UTC().Format("20060102T150405Z")
	if c := got[first]; c.Kind != "deleted" {
		t.Fatalf("cancelled instance (no bot, project or transcript): %+v", c)
	}
	if len(h.meetings()) != 3 {
		t.Fatalf("%d meetings after the cancellation, want 3", len(h.meetings()))
	}
}

func TestSyncPage_CancelledMeetingWithABotIsKeptCancelled(t *testing.T) {
	h := newCalendarHarness(t)
	ev := h.event("Review", googlefake.EventInput{Conference: "meet", Attendees: []googlefake.AttendeeInput{{Email: "ai+demo@besunny.ai"}}})
	changes, token, _ := h.full(1)
	ok, err := h.a.RecordBotIntent(context.Background(), activities.BotIntentInput{MeetingID: changes[0].MeetingID, Reason: "virtual_attendee"})
	if err != nil || !ok {
		t.Fatalf("bot intent %v %v", ok, err)
	}
	if again, _ := h.a.RecordBotIntent(context.Background(), activities.BotIntentInput{MeetingID: changes[0].MeetingID, Reason: "virtual_attendee"}); again {
		t.Fatal("a second intent changed the meeting again")
	}
	if err := h.fake.CancelEvent(calAccount, ev.ID); err != nil {
		t.Fatal(err)
	}
	inc, _, _ := h.sync(activities.SyncPageInput{SyncToken: token})
	if len(inc) != 1 || inc[0].Kind != "cancelled" || inc[0].BotStatus != "pending" {
		t.Fatalf("changes %+v", inc)
	}
	ms := h.meetings()
	if len(ms) != 1 || ms[0].Status != "cancelled" || ms[0].StatusReason != "the event was cancelled" || ms[0].CancelledAt == nil {
		t.Fatalf("meeting %+v", ms)
	}
	withdrawn, err := h.a.CancelBotIntent(context.Background(), activities.BotIntentInput{MeetingID: inc[0].MeetingID, Reason: "the event was cancelled"})
	if err != nil || !withdrawn {
		t.Fatalf("withdraw %v %v", withdrawn, err)
	}
	if m := h.meetings()[0]; m.BotStatus != "cancelled" || m.BotStatusReason != "the event was cancelled" {
		t.Fatalf("bot %s %q", m.BotStatus, m.BotStatusReason)
	}
}

func TestSyncPage_ExpiredTokenIsGoneAndTheResyncDoesNotDuplicate(t *testing.T) {
	h := newCalendarHarness(t)
	h.event("A", googlefake.EventInput{Conference: "meet"})
	h.event("B", googlefake.EventInput{Conference: "meet"})
	_, token, _ := h.full(1)
	// A meeting whose event vanished while no token could say so (here: a
	// row for an event the calendar never had).
	ghost := time.Now().Add(3 * time.Hour)
	if _, err := h.st.UpsertMeeting(context.Background(), db.UpsertMeetingParams{OwnerID: h.user, CalendarID: "primary", EventID: "ghost0001",
		Title: "Ghost", MeetingUrl: "https://zoom.us/j/1", MeetingProvider: "zoom", StartAt: ghost, EndAt: ghost.Add(time.Hour),
		Attendees: json.RawMessage(`[]`), VirtualUsernames: []string{}, EventStatus: "accepted", SeenInFullSync: 1}); err != nil {
		t.Fatal(err)
	}

	h.fake.ExpireCalendarSyncTokens(calAccount)
	res, err := h.a.SyncPage(context.Background(), activities.SyncPageInput{CalendarRef: h.ref, SyncToken: token})
	if err != nil || !res.Gone {
		t.Fatalf("expired token: %+v %v", res, err)
	}
	changes, _, _ := h.full(2)
	if len(changes) != 0 {
		t.Fatalf("the resync of unchanged events reported %v", kinds(changes))
	}
	now := time.Now()
	removed, err := h.a.FinishFullSync(context.Background(), activities.FinishFullSyncInput{CalendarRef: h.ref, FullSyncMark: 2,
		TimeMin: now.Add(-7 * 24 * time.Hour), TimeMax: now.Add(60 * 24 * time.Hour)})
	if err != nil || len(removed) != 1 || removed[0].EventID != "ghost0001" || removed[0].Kind != "deleted" {
		t.Fatalf("removed %+v %v", removed, err)
	}
	if ms := h.meetings(); len(ms) != 2 {
		t.Fatalf("%d meetings after the resync, want 2", len(ms))
	}
}

func TestSyncPage_DisconnectedOwnerIsForbidden(t *testing.T) {
	h := newCalendarHarness(t)
	if _, err := h.st.DeleteGoogleCredentials(context.Background(), h.user); err != nil {
		t.Fatal(err)
	}
	res, err := h.a.SyncPage(context.Background(), activities.SyncPageInput{CalendarRef: h.ref})
	if err != nil || res.Forbidden != "the owner has disconnected Google" {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestReviewBots_AutoJoinAndPerMeetingChoice(t *testing.T) {
	h := newCalendarHarness(t)
	h.event("Plain", googlefake.EventInput{Conference: "meet"})
	changes, _, _ := h.full(1)
	ctx := context.Background()
	if due, _ := h.a.ReviewBots(ctx, activities.ReviewBotsInput{CalendarRef: h.ref}); len(due) != 0 {
		t.Fatalf("nothing wanted yet: %+v", due)
	}
	if _, err := h.st.SetAutoJoinMeetings(ctx, db.SetAutoJoinMeetingsParams{ID: h.user, AutoJoinMeetings: true}); err != nil {
		t.Fatal(err)
	}
	due, err := h.a.ReviewBots(ctx, activities.ReviewBotsInput{CalendarRef: h.ref})
	if err != nil || len(due) != 1 || !due[0].WantsBot || due[0].BotReason != "auto_join" {
		t.Fatalf("after auto-join: %+v %v", due, err)
	}
	id := uuid.MustParse(changes[0].MeetingID)
	off := false
	if err := h.st.SetMeetingAutoJoin(ctx, db.SetMeetingAutoJoinParams{ID: id, OwnerID: h.user, AutoJoin: &off}); err != nil {
		t.Fatal(err)
	}
	if due, _ := h.a.ReviewBots(ctx, activities.ReviewBotsInput{CalendarRef: h.ref, MeetingID: id.String()}); len(due) != 0 {
		t.Fatalf("turned off for the meeting: %+v", due)
	}

	// The bots an ending watch must withdraw: upcoming meetings with one.
	if bots, _ := h.a.UpcomingBots(ctx, h.ref); len(bots) != 0 {
		t.Fatalf("no bot yet: %+v", bots)
	}
	if _, err := h.a.RecordBotIntent(ctx, activities.BotIntentInput{MeetingID: id.String(), Reason: "requested"}); err != nil {
		t.Fatal(err)
	}
	bots, err := h.a.UpcomingBots(ctx, h.ref)
	if err != nil || len(bots) != 1 || bots[0].MeetingID != id.String() || bots[0].BotStatus != "pending" {
		t.Fatalf("upcoming bots %+v %v", bots, err)
	}
}

func TestOpenCalendarChannel_RetryFindsTheChannelTheFirstAttemptOpened(t *testing.T) {
	h := newCalendarHarness(t)
	ctx := context.Background()
	in := activities.OpenCalendarChannelInput{CalendarRef: h.ref, ChannelID: "0c0ffee0-0000-4000-8000-000000000001"}
	ch, err := h.a.OpenCalendarChannel(ctx, in)
	if err != nil || ch.ResourceID == "" || time.Until(ch.Expiration) > 25*time.Hour {
		t.Fatalf("open %+v %v", ch, err)
	}
	if sync := <-h.pushes; sync.Get("X-Goog-Resource-State") != "sync" || sync.Get("X-Goog-Channel-Token") == "" {
		t.Fatalf("sync notification %v", sync)
	}
	again, err := h.a.OpenCalendarChannel(ctx, in)
	if err != nil || again.ID != ch.ID || again.ResourceID != ch.ResourceID {
		t.Fatalf("retry %+v %v", again, err)
	}
	if n := h.fake.Stats().Calls["calendar.events.watch"]; n != 1 {
		t.Fatalf("%d events.watch calls, want 1", n)
	}

	// An attempt whose answer was lost: Google has the channel, the store
	// only the attempt's token hash. The retry is told the id is taken and
	// learns the resource id once the sync notification has arrived.
	lost := "0c0ffee0-0000-4000-8000-000000000002"
	tok := h.fake.Token(calAccount, "besunny-sandbox", "https://www.googleapis.com/auth/calendar.readonly")
	svc, err := calendar.NewService(ctx, option.WithEndpoint(h.base+"/calendar/v3/"), option.WithTokenSource(oauth2.StaticTokenSource(tok)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("first-attempt"))
	if err := h.st.AddCalendarChannelToken(ctx, db.AddCalendarChannelTokenParams{ChannelID: lost, OwnerID: h.user, CalendarID: "primary",
		TokenHash: sum[:], Expiration: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	first, err := google.WatchEvents(ctx, svc, google.ChannelRequest{CalendarID: "primary", ID: lost, Token: "first-attempt", Address: h.webhook.URL})
	if err != nil {
		t.Fatal(err)
	}
	<-h.pushes
	_, err = h.a.OpenCalendarChannel(ctx, activities.OpenCalendarChannelInput{CalendarRef: h.ref, ChannelID: lost})
	appError(t, err, activities.ErrTypeCalendarUnavailable)
	if err := h.st.LearnCalendarChannelResource(ctx, db.LearnCalendarChannelResourceParams{ChannelID: lost, ResourceID: first.ResourceId}); err != nil {
		t.Fatal(err)
	}
	ch2, err := h.a.OpenCalendarChannel(ctx, activities.OpenCalendarChannelInput{CalendarRef: h.ref, ChannelID: lost})
	if err != nil || ch2.ResourceID != first.ResourceId {
		t.Fatalf("retry after the sync notification %+v %v", ch2, err)
	}
	row, _ := h.st.GetCalendarChannel(ctx, lost)
	if len(row.TokenHashes) != 2 {
		t.Fatalf("token hashes %d, want both attempts'", len(row.TokenHashes))
	}
	if got := h.fake.CalendarChannels(calAccount); len(got) != 2 {
		t.Fatalf("channels at Google %v, want the two opened (one per id)", got)
	}

	// Stopping ends it at Google and in the store.
	if err := h.a.StopCalendarChannel(ctx, activities.StopCalendarChannelInput{CalendarRef: h.ref, Channel: ch}); err != nil {
		t.Fatal(err)
	}
	if got := h.fake.CalendarChannels(calAccount); slices.Contains(got, ch.ID) {
		t.Fatalf("channel still open at Google: %v", got)
	}
	if row, _ := h.st.GetCalendarChannel(ctx, ch.ID); row.Active {
		t.Fatal("channel still active in the store")
	}
	// Stopping again (a retry) is fine.
	if err := h.a.StopCalendarChannel(ctx, activities.StopCalendarChannelInput{CalendarRef: h.ref, Channel: ch}); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCalendarChannel_WithoutWebhooksIsRejected(t *testing.T) {
	h := newCalendarHarness(t)
	h.a.WebhookURL = ""
	_, err := h.a.OpenCalendarChannel(context.Background(), activities.OpenCalendarChannelInput{CalendarRef: h.ref, ChannelID: "x"})
	appError(t, err, activities.ErrTypeCalendarRejected)
}
