package mail

import "strings"

// IgnorePolicy decides which messages must not become documents.
type IgnorePolicy struct {
	// InboundMailbox is the master mailbox; mail it sent itself is ignored.
	InboundMailbox string
	// IgnoreBulk ignores `Precedence: bulk|junk` mail.
	IgnoreBulk bool
}

// Reason returns why m is ignored, or "" when it should be processed.
func (p IgnorePolicy) Reason(m *Message) string {
	from := strings.ToLower(m.From.Address)
	switch {
	case p.InboundMailbox != "" && strings.EqualFold(from, p.InboundMailbox):
		return "sent_by_inbound_mailbox"
	case m.AutoSubmitted != "" && m.AutoSubmitted != "no":
		return "auto_submitted"
	case m.ContentType == "multipart/report" || strings.HasPrefix(from, "mailer-daemon@") || strings.HasPrefix(from, "postmaster@"):
		return "delivery_status_report"
	case p.IgnoreBulk && (m.Precedence == "bulk" || m.Precedence == "junk"):
		return "bulk_mail"
	}
	return ""
}
