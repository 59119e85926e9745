package googlefake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	calendar "google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"
)

const calendarScope = "https://www.googleapis.com/auth/calendar.readonly"

func calendarClient(t *testing.T, fake *Server, base, account string) *calendar.Service {
	t.Helper()
	tok := fake.Token(account, "test-client", calendarScope)
	svc, err := calendar.NewService(context.Background(), option.WithEndpoint(base+"/calendar/v3/"),
		option.WithHTTPClient(&http.Client{Transport: bearer(tok.AccessToken)}))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// fullSync lists every page as BeSunny's first sync does and returns the
// events, the number of pages and the sync token.
func fullSync(t *testing.T, svc *calendar.Service, pageSize int64, from, to time.Time) ([]*calendar.Event, int, string) {
	t.Helper()
	var all []*calendar.Event
	pages, token := 0, ""
	for {
		call := svc.Events.List("primary").SingleEvents(true).ShowDeleted(true).MaxResults(pageSize).
			TimeMin(from.Format(time.RFC3339)).TimeMax(to.Format(time.RFC3339))
		if token != "" {
			call = call.PageToken(token)
		}
		page, err := call.Do()
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, page.Items...)
		if page.NextPageToken == "" {
			if page.NextSyncToken == "" {
				t.Fatal("the last page has no nextSyncToken")
			}
			return all, pages, page.NextSyncToken
		}
		if page.NextSyncToken != "" {
			t.Fatal("a page with nextPageToken also has nextSyncToken")
		}
		token = page.NextPageToken
	}
}

func incremental(t *testing.T, svc *calendar.Service, syncToken string) ([]*calendar.Event, string) {
	t.Helper()
	var all []*calendar.Event
	page := ""
	for {
		call := svc.Events.List("primary").SingleEvents(true).ShowDeleted(true).SyncToken(syncToken).MaxResults(2)
		if page != "" {
			call = call.PageToken(page)
		}
		res, err := call.Do()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, res.Items...)
		if res.NextPageToken == "" {
			return all, res.NextSyncToken
		}
		page = res.NextPageToken
	}
}

func ids(evs []*calendar.Event) []string {
	out := make([]string, 0, len(evs))
	for _, e := range evs {
		out = append(out, e.Id)
	}
	slices.Sort(out)
	return out
}

