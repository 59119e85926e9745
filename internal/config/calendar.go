package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Calendar configures the calendar pipeline (one CalendarWorkflow per
// watched calendar). Push channels use Drive's WEBHOOK_BASE_URL.
type Calendar struct {
	// SyncPast and SyncAhead bound a full sync around now.
	SyncPast  time.Duration // CALENDAR_SYNC_PAST
	SyncAhead time.Duration // CALENDAR_SYNC_AHEAD
	// PollInterval is the longest a calendar goes without a sync: push is a
	// hint, the poll is the guarantee.
	PollInterval time.Duration // CALENDAR_POLL_INTERVAL
	// FullResyncInterval renews the full sync, so events that were beyond
	// SyncAhead enter the window as time passes.
	FullResyncInterval time.Duration // CALENDAR_FULL_RESYNC_INTERVAL
	// ChannelTTL is how long a push channel lives before the workflow
	// replaces it (Calendar's default is a week).
	ChannelTTL time.Duration // CALENDAR_CHANNEL_TTL
}

func readCalendar(r *reader) Calendar {
	return Calendar{
		SyncPast:           r.longDuration("CALENDAR_SYNC_PAST", 7*24*time.Hour),
		SyncAhead:          r.longDuration("CALENDAR_SYNC_AHEAD", 60*24*time.Hour),
		PollInterval:       r.longDuration("CALENDAR_POLL_INTERVAL", 15*time.Minute),
		FullResyncInterval: r.longDuration("CALENDAR_FULL_RESYNC_INTERVAL", 24*time.Hour),
		ChannelTTL:         r.longDuration("CALENDAR_CHANNEL_TTL", 7*24*time.Hour),
	}
}

func (c Calendar) problems() []string {
	var p []string
	if c.SyncPast < 0 || c.SyncAhead < time.Hour {
		p = append(p, "CALENDAR_SYNC_PAST must be ≥ 0 and CALENDAR_SYNC_AHEAD ≥ 1h")
	}
	if c.PollInterval < 10*time.Second {
		p = append(p, "CALENDAR_POLL_INTERVAL must be at least 10s")
	}
	if c.FullResyncInterval < c.PollInterval {
		p = append(p, "CALENDAR_FULL_RESYNC_INTERVAL must be at least CALENDAR_POLL_INTERVAL")
	}
	if c.ChannelTTL < 10*time.Minute || c.ChannelTTL > 30*24*time.Hour {
		p = append(p, "CALENDAR_CHANNEL_TTL must be between 10m and 30d")
	}
	return p
}

// longDuration is duration that also takes whole days ("7d", "60d"), the
// natural unit of calendar windows.
func (r *reader) longDuration(key string, def time.Duration) time.Duration {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	if days, found := strings.CutSuffix(v, "d"); found {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s=%q: set it to a duration such as 15m, 12h or 7d", key, v))
		return def
	}
	return d
}
