package mail

import "strings"

// Reasons IgnorePolicy.Reason returns. They are stable: they are stored with
// the processing log and shown to users.
const (
	// IgnoreSentByInboundMailbox: the inbound mailbox (or one of its
	// plus-addresses) sent the message itself; processing it could loop.
	IgnoreSentByInboundMailbox = "sent_by_inbound_mailbox"
	// IgnoreDeliveryStatusReport: a bounce or other delivery report
	// (multipart/report, message/delivery-status, mailer-daemon, postmaster).
	IgnoreDeliveryStatusReport = "delivery_status_report"
	// IgnoreAutoSubmitted: an automatic message (RFC 3834 Auto-Submitted other
	// than "no", X-Autoreply, Precedence: auto_reply), such as a vacation reply.
	IgnoreAutoSubmitted = "auto_submitted"
	// IgnoreBulkMail: `Precedence: bulk` or `junk`, when IgnoreBulk is set.
	IgnoreBulkMail = "bulk_mail"
)

// IgnorePolicy decides which messages must not become documents.
type IgnorePolicy struct {
	// InboundMailbox is the master mailbox; mail it sent itself is ignored.
	InboundMailbox string
	// IgnoreBulk ignores `Precedence: bulk|junk` mail.
	IgnoreBulk bool
}

// Reason returns why m is ignored, or "" when it should be processed. The
// checks run in this order, the first that applies wins: sent by the inbound
// mailbox, delivery status report, auto-submitted, bulk.
func (p IgnorePolicy) Reason(m *Message) string {
	if m == nil {
		return ""
	}
	from := strings.ToLower(strings.TrimSpace(m.From.Address))
	local := from
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		local = from[:at]
	}
	switch {
	case p.InboundMailbox != "" && sameMailbox(from, p.InboundMailbox):
		return IgnoreSentByInboundMailbox
	case m.ContentType == "multipart/report" || m.ReportType != "" || m.DeliveryStatus ||
		local == "mailer-daemon" || local == "postmaster":
		return IgnoreDeliveryStatusReport
	case isAutoSubmitted(m.AutoSubmitted) || m.AutoReply || m.Precedence == "auto_reply":
		return IgnoreAutoSubmitted
	case p.IgnoreBulk && (m.Precedence == "bulk" || m.Precedence == "junk"):
		return IgnoreBulkMail
	}
	return ""
}

// isAutoSubmitted reads an Auto-Submitted value (`auto-replied; owner=…`):
// anything but an empty value or "no" marks an automatic message.
func isAutoSubmitted(v string) bool {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, "; \t("); i >= 0 {
		v = v[:i]
	}
	return v != "" && !strings.EqualFold(v, "no")
}

// sameMailbox compares two addresses case-insensitively, ignoring a
// `+tag` on the first one's local part.
func sameMailbox(addr, mailbox string) bool {
	addr = strings.ToLower(strings.Trim(addr, "<> "))
	mailbox = strings.ToLower(strings.Trim(strings.TrimSpace(mailbox), "<>"))
	if addr == "" {
		return false
	}
	if addr == mailbox {
		return true
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	local, domain := addr[:at], addr[at:]
	if plus := strings.IndexByte(local, '+'); plus >= 0 {
		return local[:plus]+domain == mailbox
	}
	return false
}
