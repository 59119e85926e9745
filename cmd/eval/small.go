package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"

	"github.com/besunny/workflows/internal/classify"
)

// The small-mailbox check: a user who has just connected a mailbox has
// tens of documents, not hundreds, and below CollectionOptions.MinDocuments
// (50) the collection model only ranks (classify.collectionParamsFor). Each
// mailbox is drawn from one half of the real-world set — a few of its feeds
// as the user's only projects, some of each feed's items, some no-project
// mail — and the first items of each feed are the user's corrections. Every
// mailbox is classified twice: by the scorer alone (no collection model, as
// before the ranking model) and with the ranking model.

// smallMailbox is the shape of the mailboxes of one row.
type smallMailbox struct {
	projects, items, none, corrections int
}

// SmallMailboxes are the rows of the check, chosen before it first ran;
// every one stays under 50 documents.
var SmallMailboxes = []smallMailbox{{3, 6, 6, 3}, {3, 8, 10, 2}, {4, 6, 12, 2}, {5, 7, 10, 3}, {4, 10, 8, 5}}

// smallMailboxesPerRow is the number of mailboxes drawn per row and half.
const smallMailboxesPerRow = 20

// backlogBar is the backlog run's default bar (CLASSIFY_BACKLOG_MIN_CONFIDENCE).
const backlogBar = 0.6

// smallOutcome sums one row's mailboxes.
type smallOutcome struct {
	Metrics
	Backlog, BacklogRight int // decisions the backlog would file, and the right ones
}

// drawSmallMailbox draws mailbox r of shape s from one half of ds: a
// dataset of its documents and its projects, and its corrections (item
// index -> project). ok is false when the half has too few feeds of the
// size.
func drawSmallMailbox(ds *Dataset, holdout bool, s smallMailbox, r int) (sub *Dataset, assigned map[int]string, ok bool) {
	byLabel := map[string][]int{}
	var none []int
	for i, it := range ds.Items {
		switch {
		case it.Holdout != holdout || it.Mode == KindList:
		case it.Label == "":
			none = append(none, i)
		default:
			byLabel[it.Label] = append(byLabel[it.Label], i)
		}
	}
	var feeds []string
	for l, idx := range byLabel {
		if len(idx) >= s.items {
			feeds = append(feeds, l)
		}
	}
	if len(feeds) < s.projects || len(none) < s.none {
		return nil, nil, false
	}
	sort.Strings(feeds)
	rng := rand.New(rand.NewPCG(uint64(r), uint64(s.projects)<<24|uint64(s.items)<<16|uint64(s.none)<<8|uint64(s.corrections)))
	shuffle := func(x []int) []int {
		x = slices.Clone(x)
		rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
		return x
	}
	rng.Shuffle(len(feeds), func(i, j int) { feeds[i], feeds[j] = feeds[j], feeds[i] })
	sub = &Dataset{Projects: map[string][]classify.Project{}, Names: ds.Names}
	assigned = map[int]string{}
	for _, f := range feeds[:s.projects] {
		for _, p := range ds.Projects[RealOwner] {
			if p.ID == f {
				sub.Projects[RealOwner] = append(sub.Projects[RealOwner], p)
			}
		}
		for k, i := range shuffle(byLabel[f])[:s.items] {
			if k < s.corrections {
				assigned[len(sub.Items)] = f
			}
			sub.Items = append(sub.Items, ds.Items[i])
		}
	}
	for _, i := range shuffle(none)[:s.none] {
		sub.Items = append(sub.Items, ds.Items[i])
	}
	return sub, assigned, true
}

// runSmall classifies the mailboxes of one row and half, with the
// collection model's options opts.
func runSmall(ctx context.Context, ds *Dataset, holdout bool, s smallMailbox, opts classify.CollectionOptions) (smallOutcome, bool) {
	var out smallOutcome
	var all []Result
	for r := range smallMailboxesPerRow {
		sub, assigned, ok := drawSmallMailbox(ds, holdout, s, r)
		if !ok {
			return out, false
		}
		rs := runRealOpts(ctx, sub, assigned, "small"+strconv.Itoa(r), opts, nil)
		for _, res := range rs {
			if d := res.Decision; d.ProjectID != "" && d.Confidence >= backlogBar {
				out.Backlog++
				if d.ProjectID == res.Item.Label {
					out.BacklogRight++
				}
			}
		}
		all = append(all, rs...)
	}
	out.Metrics = Compute(all, nil)
	return out, true
}

// ReportSmallMailboxes prints the small-mailbox check: per row and half,
// the scorer alone and with the ranking model.
func ReportSmallMailboxes(ctx context.Context, w io.Writer, ds *Dataset) {
	fmt.Fprintf(w, "\nsmall mailboxes (under 50 documents, where the collection model only ranks): %d mailboxes per row and half, each a few feeds as the only projects, some of their items and some no-project mail, the first items of each feed corrected by hand\n", smallMailboxesPerRow)
	fmt.Fprintln(w, "  mailbox (projects x items + no project, corrections)   half  model        top-1   filed  precision   backlog >= 0.6  precision   no-project unclassified")
	noModel := classify.CollectionOptions{MinRankingDocuments: 1 << 30}
	for _, s := range SmallMailboxes {
		for _, half := range []bool{false, true} {
			for _, m := range []struct {
				name string
				opts classify.CollectionOptions
			}{{"words only", noModel}, {"ranking", classify.CollectionOptions{}}} {
				o, ok := runSmall(ctx, ds, half, s, m.opts)
				if !ok {
					continue
				}
				fmt.Fprintf(w, "  %d x %-2d + %-2d, %d per project (%2d docs)                 %-4s  %-11s  %.3f   %5.3f  %.3f       %5.3f           %.3f       %.3f\n",
					s.projects, s.items, s.none, s.corrections, s.projects*s.items+s.none, map[bool]string{false: "dev", true: "test"}[half], m.name,
					ratio(o.Top1, o.Labelled), ratio(o.Classified, o.Docs), ratio(o.CorrectClassified, o.Classified),
					ratio(o.Backlog, o.Docs), ratio(o.BacklogRight, o.Backlog), ratio(o.NoProjectUnclassified, o.NoProject))
			}
		}
	}
}
