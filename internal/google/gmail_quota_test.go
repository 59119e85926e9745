package google

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/gmail/v1"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
)

func TestGmailCallUnits_PricesEachMethodAsGmailDoes(t *testing.T) {
	base := "https://gmail.googleapis.com/gmail/v1/users/ai@besunny.ai"
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/profile", 1},
		{http.MethodGet, "/history", 2},
		{http.MethodPost, "/watch", 100},
		{http.MethodPost, "/stop", 50},
		{http.MethodGet, "/labels", 1},
		{http.MethodPost, "/labels", 5},
		{http.MethodGet, "/messages", 5},
		{http.MethodGet, "/messages/18c0ffee", 5},
		{http.MethodPost, "/messages/18c0ffee/modify", 5},
		{http.MethodPost, "/messages/batchModify", 50},
		{http.MethodGet, "/messages/18c0ffee/attachments/a1", 5},
	} {
		r := httptest.NewRequest(c.method, base+c.path, nil)
		if got := gmailCallUnits(r); got != c.want {
			t.Errorf("%s %s costs %d units, want %d", c.method, c.path, got, c.want)
		}
	}
}

func TestUnitWindow_WaitsForRoomInsteadOfRefusing(t *testing.T) {
	w := newUnitWindow(100, time.Second)
	start := time.Now()
	w.now = func() time.Time { return start }
	if _, ok := w.take(90); !ok {
		t.Fatal("a spend within the limit was refused")
	}
	if wait, ok := w.take(50); ok || wait != time.Second {
		t.Fatalf("take(50) = (%v, %v), want refused for a second", wait, ok)
	}
	// A call costlier than the whole limit waits for an empty window
	// rather than forever.
	big := newUnitWindow(40, 50*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 3 {
		if err := big.wait(ctx, 100); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnitWindow_WaitStopsWithTheContext(t *testing.T) {
	w := newUnitWindow(10, time.Hour)
	if err := w.wait(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := w.wait(ctx, 1); err != context.DeadlineExceeded {
		t.Fatalf("wait on a full window = %v, want the context's deadline", err)
	}
}

// TestNewGmail_ConcurrentCallsStayWithinTheMailboxQuota drives a burst of
// message reads and label batches through the sandbox client while the fake
// Gmail enforces the quota: the client must pace itself so that Gmail never
// refuses a call.
func TestNewGmail_ConcurrentCallsStayWithinTheMailboxQuota(t *testing.T) {
	const quota, mailbox = 100, "ai@besunny.ai"
	fake := googlefake.New(googlefake.Options{QuotaUnitsPerSecond: quota, DefaultMailbox: mailbox,
		Conformance: conformancetest.Checker(t)})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		fake.Close()
		srv.Close()
	})
	var cfg config.Config
	cfg.Google.Mode, cfg.Google.SandboxURL = config.GoogleSandbox, srv.URL
	cfg.Gmail.QuotaUnitsPerSecond = quota
	svc, err := NewGmail(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 40 {
		raw := fmt.Appendf(nil, "From: pat@client.example\r\nTo: ai+demo@besunny.ai\r\nSubject: %d\r\n\r\nBody %d\r\n", i, i)
		id, _, err := fake.Deliver(mailbox, raw, googlefake.DeliverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	fake.ResetStats()

	var wg sync.WaitGroup
	errs := make(chan error, len(ids)+3)
	for _, id := range ids {
		wg.Go(func() {
			_, err := svc.Users.Messages.Get(mailbox, id).Format("raw").Context(t.Context()).Do()
			errs <- err
		})
	}
	for range 3 {
		wg.Go(func() {
			errs <- svc.Users.Messages.BatchModify(mailbox, &gmail.BatchModifyMessagesRequest{Ids: ids[:5], RemoveLabelIds: []string{"UNREAD"}}).Context(t.Context()).Do()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := fake.Stats()
	if st.TotalRejected() != 0 || st.MaxGmailUnitsPerSecond > quota {
		t.Fatalf("quota rejections %v, peak %d units/s of %d", st.QuotaRejected, st.MaxGmailUnitsPerSecond, quota)
	}
	if st.Calls["gmail.users.messages.get"] != int64(len(ids)) || st.Calls["gmail.users.messages.batchModify"] != 3 {
		t.Fatalf("calls = %v", st.Calls)
	}
}
