// Package notetaker is the meeting notetaker's domain: when a bot should
// join, what a transcript document looks like, how a meeting's project
// guides the classification of its transcript, and the one write of a
// meeting's bot status. It knows nothing of Temporal or HTTP; the
// MeetingBotWorkflow and its activities orchestrate it, internal/attendee
// talks to Attendee.
package notetaker
