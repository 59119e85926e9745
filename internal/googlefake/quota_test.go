package googlefake

import (
	"context"
	"testing"
	"time"

	gmail "google.golang.org/api/gmail/v1"
)

func TestGmailQuota(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now, QuotaUnitsPerSecond: 12})
	svc := gmailClient(t, ts.URL)
	id, _, _ := fake.Deliver(mbox, rawMail("a@x.com", mbox, "s", clock.Now(), "x"), DeliverOptions{})

	for range 2 { // 2 × 5 units
		if _, err := svc.Users.Messages.Get(mbox, id).Do(); err != nil {
			t.Fatal(err)
		}
	}
	// 10 spent: a 5-unit modify would exceed 12 and must not happen.
	_, err := svc.Users.Messages.Modify(mbox, id, &gmail.ModifyMessageRequest{RemoveLabelIds: []string{"UNREAD"}}).Do()
	apiErr(t, err, 429, "rateLimitExceeded")
	if fake.Mailbox(mbox).Count("UNREAD") != 1 {
		t.Fatal("rejected modify was performed")
	}
	if _, err := svc.Users.History.List(mbox).StartHistoryId(1000).Do(); err != nil { // 2 units fit
		t.Fatal(err)
	}
	// Another user has their own budget.
	if _, err := svc.Users.GetProfile("someone@else.com").Do(); err != nil {
		t.Fatal(err)
	}

	clock.Advance(1001 * time.Millisecond) // the window slides past the spend
	if _, err := svc.Users.Messages.Modify(mbox, id, &gmail.ModifyMessageRequest{RemoveLabelIds: []string{"UNREAD"}}).Do(); err != nil {
		t.Fatal(err)
	}

	st := fake.Stats()
	if st.Calls["gmail.users.messages.get"] != 2 || st.Calls["gmail.users.messages.modify"] != 2 ||
		st.QuotaRejected["gmail.users.messages.modify"] != 1 || st.TotalRejected() != 1 || st.MaxGmailUnitsPerSecond != 12 {
		t.Fatalf("stats %+v", st)
	}
	fake.ResetStats()
	if st := fake.Stats(); len(st.Calls) != 0 || st.MaxGmailUnitsPerSecond != 0 {
		t.Fatalf("after reset %+v", st)
	}
}

// TestGmailQuota_ChargesACallWhenItArrives: a call that then fails or is
// slow still counts in the second it was sent, as on Gmail; a client that
// paces itself by when it sends can rely on that.
func TestGmailQuota_ChargesACallWhenItArrives(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now, QuotaUnitsPerSecond: 5})
	svc := gmailClient(t, ts.URL)
	id, _, _ := fake.Deliver(mbox, rawMail("a@x.com", mbox, "s", clock.Now(), "x"), DeliverOptions{})

	fake.SetFaults(Faults{Seed: 1, Rate503: 1})
	_, err := svc.Users.Messages.Get(mbox, id).Do()
	apiErr(t, err, 503, "")
	fake.SetFaults(Faults{})
	_, err = svc.Users.Messages.Get(mbox, id).Do()
	apiErr(t, err, 429, "rateLimitExceeded")
	if st := fake.Stats(); st.Faults["503"] != 1 || st.QuotaRejected["gmail.users.messages.get"] != 1 || st.MaxGmailUnitsPerSecond != 5 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDriveQuota(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now, DriveQueriesPerSecond: 2})
	svc := driveClient(t, fake, ts.URL, "u@x.com")
	f, _ := fake.CreateFile("u@x.com", "a.txt", "text/plain", "x")
	for range 2 {
		if _, err := svc.Files.Get(f.ID).Do(); err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.Files.Get(f.ID).Do()
	apiErr(t, err, 429, "userRateLimitExceeded")
	if st := fake.Stats(); st.MaxDriveQueriesPerSecond != 2 || st.QuotaRejected["drive.files.get"] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestQuotaUnlimitedStillMeasures(t *testing.T) {
	fake, ts := newFake(t, Options{Clock: newTestClock().Now})
	svc := gmailClient(t, ts.URL)
	for range 30 {
		if _, err := svc.Users.Watch(mbox, &gmail.WatchRequest{TopicName: "projects/p/topics/t"}).Context(context.Background()).Do(); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Users.Stop(mbox).Do(); err != nil {
		t.Fatal(err)
	}
	if got := fake.Stats().MaxGmailUnitsPerSecond; got != 30*100+50 {
		t.Fatalf("peak units %d", got)
	}
}
