package live_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/live"
	"github.com/besunny/workflows/internal/testenv"
)

// meetingEvent is one logged event with the fields of the meeting kinds'
// data the tests look at.
type meetingEvent struct {
	ID      int64
	User    *uuid.UUID
	Kind    string
	Subject string
	Data    struct {
		MeetingID      string   `json:"meeting_id"`
		Title          string   `json:"title"`
		Status         string   `json:"status"`
		PreviousStatus string   `json:"previous_status"`
		BotID          *string  `json:"bot_id"`
		BotStatus      string   `json:"bot_status"`
		Reason         string   `json:"reason"`
		Changed        []string `json:"changed"`
		Start          string   `json:"start"`
	}
}

func meetingEventsAfter(t *testing.T, pool *pgxpool.Pool, after int64) []meetingEvent {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT id, user_id, kind, subject_id, data FROM events WHERE id > $1 ORDER BY id", after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []meetingEvent
	for rows.Next() {
		var e meetingEvent
		var data []byte
		if err := rows.Scan(&e.ID, &e.User, &e.Kind, &e.Subject, &data); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &e.Data); err != nil {
			t.Fatalf("event %d data %s: %v", e.ID, data, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// syncedMeeting is what the calendar sync writes for one event.
func syncedMeeting(owner uuid.UUID, eventID string, start time.Time) db.UpsertMeetingParams {
	return db.UpsertMeetingParams{
		OwnerID: owner, CalendarID: "primary", EventID: eventID, Title: "Reading room review",
		MeetingUrl: "https://meet.google.com/abc-defg-hij", MeetingProvider: "google_meet",
		StartAt: start, EndAt: start.Add(time.Hour), OrganizerEmail: "maya@northwind.example",
		Attendees:        json.RawMessage(`[{"email": "maya@northwind.example", "response_status": "accepted"}]`),
		VirtualUsernames: []string{}, EventStatus: "accepted", HtmlLink: "https://calendar.google.com/e1",
		SeenInFullSync: 1,
	}
}

// meetingStep is one write and the events it must add, as (user, kind).
type meetingStep struct {
	name  string
	write func(q *db.Queries) error
	want  []ownedKind
}

type ownedKind struct {
	user uuid.UUID
	kind string
}

// runMeetingSteps applies each step and checks the events it added: kinds,
// order, owner and subject; check looks further at each step's events.
func runMeetingSteps(t *testing.T, pool *pgxpool.Pool, subjects map[uuid.UUID]string, steps []meetingStep, check func(step string, got []meetingEvent)) {
	t.Helper()
	q := db.New(pool)
	cursor := int64(0)
	for _, st := range steps {
		if err := st.write(q); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := meetingEventsAfter(t, pool, cursor)
		var kinds []ownedKind
		for _, e := range got {
			if e.User == nil {
				t.Fatalf("%s: event %+v has no user", st.name, e)
			}
			kinds = append(kinds, ownedKind{*e.User, e.Kind})
			if e.Subject != subjects[*e.User] || e.Data.MeetingID != subjects[*e.User] {
				t.Errorf("%s: event %+v is about %s/%s, want the user's meeting %s", st.name, e, e.Subject, e.Data.MeetingID, subjects[*e.User])
			}
			cursor = e.ID
		}
		if !slices.Equal(kinds, st.want) {
			t.Errorf("%s: events %v, want %v", st.name, kinds, st.want)
		}
		if check != nil {
			check(st.name, got)
		}
	}
}

// TestMeetingTriggers_EachOwnerSeesOnlyTheirMeetingAndOnlyWhatTheySee runs the
// writes of the calendar sync on the same event in two users' calendars: a
// meeting row has one owner, so each change reaches that owner only, and the
// bookkeeping of a sync (an unchanged event re-read, a full sync marking it
// seen, a re-classification that decides the same) is no event.
func TestMeetingTriggers_EachOwnerSeesOnlyTheirMeetingAndOnlyWhatTheySee(t *testing.T) {
	d := testenv.NewDatabase(t)
	pool := d.Store.Pool
	ctx := context.Background()
	alice, bob := newUser(t, pool), newUser(t, pool)
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	var aliceMeeting, bobMeeting uuid.UUID
	var project uuid.UUID
	if err := pool.QueryRow(ctx, "INSERT INTO projects (owner_id, name) VALUES ($1, 'Harbor') RETURNING id", alice).Scan(&project); err != nil {
		t.Fatal(err)
	}
	upsert := func(p db.UpsertMeetingParams, into *uuid.UUID) func(q *db.Queries) error {
		return func(q *db.Queries) error {
			row, err := q.UpsertMeeting(ctx, p)
			if into != nil {
				*into = row.ID
			}
			return err
		}
	}
	exec := func(sql string, args ...any) func(q *db.Queries) error {
		return func(*db.Queries) error {
			_, err := pool.Exec(ctx, sql, args...)
			return err
		}
	}
	// Each user's events must be about their own row, known once it exists.
	subjects := map[uuid.UUID]string{}
	stored := func(user uuid.UUID, p db.UpsertMeetingParams, into *uuid.UUID) func(q *db.Queries) error {
		return func(q *db.Queries) error {
			err := upsert(p, into)(q)
			subjects[user] = into.String()
			return err
		}
	}
	aliceSync, bobSync := syncedMeeting(alice, "e1", start), syncedMeeting(bob, "e1", start)
	moved := aliceSync
	moved.Title, moved.StartAt, moved.EndAt = "Reading room review (moved)", start.Add(time.Hour), start.Add(2*time.Hour)
	guests := bobSync
	guests.Attendees = json.RawMessage(`[{"email": "maya@northwind.example", "response_status": "accepted"}, {"email": "ai+bob@besunny.ai", "response_status": "needsAction"}]`)
	guests.VirtualUsernames = []string{"bob"}
	rereadLater := moved
	rereadLater.SeenInFullSync, rereadLater.Reclassify = 7, true
	rereadLater.EventUpdatedAt = &start

	steps := []meetingStep{
		{"alice's calendar stores the event", stored(alice, aliceSync, &aliceMeeting), []ownedKind{{alice, live.KindMeetingCreated}}},
		{"bob's calendar stores the same event", stored(bob, bobSync, &bobMeeting), []ownedKind{{bob, live.KindMeetingCreated}}},
		{"alice's unchanged event is read again", upsert(aliceSync, nil), nil},
		{"alice's event moves and is renamed", upsert(moved, nil), []ownedKind{{alice, live.KindMeetingUpdated}}},
		{"bob's event gets his virtual address", upsert(guests, nil), []ownedKind{{bob, live.KindMeetingUpdated}}},
		{"a later full sync re-reads alice's event (seen mark, Google's updated time, revision)", upsert(rereadLater, nil), nil},
		{"a full sync marks bob's meeting seen", func(q *db.Queries) error {
			return q.MarkMeetingSeen(ctx, db.MarkMeetingSeenParams{ID: bobMeeting, SeenInFullSync: 9})
		}, nil},
		{"a classifier sets alice's project", exec("UPDATE meetings SET project_id = $2, classification_source = 'local', confidence = 0.8, classified_at = now() WHERE id = $1", &aliceMeeting, &project),
			[]ownedKind{{alice, live.KindMeetingUpdated}}},
		{"a re-classification decides the same", exec("UPDATE meetings SET classified_at = now(), classify_revision = classify_revision + 1 WHERE id = $1", &aliceMeeting), nil},
		{"alice turns the notetaker off for her meeting", func(q *db.Queries) error {
			off := false
			return q.SetMeetingAutoJoin(ctx, db.SetMeetingAutoJoinParams{ID: aliceMeeting, OwnerID: alice, AutoJoin: &off})
		}, []ownedKind{{alice, live.KindMeetingUpdated}}},
		{"bob's event is cancelled", func(q *db.Queries) error {
			return q.MarkMeetingCancelled(ctx, db.MarkMeetingCancelledParams{ID: bobMeeting, StatusReason: "event_cancelled"})
		}, []ownedKind{{bob, live.KindMeetingCancelled}}},
		{"bob's cancelled event is cancelled again", exec("UPDATE meetings SET status = 'cancelled', status_reason = 'event_cancelled', updated_at = now() WHERE id = $1", &bobMeeting), nil},
		{"bob's event comes back", upsert(guests, nil), []ownedKind{{bob, live.KindMeetingUpdated}}},
		{"alice's event is deleted from her calendar", func(q *db.Queries) error { return q.DeleteMeeting(ctx, aliceMeeting) },
			[]ownedKind{{alice, live.KindMeetingDeleted}}},
	}
	runMeetingSteps(t, pool, subjects, steps, func(step string, got []meetingEvent) {
		for _, e := range got {
			switch step {
			case "alice's event moves and is renamed":
				if !slices.Equal(e.Data.Changed, []string{"title", "time"}) || e.Data.Title != moved.Title {
					t.Errorf("%s: %+v, want title and time changed", step, e.Data)
				}
				if at, err := time.Parse(time.RFC3339, e.Data.Start); err != nil || !at.Equal(moved.StartAt) {
					t.Errorf("%s: start %q, want %s", step, e.Data.Start, moved.StartAt)
				}
			case "bob's event gets his virtual address":
				want(t, step, e.Data.Changed, []string{"attendees"})
			case "a classifier sets alice's project":
				want(t, step, e.Data.Changed, []string{"project"})
			case "alice turns the notetaker off for her meeting":
				want(t, step, e.Data.Changed, []string{"auto_join"})
			case "bob's event is cancelled":
				if e.Data.Status != "cancelled" || e.Data.Reason != "event_cancelled" {
					t.Errorf("%s: %+v", step, e.Data)
				}
			case "bob's event comes back":
				if !slices.Equal(e.Data.Changed, []string{"status"}) || e.Data.Status != "active" {
					t.Errorf("%s: %+v, want status active", step, e.Data)
				}
			case "alice's event is deleted from her calendar":
				if e.Data.Reason != "removed" || e.Data.Title != moved.Title {
					t.Errorf("%s: %+v", step, e.Data)
				}
			}
		}
	})
}

func want(t *testing.T, step string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: changed %v, want %v", step, got, want)
	}
}

// TestMeetingTriggers_EveryBotTransitionIsOneEventWithOldAndNewStatus drives a
// notetaker through the writes of the calendar's bot call site and
// SetMeetingBotStatus: each status change is one bot.status_changed with
// the previous and the new status; webhook and poll bookkeeping that keeps
// the status is none, and none of it is a meeting.updated.
func TestMeetingTriggers_EveryBotTransitionIsOneEventWithOldAndNewStatus(t *testing.T) {
	d := testenv.NewDatabase(t)
	pool := d.Store.Pool
	ctx := context.Background()
	owner, other := newUser(t, pool), newUser(t, pool)
	q := db.New(pool)
	row, err := q.UpsertMeeting(ctx, syncedMeeting(owner, "e1", time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	// The other user's copy of the event keeps its own notetaker.
	if _, err := q.UpsertMeeting(ctx, syncedMeeting(other, "e1", time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	cursor := int64(0)
	if got := meetingEventsAfter(t, pool, 0); len(got) == 2 {
		cursor = got[1].ID
	} else {
		t.Fatalf("after two syncs: %+v", got)
	}
	botID := "bot_Xy7pQ2rS9tUv3wZa"
	now := time.Now()
	set := func(status, reason string, raw *string, id *string) error {
		return q.SetMeetingBotStatus(ctx, db.SetMeetingBotStatusParams{ID: row.ID, BotStatus: status, BotStatusReason: reason, RawState: raw, BotID: id, WebhookAt: &now})
	}
	str := func(s string) *string { return &s }
	type transition struct {
		name     string
		write    func() error
		previous string // "" when the write is no event
		status   string
	}
	steps := []transition{
		{"the call site records the intent", func() error {
			_, err := q.RecordMeetingBotIntent(ctx, db.RecordMeetingBotIntentParams{ID: row.ID, BotReason: "virtual_attendee"})
			return err
		}, "none", "pending"},
		{"the intent is recorded again", func() error {
			_, err := q.RecordMeetingBotIntent(ctx, db.RecordMeetingBotIntentParams{ID: row.ID, BotReason: "virtual_attendee"})
			return err
		}, "", ""},
		{"the bot is scheduled", func() error { return set("bot_scheduled", "", str("scheduled"), &botID) }, "pending", "bot_scheduled"},
		{"a poll sees the same state", func() error {
			return q.SetMeetingBotStatus(ctx, db.SetMeetingBotStatusParams{ID: row.ID, BotStatus: "bot_scheduled", PollAt: &now})
		}, "", ""},
		{"a webhook: staged, still scheduled", func() error { return set("bot_scheduled", "", str("staged"), nil) }, "", ""},
		{"joining", func() error { return set("joining", "", str("joining"), nil) }, "bot_scheduled", "joining"},
		{"the waiting room", func() error { return set("in_waiting_room", "", str("waiting_room"), nil) }, "joining", "in_waiting_room"},
		{"recording", func() error { return set("recording", "", str("joined_recording"), nil) }, "in_waiting_room", "recording"},
		{"post-processing", func() error { return set("post_processing", "", str("post_processing"), nil) }, "recording", "post_processing"},
		{"completed", func() error { return set("completed", "", str("ended"), nil) }, "post_processing", "completed"},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := meetingEventsAfter(t, pool, cursor)
		if st.status == "" {
			if len(got) != 0 {
				t.Errorf("%s: events %+v, want none", st.name, got)
			}
			continue
		}
		if len(got) != 1 {
			t.Fatalf("%s: %d events %+v, want one bot.status_changed", st.name, len(got), got)
		}
		e := got[0]
		cursor = e.ID
		if e.Kind != live.KindBotStatusChanged || e.User == nil || *e.User != owner || e.Subject != row.ID.String() ||
			e.Data.PreviousStatus != st.previous || e.Data.Status != st.status || e.Data.MeetingID != row.ID.String() {
			t.Errorf("%s: %+v (data %+v), want %s → %s for the owner", st.name, e, e.Data, st.previous, st.status)
		}
		if st.previous != "none" && st.previous != "pending" && (e.Data.BotID == nil || *e.Data.BotID != botID) {
			t.Errorf("%s: bot id %v, want %s", st.name, e.Data.BotID, botID)
		}
	}

	// A cancellation that also calls off a pending bot, in one statement:
	// the meeting's event first, then the bot's.
	var second uuid.UUID
	if err := pool.QueryRow(ctx, `INSERT INTO meetings (owner_id, calendar_id, event_id, title, meeting_url, meeting_provider, start_at, end_at, bot_status, bot_reason)
		VALUES ($1, 'primary', 'e2', 'Budget call', 'https://zoom.us/j/1', 'zoom', now(), now() + interval '1 hour', 'pending', 'auto_join') RETURNING id`, owner).Scan(&second); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE meetings SET status = 'cancelled', status_reason = 'event_cancelled', cancelled_at = now(),
		bot_status = 'cancelled', bot_status_reason = 'meeting_cancelled' WHERE id = $1`, second); err != nil {
		t.Fatal(err)
	}
	got := meetingEventsAfter(t, pool, cursor)
	var kinds []string
	for _, e := range got {
		kinds = append(kinds, e.Kind)
		if *e.User != owner || e.Subject != second.String() {
			t.Errorf("event %+v is not about the owner's second meeting", e)
		}
	}
	wantKinds := []string{live.KindMeetingCreated, live.KindBotStatusChanged, live.KindMeetingCancelled, live.KindBotStatusChanged}
	if !slices.Equal(kinds, wantKinds) {
		t.Fatalf("a meeting created with a pending bot, then cancelled with it: %v, want %v", kinds, wantKinds)
	}
	if got[1].Data.PreviousStatus != "none" || got[1].Data.Status != "pending" ||
		got[3].Data.PreviousStatus != "pending" || got[3].Data.Status != "cancelled" || got[3].Data.Reason != "meeting_cancelled" {
		t.Fatalf("bot events %+v, %+v", got[1].Data, got[3].Data)
	}
	for _, e := range meetingEventsAfter(t, pool, 0) {
		if *e.User == other && e.Kind != live.KindMeetingCreated {
			t.Fatalf("the other owner of the event got %+v", e)
		}
	}
}

// TestMeetingTriggers_RolledBackBotChangeIsNotLogged: the meeting events are
// written with the change, so a transaction that rolls back leaves none.
func TestMeetingTriggers_RolledBackBotChangeIsNotLogged(t *testing.T) {
	d := testenv.NewDatabase(t)
	pool := d.Store.Pool
	ctx := context.Background()
	owner := newUser(t, pool)
	row, err := db.New(pool).UpsertMeeting(ctx, syncedMeeting(owner, "e1", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	before := meetingEventsAfter(t, pool, 0)
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := db.New(tx).SetMeetingBotStatus(ctx, db.SetMeetingBotStatusParams{ID: row.ID, BotStatus: "failed", BotStatusReason: "attendee_down"}); err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatal(err)
	}
	if after := meetingEventsAfter(t, pool, 0); len(after) != len(before) {
		t.Fatalf("a rolled-back bot change was logged: %+v", after[len(before):])
	}
}

var errRollback = rollbackError{}

type rollbackError struct{}

func (rollbackError) Error() string { return "roll back" }
