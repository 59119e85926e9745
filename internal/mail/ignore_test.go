package mail

import "testing"

func TestIgnorePolicy(t *testing.T) {
	policy := IgnorePolicy{InboundMailbox: "ai@besunny.ai"}
	bulkPolicy := IgnorePolicy{InboundMailbox: "ai@besunny.ai", IgnoreBulk: true}
	from := func(addr string) Address { return Address{Address: addr} }
	tests := []struct {
		name   string
		policy IgnorePolicy
		m      Message
		want   string
	}{
		{"ordinary", policy, Message{From: from("dana@example.com"), ContentType: "text/plain"}, ""},
		{"inbound mailbox", policy, Message{From: from("ai@besunny.ai")}, IgnoreSentByInboundMailbox},
		{"inbound mailbox any case", policy, Message{From: from("AI@BeSunny.AI")}, IgnoreSentByInboundMailbox},
		{"inbound plus-address", policy, Message{From: from("ai+alice@besunny.ai")}, IgnoreSentByInboundMailbox},
		{"no inbound mailbox configured", IgnorePolicy{}, Message{From: from("ai@besunny.ai")}, ""},
		{"similar mailbox", policy, Message{From: from("aix@besunny.ai")}, ""},
		{"auto-replied", policy, Message{From: from("x@example.com"), AutoSubmitted: "auto-replied"}, IgnoreAutoSubmitted},
		{"auto-generated with parameters", policy, Message{From: from("x@example.com"), AutoSubmitted: "auto-generated; owner-email=\"x@example.com\""}, IgnoreAutoSubmitted},
		{"auto-submitted no", policy, Message{From: from("x@example.com"), AutoSubmitted: "no"}, ""},
		{"auto-submitted No (comment)", policy, Message{From: from("x@example.com"), AutoSubmitted: "No (human)"}, ""},
		{"x-autoreply", policy, Message{From: from("x@example.com"), AutoReply: true}, IgnoreAutoSubmitted},
		{"precedence auto_reply", policy, Message{From: from("x@example.com"), Precedence: "auto_reply"}, IgnoreAutoSubmitted},
		{"multipart/report", policy, Message{From: from("x@example.com"), ContentType: "multipart/report"}, IgnoreDeliveryStatusReport},
		{"delivery-status part", policy, Message{From: from("x@example.com"), DeliveryStatus: true}, IgnoreDeliveryStatusReport},
		{"mailer-daemon", policy, Message{From: from("MAILER-DAEMON@mx.example.com")}, IgnoreDeliveryStatusReport},
		{"mailer-daemon without domain", policy, Message{From: from("MAILER-DAEMON")}, IgnoreDeliveryStatusReport},
		{"postmaster", policy, Message{From: from("postmaster@example.net")}, IgnoreDeliveryStatusReport},
		{"bounce that is also auto-submitted", policy, Message{From: from("mailer-daemon@example.net"), AutoSubmitted: "auto-replied"}, IgnoreDeliveryStatusReport},
		{"bulk kept by default", policy, Message{From: from("x@example.com"), Precedence: "bulk"}, ""},
		{"bulk", bulkPolicy, Message{From: from("x@example.com"), Precedence: "bulk"}, IgnoreBulkMail},
		{"junk", bulkPolicy, Message{From: from("x@example.com"), Precedence: "junk"}, IgnoreBulkMail},
		{"list is not bulk", bulkPolicy, Message{From: from("x@example.com"), Precedence: "list"}, ""},
		{"inbound beats everything", bulkPolicy, Message{From: from("ai@besunny.ai"), AutoSubmitted: "auto-generated", Precedence: "bulk", ContentType: "multipart/report"}, IgnoreSentByInboundMailbox},
		{"no From", policy, Message{}, ""},
	}
	for _, tt := range tests {
		if got := tt.policy.Reason(&tt.m); got != tt.want {
			t.Errorf("%s: Reason = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := policy.Reason(nil); got != "" {
		t.Errorf("Reason(nil) = %q", got)
	}
}

func TestIgnoreReasonsAreStable(t *testing.T) {
	// Stored in processing logs and read by other services: never rename.
	for got, want := range map[string]string{
		IgnoreSentByInboundMailbox: "sent_by_inbound_mailbox",
		IgnoreAutoSubmitted:        "auto_submitted",
		IgnoreDeliveryStatusReport: "delivery_status_report",
		IgnoreBulkMail:             "bulk_mail",
		string(ReasonTooLarge):     "too_large",
		string(ReasonUnparseable):  "unparseable",
	} {
		if got != want {
			t.Errorf("reason %q, want %q", got, want)
		}
	}
}

func TestIgnoreFromParse(t *testing.T) {
	policy := IgnorePolicy{InboundMailbox: "ai@besunny.ai"}
	tests := []struct{ raw, want string }{
		{"From: x@example.com\nAuto-Submitted: auto-replied\nSubject: s\n\nbody\n", IgnoreAutoSubmitted},
		{"From: x@example.com\nX-Autoreply: yes\nSubject: s\n\nbody\n", IgnoreAutoSubmitted},
		{"From: MAILER-DAEMON (Mail Delivery System)\nSubject: Undelivered Mail\n\nbody\n", IgnoreDeliveryStatusReport},
		{"From: BeSunny <AI@besunny.ai>\nSubject: s\n\nbody\n", IgnoreSentByInboundMailbox},
		// A delivery-status part inside a mixed message (not a report).
		{"From: x@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n--b\nContent-Type: message/delivery-status\n\nAction: failed\n--b--\n", IgnoreDeliveryStatusReport},
		// A forwarded bounce is a person's message, not a bounce.
		{"From: x@example.com\nSubject: Fwd: bounce\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nlook\n--b\nContent-Type: message/rfc822\n\nFrom: mailer-daemon@x.example\nContent-Type: multipart/report; report-type=delivery-status; boundary=c\n\n--c\n\nfailed\n--c\nContent-Type: message/delivery-status\n\nAction: failed\n--c--\n--b--\n", ""},
		{"From: x@example.com\nPrecedence: bulk\nSubject: s\n\nbody\n", ""},
	}
	for _, tt := range tests {
		m, err := Parse([]byte(tt.raw), DefaultLimits)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.raw, err)
		}
		if got := policy.Reason(m); got != tt.want {
			t.Errorf("Reason(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}