func TestCalendar_FullSyncPagesThenIncrementalChanges(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now})
	svc := calendarClient(t, fake, ts.URL, owner)
	now := clock.Now()

	var created []string
	for i, start := range []time.Duration{time.Hour, 2 * time.Hour, 26 * time.Hour, 50 * time.Hour, 74 * time.Hour} {
		ev, err := fake.CreateEvent(owner, EventInput{Summary: "Meeting " + string(rune('A'+i)), Start: now.Add(start), End: now.Add(start + time.Hour),
			Conference: "meet", Attendees: []AttendeeInput{{Email: "ai+demo@besunny.ai"}}})
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, ev.ID)
	}
	// Outside the window: not in the full sync.
	if _, err := fake.CreateEvent(owner, EventInput{Summary: "Far", Start: now.Add(90 * 24 * time.Hour), End: now.Add(90*24*time.Hour + time.Hour)}); err != nil {
		t.Fatal(err)
	}
	evs, pages, token := fullSync(t, svc, 2, now.Add(-7*24*time.Hour), now.Add(60*24*time.Hour))
	slices.Sort(created)
	if pages != 3 || !slices.Equal(ids(evs), created) {
		t.Fatalf("full sync: %d pages, ids %v, want 3 pages of %v", pages, ids(evs), created)
	}
	e := evs[0]
	if e.Kind != "calendar#event" || e.Status != "confirmed" || e.HangoutLink == "" || e.ConferenceData == nil ||
		e.ConferenceData.EntryPoints[0].EntryPointType != "video" || e.Organizer.Email != owner || !e.Organizer.Self ||
		len(e.Attendees) != 2 || !e.Attendees[0].Self || !e.Attendees[0].Organizer || e.Attendees[1].ResponseStatus != "needsAction" ||
		!strings.HasPrefix(e.HtmlLink, "https://www.google.com/calendar/event?eid=") || e.ICalUID != e.Id+"@google.com" {
		t.Fatalf("event = %+v", e)
	}

	// Nothing changed: an empty page with a new token.
	if got, next := incremental(t, svc, token); len(got) != 0 || next == "" {
		t.Fatalf("no change: %v %q", ids(got), next)
	}
	// Move one, cancel another, add a third.
	moved := now.Add(5 * time.Hour)
	if _, err := fake.UpdateEvent(owner, created[0], EventPatch{Start: &moved}); err != nil {
		t.Fatal(err)
	}
	if err := fake.CancelEvent(owner, created[1]); err != nil {
		t.Fatal(err)
	}
	added, _ := fake.CreateEvent(owner, EventInput{Summary: "New", Start: now.Add(3 * time.Hour), End: now.Add(4 * time.Hour), Conference: "https://acme.zoom.us/j/123"})
	got, next := incremental(t, svc, token)
	want := []string{created[0], created[1], added.ID}
	slices.Sort(want)
	if !slices.Equal(ids(got), want) {
		t.Fatalf("incremental ids %v, want %v", ids(got), want)
	}
	for _, e := range got {
		switch e.Id {
		case created[0]:
			if start, _ := time.Parse(time.RFC3339, e.Start.DateTime); !start.Equal(moved) || e.Sequence != 1 {
				t.Fatalf("moved event %+v", e.Start)
			}
		case created[1]:
			if e.Status != "cancelled" || e.Summary != "" || e.Start != nil {
				t.Fatalf("cancelled event carries more than its id: %+v", e)
			}
		case added.ID:
			if e.HangoutLink != "" || e.ConferenceData.ConferenceSolution.Key.Type != "addOn" || e.ConferenceData.EntryPoints[0].Uri != "https://acme.zoom.us/j/123" {
				t.Fatalf("add-on event %+v", e.ConferenceData)
			}
		}
	}
	if again, _ := incremental(t, svc, next); len(again) != 0 {
		t.Fatalf("the next token repeats %v", ids(again))
	}
	// The full sync without showDeleted leaves the cancelled one out.
	all, err := svc.Events.List("primary").SingleEvents(true).Do()
	if err != nil || slices.Contains(ids(all.Items), created[1]) || len(all.Items) != 6 {
		t.Fatalf("listing without showDeleted: %v %v", ids(all.Items), err)
	}
}

func TestCalendar_SyncTokenRulesAndExpiry(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := calendarClient(t, fake, ts.URL, owner)
	_, _, token := fullSync(t, svc, 10, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))

	for name, call := range map[string]*calendar.EventsListCall{
		"timeMin":              svc.Events.List("primary").SingleEvents(true).SyncToken(token).TimeMin(time.Now().Format(time.RFC3339)),
		"timeMax":              svc.Events.List("primary").SingleEvents(true).SyncToken(token).TimeMax(time.Now().Format(time.RFC3339)),
		"orderBy":              svc.Events.List("primary").SingleEvents(true).SyncToken(token).OrderBy("startTime"),
		"q":                    svc.Events.List("primary").SingleEvents(true).SyncToken(token).Q("x"),
		"updatedMin":           svc.Events.List("primary").SingleEvents(true).SyncToken(token).UpdatedMin(time.Now().Format(time.RFC3339)),
		"showDeleted=false":    svc.Events.List("primary").SingleEvents(true).SyncToken(token).ShowDeleted(false),
		"singleEvents differs": svc.Events.List("primary").SyncToken(token),
	} {
		_, err := call.Do()
		apiErr(t, err, 400, "")
		_ = name
	}
	if _, err := svc.Events.List("primary").SingleEvents(true).SyncToken("garbage").Do(); err == nil {
		t.Fatal("a garbage token was accepted")
	}
	_, err := svc.Events.List("other@example.com").Do()
	apiErr(t, err, 404, "notFound")

	fake.ExpireCalendarSyncTokens(owner)
	_, err = svc.Events.List("primary").SingleEvents(true).SyncToken(token).Do()
	apiErr(t, err, 410, "fullSyncRequired")

	// A token older than the TTL expires too.
	clock := newTestClock()
	fake2, ts2 := newFake(t, Options{Clock: clock.Now, CalendarSyncTokenTTL: 10 * time.Minute})
	svc2 := calendarClient(t, fake2, ts2.URL, owner)
	_, _, token2 := fullSync(t, svc2, 10, clock.Now().Add(-time.Hour), clock.Now().Add(time.Hour))
	clock.Advance(20 * time.Minute)
	_, err = svc2.Events.List("primary").SingleEvents(true).SyncToken(token2).Do()
	apiErr(t, err, 410, "fullSyncRequired")
}

