package notetaker

import "time"

// MinJoinLead is the least time ahead a join_at is sent with: Attendee
// refuses a join_at in the past, and a request takes a moment to arrive.
// A bot due sooner joins at once instead.
const MinJoinLead = 30 * time.Second

// JoinPlan is when a meeting's bot should join.
type JoinPlan struct {
	// JoinAt is the scheduled join time; zero means join at once (the
	// meeting is running or about to start).
	JoinAt time.Time
	// Over is set when the meeting ended: no bot can join it.
	Over bool
}

// PlanJoin schedules the bot early before the start, at once for a
// meeting already running (or starting within MinJoinLead), and not at all
// for a meeting that is over.
func PlanJoin(start, end, now time.Time, early time.Duration) JoinPlan {
	if !end.After(now) {
		return JoinPlan{Over: true}
	}
	at := start.Add(-early)
	if at.Sub(now) < MinJoinLead {
		return JoinPlan{}
	}
	return JoinPlan{JoinAt: at.UTC().Truncate(time.Second)}
}
