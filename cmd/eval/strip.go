package main

import (
	"regexp"
	"strings"
)

// What gives a feed item's label away is removed before the classifier
// sees it, the same way for every item whatever its feed: the sender (the
// document has no author), the gateway's URL: and Date: lines, every link to
// one of the feeds' own sites, and the feeds' names and mastheads in the
// subject and the text. What is left is what the item says.

// feedHosts are the feeds' own sites (and the aggregator that delivered
// some of them). A URL on one of these hosts (or below it) is removed.
var feedHosts = []string{
	"boingboing.net", "quicktopic.com/boing", "newsisfree.com", "guardian.co.uk", "guardianunlimited.co.uk",
	"newscientist.com", "fark.com", "gamasutra.com", "scripting.com", "scriptingnews.userland.com",
	"diveintomark.org", "aaronsw.com", "zawodny.com", "askbjoernhansen.com", "mozillazine.org/weblogs/hyatt",
	"joelonsoftware.com", "livejournal.com", "oblomovka.com", "disobey.com/morbus",
}

// feedNames are the feeds' names and mastheads, matched as whole words in
// any letter case.
var feedNames = []string{
	"boing boing", "boingboing", "guardian unlimited", "the guardian", "guardian", "the observer", "new scientist", "newscientist",
	"fark", "gamasutra", "scripting news", "scriptingnews", "dive into mark", "diveintomark", "zawodny", "ask bjørn hansen",
	"ask bjoern hansen", "askbjoernhansen", "aaronsw", "aaron swartz", "joel on software", "joelonsoftware", "jwz",
	"hyatt", "oblomovka", "morbus", "newsisfree",
}

var (
	urlRE         = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>()"\]]+`)
	feedNameRE    = anyOfRE(`\b(?:`, feedNames, `)\b`)
	gatewayLineRE = regexp.MustCompile(`(?m)\A(?:\s*(?:URL|Date): [^\n]*\n)+`)
	// footnote lines left empty once their URL is gone ("[3] ")
	emptyFootnoteRE = regexp.MustCompile(`(?m)^\s*\[\d+\]\s*$\n?`)
)

// anyOfRE matches any of the names (quoted, in any letter case) between
// before and after.
func anyOfRE(before string, names []string, after string) *regexp.Regexp {
	alts := make([]string, len(names))
	for i, n := range names {
		alts[i] = regexp.QuoteMeta(n)
	}
	return regexp.MustCompile(`(?i)` + before + strings.Join(alts, "|") + after)
}

// stripFeedItem returns the subject and text of a feed item without what
// names its feed.
func stripFeedItem(subject, text string) (string, string) {
	text = gatewayLineRE.ReplaceAllString(strings.TrimLeft(text, "\r\n"), "")
	text = urlRE.ReplaceAllStringFunc(text, func(u string) string {
		if isFeedURL(u) {
			return ""
		}
		return u
	})
	text = emptyFootnoteRE.ReplaceAllString(text, "")
	text = feedNameRE.ReplaceAllString(text, "")
	subject = strings.TrimSpace(feedNameRE.ReplaceAllString(subject, ""))
	return subject, strings.TrimSpace(text)
}

func isFeedURL(u string) bool {
	l := strings.ToLower(u)
	l = strings.TrimPrefix(strings.TrimPrefix(l, "http://"), "https://")
	l = strings.TrimPrefix(l, "www.")
	for _, h := range feedHosts {
		if strings.HasPrefix(l, h) {
			return true
		}
		// subdomains: jeremy.zawodny.com, story.boingboing.net
		if host, _, _ := strings.Cut(l, "/"); strings.HasSuffix(host, "."+strings.SplitN(h, "/", 2)[0]) && !strings.Contains(h, "/") {
			return true
		}
	}
	return false
}
