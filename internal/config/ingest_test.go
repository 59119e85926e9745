package config

import (
	"strings"
	"testing"
	"time"
)

func TestFromLookup_IngestLimitsHaveTheirDefaultsAndAreValidated(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Gmail.FetchDeadline != 24*time.Hour || c.Drive.WatchedLinksPerMessage != 20 {
		t.Fatalf("fetch deadline %v, watched links per message %d; want 24h and 20", c.Gmail.FetchDeadline, c.Drive.WatchedLinksPerMessage)
	}
	c, err = FromLookup(lookup(map[string]string{"GMAIL_FETCH_DEADLINE": "2h", "DRIVE_WATCHED_LINKS_PER_MESSAGE": "0"}))
	if err != nil || c.Gmail.FetchDeadline != 2*time.Hour || c.Drive.WatchedLinksPerMessage != 0 {
		t.Fatalf("config = %+v, %v", c.Gmail, err)
	}
	_, err = FromLookup(lookup(map[string]string{"GMAIL_FETCH_DEADLINE": "5s", "DRIVE_WATCHED_LINKS_PER_MESSAGE": "-1"}))
	for _, want := range []string{"GMAIL_FETCH_DEADLINE", "DRIVE_WATCHED_LINKS_PER_MESSAGE"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
}
