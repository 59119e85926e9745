package google_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/gmail/v1"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/testenv"
)

const sharedQuota, sharedMailbox = 100, "ai@besunny.ai"

// twoWorkers stands for two worker processes: each has its own Gmail client
// and its own connection pool to PostgreSQL; shared says whether they pace
// by the mailbox's shared window or each by its own.
func twoWorkers(t *testing.T, shared bool) (*googlefake.Server, []*gmail.Service, []string, uint64) {
	t.Helper()
	fake := googlefake.New(googlefake.Options{QuotaUnitsPerSecond: sharedQuota, DefaultMailbox: sharedMailbox,
		Conformance: conformancetest.Checker(t)})
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		fake.Close()
		srv.Close()
	})
	dbase := testenv.NewDatabase(t)
	var cfg config.Config
	cfg.Google.Mode, cfg.Google.SandboxURL = config.GoogleSandbox, srv.URL
	cfg.Gmail.QuotaUnitsPerSecond = sharedQuota
	var svcs []*gmail.Service
	for range 2 {
		st, err := store.Open(t.Context(), dbase.URL, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		var opts []google.GmailOption
		if shared {
			opts = append(opts, google.WithSharedQuota(store.GmailQuotaWindow{Store: st}))
		}
		svc, err := google.NewGmail(t.Context(), cfg, opts...)
		if err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	var ids []string
	var firstHistory uint64
	for i := range 60 {
		raw := fmt.Appendf(nil, "From: pat@client.example\r\nTo: ai+demo@besunny.ai\r\nSubject: %d\r\n\r\nBody %d\r\n", i, i)
		id, h, err := fake.Deliver(sharedMailbox, raw, googlefake.DeliverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if i == 0 {
			firstHistory = h
		}
	}
	fake.ResetStats()
	return fake, svcs, ids, firstHistory
}

// drain makes, from each worker at once, what a drain does: messages.get of
// its half of the messages, history.list and a batchModify mark.
func drain(ctx context.Context, svcs []*gmail.Service, ids []string, history uint64) []error {
	var wg sync.WaitGroup
	errs := make(chan error, len(ids)+8)
	for w, svc := range svcs {
		for i, id := range ids {
			if i%len(svcs) != w {
				continue
			}
			wg.Go(func() {
				_, err := svc.Users.Messages.Get(sharedMailbox, id).Format("raw").Context(ctx).Do()
				errs <- err
			})
		}
		wg.Go(func() {
			_, err := svc.Users.History.List(sharedMailbox).StartHistoryId(history).Context(ctx).Do()
			errs <- err
		})
		wg.Go(func() {
			errs <- svc.Users.Messages.BatchModify(sharedMailbox, &gmail.BatchModifyMessagesRequest{Ids: ids[:5], RemoveLabelIds: []string{"UNREAD"}}).Context(ctx).Do()
		})
	}
	wg.Wait()
	close(errs)
	var failed []error
	for err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	return failed
}

// Two worker processes calling Gmail for one mailbox at once stay within its
// quota exactly — no refusal, no second over the limit — when they pace by
// the shared window; each pacing by its own window, they would not.
func TestSharedQuota_TwoWorkersStayWithinTheMailboxQuota(t *testing.T) {
	fake, svcs, ids, history := twoWorkers(t, true)
	start := time.Now()
	if failed := drain(t.Context(), svcs, ids, history); len(failed) > 0 {
		t.Fatalf("%d calls failed, first: %v", len(failed), failed[0])
	}
	st := fake.Stats()
	if st.TotalRejected() != 0 || st.MaxGmailUnitsPerSecond > sharedQuota {
		t.Fatalf("quota rejections %v, peak %d units/s of %d", st.QuotaRejected, st.MaxGmailUnitsPerSecond, sharedQuota)
	}
	// 60 gets (5), 2 history.list (2), 2 batchModify (50): 404 units at 95
	// per 1.1 s take about 4.7 s when the window is used to the full.
	if took := time.Since(start); took > 8*time.Second {
		t.Fatalf("the shared window served 404 units in %s: paced far below the quota", took)
	}
	t.Logf("peak %d units/s of %d, %s", st.MaxGmailUnitsPerSecond, sharedQuota, time.Since(start).Round(time.Millisecond))
}

// The control: two workers each within its own window exceed the mailbox's
// quota together — what the shared window is for.
func TestSharedQuota_TwoWorkersWithWindowsOfTheirOwnAreRefused(t *testing.T) {
	fake, svcs, ids, history := twoWorkers(t, false)
	_ = drain(t.Context(), svcs, ids, history)
	if st := fake.Stats(); st.TotalRejected() == 0 {
		t.Fatalf("no refusal with two windows of %d units each: the test would not see a shared window fail", sharedQuota)
	}
}

// A call that would wait longer than its context allows fails at once with
// ErrQuotaWaitTooLong and charges nothing.
func TestSharedQuota_BoundedWaitFailsFastAndChargesNothing(t *testing.T) {
	fake, svcs, ids, _ := twoWorkers(t, true)
	// 19 gets fill the 95 units of the window.
	for _, id := range ids[:19] {
		if _, err := svcs[0].Users.Messages.Get(sharedMailbox, id).Format("raw").Context(t.Context()).Do(); err != nil {
			t.Fatal(err)
		}
	}
	ctx := google.WithQuotaWaitLimit(t.Context(), 100*time.Millisecond)
	t0 := time.Now()
	_, err := svcs[1].Users.Messages.Get(sharedMailbox, ids[19]).Format("raw").Context(ctx).Do()
	if err == nil || !errors.Is(err, google.ErrQuotaWaitTooLong) {
		t.Fatalf("got %v, want ErrQuotaWaitTooLong", err)
	}
	if took := time.Since(t0); took > time.Second {
		t.Fatalf("the refused call took %s", took)
	}
	if calls := fake.Stats().Calls; calls["gmail.users.messages.get"] != 19 {
		t.Fatalf("Gmail saw %v", calls)
	}
}
