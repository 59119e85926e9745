package conformance

import (
	"strings"
	"testing"
)

func TestParseFields_SelectsWhatGooglesSyntaxSays(t *testing.T) {
	cases := []struct {
		sel      string
		has      []string // top-level fields selected
		hasNot   []string
		child    string // a field whose sub-selection is checked
		childHas []string
		childNot []string
	}{
		{sel: "id,name", has: []string{"id", "name"}, hasNot: []string{"kind"}},
		{sel: "*", has: []string{"anything"}},
		{sel: "files(id,name),nextPageToken", has: []string{"files", "nextPageToken"}, hasNot: []string{"kind"},
			child: "files", childHas: []string{"id", "name"}, childNot: []string{"size"}},
		{sel: "owners/emailAddress", has: []string{"owners"}, child: "owners", childHas: []string{"emailAddress"}, childNot: []string{"kind"}},
		{sel: "owners(kind),owners(me)", child: "owners", childHas: []string{"kind", "me"}, childNot: []string{"emailAddress"}},
		{sel: "owners(kind),owners", child: "owners", childHas: []string{"kind", "emailAddress"}},
		{sel: " id , files( id ) ", has: []string{"id", "files"}, child: "files", childHas: []string{"id"}, childNot: []string{"name"}},
		{sel: "files/*", child: "files", childHas: []string{"id", "name"}},
	}
	for _, tc := range cases {
		t.Run(tc.sel, func(t *testing.T) {
			s, err := parseFields(tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.has {
				if !s.has(f) {
					t.Errorf("%s not selected", f)
				}
			}
			for _, f := range tc.hasNot {
				if s.has(f) {
					t.Errorf("%s selected", f)
				}
			}
			c := s.child(tc.child)
			for _, f := range tc.childHas {
				if !c.has(f) {
					t.Errorf("%s/%s not selected", tc.child, f)
				}
			}
			for _, f := range tc.childNot {
				if c.has(f) {
					t.Errorf("%s/%s selected", tc.child, f)
				}
			}
		})
	}
	for _, bad := range []string{"files(id", "id,,name", "a)", "(id)"} {
		if _, err := parseFields(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if s, err := parseFields(""); err != nil || s != nil || !s.has("x") {
		t.Fatalf("empty selector: %v %v", s, err)
	}
}

func TestFormats_FollowDiscoveryTypeFormats(t *testing.T) {
	cases := []struct {
		value, format string
		ok            bool
	}{
		{"18446744073709551615", "uint64", true},
		{"18446744073709551616", "uint64", false},
		{"-1", "uint64", false},
		{"-9223372036854775808", "int64", true},
		{"12.5", "int64", false},
		{"aGVsbG8=", "byte", true},
		{"aGVsbG8", "byte", true},
		{"a-_b", "byte", true},
		{"%%%", "byte", false},
		{"2026-03-02T09:00:00.000Z", "date-time", true},
		{"2026-03-02T10:00:00+01:00", "google-datetime", true},
		{"2026-03-02 09:00", "date-time", false},
		{"2026-03-02", "date", true},
		{"3.5s", "google-duration", true},
		{"3.5", "google-duration", false},
	}
	for _, tc := range cases {
		if got := checkStringFormat(tc.value, tc.format) == ""; got != tc.ok {
			t.Errorf("%s %q: ok=%v, want %v", tc.format, tc.value, got, tc.ok)
		}
	}
	ints := []struct {
		value, format string
		ok            bool
	}{
		{"2147483647", "int32", true}, {"2147483648", "int32", false}, {"-1", "uint32", false},
		{"4294967295", "uint32", true}, {"1e3", "int32", true}, {"1.5", "int32", false},
	}
	for _, tc := range ints {
		if got := checkInteger(tc.value, tc.format) == ""; got != tc.ok {
			t.Errorf("%s %q: ok=%v, want %v", tc.format, tc.value, got, tc.ok)
		}
	}
}

// TestWalker_RequestsFollowWhatGoogleAcceptsAnswersWhatItSends: proto3 JSON
// parsers take 64-bit integers as numbers or strings and null anywhere;
// Google's printers send strings and omit unset fields.
func TestWalker_RequestsFollowWhatGoogleAcceptsAnswersWhatItSends(t *testing.T) {
	s := &Schema{ID: "Channel", Type: "object", Properties: map[string]*Schema{
		"expiration": {Type: "string", Format: "int64"},
		"count":      {Type: "integer", Format: "int32"},
		"token":      {Type: "string"},
	}}
	for _, tc := range []struct {
		body     string
		side     Side
		problems int
	}{
		{`{"expiration": 1700000000000, "count": "3", "token": null}`, Request, 0},
		{`{"expiration": 1700000000000}`, Response, 1},
		{`{"count": "3"}`, Response, 1},
		{`{"token": null}`, Response, 1},
		{`{"expiration": "1700000000000", "count": 3, "token": "t"}`, Response, 0},
	} {
		v, err := decodeJSON([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		w := &walker{side: tc.side}
		w.run(rootLoc("Channel"), v, s, nil)
		if len(w.found) != tc.problems {
			t.Errorf("%s %s: %d problems %v, want %d", tc.side, tc.body, len(w.found), w.found, tc.problems)
		}
		for _, p := range w.found {
			if !strings.HasPrefix(p.path, "$.") {
				t.Errorf("path %q", p.path)
			}
		}
	}
}