func TestCalendar_RecurringEventsExpandWithCancelledAndMovedInstances(t *testing.T) {
	clock := newTestClock() // Monday 2026-03-02 09:00 UTC
	fake, ts := newFake(t, Options{Clock: clock.Now})
	svc := calendarClient(t, fake, ts.URL, owner)
	start := time.Date(2026, 3, 3, 10, 0, 0, 0, mustZone(t, "America/New_York")) // across the DST change of 2026-03-08
	series, err := fake.CreateEvent(owner, EventInput{Summary: "Weekly", Start: start, End: start.Add(30 * time.Minute), TimeZone: "America/New_York",
		Conference: "meet", Recurrence: []string{"RRULE:FREQ=WEEKLY;COUNT=3"}})
	if err != nil {
		t.Fatal(err)
	}
	evs, _, token := fullSync(t, svc, 250, clock.Now(), clock.Now().Add(60*24*time.Hour))
	if len(evs) != 3 {
		t.Fatalf("instances %v", ids(evs))
	}
	second := evs[1]
	if second.Id != series.ID+"_20260310T140000Z" || second.RecurringEventId != series.ID || second.OriginalStartTime == nil ||
		second.Start.DateTime != "2026-03-10T10:00:00-04:00" || second.Start.TimeZone != "America/New_York" || second.Recurrence != nil {
		t.Fatalf("second instance %+v start %+v", second, second.Start)
	}
	// The series itself with singleEvents=false.
	raw, err := svc.Events.List("primary").Do()
	if err != nil || len(raw.Items) != 1 || len(raw.Items[0].Recurrence) != 1 {
		t.Fatalf("singleEvents=false %v %v", ids(raw.Items), err)
	}

	if err := fake.CancelEvent(owner, second.Id); err != nil {
		t.Fatal(err)
	}
	later := start.AddDate(0, 0, 14).Add(2 * time.Hour)
	if _, err := fake.UpdateEvent(owner, evs[2].Id, EventPatch{Start: &later}); err != nil {
		t.Fatal(err)
	}
	got, _ := incremental(t, svc, token)
	if !slices.Equal(ids(got), []string{evs[1].Id, evs[2].Id}) {
		t.Fatalf("changed instances %v", ids(got))
	}
	for _, e := range got {
		if e.Id == second.Id && (e.Status != "cancelled" || e.RecurringEventId != series.ID || e.OriginalStartTime == nil || e.Summary != "") {
			t.Fatalf("cancelled instance %+v", e)
		}
		if e.Id == evs[2].Id {
			if st, _ := time.Parse(time.RFC3339, e.Start.DateTime); !st.Equal(later) || e.OriginalStartTime.DateTime != "2026-03-17T10:00:00-04:00" {
				t.Fatalf("moved instance start %+v original %+v", e.Start, e.OriginalStartTime)
			}
		}
	}
	// Deleting the series cancels every remaining instance.
	if err := fake.CancelEvent(owner, series.ID); err != nil {
		t.Fatal(err)
	}
	all, _ := incremental(t, svc, token)
	for _, e := range all {
		if e.Status != "cancelled" {
			t.Fatalf("after deleting the series, %s is %s", e.Id, e.Status)
		}
	}
	if len(all) != 3 {
		t.Fatalf("cancelled instances %v", ids(all))
	}
}

