package googlefake

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/googlefake/conformance"
)

func TestAdminClient(t *testing.T) {
	fake, ts := newFake(t, Options{})
	ctx := context.Background()
	admin := NewAdminClient(ts.URL+"/", nil)

	id, hid, err := admin.DeliverMail(ctx, mbox, rawMail("a@x.com", mbox, "hi", time.Now(), "x"))
	if err != nil {
		t.Fatal(err)
	}
	if snap := fake.Mailbox(mbox); snap.HistoryID != hid || snap.Messages[id] == nil {
		t.Fatalf("delivered %s/%d, mailbox %+v", id, hid, snap)
	}
	sentID, _, err := admin.DeliverMail(ctx, mbox, rawMail(mbox, "a@x.com", "out", time.Now(), "x"), "SENT")
	if err != nil || strings.Join(fake.Mailbox(mbox).Messages[sentID], ",") != "SENT" {
		t.Fatalf("sent delivery: %v", err)
	}
	if _, _, err := admin.DeliverMail(ctx, mbox, nil); err == nil {
		t.Fatal("empty message accepted")
	}

	f, err := admin.CreateFile(ctx, owner, "Plan", MimeGoogleDoc, "v1")
	if err != nil || f.ID == "" || f.Version != 1 || f.MimeType != MimeGoogleDoc {
		t.Fatalf("create: %+v %v", f, err)
	}
	f, err = admin.UpdateFile(ctx, f.ID, "v2")
	if err != nil || f.Version != 2 {
		t.Fatalf("update: %+v %v", f, err)
	}
	if got, _ := fake.GetFile(f.ID); got.Text != "v2" {
		t.Fatalf("content %q", got.Text)
	}
	if err := admin.DeleteFile(ctx, f.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := fake.GetFile(f.ID); !got.Trashed {
		t.Fatal("not trashed")
	}
	if err := admin.DeleteFile(ctx, f.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := admin.DeleteFile(ctx, f.ID, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := admin.UpdateFile(ctx, f.ID, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update deleted: %v", err)
	}

	if err := admin.SetFaults(ctx, Faults{Seed: 3, Rate503: 0.25, Latency: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if got := fake.Faults(); got.Rate503 != 0.25 || got.Latency != time.Millisecond {
		t.Fatalf("faults %+v", got)
	}
	svc := gmailClient(t, ts.URL)
	svc.Users.GetProfile(mbox).Do()
	st, err := admin.Stats(ctx)
	if err != nil || st.Calls["gmail.users.getProfile"] != 1 {
		t.Fatalf("stats %+v %v", st, err)
	}

	fake.Conformance().Tolerate(conformance.RefusedRequest) // no Google method lives there
	resp, err := http.Get(ts.URL + "/nowhere")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("unknown path: %v", err)
	}
	resp.Body.Close()
}
