package mail

import (
	"slices"
	"testing"
)

var testRules = RecipientRules{LocalPart: "ai", Domains: []string{"besunny.ai", "BeSunny.app"}}

func TestUsername(t *testing.T) {
	tests := []struct {
		addr string
		want string
		ok   bool
	}{
		{"ai+alice@besunny.ai", "alice", true},
		{"AI+Alice@BeSunny.AI", "alice", true},
		{"ai+bob@besunny.app", "bob", true},
		{"<ai+carol@besunny.ai>", "carol", true},
		{"  ai+demo@besunny.ai  ", "demo", true},
		{"Alice <ai+alice@besunny.ai>", "alice", true},
		{`"ai+alice"@besunny.ai`, "alice", true},
		{"ai+alice@besunny.ai.", "alice", true},
		{"ai+user42@besunny.ai", "user42", true},
		{"ai@besunny.ai", "", false},                                 // the mailbox itself
		{"ai+@besunny.ai", "", false},                                // empty tag
		{"ai+al@besunny.ai", "", false},                              // too short
		{"ai+1abc@besunny.ai", "", false},                            // starts with a digit
		{"ai+al.ice@besunny.ai", "", false},                          // not a letter or digit
		{"ai+alice+work@besunny.ai", "", false},                      // a second tag is not a username
		{"ai+abcdefghijklmnopqrstuvwxyzabcde@besunny.ai", "", false}, // 31 characters
		{"ai+alice@example.com", "", false},                          // other domain
		{"ai+alice@besunny.ai.evil.example", "", false},
		{"ai+alice@sub.besunny.ai", "", false},
		{"bot+alice@besunny.ai", "", false}, // other local part
		{"xai+alice@besunny.ai", "", false},
		{"alice@besunny.ai", "", false},
		{"", "", false},
		{"@", "", false},
		{"ai+alice", "", false},
	}
	for _, tt := range tests {
		got, ok := testRules.Username(tt.addr)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Username(%q) = %q, %v; want %q, %v", tt.addr, got, ok, tt.want, tt.ok)
		}
	}
}