func TestCalendar_AllDayEventsUseDates(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now})
	svc := calendarClient(t, fake, ts.URL, owner)
	day := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	if _, err := fake.CreateEvent(owner, EventInput{Summary: "Offsite", Start: day, End: day.AddDate(0, 0, 2), AllDay: true, Conference: "meet"}); err != nil {
		t.Fatal(err)
	}
	evs, _, _ := fullSync(t, svc, 10, clock.Now(), clock.Now().Add(7*24*time.Hour))
	if len(evs) != 1 || evs[0].Start.Date != "2026-03-04" || evs[0].End.Date != "2026-03-06" || evs[0].Start.DateTime != "" {
		t.Fatalf("all-day %+v", evs)
	}
}

func TestCalendar_WatchNotifiesWithHeadersAndStopEndsIt(t *testing.T) {
	fake, ts := newFake(t, Options{PushBackoff: 10 * time.Millisecond})
	svc := calendarClient(t, fake, ts.URL, owner)
	rec := newRecorder(t)

	ch, err := svc.Events.Watch("primary", &calendar.Channel{Id: "chan-1", Type: "web_hook", Address: rec.srv.URL, Token: "secret",
		Params: map[string]string{"ttl": "3600"}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if ch.ResourceId == "" || ch.Id != "chan-1" || ch.Kind != "api#channel" || time.Until(time.UnixMilli(ch.Expiration)) > time.Hour ||
		!strings.HasSuffix(ch.ResourceUri, "/calendar/v3/calendars/"+owner+"/events?alt=json") {
		t.Fatalf("channel %+v", ch)
	}
	sync := rec.next(t)
	h := sync.header
	if h.Get("X-Goog-Resource-State") != "sync" || h.Get("X-Goog-Message-Number") != "1" || h.Get("X-Goog-Channel-Token") != "secret" ||
		h.Get("X-Goog-Channel-ID") != "chan-1" || h.Get("X-Goog-Resource-ID") != ch.ResourceId || h.Get("X-Goog-Channel-Expiration") == "" || len(sync.body) != 0 {
		t.Fatalf("sync notification %v %q", h, sync.body)
	}
	if _, err := time.Parse(http.TimeFormat, h.Get("X-Goog-Channel-Expiration")); err != nil {
		t.Fatalf("expiration header: %v", err)
	}
	if _, err := fake.CreateEvent(owner, EventInput{Summary: "x", Start: time.Now(), End: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n := rec.next(t).header; n.Get("X-Goog-Resource-State") != "exists" || n.Get("X-Goog-Message-Number") != "2" {
		t.Fatalf("change notification %v", n)
	}

	_, err = svc.Events.Watch("primary", &calendar.Channel{Id: "chan-1", Type: "web_hook", Address: rec.srv.URL}).Do()
	apiErr(t, err, 400, "channelIdNotUnique")
	apiErr(t, svc.Channels.Stop(&calendar.Channel{Id: "chan-1", ResourceId: "wrong"}).Do(), 404, "notFound")
	if err := svc.Channels.Stop(&calendar.Channel{Id: "chan-1", ResourceId: ch.ResourceId}).Do(); err != nil {
		t.Fatal(err)
	}
	if got := fake.CalendarChannels(owner); len(got) != 0 {
		t.Fatalf("channels after stop %v", got)
	}
	if _, err := fake.CreateEvent(owner, EventInput{Summary: "y", Start: time.Now(), End: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	rec.none(t, 200*time.Millisecond)
}

func TestCalendar_WireFormat(t *testing.T) {
	fake, ts := newFake(t, Options{})
	tok := fake.Token(owner, "test-client", calendarScope)
	get := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	code, ch := get(http.MethodPost, "/calendar/v3/calendars/primary/events/watch", `{"id":"c1","type":"web_hook","address":"http://127.0.0.1:1/x"}`)
	if _, isString := ch["expiration"].(string); code != 200 || !isString {
		t.Fatalf("watch answer %d %v: expiration must be an int64 string", code, ch)
	}
	if _, err := fake.CreateEvent(owner, EventInput{Summary: "x", Start: time.Now(), End: time.Now().Add(time.Hour), Conference: "meet"}); err != nil {
		t.Fatal(err)
	}
	code, list := get(http.MethodGet, "/calendar/v3/calendars/primary/events?singleEvents=true", "")
	items, _ := list["items"].([]any)
	if code != 200 || len(items) != 1 || list["kind"] != "calendar#events" || list["nextSyncToken"] == nil {
		t.Fatalf("list %d %v", code, list)
	}
	ev := items[0].(map[string]any)
	if _, isNumber := ev["sequence"].(float64); !isNumber || ev["start"].(map[string]any)["dateTime"] == nil {
		t.Fatalf("event %v: sequence must be a number (int32), start a dateTime", ev)
	}
	code, gone := get(http.MethodGet, "/calendar/v3/calendars/primary/events?syncToken="+list["nextSyncToken"].(string)+"&timeMin=2026-01-01T00:00:00Z", "")
	if e, _ := gone["error"].(map[string]any); code != 400 || e["code"] != float64(400) || len(e["errors"].([]any)) != 1 {
		t.Fatalf("error body %d %v", code, gone)
	}
	code, _ = get(http.MethodGet, "/calendar/v3/calendars/primary/events?singleEvents=false&orderBy=startTime", "")
	if code != 400 {
		t.Fatalf("orderBy=startTime without singleEvents answered %d", code)
	}
	// A Drive-only token is refused.
	drv := fake.Token(owner, "test-client")
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/calendar/v3/calendars/primary/events", nil)
	req.Header.Set("Authorization", "Bearer "+drv.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("drive scope on calendar: %d", resp.StatusCode)
	}
}

func TestCalendar_GuestsWhoAreAccountsSeeTheirCopy(t *testing.T) {
	fake, ts := newFake(t, Options{})
	const guest = "guest@besunny.ai"
	guestSvc := calendarClient(t, fake, ts.URL, guest)
	_, _, token := fullSync(t, guestSvc, 10, time.Now().Add(-time.Hour), time.Now().Add(48*time.Hour)) // the guest's calendar exists now

	ev, err := fake.CreateEvent(owner, EventInput{Summary: "Review", Start: time.Now().Add(time.Hour), End: time.Now().Add(2 * time.Hour), Conference: "meet",
		Attendees: []AttendeeInput{{Email: guest}}})
	if err != nil {
		t.Fatal(err)
	}
	got, token := incremental(t, guestSvc, token)
	if len(got) != 1 || got[0].Id != ev.ID || got[0].Organizer.Self || !got[0].Attendees[1].Self || got[0].Attendees[0].Self {
		t.Fatalf("guest copy %+v", got)
	}
	if err := fake.RespondToEvent(guest, ev.ID, "declined"); err != nil {
		t.Fatal(err)
	}
	got, token = incremental(t, guestSvc, token)
	if len(got) != 1 || got[0].Attendees[1].ResponseStatus != "declined" {
		t.Fatalf("after declining %+v", got)
	}
	if own := fake.CalendarEvents(owner); own[0].Attendees[1].ResponseStatus != "declined" {
		t.Fatalf("organizer copy %+v", own[0].Attendees)
	}
	// A guest cannot change the event; removing it from their calendar
	// touches their copy only.
	title := "Hijacked"
	if _, err := fake.UpdateEvent(guest, ev.ID, EventPatch{Summary: &title}); err == nil {
		t.Fatal("a guest changed the organizer's event")
	}
	none := []AttendeeInput{}
	if _, err := fake.UpdateEvent(owner, ev.ID, EventPatch{Attendees: &none}); err != nil {
		t.Fatal(err)
	}
	got, _ = incremental(t, guestSvc, token)
	if len(got) != 1 || got[0].Status != "cancelled" {
		t.Fatalf("uninvited guest sees %+v", got)
	}

	// A guest deleting their copy leaves the organizer's alone.
	ev2, _ := fake.CreateEvent(owner, EventInput{Summary: "Second", Start: time.Now().Add(time.Hour), End: time.Now().Add(2 * time.Hour),
		Attendees: []AttendeeInput{{Email: guest}}})
	if err := fake.CancelEvent(guest, ev2.ID); err != nil {
		t.Fatal(err)
	}
	for _, e := range fake.CalendarEvents(owner) {
		if e.ID == ev2.ID && e.Status != "confirmed" {
			t.Fatalf("the guest's deletion cancelled the organizer's event: %+v", e)
		}
	}
}

func TestCalendar_QuotaAndFaults(t *testing.T) {
	fake, ts := newFake(t, Options{CalendarQueriesPerSecond: 2})
	svc := calendarClient(t, fake, ts.URL, owner)
	var limited error
	for range 5 {
		if _, err := svc.Events.List("primary").Do(); err != nil {
			limited = err
		}
	}
	apiErr(t, limited, 429, "rateLimitExceeded")
	if fake.Stats().QuotaRejected["calendar.events.list"] == 0 {
		t.Fatal("quota rejections not counted")
	}

	fake2, ts2 := newFake(t, Options{})
	svc2 := calendarClient(t, fake2, ts2.URL, owner)
	fake2.SetFaults(Faults{Rate503: 1, Methods: []string{"calendar."}})
	_, err := svc2.Events.List("primary").Do()
	apiErr(t, err, 503, "backendError")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestCalendar_AdminClientDrivesTheSandbox(t *testing.T) {
	fake, ts := newFake(t, Options{})
	admin := NewAdminClient(ts.URL, nil)
	ctx := context.Background()
	start := time.Now().Add(time.Hour).Truncate(time.Second)
	ev, err := admin.CreateEvent(ctx, owner, EventInput{Summary: "Demo", Start: start, End: start.Add(time.Hour), Conference: "meet",
		Attendees: []AttendeeInput{{Email: "ai+demo@besunny.ai", Name: "BeSunny"}}})
	if err != nil || ev.MeetingURL == "" || len(ev.Attendees) != 2 {
		t.Fatalf("create %+v %v", ev, err)
	}
	later := start.Add(2 * time.Hour)
	moved, err := admin.UpdateEvent(ctx, owner, ev.ID, EventPatch{Start: &later})
	if err != nil || !moved.Start.Equal(later) || !moved.End.Equal(later.Add(time.Hour)) {
		t.Fatalf("move %+v %v", moved, err)
	}
	if err := admin.RespondToEvent(ctx, owner, ev.ID, "maybe"); err == nil {
		t.Fatal("a bad response was accepted")
	}
	if err := admin.CancelEvent(ctx, owner, ev.ID); err != nil {
		t.Fatal(err)
	}
	if err := admin.CancelEvent(ctx, owner, ev.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second cancel: %v", err)
	}
	evs, err := admin.CalendarEvents(ctx, owner)
	if err != nil || len(evs) != 1 || evs[0].Status != "cancelled" {
		t.Fatalf("events %+v %v", evs, err)
	}
	if err := admin.ExpireCalendarSyncTokens(ctx, owner); err != nil {
		t.Fatal(err)
	}
	_ = fake
}

func TestCalendar_StateSurvivesRestart(t *testing.T) {
	path := t.TempDir() + "/state.json"
	fake := New(Options{StateFile: path})
	ev, err := fake.CreateEvent(owner, EventInput{Summary: "Kept", Start: time.Now(), End: time.Now().Add(time.Hour), Conference: "meet",
		Recurrence: []string{"RRULE:FREQ=DAILY;COUNT=2"}})
	if err != nil {
		t.Fatal(err)
	}
	fake.Close()
	again := New(Options{StateFile: path})
	defer again.Close()
	evs := again.CalendarEvents(owner)
	if len(evs) != 1 || evs[0].ID != ev.ID || evs[0].MeetingURL != ev.MeetingURL || len(evs[0].Recurrence) != 1 {
		t.Fatalf("after restart %+v", evs)
	}
}
