package main

import (
	"context"
	"fmt"
	"io"
)

// ListMetrics are the list-mail check's numbers for one run and split:
// the list messages' top-1, precision and coverage, how many feed items
// were filed to a list and the no-project mail left unclassified.
type ListMetrics struct {
	Lists      RealMetrics
	FeedToList float64 // share of the feed items filed to a list project
	NoneRate   float64
}

func listMetrics(rs []Result, split func(Result) bool, lists map[string]int) ListMetrics {
	m := realMetrics(rs, func(r Result) bool { return split(r) && r.Item.Mode == KindList })
	feeds, toList := 0, 0
	for _, r := range rs {
		if !split(r) || r.Item.Mode != KindFeed {
			continue
		}
		feeds++
		if _, ok := lists[r.Decision.ProjectID]; ok {
			toList++
		}
	}
	return ListMetrics{Lists: m, FeedToList: ratio(toList, feeds), NoneRate: realMetrics(rs, split).NoneRate}
}

// ReportLists runs the list-mail check on ds (loaded with
// RealOptions.ListsFile) and prints its learning curve: zero-shot and
// after k assignments per project (every project, feeds and lists alike),
// on the list messages of each split.
func ReportLists(ctx context.Context, w io.Writer, ds *Dataset, st RealStats, seeds int) {
	dev, test := 0, 0
	for _, it := range ds.Items {
		if it.Mode != KindList {
			continue
		}
		if it.Holdout {
			test++
		} else {
			dev++
		}
	}
	fmt.Fprintf(w, "\nlist-mail check: mail people wrote to %d mailing lists without List-Id, each list a project beside the %d feeds: %v (%d dev, %d test); %d no project %v\n",
		len(st.ListItems), len(ds.Projects[RealOwner])-len(st.ListItems), st.ListItems, dev, test, len(ds.Items)-st.DevLabelled-st.TestLabelled, st.NoProject)
	fmt.Fprintf(w, "  k manual assignments per project chosen among the dev split as above; mean over %d seeds; list messages only, except the last two columns\n", seeds)
	fmt.Fprintln(w, "  k    split  top-1   precision  coverage   feed items filed to a list   no-project unclassified")
	sums := map[int]map[string]ListMetrics{}
	eachLearningRun(ctx, ds, seeds, "lists-k", func(k, n int, rs []Result) {
		if sums[k] == nil {
			sums[k] = map[string]ListMetrics{}
		}
		for split, keep := range map[string]func(Result) bool{"dev": isDev, "test": isTest} {
			m, sum := listMetrics(rs, keep, st.ListItems), sums[k][split]
			sum.Lists.Top1 += m.Lists.Top1 / float64(n)
			sum.Lists.Precision += nanToZero(m.Lists.Precision) / float64(n)
			sum.Lists.Coverage += m.Lists.Coverage / float64(n)
			sum.FeedToList += m.FeedToList / float64(n)
			sum.NoneRate += m.NoneRate / float64(n)
			sums[k][split] = sum
		}
	})
	for _, k := range LearningKs {
		for _, split := range []string{"dev", "test"} {
			m := sums[k][split]
			fmt.Fprintf(w, "  %-3d  %-5s  %.3f   %.3f      %.3f      %.3f                        %.3f\n",
				k, split, m.Lists.Top1, m.Lists.Precision, m.Lists.Coverage, m.FeedToList, m.NoneRate)
		}
	}
}
