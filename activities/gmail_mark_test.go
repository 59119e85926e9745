package activities_test

import (
	"slices"
	"testing"
	"time"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
)

func TestMarkFinished_SaysWhetherMoreRemainSoNoCallFindsNothing(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc, Store: database.Store, MarkAction: config.MarkLabel}
	label, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil {
		t.Fatal(err)
	}
	ids := deliver(t, fake, 1003, googlefake.DeliverOptions{})
	for _, id := range ids {
		_, err := database.Store.InsertInboundEmail(t.Context(), db.InsertInboundEmailParams{
			MessageKey: id, Source: "gmail", Mailbox: mailbox, Sha256: "x", Raw: []byte("x"), SizeBytes: 1, ReceivedAt: time.Now(),
		})
		if err == nil {
			err = database.Store.SetInboundEmailStatus(t.Context(), db.SetInboundEmailStatusParams{MessageKey: id, Status: "processed"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// As the mailbox workflow calls it: again only while more remain.
	var got []activities.MarkResult
	for {
		res, err := g.MarkFinished(t.Context(), activities.MarkInput{Mailbox: mailbox, LabelID: label})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res)
		if !res.More || len(got) > 5 {
			break
		}
	}
	if !slices.Equal(got, []activities.MarkResult{{Marked: 1000, More: true}, {Marked: 3}}) {
		t.Fatalf("results = %+v, want 1000 with more, then 3 and no more", got)
	}
	if n := fake.Mailbox(mailbox).Count(label); n != 1003 {
		t.Fatalf("%d labelled, want 1003", n)
	}
	if n := fake.Stats().Calls["gmail.users.messages.batchModify"]; n != 2 {
		t.Fatalf("batchModify calls = %d, want 2", n)
	}
}

func TestMarkFinished_AVanishedMessageSaysMoreRemain(t *testing.T) {
	database := testenv.NewDatabase(t)
	fake, svc := gmailFake(t, googlefake.Options{})
	g := &activities.Gmail{Service: svc, Store: database.Store, MarkAction: config.MarkLabel}
	label, err := g.EnsureLabel(t.Context(), mailbox, "BeSunny/Processed")
	if err != nil {
		t.Fatal(err)
	}
	ids := deliver(t, fake, 30, googlefake.DeliverOptions{})
	finished(t, g, ids)
	vanished(t, g, "18c0ffee00000001")

	marked, calls := 0, 0
	for {
		res, err := g.MarkFinished(t.Context(), activities.MarkInput{Mailbox: mailbox, LabelID: label})
		if err != nil {
			t.Fatal(err)
		}
		calls++
		marked += res.Marked
		if !res.More {
			break
		}
		if calls > 5 {
			t.Fatal("still more after 5 calls")
		}
	}
	// The batch fails on the vanished id; 20 are marked one by one, and the
	// call says the other 11 remain; the next batch succeeds.
	if marked != 31 || calls != 2 || fake.Mailbox(mailbox).Count(label) != 30 {
		t.Fatalf("marked %d in %d calls, %d labelled; want 31 in 2, 30 labelled", marked, calls, fake.Mailbox(mailbox).Count(label))
	}
}

func TestFinishedMessages_ListsTheMessagesWithATerminalStatus(t *testing.T) {
	database := testenv.NewDatabase(t)
	for key, status := range map[string]string{"m-done": "processed", "m-failed": "failed", "m-pending": "pending"} {
		_, err := database.Store.InsertInboundEmail(t.Context(), db.InsertInboundEmailParams{
			MessageKey: key, Source: "gmail", Mailbox: mailbox, Sha256: "x", Raw: []byte("x"), SizeBytes: 1, ReceivedAt: time.Now(),
		})
		if err == nil && status != "pending" {
			err = database.Store.SetInboundEmailStatus(t.Context(), db.SetInboundEmailStatusParams{MessageKey: key, Status: status})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	mb := &activities.Mailboxes{Store: database.Store}
	got, err := mb.FinishedMessages(t.Context(), []string{"m-done", "m-failed", "m-pending", "m-never-fetched"})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"m-done", "m-failed"}) {
		t.Fatalf("finished = %v", got)
	}
}
