package meetings

import "testing"

func TestWantsBot(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name   string
		facts  BotFacts
		want   bool
		reason string
	}{
		{"own virtual address", BotFacts{OwnerUsername: "Demo", VirtualUsernames: []string{"demo"}, EventStatus: StatusNeedsAction}, true, BotVirtualAttendee},
		{"own virtual address although declined", BotFacts{OwnerUsername: "demo", VirtualUsernames: []string{"demo"}, EventStatus: StatusDeclined}, true, BotVirtualAttendee},
		{"another user's address", BotFacts{OwnerUsername: "demo", VirtualUsernames: []string{"bob"}}, false, ""},
		{"auto-join", BotFacts{OwnerUsername: "demo", OwnerAutoJoin: true, EventStatus: StatusAccepted}, true, BotAutoJoin},
		{"auto-join but declined", BotFacts{OwnerUsername: "demo", OwnerAutoJoin: true, EventStatus: StatusDeclined}, false, ""},
		{"turned on for the meeting", BotFacts{AutoJoin: &yes}, true, BotRequested},
		{"turned off for the meeting wins", BotFacts{OwnerUsername: "demo", VirtualUsernames: []string{"demo"}, OwnerAutoJoin: true, AutoJoin: &no}, false, ""},
		{"nothing", BotFacts{OwnerUsername: "demo"}, false, ""},
		{"no username yet", BotFacts{VirtualUsernames: []string{"demo"}}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := WantsBot(tt.facts)
			if got != tt.want || (tt.want && reason != tt.reason) || reason == "" {
				t.Fatalf("WantsBot = %v %q, want %v %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}
