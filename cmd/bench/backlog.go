package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/store"
)

// backlog is the mail waiting in the mailbox when the worker starts.
type backlog struct {
	ids []string
	// shapes are the local activities per message of the corpus cycle.
	shapes  []int
	summary corpusSummary
}

type corpusSummary struct {
	messages   int
	bytes      int64
	largest    int
	attachment int // messages of a few hundred KB
	byKind     map[string]int
}

func (s corpusSummary) String() string {
	kinds := make([]string, 0, len(s.byKind))
	for k, n := range s.byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d messages, %.1f MB, mean %.1f KB, largest %d KB, %d with attachments ≥ 100 KB (%s)",
		s.messages, float64(s.bytes)/(1<<20), float64(s.bytes)/float64(max(s.messages, 1))/1024,
		s.largest>>10, s.attachment, strings.Join(kinds, ", "))
}

// loadBacklog delivers n messages into the sandbox mailbox before anyone
// watches it (so nothing is pushed), then stores the mailbox's history
// cursor as it was before the first of them: the state of a deployment that
// was down while the mail arrived. (A mailbox without a cursor starts from
// "now" and would rightly ignore mail already there.)
func loadBacklog(ctx context.Context, fake *googlefake.Server, st *store.Store, c *corpus, n int) (*backlog, error) {
	b := &backlog{shapes: c.shapes(), summary: corpusSummary{byKind: map[string]int{}}}
	var firstHistory uint64
	for i := range n {
		k, raw := c.message(i)
		id, historyID, err := fake.Deliver(mailbox, raw, googlefake.DeliverOptions{})
		if err != nil {
			return nil, fmt.Errorf("deliver backlog message %d: %w", i, err)
		}
		if i == 0 {
			firstHistory = historyID
		}
		b.ids = append(b.ids, id)
		s := &b.summary
		s.messages++
		s.bytes += int64(len(raw))
		s.largest = max(s.largest, len(raw))
		if len(raw) >= 100<<10 {
			s.attachment++
		}
		s.byKind[k.name]++
	}
	// The fake numbers history records one by one, so the cursor just
	// before the first delivery is its history id minus one.
	cursor := strconv.FormatUint(firstHistory-1, 10)
	if _, err := st.EnsureMailbox(ctx, mailbox); err != nil {
		return nil, err
	}
	if err := st.SaveMailboxCursor(ctx, db.SaveMailboxCursorParams{Address: mailbox, HistoryID: cursor}); err != nil {
		return nil, err
	}
	say("backlog: %s", b.summary)
	return b, nil
}