func TestValidUsername(t *testing.T) {
	for s, want := range map[string]bool{
		"abc": true, "Alice": true, "a1b2": true, "abcdefghijklmnopqrstuvwxyzabcd": true,
		"ab": false, "1abc": false, "a_b": false, "a-b": false, "": false, "abcdefghijklmnopqrstuvwxyzabcde": false,
		"zoë": false,
	} {
		if got := ValidUsername(s); got != want {
			t.Errorf("ValidUsername(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestUsernamesOrder(t *testing.T) {
	m := &Message{
		DeliveredTo: []string{"ai+carol@besunny.ai", "ai+alice@besunny.ai"},
		XOriginalTo: []string{"ai+dave@besunny.ai", "AI+CAROL@besunny.ai"},
		To:          []Address{{Address: "ai+alice@besunny.ai"}, {Address: "ai+bob@besunny.ai"}},
		Cc:          []Address{{Name: "x", Address: "ai+erin@besunny.ai"}, {Address: "someone@example.com"}},
		Bcc:         []Address{{Address: "ai+frank@besunny.ai"}},
	}
	want := []string{"carol", "alice", "dave", "bob", "erin", "frank"}
	if got := testRules.Usernames(m); !slices.Equal(got, want) {
		t.Errorf("Usernames = %q, want %q", got, want)
	}
	if got := testRules.Usernames(&Message{}); got != nil {
		t.Errorf("Usernames of an empty message = %q", got)
	}
	if got := testRules.Usernames(nil); got != nil {
		t.Errorf("Usernames(nil) = %q", got)
	}
}

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want []Address
		ok   bool
	}{
		{"ai+alice@besunny.ai", []Address{{Address: "ai+alice@besunny.ai"}}, true},
		{`"Smith, John" <john@example.com>, ai+bob@besunny.ai`,
			[]Address{{Name: "Smith, John", Address: "john@example.com"}, {Address: "ai+bob@besunny.ai"}}, true},
		{"undisclosed-recipients:;", []Address{}, true},
		{"Team: a@example.com, \"Doe, Jane\" <jane@example.com>;, ai+demo@besunny.ai",
			[]Address{{Address: "a@example.com"}, {Name: "Doe, Jane", Address: "jane@example.com"}, {Address: "ai+demo@besunny.ai"}}, true},
		{"=?utf-8?Q?Fran=C3=A7ois?= <ai+carol@besunny.ai>", []Address{{Name: "François", Address: "ai+carol@besunny.ai"}}, true},
		{"=?x-unknown?Q?Fran=C3=A7ois?= <f@example.com>", []Address{{Name: "François", Address: "f@example.com"}}, true},
		{`"=?utf-8?Q?Ren=C3=A9e?= Dupont" <r@example.fr>`, []Address{{Name: "Renée Dupont", Address: "r@example.fr"}}, true},
		{"ai+demo@besunny.ai (Demo account)", []Address{{Name: "Demo account", Address: "ai+demo@besunny.ai"}}, true},
		{"Zoë Ångström <zoe@example.se>", []Address{{Name: "Zoë Ångström", Address: "zoe@example.se"}}, true},
		{"Sm\xf6rg <s@example.se>", []Address{{Name: "Smörg", Address: "s@example.se"}}, true},
		// Malformed lists, parsed piece by piece.
		{`Bob <ai+bob@besunny.ai>>, "unterminated <x@example.com>, ai+alice@besunny.ai`,
			[]Address{{Name: "Bob", Address: "ai+bob@besunny.ai"}, {Name: "unterminated", Address: "x@example.com"}, {Address: "ai+alice@besunny.ai"}}, false},
		{",,, ai+demo@besunny.ai;; <ai+carol@besunny.ai",
			[]Address{{Address: "ai+demo@besunny.ai"}, {Address: "ai+carol@besunny.ai"}}, false},
		{"Broken Client <broken@example.com", []Address{{Name: "Broken Client", Address: "broken@example.com"}}, false},
		{"MAILER-DAEMON (Mail Delivery System)", []Address{{Name: "Mail Delivery System", Address: "MAILER-DAEMON"}}, false},
		{"alice@example.com bob@example.com", []Address{{Name: "bob@example.com", Address: "alice@example.com"}}, false},
		{"John Smith john@example.com", []Address{{Name: "John Smith", Address: "john@example.com"}}, false},
		{"not an address at all", nil, false},
		{"", nil, true},
	}
	for _, tt := range tests {
		got, ok := parseAddressList(tt.in)
		if !slices.Equal(nonNilAddrs(got), nonNilAddrs(tt.want)) || ok != tt.ok {
			t.Errorf("parseAddressList(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func nonNilAddrs(a []Address) []Address {
	if a == nil {
		return []Address{}
	}
	return a
}

func TestBareAddress(t *testing.T) {
	for in, want := range map[string]string{
		"ai+alice@besunny.ai":            "ai+alice@besunny.ai",
		"<ai+alice@besunny.ai>":          "ai+alice@besunny.ai",
		" <AI+Bob@besunny.ai> ":          "AI+Bob@besunny.ai",
		"ai+carol@besunny.ai (envelope)": "ai+carol@besunny.ai",
		"garbage":                        "garbage",
		"":                               "",
		"<ai+demo@besunny.ai":            "ai+demo@besunny.ai",
		"ai+a@x.example, ai+b@x.example": "ai+a@x.example",
		"<>":                             "",
		"\"quoted local\"@besunny.ai":    "quoted local@besunny.ai",
	} {
		if got := bareAddress(in); got != want {
			t.Errorf("bareAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecipientsFromParse(t *testing.T) {
	raw := "Delivered-To: ai+carol@besunny.ai\r\n" +
		"X-Original-To: <ai+dave@besunny.ai>\r\n" +
		"From: x@example.com\r\n" +
		"To: \"Lee, Jordan\" <jordan@example.com>, =?utf-8?Q?Fran=C3=A7ois?= <AI+Bob@BeSunny.AI>,\r\n undisclosed-recipients:;\r\n" +
		"Cc: ai+bob@besunny.ai, Carol <ai+carol@besunny.ai>\r\n" +
		"Bcc: ai+erin@besunny.ai\r\n" +
		"Subject: s\r\n\r\nbody\r\n"
	m, err := Parse([]byte(raw), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"carol", "dave", "bob", "erin"}
	if got := testRules.Usernames(m); !slices.Equal(got, want) {
		t.Errorf("Usernames = %q, want %q", got, want)
	}
	if len(m.To) != 2 || m.To[1].Name != "François" || m.To[0].Name != "Lee, Jordan" {
		t.Errorf("To = %+v", m.To)
	}
}
