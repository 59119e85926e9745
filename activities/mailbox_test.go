package activities_test

import (
	"testing"
	"time"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/testenv"
)

// LoadMailbox returns the history id of the recorded watch: where the
// mailbox workflow's follow-head starts reading pushed mail.
func TestLoadMailbox_ReturnsTheRecordedWatchHistoryID(t *testing.T) {
	database := testenv.NewDatabase(t)
	mb := &activities.Mailboxes{Store: database.Store}
	if _, err := mb.LoadMailbox(t.Context(), mailbox); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(7 * 24 * time.Hour).UTC().Truncate(time.Millisecond)
	if err := mb.RecordWatch(t.Context(), activities.WatchRecord{Address: mailbox, Watch: activities.WatchResult{HistoryID: "4242", Expiration: exp}}); err != nil {
		t.Fatal(err)
	}
	got, err := mb.LoadMailbox(t.Context(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	if got.WatchHistoryID != "4242" {
		t.Fatalf("watch history id = %q, want 4242", got.WatchHistoryID)
	}
	if got.WatchExpiration == nil || !got.WatchExpiration.Equal(exp) {
		t.Fatalf("watch expiration = %v, want %v", got.WatchExpiration, exp)
	}
}
