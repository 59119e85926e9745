package main

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// meetingDemo shows the notetaker in the sandbox: a calendar event with the
// demo user's virtual address as a guest becomes a meeting, gets an
// Attendee bot, the bot goes through its states (the sandbox Attendee is
// fast-forwarded to the join time), and its transcript becomes a document
// classified into the project the conversation is about.
func (c client) meetingDemo() error {
	fmt.Println("Notetaker: a meeting with ai+demo@… gets a bot, and its transcript a project")
	start := time.Now().Add(time.Hour).UTC().Truncate(time.Minute)
	var ev struct {
		ID         string `json:"id"`
		MeetingURL string `json:"meeting_url"`
	}
	body := fmt.Sprintf(`{"summary": "Harbor Library: reading room review", "start": %q, "end": %q, "conference": "meet",
	  "attendees": [{"email": "ai+demo@besunny.ai"}, {"email": "maya@northwind-architects.example", "name": "Maya Lindqvist"}]}`,
		start.Format(time.RFC3339), start.Add(45*time.Minute).Format(time.RFC3339))
	err := c.doJSON(c.user, http.MethodPost, "/api/v1/sandbox/calendar/events", body, &ev)
	if errors.Is(err, errNotFound) {
		fmt.Println("  (no sandbox Calendar in this stack: skipped)")
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the calendar event: %w", err)
	}
	fmt.Printf("  created the event %q at %s in demo's sandbox Calendar (%s)\n", "Harbor Library: reading room review", start.Format("15:04 MST"), ev.MeetingURL)

	m, err := c.waitMeeting(ev.ID, func(demoMeeting) bool { return true })
	if err != nil {
		return err
	}
	meetingID := m.ID
	fmt.Printf("  the calendar workflow stored meeting %s and asked for the notetaker\n", meetingID)
	seen := map[string]bool{}
	bot, err := c.followBot(meetingID, seen, func(b meetingBotAnswer) bool { return b.BotStatus == "bot_scheduled" }, time.Minute)
	if err != nil {
		return err
	}
	script := fmt.Sprintf(`{"meeting_url": %q, "duration": "20s", "utterances": [
	  {"speaker": "Maya Lindqvist", "at": "2s", "duration": "4s", "host": true, "text": "Thanks for joining the Harbor Library reading room review."},
	  {"speaker": "Demo User", "at": "7s", "duration": "5s", "text": "Brandt Engineering sent the structural survey; the roof insulation can start in March."},
	  {"speaker": "Maya Lindqvist", "at": "13s", "duration": "4s", "text": "Then we move the reading room shelving to the north wall after that."}]}`, ev.MeetingURL)
	if err := c.doJSON(c.user, http.MethodPut, "/api/v1/sandbox/attendee/meetings", script, nil); err != nil {
		return fmt.Errorf("script the sandbox meeting: %w", err)
	}
	skip := time.Until(bot.JoinAt.Add(time.Second)).Round(time.Second)
	fmt.Printf("  scripted what is said in the meeting; fast-forwarding the sandbox Attendee by %s to the join time\n", skip)
	if err := c.doJSON(c.service, http.MethodPost, "/api/v1/sandbox/attendee/advance", fmt.Sprintf(`{"by": %q}`, skip.String()), nil); err != nil {
		return fmt.Errorf("advance the sandbox Attendee: %w", err)
	}
	bot, err = c.followBot(meetingID, seen, func(b meetingBotAnswer) bool {
		return b.BotStatus == "completed" || b.BotStatus == "failed" || b.BotStatus == "cancelled"
	}, 3*time.Minute)
	if err != nil {
		return err
	}
	if bot.TranscriptDocument == nil {
		fmt.Printf("  no transcript: %s\n\n", bot.BotStatusReason)
		return nil
	}
	fmt.Printf("  transcript document %s %q\n  project %s\n", bot.TranscriptDocument.ID, bot.TranscriptDocument.Title, c.classification(bot.TranscriptDocument.ID))
	fmt.Printf("  UI      %s\n\n", bot.UIURL)
	return nil
}

type meetingBotAnswer struct {
	BotStatus          string    `json:"bot_status"`
	BotStatusReason    string    `json:"bot_status_reason"`
	BotID              *string   `json:"bot_id"`
	RawState           string    `json:"raw_state"`
	JoinAt             time.Time `json:"join_at"`
	UIURL              string    `json:"ui_url"`
	TranscriptDocument *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"transcript_document"`
}

// followBot prints each new state of the meeting's notetaker until done.
func (c client) followBot(meetingID string, seen map[string]bool, done func(meetingBotAnswer) bool, within time.Duration) (meetingBotAnswer, error) {
	deadline := time.Now().Add(within)
	for {
		var b meetingBotAnswer
		if err := c.do(c.user, http.MethodGet, "/api/v1/meetings/"+meetingID+"/bot", "", nil, &b); err != nil {
			return b, err
		}
		if key := b.BotStatus + "/" + b.RawState; !seen[key] {
			seen[key] = true
			line := fmt.Sprintf("  bot     %-16s (Attendee: %s)", b.BotStatus, orDash(b.RawState))
			if b.BotStatusReason != "" {
				line += " — " + b.BotStatusReason
			}
			fmt.Println(line)
		}
		if done(b) {
			return b, nil
		}
		if time.Now().After(deadline) {
			return b, fmt.Errorf("the notetaker of meeting %s is still %s after %s", meetingID, b.BotStatus, within)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
