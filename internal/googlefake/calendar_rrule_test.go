package googlefake

import (
	"slices"
	"testing"
	"time"
)

func TestOccurrences(t *testing.T) {
	start := time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC) // a Saturday, the 31st
	until := start.AddDate(1, 0, 0)
	tests := []struct {
		rule string
		want []string
	}{
		{"RRULE:FREQ=DAILY;COUNT=3", []string{"20260131T090000Z", "20260201T090000Z", "20260202T090000Z"}},
		{"RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20260204T090000Z", []string{"20260131T090000Z", "20260202T090000Z", "20260204T090000Z"}},
		{"RRULE:FREQ=WEEKLY;BYDAY=SA,MO;COUNT=4", []string{"20260131T090000Z", "20260202T090000Z", "20260207T090000Z", "20260209T090000Z"}},
		// Months without a 31st have no instance (RFC 5545).
		{"RRULE:FREQ=MONTHLY;COUNT=3", []string{"20260131T090000Z", "20260331T090000Z", "20260531T090000Z"}},
		{"RRULE:FREQ=WEEKLY;UNTIL=20260215", []string{"20260131T090000Z", "20260207T090000Z", "20260214T090000Z"}},
	}
	for _, tt := range tests {
		ev := &calEvent{Start: calTime{DateTime: start}, End: calTime{DateTime: start.Add(time.Hour)}, Recurrence: []string{tt.rule}}
		var got []string
		for _, o := range occurrences(ev, "UTC", until) {
			got = append(got, o.stamp)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.rule, got, tt.want)
		}
	}
	endless := &calEvent{Start: calTime{DateTime: start}, End: calTime{DateTime: start.Add(time.Hour)}, Recurrence: []string{"RRULE:FREQ=DAILY"}}
	if n := len(occurrences(endless, "UTC", start.AddDate(0, 0, 10))); n != 10 {
		t.Errorf("endless daily series until +10 days: %d instances", n)
	}
	for _, bad := range []string{"EXDATE:20260101T000000Z", "RRULE:FREQ=YEARLY", "RRULE:FREQ=DAILY;BYDAY=MO", "RRULE:COUNT=2", "RRULE:FREQ=DAILY;BYMONTHDAY=1"} {
		if checkRecurrence([]string{bad}) == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}
