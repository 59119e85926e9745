package mail

import "time"

// Address is one mailbox from an address header, with its display name decoded.
type Address struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
}

// String renders the address the way a person reads it: `Name <addr>` or `addr`.
func (a Address) String() string {
	if a.Name == "" {
		return a.Address
	}
	return a.Name + " <" + a.Address + ">"
}

// Attachment describes one attached or inline part. The bytes stay in the raw
// message; only this metadata travels into documents. Size counts the decoded
// bytes; Inline is set for `Content-Disposition: inline` parts and for parts
// with a Content-ID and no disposition (images embedded in HTML).
type Attachment struct {
	Filename  string `json:"filename"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	ContentID string `json:"content_id,omitempty"`
	Inline    bool   `json:"inline"`
}

// Message is the parsed form of a raw message: everything BeSunny needs to build
// a document and decide who it belongs to.
type Message struct {
	MessageID string    `json:"message_id,omitempty"`
	Subject   string    `json:"subject"`
	From      Address   `json:"from"`
	Date      time.Time `json:"date,omitzero"`
	To        []Address `json:"to,omitempty"`
	Cc        []Address `json:"cc,omitempty"`
	// Bcc is only present on copies kept by the sender; envelope recipients
	// hidden from the headers show up in DeliveredTo instead.
	Bcc []Address `json:"bcc,omitempty"`
	// DeliveredTo lists the Delivered-To headers top-most first: the envelope
	// recipients stamped by the receiving server, which also cover Bcc.
	DeliveredTo []string `json:"delivered_to,omitempty"`
	// XOriginalTo lists the X-Original-To headers top-most first.
	XOriginalTo []string `json:"x_original_to,omitempty"`
	// AutoSubmitted is the Auto-Submitted header (RFC 3834), lower-cased.
	AutoSubmitted string `json:"auto_submitted,omitempty"`
	// AutoReply is set by the non-standard X-Autoreply / X-Autorespond
	// headers that older vacation responders add instead of Auto-Submitted.
	AutoReply bool `json:"auto_reply,omitempty"`
	// Precedence is the Precedence header, lower-cased.
	Precedence string `json:"precedence,omitempty"`
	// ReportType is the report-type parameter of a top-level multipart/report
	// (delivery-status, disposition-notification …), lower-cased.
	ReportType string `json:"report_type,omitempty"`
	// DeliveryStatus is set when a part is a delivery status notification
	// (message/delivery-status or message/global-delivery-status).
	DeliveryStatus bool `json:"delivery_status,omitempty"`
	// ContentType is the top-level media type, lower-cased.
	ContentType string `json:"content_type"`
	// Text is the full normalised body text (not a snippet): the preferred
	// alternative of every part in order (plain text over HTML, HTML rendered
	// as text with link URLs kept), forwarded messages with their headers.
	Text string `json:"-"`
	// Excerpt is a prefix of Text of at most Limits.ExcerptRunes runes, cut at
	// a line or word boundary, for classification.
	Excerpt     string       `json:"-"`
	Attachments []Attachment `json:"attachments,omitempty"`
	DriveLinks  []DriveLink  `json:"drive_links,omitempty"`
	// Warnings lists what was repaired or skipped while parsing, for operators.
	Warnings []string `json:"warnings,omitempty"`
}

// Title is the document title for the message: its subject, or "No Subject".
func (m *Message) Title() string {
	if m.Subject == "" {
		return "No Subject"
	}
	return m.Subject
}
