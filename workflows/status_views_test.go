package workflows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/activities"
)

func TestDriveFileStateForOwner_ShowsOnlyTheOwnersOwnPart(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	full := DriveFileState{
		FileID: testFileID,
		Owners: []DriveOwner{
			{UserID: ownerA, DocumentID: "doc-a", Version: 3, LastSync: &t1, Syncs: 2, LastError: "sync: a's error"},
			{UserID: ownerB, DocumentID: "doc-b", Version: 3, LastSync: &t2, Syncs: 5},
		},
		Channel:     &activities.Channel{ID: "chan-1", ResourceID: "res-1", OwnerID: ownerA, Expiration: t0.Add(24 * time.Hour)},
		LastSync:    &t2,
		LastWebhook: &t0,
		LastError:   "Drive client for " + ownerB + ": boom",
		Syncs:       7,
	}
	cases := []struct {
		name         string
		user         string
		wantOwners   []string
		wantSyncs    int
		wantError    string
		wantChanUser string
	}{
		{"the channel's owner", ownerA, []string{ownerA}, 2, "sync: a's error", ownerA},
		{"another owner", ownerB, []string{ownerB}, 5, "", ""},
		{"someone who does not watch the file", ownerC, nil, 0, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := full.ForOwner(tc.user)
			var got []string
			for _, o := range v.Owners {
				got = append(got, o.UserID)
			}
			if strings.Join(got, ",") != strings.Join(tc.wantOwners, ",") || v.Syncs != tc.wantSyncs || v.LastError != tc.wantError {
				t.Fatalf("view = %+v", v)
			}
			if v.Channel == nil || v.Channel.ID != "" || v.Channel.ResourceID != "" || v.Channel.OwnerID != tc.wantChanUser || !v.Channel.Expiration.Equal(full.Channel.Expiration) {
				t.Fatalf("channel = %+v", v.Channel)
			}
			if v.LastWebhook != full.LastWebhook || v.FileID != testFileID {
				t.Fatalf("the file's own state is lost: %+v", v)
			}
			b, _ := json.Marshal(v)
			for _, other := range []string{ownerA, ownerB, ownerC} {
				if other != tc.user && strings.Contains(string(b), other) {
					t.Fatalf("%s's view names %s: %s", tc.user, other, b)
				}
			}
			for _, secret := range []string{"chan-1", "res-1"} {
				if strings.Contains(string(b), secret) {
					t.Fatalf("view shows the channel's %s: %s", secret, b)
				}
			}
		})
	}
}

func TestEmailStatusForRecipient_ShowsOnlyTheirOwnDocument(t *testing.T) {
	full := EmailStatus{
		MessageKey: "m1", Stage: "done", Status: StatusProcessed, Subject: "Budget", Sender: "pat@client.example",
		Documents: []activities.StoredDocument{
			{DocumentID: "doc-a", UserID: ownerA, Username: "tom", Created: true, ClassifyRevision: 1},
			{DocumentID: "doc-b", UserID: ownerB, Username: "bea", Created: true, ClassifyRevision: 1},
		},
		UnknownUsernames: []string{"ghost"},
		WatchedFiles:     2,
	}
	v := full.ForRecipient(ownerB)
	if len(v.Documents) != 1 || v.Documents[0].DocumentID != "doc-b" {
		t.Fatalf("documents = %+v", v.Documents)
	}
	if v.UnknownUsernames != nil || v.WatchedFiles != 0 {
		t.Fatalf("other recipients' traces = %+v", v)
	}
	if v.Status != StatusProcessed || v.Subject != "Budget" || v.MessageKey != "m1" {
		t.Fatalf("the message's own status is lost: %+v", v)
	}
	if len(full.Documents) != 2 {
		t.Fatal("the view changed the full status")
	}
	if none := full.ForRecipient(ownerC); len(none.Documents) != 0 {
		t.Fatalf("a stranger sees %+v", none.Documents)
	}
}
