package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// ErrSyncTokenExpired is returned by ListEvents when Google no longer honours
// the sync token (410 Gone): the caller must discard it and sync fully.
var ErrSyncTokenExpired = errors.New("the calendar sync token is no longer valid, a full sync is required")

// ErrChannelExists is returned by WatchEvents when the channel id is taken
// (an earlier attempt of the same watch opened it).
var ErrChannelExists = errors.New("the push channel id is already in use")

// Calendar returns a Calendar client acting as the user, with the same
// self-refreshing, persisted tokens as Drive.
func (a *Accounts) Calendar(ctx context.Context, userID uuid.UUID) (*calendar.Service, error) {
	ts, err := a.TokenSource(ctx, userID)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: &refreshOn401{src: ts.(*persistingSource), next: http.DefaultTransport}, Timeout: 2 * time.Minute}
	opts := []option.ClientOption{option.WithHTTPClient(hc)}
	if a.driveURL != "" {
		// Sandbox mode: the fake serves Calendar beside Drive.
		opts = append(opts, option.WithEndpoint(strings.TrimSuffix(a.driveURL, "drive/v3/")+"calendar/v3/"))
	}
	return calendar.NewService(ctx, opts...)
}

// EventsQuery is one page request of events.list as a calendar sync makes
// it. Every page of a sync repeats the sync's parameters with the previous
// page's token, as Google's sync guide does.
type EventsQuery struct {
	CalendarID string
	// SyncToken makes the sync incremental. Without it the sync is full,
	// bounded by TimeMin and TimeMax (Google refuses those, and orderBy, q
	// and updatedMin, together with a sync token).
	SyncToken        string
	TimeMin, TimeMax time.Time
	PageToken        string
	PageSize         int64
}

// EventsPage is one page of events.list. NextSyncToken is set on the last
// page only, NextPageToken on every other.
type EventsPage struct {
	Events        []*calendar.Event
	NextPageToken string
	NextSyncToken string
	Summary       string
	TimeZone      string
}

// ListEvents reads one page of the calendar's events, expanded into single
// instances and with deleted ones (singleEvents and showDeleted are the same
// on every request of a sync, as a sync token requires). A sync token Google
// no longer honours is ErrSyncTokenExpired.
func ListEvents(ctx context.Context, svc *calendar.Service, q EventsQuery) (EventsPage, error) {
	call := svc.Events.List(q.CalendarID).SingleEvents(true).ShowDeleted(true).Context(ctx)
	if q.PageSize > 0 {
		call = call.MaxResults(q.PageSize)
	}
	if q.SyncToken != "" {
		call = call.SyncToken(q.SyncToken)
	} else {
		if !q.TimeMin.IsZero() {
			call = call.TimeMin(q.TimeMin.UTC().Format(time.RFC3339))
		}
		if !q.TimeMax.IsZero() {
			call = call.TimeMax(q.TimeMax.UTC().Format(time.RFC3339))
		}
	}
	if q.PageToken != "" {
		call = call.PageToken(q.PageToken)
	}
	res, err := call.Do()
	var gerr *googleapi.Error
	if errors.As(err, &gerr) && gerr.Code == http.StatusGone {
		return EventsPage{}, fmt.Errorf("%w (%s)", ErrSyncTokenExpired, gerr.Message)
	}
	if err != nil {
		return EventsPage{}, err
	}
	return EventsPage{Events: res.Items, NextPageToken: res.NextPageToken, NextSyncToken: res.NextSyncToken,
		Summary: res.Summary, TimeZone: res.TimeZone}, nil
}

// ChannelRequest opens a push channel on a calendar's events.
type ChannelRequest struct {
	CalendarID string
	// ID and Token are the caller's: the id makes a retried watch find the
	// channel an earlier attempt opened; the token authenticates
	// notifications.
	ID, Token string
	Address   string
	TTL       time.Duration
}

// WatchEvents opens a web_hook channel on the calendar's events
// (events.watch) for TTL (params.ttl, in seconds). A channel id already in
// use is ErrChannelExists.
func WatchEvents(ctx context.Context, svc *calendar.Service, r ChannelRequest) (*calendar.Channel, error) {
	ch := &calendar.Channel{Id: r.ID, Type: "web_hook", Address: r.Address, Token: r.Token}
	if r.TTL > 0 {
		ch.Params = map[string]string{"ttl": strconv.FormatInt(int64(r.TTL/time.Second), 10)}
	}
	out, err := svc.Events.Watch(r.CalendarID, ch).Context(ctx).Do()
	if HasReason(err, "channelIdNotUnique") {
		return nil, fmt.Errorf("%w: %s", ErrChannelExists, r.ID)
	}
	return out, err
}

// StopChannel ends a channel (channels.stop with its id and resource id;
// Calendar has no events/stop). A channel Google no longer knows is stopped
// already.
func StopChannel(ctx context.Context, svc *calendar.Service, id, resourceID string) error {
	err := svc.Channels.Stop(&calendar.Channel{Id: id, ResourceId: resourceID}).Context(ctx).Do()
	var gerr *googleapi.Error
	if errors.As(err, &gerr) && gerr.Code == http.StatusNotFound {
		return nil
	}
	return err
}

// HasReason reports whether err is a Google API error with one of the
// reasons.
func HasReason(err error, reasons ...string) bool {
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		return false
	}
	for _, e := range gerr.Errors {
		for _, r := range reasons {
			if e.Reason == r {
				return true
			}
		}
	}
	return false
}
