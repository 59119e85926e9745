package main

import (
	"fmt"
	"io"
	"time"
)

// Report prints the metrics on all documents and on both halves, the
// confusion summary and timing.
func Report(w io.Writer, which string, ds *Dataset, rs []Result, wall time.Duration, llmRequests func() int, verbose bool) {
	llm := which != "local"
	fmt.Fprintf(w, "classifier %s on %d documents (%d owners)\n", which, len(rs), len(ds.Projects))
	all := Compute(rs, nil)
	Print(w, "all", all, llm)
	Print(w, "tune", Compute(rs, func(r Result) bool { return !r.Item.Holdout }), llm)
	Print(w, "holdout", Compute(rs, func(r Result) bool { return r.Item.Holdout }), llm)
	fmt.Fprintln(w, "by mode (top-1 accuracy / recall at threshold):")
	for _, mode := range []string{"named", "implicit", "code", "people", "sender"} {
		m := Compute(rs, func(r Result) bool { return r.Item.Mode == mode })
		fmt.Fprintf(w, "  %-8s %3d docs  %5.1f%%  %5.1f%%\n", mode, m.Docs, m.Accuracy(), m.Recall())
	}
	fmt.Fprintln(w, "most frequent wrong pairs (label -> decision):")
	for _, c := range all.TopConfusions(8) {
		fmt.Fprintln(w, "  "+c)
	}
	if llmRequests != nil {
		fmt.Fprintf(w, "LLM requests: %d (%.1f%% of documents)\n", llmRequests(), 100*float64(llmRequests())/float64(len(rs)))
	}
	per := time.Duration(0)
	if len(rs) > 0 {
		per = all.Total / time.Duration(len(rs))
	}
	fmt.Fprintf(w, "timing: %s wall, %s per document (includes building profiles on first use)\n", wall.Round(time.Millisecond), per.Round(time.Microsecond))
	if verbose {
		fmt.Fprintln(w, "wrong decisions:")
		for _, r := range rs {
			d := r.Decision
			if d.ProjectID == r.Item.Label {
				continue
			}
			split := "tune"
			if r.Item.Holdout {
				split = "holdout"
			}
			fmt.Fprintf(w, "  %s [%s %s %s] label=%q got=%q conf=%.2f cands=%v reason=%q err=%v\n    %s | %s\n",
				r.Item.Doc.ID, split, r.Item.Mode, r.Item.Doc.Type, r.Item.Label, d.ProjectID, d.Confidence, d.Candidates, d.Reason, r.Err, r.Item.Doc.Author, r.Item.Doc.Title)
		}
	}
}
