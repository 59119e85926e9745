package config

import (
	"strings"
	"testing"
	"time"
)

func TestFromLookup_LiveDefaultsKeepAWeekAndTicketsShort(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Live{Retention: 7 * 24 * time.Hour, Heartbeat: 15 * time.Second, Buffer: 1024, WriteTimeout: 10 * time.Second,
		MaxConnectionsPerUser: 10, MaxConnections: 20000, TicketTTL: 30 * time.Second}
	if c.Live != want {
		t.Fatalf("live = %+v, want %+v", c.Live, want)
	}
}

func TestFromLookup_LiveSettingsOutOfRangeAreRefused(t *testing.T) {
	tests := []struct {
		key, value string
	}{
		{"EVENTS_RETENTION", "10m"},
		{"EVENTS_TICKET_TTL", "2m"},
		{"EVENTS_TICKET_TTL", "0s"},
		{"EVENTS_HEARTBEAT", "10m"},
		{"EVENTS_BUFFER", "2"},
		{"EVENTS_WRITE_TIMEOUT", "1ms"},
		{"EVENTS_MAX_CONNECTIONS_PER_USER", "0"},
		{"EVENTS_MAX_CONNECTIONS", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			_, err := FromLookup(lookup(map[string]string{tt.key: tt.value}))
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("error = %v, want one naming %s", err, tt.key)
			}
		})
	}
}
