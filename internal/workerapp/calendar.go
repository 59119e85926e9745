package workerapp

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// calendarPageSize is the events.list page (Google's default, 250).
const calendarPageSize = 250

// calendarActivities builds the Calendar adapter; accounts is nil when
// Google is off (the store steps still work).
func calendarActivities(d Deps, accounts *google.Accounts) *activities.Calendar {
	cfg := d.Config
	ca := &activities.Calendar{
		Accounts: accounts, Store: d.Store,
		Virtual: mail.RecipientRules{LocalPart: cfg.Inbound.LocalPart, Domains: cfg.Inbound.Domains},
		Settings: activities.CalendarSettings{
			SyncPast: cfg.Calendar.SyncPast, SyncAhead: cfg.Calendar.SyncAhead, PollInterval: cfg.Calendar.PollInterval,
			FullResyncInterval: cfg.Calendar.FullResyncInterval, ChannelTTL: cfg.Calendar.ChannelTTL, PageSize: calendarPageSize,
		},
	}
	if cfg.Drive.WebhookBaseURL != "" {
		ca.WebhookURL = cfg.Drive.WebhookBaseURL + "/webhooks/calendar"
	}
	return ca
}

// StartCalendar makes sure the workflow of a user's calendar runs: it starts
// it, or finds it running.
func StartCalendar(ctx context.Context, c client.Client, cfg config.Config, userID, calendarID string) error {
	opts := workflows.CalendarStartOptions(cfg.Temporal.TaskQueue, userID, calendarID)
	_, err := c.ExecuteWorkflow(ctx, opts, workflows.CalendarWorkflow, workflows.CalendarInput{UserID: userID, CalendarID: calendarID})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start the calendar %s of %s: %w", calendarID, userID, err)
	}
	return nil
}

// watchUnwatchedPrimaryCalendars starts the primary calendar of every user
// who connected Google but has no calendar yet (connected before calendars
// were watched, or by `make run`'s seed before the worker ran).
func watchUnwatchedPrimaryCalendars(ctx context.Context, d Deps, st *store.Store) error {
	users, err := st.ConnectedUsersWithoutCalendars(ctx)
	if err != nil {
		return fmt.Errorf("connected users without calendars: %w", err)
	}
	for _, u := range users {
		if err := StartCalendar(ctx, d.Temporal, d.Config, u.String(), "primary"); err != nil {
			return err
		}
		d.Logger.Info("watching the primary calendar of a connected user", "user_id", u)
	}
	return nil
}
