package meetings

import (
	"testing"

	"google.golang.org/api/calendar/v3"
)

func TestFindURL_PrefersConferenceDataThenHangoutThenLocationThenDescription(t *testing.T) {
	meet := &calendar.ConferenceData{
		ConferenceSolution: &calendar.ConferenceSolution{Key: &calendar.ConferenceSolutionKey{Type: "hangoutsMeet"}},
		EntryPoints: []*calendar.EntryPoint{
			{EntryPointType: "phone", Uri: "tel:+1-555-0100"},
			{EntryPointType: "video", Uri: "https://meet.google.com/abc-defg-hij"},
		},
	}
	addOn := &calendar.ConferenceData{
		ConferenceSolution: &calendar.ConferenceSolution{Key: &calendar.ConferenceSolutionKey{Type: "addOn"}},
		EntryPoints:        []*calendar.EntryPoint{{EntryPointType: "video", Uri: "https://video.example.com/room/42"}},
	}
	tests := []struct {
		name           string
		ev             calendar.Event
		link, provider string
	}{
		{"conference video entry point", calendar.Event{ConferenceData: meet, HangoutLink: "https://meet.google.com/zzz-zzzz-zzz",
			Description: "https://zoom.us/j/1"}, "https://meet.google.com/abc-defg-hij", ProviderGoogleMeet},
		{"add-on video entry point", calendar.Event{ConferenceData: addOn}, "https://video.example.com/room/42", ProviderOther},
		{"hangout link", calendar.Event{HangoutLink: "https://meet.google.com/zzz-zzzz-zzz"}, "https://meet.google.com/zzz-zzzz-zzz", ProviderGoogleMeet},
		{"location before description", calendar.Event{Location: "Zoom: https://acme.zoom.us/j/98765?pwd=abc",
			Description: "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0"}, "https://acme.zoom.us/j/98765?pwd=abc", ProviderZoom},
		{"teams link in HTML description", calendar.Event{Description: `<p>Join on <a href="https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d">Microsoft Teams</a></p>`},
			"https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d", ProviderTeams},
		{"webex in text, sentence punctuation trimmed", calendar.Event{Description: "Dial in via https://acme.webex.com/meet/jdoe."},
			"https://acme.webex.com/meet/jdoe", ProviderWebex},
		{"webex j.php", calendar.Event{Description: "https://acme.webex.com/acme/j.php?MTID=m123"}, "https://acme.webex.com/acme/j.php?MTID=m123", ProviderWebex},
		{"google redirect unwrapped", calendar.Event{Description: `<a href="https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F555&sa=D">join</a>`},
			"https://zoom.us/j/555", ProviderZoom},
		{"outlook safelinks unwrapped", calendar.Event{Description: "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fteams.live.com%2Fmeet%2F9876&data=x"},
			"https://teams.live.com/meet/9876", ProviderTeams},
		{"link in parentheses", calendar.Event{Description: "Call (https://meet.google.com/abc-defg-hij)"}, "https://meet.google.com/abc-defg-hij", ProviderGoogleMeet},
		{"meet landing page is not a meeting", calendar.Event{Description: "see https://meet.google.com/ and https://zoom.us/pricing"}, "", ""},
		{"no link at all", calendar.Event{Summary: "Lunch", Location: "Cafeteria"}, "", ""},
		{"a phone entry point only", calendar.Event{ConferenceData: &calendar.ConferenceData{EntryPoints: []*calendar.EntryPoint{{EntryPointType: "phone", Uri: "tel:+1"}}}}, "", ""},
		{"zoomgov", calendar.Event{Description: "https://agency.zoomgov.com/j/1612345678"}, "https://agency.zoomgov.com/j/1612345678", ProviderZoom},
		{"text that looks like a tag", calendar.Event{Description: "a < b; see https://zoom.us/my/alice"}, "https://zoom.us/my/alice", ProviderZoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link, provider := FindURL(&tt.ev)
			if link != tt.link || provider != tt.provider {
				t.Fatalf("FindURL = %q, %q; want %q, %q", link, provider, tt.link, tt.provider)
			}
		})
	}
}

func FuzzFindURLInText(f *testing.F) {
	for _, s := range []string{"https://zoom.us/j/1", `<a href="https://meet.google.com/abc-defg-hij">x</a>`, "<", "https://www.google.com/url?q=", "(((https://teams.live.com/meet/1)))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		link, provider := FindURLInText(s)
		if (link == "") != (provider == "") {
			t.Fatalf("link %q with provider %q", link, provider)
		}
		if link != "" && Provider(link) != provider {
			t.Fatalf("link %q is %q, reported %q", link, Provider(link), provider)
		}
	})
}
