package googlefake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The fake expands recurring events for singleEvents=true with the subset
// of RFC 5545 RRULEs people use for meetings: FREQ DAILY, WEEKLY or
// MONTHLY, INTERVAL, COUNT, UNTIL and (weekly) BYDAY. Instances are
// computed in the event's time zone, so a weekly 10:00 stays at 10:00
// across daylight-saving changes, as in Google Calendar.

// expansionHorizon bounds the instances of an endless series when the
// request sets no timeMax (Google likewise returns a bounded window).
const expansionHorizon = 366 * 24 * time.Hour

// maxInstances bounds one series' instances in one listing.
const maxInstances = 1000

type rrule struct {
	freq     string
	interval int
	count    int
	until    time.Time
	byDay    []time.Weekday
}

var weekdays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

func parseRRule(lines []string) (*rrule, error) {
	var r *rrule
	for _, line := range lines {
		body, ok := strings.CutPrefix(line, "RRULE:")
		if !ok {
			if strings.HasPrefix(line, "EXRULE:") || strings.HasPrefix(line, "RDATE") || strings.HasPrefix(line, "EXDATE") {
				return nil, fmt.Errorf("googlefake: %q: the sandbox supports RRULE lines only", line)
			}
			return nil, fmt.Errorf("googlefake: invalid recurrence line %q", line)
		}
		if r != nil {
			return nil, fmt.Errorf("googlefake: the sandbox supports one RRULE per event")
		}
		r = &rrule{interval: 1}
		for _, part := range strings.Split(body, ";") {
			k, v, _ := strings.Cut(part, "=")
			switch k {
			case "FREQ":
				if v != "DAILY" && v != "WEEKLY" && v != "MONTHLY" {
					return nil, fmt.Errorf("googlefake: FREQ=%s: the sandbox supports DAILY, WEEKLY and MONTHLY", v)
				}
				r.freq = v
			case "INTERVAL":
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, fmt.Errorf("googlefake: INTERVAL=%s", v)
				}
				r.interval = n
			case "COUNT":
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, fmt.Errorf("googlefake: COUNT=%s", v)
				}
				r.count = n
			case "UNTIL":
				t, err := time.Parse("20060102T150405Z", v)
				if err != nil {
					t, err = time.Parse("20060102", v)
					t = t.Add(24*time.Hour - time.Second)
				}
				if err != nil {
					return nil, fmt.Errorf("googlefake: UNTIL=%s", v)
				}
				r.until = t
			case "BYDAY":
				for _, d := range strings.Split(v, ",") {
					wd, ok := weekdays[d]
					if !ok {
						return nil, fmt.Errorf("googlefake: BYDAY=%s: the sandbox supports plain weekdays (MO,TU,…)", v)
					}
					r.byDay = append(r.byDay, wd)
				}
			case "WKST":
			default:
				return nil, fmt.Errorf("googlefake: RRULE part %s is not supported by the sandbox", k)
			}
		}
		if r.freq == "" {
			return nil, fmt.Errorf("googlefake: %q has no FREQ", line)
		}
		if len(r.byDay) > 0 && r.freq != "WEEKLY" {
			return nil, fmt.Errorf("googlefake: BYDAY is supported with FREQ=WEEKLY only")
		}
	}
	return r, nil
}

func checkRecurrence(lines []string) error {
	_, err := parseRRule(lines)
	return err
}

// occurrence is one instance of a series: its stamp (the instance id's
// suffix, from the original start) and original times.
type occurrence struct {
	stamp      string
	start, end calTime
}

// occurrences lists the series' instances whose original start is before
// until, in order.
func occurrences(series *calEvent, calZone string, until time.Time) []occurrence {
	r, err := parseRRule(series.Recurrence)
	if err != nil || r == nil {
		return nil
	}
	loc := zone(series.Start.TimeZone, calZone)
	first := series.Start.instant(calZone).In(loc)
	length := series.End.instant(calZone).Sub(series.Start.instant(calZone))
	var out []occurrence
	emit := func(t time.Time) bool {
		if (r.count > 0 && len(out) >= r.count) || !t.Before(until) || (!r.until.IsZero() && t.After(r.until)) || len(out) >= maxInstances {
			return false
		}
		out = append(out, occurrence{stamp: stampOf(t, series.Start.allDay()),
			start: timeAt(t, series.Start.allDay(), series.Start.TimeZone), end: timeAt(t.Add(length), series.Start.allDay(), series.Start.TimeZone)})
		return true
	}
	at := func(base time.Time, days, months int) time.Time {
		return time.Date(base.Year(), base.Month()+time.Month(months), base.Day()+days, first.Hour(), first.Minute(), first.Second(), 0, loc)
	}
	for k := 0; k <= 100*366; k++ {
		switch r.freq {
		case "DAILY":
			if !emit(at(first, k*r.interval, 0)) {
				return out
			}
		case "MONTHLY":
			t := at(first, 0, k*r.interval)
			if t.Day() != first.Day() {
				continue // RFC 5545: a month without that day has no instance
			}
			if !emit(t) {
				return out
			}
		case "WEEKLY":
			days := r.byDay
			if len(days) == 0 {
				days = []time.Weekday{first.Weekday()}
			}
			weekStart := at(first, -int(first.Weekday())+7*k*r.interval, 0)
			var week []time.Time
			for _, d := range days {
				if t := at(weekStart, int(d), 0); !t.Before(first) {
					week = append(week, t)
				}
			}
			slices.SortFunc(week, func(a, b time.Time) int { return a.Compare(b) })
			for _, t := range week {
				if !emit(t) {
					return out
				}
			}
			if !weekStart.Before(until) {
				return out
			}
		}
	}
	return out
}

func stampOf(t time.Time, allDay bool) string {
	if allDay {
		return t.Format("20060102")
	}
	return t.UTC().Format("20060102T150405Z")
}

func timeAt(t time.Time, allDay bool, tz string) calTime {
	if allDay {
		return calTime{Date: t.Format(time.DateOnly), TimeZone: tz}
	}
	return calTime{DateTime: t.UTC(), TimeZone: tz}
}

// hasInstance reports whether stamp names an instance of the series.
func hasInstance(cal *fakeCalendar, series *calEvent, stamp string) bool {
	_, ok := instanceStart(series, stamp, cal.TimeZone)
	return ok
}

// instanceStart is the original start of the series' instance stamp.
func instanceStart(series *calEvent, stamp, calZone string) (time.Time, bool) {
	var t time.Time
	var err error
	if series.Start.allDay() {
		t, err = time.ParseInLocation("20060102", stamp, zone(series.Start.TimeZone, calZone))
	} else {
		t, err = time.Parse("20060102T150405Z", stamp)
	}
	if err != nil {
		return time.Time{}, false
	}
	for _, o := range occurrences(series, calZone, t.Add(time.Second)) {
		if o.stamp == stamp {
			return t, true
		}
	}
	return time.Time{}, false
}
