package activities_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/googlefake"
)

func TestClassifyMeeting_GuestsDecideTheProjectAndTheDecisionLands(t *testing.T) {
	h := newCalendarHarness(t)
	ctx := context.Background()
	project := func(name, description, domains string) uuid.UUID {
		p, err := h.st.CreateProject(ctx, db.CreateProjectParams{OwnerID: h.user, Name: name, Description: description, Status: "active",
			NormalizedTags: []string{}, Categories: []string{}, ReferenceKeywords: []string{},
			EntityPatterns: json.RawMessage(`{"domains": ["` + domains + `"]}`), ClassificationSignals: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	harbor := project("Harbor Library renovation", "Reading room, roof insulation, structural survey.", "northwind-architects.example")
	project("Sourdough bakery website", "Website and online shop for a bakery.", "crumbandco.example")
	h.event("Weekly check-in", googlefake.EventInput{Conference: "meet", Description: "Shelving in the reading room.",
		Attendees: []googlefake.AttendeeInput{{Email: "maya@northwind-architects.example"}, {Email: "ai+demo@besunny.ai"}}})
	changes, _, _ := h.full(1)
	meetingID := changes[0].MeetingID

	ca := &activities.Classify{Store: h.st, Local: classify.NewLocal(activities.StoreExamples{Store: h.st, Max: 10}), Mode: "local"}
	lo, err := ca.ClassifyMeetingLocal(ctx, meetingID)
	if err != nil {
		t.Fatal(err)
	}
	if lo.Skip != "" || lo.NeedsLLM || lo.Manual || lo.OwnerID != h.user.String() || lo.Decision.ProjectID != harbor.String() {
		t.Fatalf("local outcome %+v: the guest's domain names the Harbor project", lo)
	}

	// A decision for an older revision does not land.
	stale := activities.StoreMeetingDecisionInput{MeetingID: meetingID, Revision: 0, Decision: lo.Decision, Apply: true}
	if applied, err := ca.StoreMeetingDecision(ctx, stale); err != nil || applied {
		t.Fatalf("stale decision applied=%v %v", applied, err)
	}
	in := activities.StoreMeetingDecisionInput{MeetingID: meetingID, Revision: 1, Decision: lo.Decision, Apply: true}
	if applied, err := ca.StoreMeetingDecision(ctx, in); err != nil || !applied {
		t.Fatalf("decision applied=%v %v", applied, err)
	}
	m, err := h.st.GetMeetingForOwner(ctx, db.GetMeetingForOwnerParams{ID: uuid.MustParse(meetingID), OwnerID: h.user})
	if err != nil || m.ProjectID == nil || *m.ProjectID != harbor || m.ClassificationSource != "local" {
		t.Fatalf("meeting after the decision %+v %v", m, err)
	}
	decisions, _ := h.st.ListMeetingDecisions(ctx, uuid.MustParse(meetingID))
	if len(decisions) != 2 || decisions[0].Path != "local" {
		t.Fatalf("decision log %+v", decisions)
	}
	// Repeating the store (a retried activity) is one row per (revision, path).
	if _, err := ca.StoreMeetingDecision(ctx, in); err != nil {
		t.Fatal(err)
	}
	if again, _ := h.st.ListMeetingDecisions(ctx, uuid.MustParse(meetingID)); len(again) != 2 {
		t.Fatalf("a retried store added a row: %d", len(again))
	}

	// The owner's own choice is never overwritten automatically.
	if err := h.st.AssignMeetingProject(ctx, db.AssignMeetingProjectParams{ID: uuid.MustParse(meetingID), OwnerID: h.user}); err != nil {
		t.Fatal(err)
	}
	lo, _ = ca.ClassifyMeetingLocal(ctx, meetingID)
	if !lo.Manual {
		t.Fatal("a manual assignment was not reported")
	}
	if applied, _ := ca.StoreMeetingDecision(ctx, in); applied {
		t.Fatal("an automatic decision overwrote the owner's choice")
	}

	// Cancelled meetings are not classified; a missing one is skipped too.
	if err := h.st.MarkMeetingCancelled(ctx, db.MarkMeetingCancelledParams{ID: uuid.MustParse(meetingID), StatusReason: "x"}); err != nil {
		t.Fatal(err)
	}
	if lo, _ := ca.ClassifyMeetingLocal(ctx, meetingID); lo.Skip != "meeting_cancelled" {
		t.Fatalf("cancelled meeting: %+v", lo)
	}
	if lo, _ := ca.ClassifyMeetingLocal(ctx, uuid.NewString()); lo.Skip != "meeting_missing" {
		t.Fatalf("missing meeting: %+v", lo)
	}
	_ = time.Now
}
