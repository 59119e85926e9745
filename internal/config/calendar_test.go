package config

import (
	"strings"
	"testing"
	"time"
)

func TestCalendarSettings_DefaultsAndDays(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Calendar{SyncPast: 7 * 24 * time.Hour, SyncAhead: 60 * 24 * time.Hour, PollInterval: 15 * time.Minute,
		FullResyncInterval: 24 * time.Hour, ChannelTTL: 7 * 24 * time.Hour}
	if c.Calendar != want {
		t.Fatalf("calendar defaults = %+v", c.Calendar)
	}
	c, err = FromLookup(lookup(map[string]string{"CALENDAR_SYNC_PAST": "3d", "CALENDAR_SYNC_AHEAD": "90d", "CALENDAR_POLL_INTERVAL": "5m", "CALENDAR_CHANNEL_TTL": "36h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Calendar.SyncPast != 72*time.Hour || c.Calendar.SyncAhead != 90*24*time.Hour || c.Calendar.PollInterval != 5*time.Minute || c.Calendar.ChannelTTL != 36*time.Hour {
		t.Fatalf("calendar = %+v", c.Calendar)
	}
}

func TestCalendarSettings_InvalidValuesAreReported(t *testing.T) {
	_, err := FromLookup(lookup(map[string]string{"CALENDAR_SYNC_AHEAD": "soon", "CALENDAR_POLL_INTERVAL": "1s", "CALENDAR_CHANNEL_TTL": "90d"}))
	if err == nil {
		t.Fatal("invalid calendar settings were accepted")
	}
	for _, want := range []string{"CALENDAR_SYNC_AHEAD=\"soon\"", "CALENDAR_POLL_INTERVAL must be at least 10s", "CALENDAR_CHANNEL_TTL must be between"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
