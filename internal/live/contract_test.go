package live_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/live"
	"github.com/besunny/workflows/internal/testenv"
)

// liveEventSchema is the OpenAPI contract's LiveEvent (every kind, by its
// discriminator).
func liveEventSchema(t *testing.T) *openapi3.Schema {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("../../api/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := doc.Components.Schemas["LiveEvent"]
	if !ok || ref.Value == nil {
		t.Fatal("api/openapi.yaml has no LiveEvent component")
	}
	return ref.Value
}

// TestMeetingEvents_MatchTheOpenAPIContract writes a meeting through every
// kind its trigger has and checks each event, as a stream sends it, against
// the OpenAPI LiveEvent schema a frontend generates its types from.
func TestMeetingEvents_MatchTheOpenAPIContract(t *testing.T) {
	schema := liveEventSchema(t)
	d := testenv.NewDatabase(t)
	pool := d.Store.Pool
	ctx := context.Background()
	owner := newUser(t, pool)
	q := db.New(pool)
	row, err := q.UpsertMeeting(ctx, syncedMeeting(owner, "e1", time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	botID := "bot_Xy7pQ2rS9tUv3wZa"
	raw := "joining"
	for _, sql := range []string{
		"UPDATE meetings SET title = 'Renamed', attendees = '[]' WHERE id = $1",
		"UPDATE meetings SET bot_status = 'pending', bot_reason = 'virtual_attendee' WHERE id = $1",
	} {
		if _, err := pool.Exec(ctx, sql, row.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.SetMeetingBotStatus(ctx, db.SetMeetingBotStatusParams{ID: row.ID, BotStatus: "joining", BotID: &botID, RawState: &raw}); err != nil {
		t.Fatal(err)
	}
	if err := q.MarkMeetingCancelled(ctx, db.MarkMeetingCancelledParams{ID: row.ID, StatusReason: "the event was cancelled"}); err != nil {
		t.Fatal(err)
	}
	adhoc, err := q.UpsertAdhocMeeting(ctx, db.UpsertAdhocMeetingParams{OwnerID: owner, EventID: "adhoc:1", Title: "Site call",
		MeetingUrl: "https://zoom.us/j/1", MeetingProvider: "zoom", StartAt: time.Now(), EndAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteMeeting(ctx, adhoc.ID); err != nil {
		t.Fatal(err)
	}

	rows, err := q.EventsAfter(ctx, db.EventsAfterParams{After: 0, MaxRows: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		e := live.FromRow(r)
		var v any
		if err := json.Unmarshal(e.JSON, &v); err != nil {
			t.Fatal(err)
		}
		if err := schema.VisitJSON(v); err != nil {
			t.Errorf("%s does not match the contract: %v\n%s", r.Kind, err, e.JSON)
		}
		if r.UserID == nil || *r.UserID != owner {
			t.Errorf("%s is not the owner's: %v", r.Kind, r.UserID)
		}
		seen[r.Kind] = true
	}
	for _, k := range []string{live.KindMeetingCreated, live.KindMeetingUpdated, live.KindMeetingCancelled, live.KindMeetingDeleted, live.KindBotStatusChanged} {
		if !seen[k] {
			t.Errorf("no %s written: the contract check proves nothing for it (kinds %v)", k, seen)
		}
	}
}
