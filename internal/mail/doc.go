// Package mail turns raw RFC 5322 messages into what BeSunny stores: headers,
// normalised body text, attachment metadata, Drive links and the BeSunny users
// a message is addressed to. It is plain Go: no Temporal, no HTTP, no database.
//
// Parse never panics and never loses a message: malformed input is decoded
// best-effort, and only input that is not mail at all (or is too large) is
// reported as an error, with a typed reason the caller can record.
//
// What Parse copes with, in short:
//
//   - the whole MIME tree, nested up to Limits.MaxDepth: multipart/mixed,
//     related, digest and report; multipart/alternative (plain text preferred,
//     else HTML rendered as text with link URLs kept); message/rfc822
//     (forwarded mail: its From, Date, Subject, To and Cc and its text go
//     into the body text);
//   - broken structure: a boundary that differs from the declared one or is
//     missing (the real one is sniffed), no closing boundary, parts without
//     a header, header lines without an empty line after them, header lines
//     that lost their folding indentation, garbage lines, duplicate fields,
//     CRLF, bare LF or CR, NUL bytes, lines of any length (there is no line
//     limit, only Limits.MaxBytes);
//   - transfer encodings: lenient base64 (blanks, garbage, missing padding),
//     lenient quoted-printable (invalid escapes kept as text), 7bit, 8bit,
//     binary; unknown encodings are read as is;
//   - charsets through golang.org/x/text (WHATWG and IANA names), the <meta>
//     charset of HTML parts without one, and best-effort repair into valid
//     UTF-8 of unknown or lying charsets (invalid UTF-8 is read as
//     windows-1252; Latin-1 declared on UTF-8 text is read as UTF-8);
//   - RFC 2047 encoded words (also malformed ones, unknown charsets and
//     characters split across words) and RFC 2231 parameters.
//
// Attachment bodies are counted, never kept, and every string in a Message
// is a copy: the raw message can be released after Parse.
//
// RecipientRules extracts the usernames of `<LocalPart>+<username>@<domain>`
// addresses; IgnorePolicy says which messages must not become documents;
// FindDriveLinks finds Google Drive and Docs links in text.
package mail
