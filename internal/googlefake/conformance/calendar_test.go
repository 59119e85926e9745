package conformance_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	calendar "google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/internal/googlefake/conformance"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
)

// A Calendar v3 sample written from the API reference: the incremental
// sync page that ends a sync (nextSyncToken), a recurring instance with a
// Meet link, a cancelled instance, the watch channel, and the 410 of an
// expired sync token. A Calendar fake added to googlefake is checked
// against the same document with nothing to register.
const (
	calendarEventsPage = `{
 "kind": "calendar#events", "etag": "\"p33c\"", "summary": "demo@besunny.ai", "updated": "2026-03-02T09:00:00.000Z",
 "timeZone": "Europe/Paris", "accessRole": "owner", "defaultReminders": [{"method": "popup", "minutes": 10}],
 "nextSyncToken": "CPDAlvWDx70CEPDAlvWDx70CGAU=",
 "items": [{
  "kind": "calendar#event", "etag": "\"3181161784712000\"", "id": "abc123_20260303T090000Z", "status": "confirmed",
  "htmlLink": "https://www.google.com/calendar/event?eid=YWJj", "created": "2026-02-01T10:00:00.000Z",
  "updated": "2026-03-01T10:00:00.000Z", "summary": "Weekly sync", "description": "Agenda in the doc",
  "organizer": {"email": "alice@example.com", "displayName": "Alice"},
  "start": {"dateTime": "2026-03-03T10:00:00+01:00", "timeZone": "Europe/Paris"},
  "end": {"dateTime": "2026-03-03T10:30:00+01:00", "timeZone": "Europe/Paris"},
  "recurringEventId": "abc123", "originalStartTime": {"dateTime": "2026-03-03T10:00:00+01:00", "timeZone": "Europe/Paris"},
  "iCalUID": "abc123@google.com", "sequence": 2,
  "attendees": [{"email": "demo@besunny.ai", "self": true, "responseStatus": "accepted"},
                {"email": "ai+demo@besunny.ai", "responseStatus": "needsAction"}],
  "hangoutLink": "https://meet.google.com/abc-defg-hij",
  "conferenceData": {"entryPoints": [{"entryPointType": "video", "uri": "https://meet.google.com/abc-defg-hij", "label": "meet.google.com/abc-defg-hij"}],
   "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"}, "conferenceId": "abc-defg-hij"},
  "reminders": {"useDefault": true}, "eventType": "default",
  "extendedProperties": {"private": {"besunny": "1"}}
 }, {
  "kind": "calendar#event", "etag": "\"3181161784712001\"", "id": "abc123_20260310T090000Z", "status": "cancelled",
  "recurringEventId": "abc123", "originalStartTime": {"dateTime": "2026-03-10T10:00:00+01:00", "timeZone": "Europe/Paris"}
 }]
}`
	calendarChannel = `{"kind": "api#channel", "id": "cal-chan-1", "resourceId": "ret08u3rv24htgh289g",
 "resourceUri": "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json", "token": "t0k", "expiration": "1772445600000"}`
	calendarGone = `{"error": {"errors": [{"domain": "global", "reason": "fullSyncRequired", "message": "Sync token is no longer valid, a full sync is required."}],
 "code": 410, "message": "Sync token is no longer valid, a full sync is required."}}`
)

func calendarAt(t *testing.T, base string) *calendar.Service {
	t.Helper()
	svc, err := calendar.NewService(context.Background(), option.WithEndpoint(base+"/calendar/v3/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// calendarFake answers the sample; replace rewrites the events page.
func calendarFake(replace *strings.Replacer) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /calendar/v3/calendars/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("syncToken") == "expired" {
			answer(http.StatusGone, calendarGone)(w, r)
			return
		}
		answer(200, replace.Replace(calendarEventsPage))(w, r)
	})
	mux.Handle("POST /calendar/v3/calendars/{id}/events/watch", answer(200, calendarChannel))
	mux.Handle("POST /calendar/v3/channels/stop", answer(204, ""))
	return mux
}

