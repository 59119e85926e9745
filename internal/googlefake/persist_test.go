package googlefake

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
	gmail "google.golang.org/api/gmail/v1"
)

func TestStateFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox", "state.json")
	fake := New(Options{StateFile: path, Conformance: conformancetest.Checker(t)})
	ts := httptest.NewServer(fake.Handler())
	svc := gmailClient(t, ts.URL)
	root := rawMail("a@x.com", mbox, "q", time.Now(), "question")
	id, _, err := fake.Deliver(mbox, root, DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	label, err := svc.Users.Labels.Create(mbox, labelBody("Seen")).Do()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Users.Messages.Modify(mbox, id, &gmail.ModifyMessageRequest{AddLabelIds: []string{label.Id}}).Do(); err != nil {
		t.Fatal(err)
	}
	f, _ := fake.CreateFile(owner, "a.txt", "text/plain", "persisted")
	tok := fake.Token(owner, "c")
	before := fake.Mailbox(mbox)
	fake.Close()
	ts.Close()

	fake2, ts2 := newFake(t, Options{StateFile: path})
	svc2 := gmailClient(t, ts2.URL)
	after := fake2.Mailbox(mbox)
	if after.HistoryID != before.HistoryID || !slices.Equal(after.Messages[id], []string{"INBOX", "UNREAD", label.Id}) {
		t.Fatalf("mailbox after restart %+v, before %+v", after, before)
	}
	list, err := svc2.Users.Messages.List(mbox).Q("label:seen").Do()
	if err != nil || len(list.Messages) != 1 {
		t.Fatalf("list after restart: %v %+v", err, list)
	}
	h, err := svc2.Users.History.List(mbox).StartHistoryId(before.HistoryID - 2).Do()
	if err != nil || len(h.History) != 2 {
		t.Fatalf("history after restart: %v", err)
	}
	// Threading and history ids continue.
	hs, _ := splitMessage(root)
	replyID, hid, _ := fake2.Deliver(mbox, rawMail(mbox, "a@x.com", "Re: q", time.Now(), "a", "References: "+headerValue(hs, "Message-ID")), DeliverOptions{})
	if m, _ := svc2.Users.Messages.Get(mbox, replyID).Format("minimal").Do(); m.ThreadId != id || hid != before.HistoryID+1 {
		t.Fatalf("thread %s history %d", m.ThreadId, hid)
	}
	// Drive files and OAuth grants survive: the old token still works.
	ds := driveClient(t, fake2, ts2.URL, owner)
	if _, err := ds.Files.Get(f.ID).Do(); err != nil {
		t.Fatal(err)
	}
	fake2.mu.Lock()
	_, ok := fake2.st.Tokens[tok.AccessToken]
	fake2.mu.Unlock()
	if !ok {
		t.Fatal("access token lost across restart")
	}
}

func TestStateFileSavedWithoutClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	fake, _ := newFake(t, Options{StateFile: path})
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "q", time.Now(), "x"), DeliverOptions{})
	deadline := time.Now().Add(3 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("state not saved by the debounced writer")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCorruptStateFileIsMovedAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake, _ := newFake(t, Options{StateFile: path})
	if n := len(fake.Mailbox(mbox).Messages); n != 0 {
		t.Fatalf("%d messages from a corrupt file", n)
	}
	if b, err := os.ReadFile(path + ".corrupt"); err != nil || string(b) != "{not json" {
		t.Fatalf("corrupt file not kept: %v", err)
	}
}
