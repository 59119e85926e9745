package meetings

import (
	"slices"
	"strings"
)

// Reasons a meeting wants the notetaker.
const (
	// BotVirtualAttendee: the owner invited their own virtual address.
	BotVirtualAttendee = "virtual_attendee"
	// BotAutoJoin: the owner turned on auto-join for all their meetings.
	BotAutoJoin = "auto_join"
	// BotRequested: the owner turned the notetaker on for this meeting.
	BotRequested = "requested"
)

// BotFacts are what decides whether a meeting wants the notetaker.
type BotFacts struct {
	// OwnerUsername tags the owner's virtual address.
	OwnerUsername string
	// OwnerAutoJoin is the owner's auto_join_meetings setting.
	OwnerAutoJoin bool
	// VirtualUsernames are the virtual addresses among the guests.
	VirtualUsernames []string
	// EventStatus is the owner's own response.
	EventStatus string
	// AutoJoin is the owner's choice for this meeting (nil: none).
	AutoJoin *bool
}

// WantsBot decides whether the notetaker should join, and why. The owner's
// choice for the meeting wins; then their own virtual address among the
// guests (even when they declined: sending the notetaker in one's place is
// the point); then auto-join, except for meetings they declined. A virtual
// address of another user does not send a bot to this owner's meeting: that
// user's own calendar copy decides for them, so one call never gets two bots
// from one invitation.
func WantsBot(f BotFacts) (bool, string) {
	if f.AutoJoin != nil {
		if *f.AutoJoin {
			return true, BotRequested
		}
		return false, "the owner turned the notetaker off for this meeting"
	}
	if f.OwnerUsername != "" && slices.Contains(f.VirtualUsernames, normalize(f.OwnerUsername)) {
		return true, BotVirtualAttendee
	}
	if f.OwnerAutoJoin && f.EventStatus != StatusDeclined {
		return true, BotAutoJoin
	}
	switch {
	case f.OwnerAutoJoin:
		return false, "the owner declined the meeting"
	case len(f.VirtualUsernames) > 0:
		return false, "the virtual address invited is not the owner's"
	}
	return false, "neither the owner's virtual address is invited nor auto-join on"
}

func normalize(username string) string { return strings.ToLower(strings.TrimSpace(username)) }
