// Package live delivers BeSunny's event log to the frontends as it grows.
//
// Triggers write every change a user should see into the events table in
// the same transaction as the change, with ids in commit order, and
// pg_notify in that transaction (db/migrations/00013_events.sql; meetings and
// their notetakers in 00014_meeting_events.sql). In each API
// process one Listener holds a dedicated connection that LISTENs, reads what
// it was woken for (and, after any gap — a reconnect, a lost notification —
// everything after the last id it saw) and hands the events, in id order, to
// the Hub. The Hub fans them out to Subscriptions filtered by user; a
// subscription buffers a bounded number of events for its connection and is
// ended, never allowed to grow, when its client cannot keep up. Resuming
// subscribers replay what they missed from the table (Replay) before the
// live events, with no gap and no duplicate at the seam.
//
// The package knows nothing of HTTP: internal/api frames events as
// Server-Sent Events and WebSocket messages.
package live