// TestCalendar_SampleExchangesConform: the sync flow the Calendar pipeline
// uses passes as Google documents it.
func TestCalendar_SampleExchangesConform(t *testing.T) {
	c, base := serve(t, calendarFake(strings.NewReplacer()))
	cal := calendarAt(t, base)
	full, err := cal.Events.List("primary").SingleEvents(true).ShowDeleted(true).
		TimeMin(time.Now().Add(-7 * 24 * time.Hour).Format(time.RFC3339)).TimeMax(time.Now().Add(60 * 24 * time.Hour).Format(time.RFC3339)).
		MaxResults(250).Do()
	if err != nil || full.NextSyncToken == "" || len(full.Items) != 2 {
		t.Fatalf("full sync %+v %v", full, err)
	}
	if _, err := cal.Events.List("primary").SyncToken(full.NextSyncToken).SingleEvents(true).ShowDeleted(true).Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := cal.Events.List("primary").SyncToken("expired").Do(); err == nil || !strings.Contains(err.Error(), "410") {
		t.Fatalf("expired token: %v", err)
	}
	ch, err := cal.Events.Watch("primary", &calendar.Channel{Id: "cal-chan-1", Type: "web_hook",
		Address: "https://besunny.example/webhooks/calendar", Token: "t0k", Expiration: 1772445600000}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if err := cal.Channels.Stop(&calendar.Channel{Id: ch.Id, ResourceId: ch.ResourceId}).Do(); err != nil {
		t.Fatal(err)
	}
	if vs := c.Violations(); len(vs) != 0 {
		t.Fatalf("violations on the Calendar sample:\n%s", list(vs))
	}
	calls := c.Calls()
	if calls["calendar.events.list"] != 3 || calls["calendar.events.watch"] != 1 || calls["calendar.channels.stop"] != 1 {
		t.Fatalf("calls %v", calls)
	}
}

// TestCalendar_BrokenSampleNamesTheCalendarMethodAndPath: the mistakes a
// Calendar fake could make are reported against calendar/v3.
func TestCalendar_BrokenSampleNamesTheCalendarMethodAndPath(t *testing.T) {
	cases := []struct {
		name, from, to, path, want string
	}{
		{"int32 as a string", `"sequence": 2`, `"sequence": "2"`, "$.items[0].sequence", "32-bit integers are sent as JSON numbers"},
		{"date-time that is not RFC 3339", `"dateTime": "2026-03-03T10:00:00+01:00", "timeZone": "Europe/Paris"},
  "end"`, `"dateTime": "2026-03-03 10:00", "timeZone": "Europe/Paris"},
  "end"`, "$.items[0].start.dateTime", "not an RFC 3339 date-time"},
		{"invented field", `"hangoutLink"`, `"meetingUrl"`, "$.items[0].meetingUrl", `Event has no field "meetingUrl"`},
		{"wrong kind", `"kind": "calendar#events"`, `"kind": "calendar#eventList"`, "$.kind", `Events.kind is always "calendar#events"`},
		{"attendee that is not an object", `{"email": "ai+demo@besunny.ai", "responseStatus": "needsAction"}`, `"ai+demo@besunny.ai"`, "$.items[0].attendees[1]", "an object EventAttendee"},
		{"private properties that are not strings", `{"besunny": "1"}`, `{"besunny": 1}`, `$.items[0].extendedProperties.private["besunny"]`, "is a string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(calendarEventsPage, tc.from) {
				t.Fatalf("sample lacks %q", tc.from)
			}
			c, base := serve(t, calendarFake(strings.NewReplacer(tc.from, tc.to)))
			calendarAt(t, base).Events.List("primary").Do()
			vs := c.Violations()
			if len(vs) != 1 || vs[0].Method != "calendar.events.list" || vs[0].Path != tc.path || !strings.Contains(vs[0].Want, tc.want) {
				t.Fatalf("want calendar.events.list %s saying %q, got:\n%s", tc.path, tc.want, list(vs))
			}
			if !strings.Contains(vs[0].Source, "calendar/v3 discovery") {
				t.Fatalf("source %q", vs[0].Source)
			}
		})
	}
	t.Run("orderBy outside its enum", func(t *testing.T) {
		c, base := serve(t, calendarFake(strings.NewReplacer()))
		calendarAt(t, base).Events.List("primary").OrderBy("start").Do()
		if vs := c.Violations(); len(vs) != 1 || vs[0].Path != "query parameter orderBy" || vs[0].Side != conformance.Request {
			t.Fatalf("got:\n%s", list(vs))
		}
	})
	t.Run("maxResults below its minimum", func(t *testing.T) {
		c, base := serve(t, calendarFake(strings.NewReplacer()))
		raw(t, "GET", base+"/calendar/v3/calendars/primary/events?maxResults=0", "", "")
		if vs := c.Violations(); len(vs) != 1 || vs[0].Path != "query parameter maxResults" || !strings.Contains(vs[0].Want, "at least 1") {
			t.Fatalf("got:\n%s", list(vs))
		}
	})
	t.Run("channel expiration as a number", func(t *testing.T) {
		fake := answer(200, strings.Replace(calendarChannel, `"1772445600000"`, `1772445600000`, 1))
		c, base := serve(t, fake)
		calendarAt(t, base).Events.Watch("primary", &calendar.Channel{Id: "x", Type: "web_hook", Address: "https://a.example/h"}).Do()
		if vs := c.Violations(); len(vs) != 1 || vs[0].Method != "calendar.events.watch" || vs[0].Path != "$.expiration" {
			t.Fatalf("got:\n%s", list(vs))
		}
	})
}

// TestCalendar_NotificationHeaders: Calendar's resource states are sync,
// exists and not_exists; Drive's states and X-Goog-Changed are not
// Calendar's.
func TestCalendar_NotificationHeaders(t *testing.T) {
	spec := conformancetest.Spec(t)
	notify := func(state string, extra ...string) []conformance.Violation {
		r, _ := http.NewRequest(http.MethodPost, "https://besunny.example/webhooks/calendar", http.NoBody)
		r.Header.Set("X-Goog-Channel-ID", "cal-chan-1")
		r.Header.Set("X-Goog-Channel-Token", "t0k")
		r.Header.Set("X-Goog-Channel-Expiration", "Mon, 02 Mar 2026 10:00:00 GMT")
		r.Header.Set("X-Goog-Resource-ID", "ret08u3rv24htgh289g")
		r.Header.Set("X-Goog-Resource-URI", "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json")
		r.Header.Set("X-Goog-Resource-State", state)
		num := "2"
		if state == "sync" {
			num = "1"
		}
		r.Header.Set("X-Goog-Message-Number", num)
		for i := 0; i+1 < len(extra); i += 2 {
			r.Header.Set(extra[i], extra[i+1])
		}
		return spec.CheckChannelNotification(r, nil)
	}
	for _, state := range []string{"sync", "exists", "not_exists"} {
		if vs := notify(state); len(vs) != 0 {
			t.Fatalf("%s: %s", state, list(vs))
		}
	}
	if vs := notify("update"); len(vs) != 1 || vs[0].Method != "calendar.notification" || vs[0].Path != "header X-Goog-Resource-State" {
		t.Fatalf("a Drive state on Calendar: %s", list(vs))
	}
	if vs := notify("exists", "X-Goog-Changed", "content"); len(vs) != 1 || vs[0].Path != "header X-Goog-Changed" {
		t.Fatalf("X-Goog-Changed on Calendar: %s", list(vs))
	}
}
