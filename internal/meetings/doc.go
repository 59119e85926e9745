// Package meetings turns Google Calendar events into BeSunny meetings: which
// events are meetings (they carry a video-call link), what the meeting's
// title, times, organizer, attendees and the owner's own response are, what
// changed since the stored copy, whether the owner wants the notetaker, and
// what the classifier reads about a meeting. It is plain Go: it knows the
// Calendar v3 event shape but nothing of Temporal, HTTP or the store.
package meetings
