// Package mail turns raw RFC 822 messages into what BeSunny stores: headers,
// normalised body text, attachment metadata, Drive links and the BeSunny users
// a message is addressed to. It is plain Go: no Temporal, no HTTP, no database.
//
// Parse never panics and never loses a message: malformed input is decoded
// best-effort, and only input that is not mail at all (or is too large) is
// reported as an error, with a typed reason the caller can record.
package mail
