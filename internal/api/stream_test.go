package api

import (
	"net/url"
	"testing"
)

func TestRedactTicket_KeepsTheTicketOutOfTheAccessLog(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/v1/events?ticket=bst_secret&since=4", "/api/v1/events?since=4&ticket=REDACTED"},
		{"/api/v1/ws?ticket=bst_secret", "/api/v1/ws?ticket=REDACTED"},
		{"/api/v1/events", "/api/v1/events"},
		{"/api/v1/events?since=9", "/api/v1/events?since=9"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.in)
		if got := redactTicket(u); got != tt.want {
			t.Errorf("redactTicket(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestIsStreamPath_OnlyTheTwoStreamRoutes(t *testing.T) {
	for path, want := range map[string]bool{
		"/api/v1/events": true, "/api/v1/events/": true, "/api/v1/ws": true,
		"/api/v1/events/ticket": false, "/api/v1/me": false, "/api/v1/eventsx": false,
	} {
		if isStreamPath(path) != want {
			t.Errorf("isStreamPath(%q) = %v, want %v", path, !want, want)
		}
	}
}
