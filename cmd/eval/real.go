package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/mail"
)

// The real-world evaluation (make eval-real): the RSS-feed items of the
// public SpamAssassin corpus, labelled by feed, against projects a reader of
// those feeds wrote once (testdata/classify/real/projects.json), plus mail
// that belongs to no project. See testdata/classify/real/README.md.

// RealOwner is the one user of the real-world set.
const RealOwner = "reader"

// Kinds of items in the real-world set (Item.Mode).
const (
	KindFeed      = "feed"       // an item of a feed that is one of the projects
	KindOtherFeed = "other-feed" // an item of a feed that is no project
	KindHam       = "ham"        // other legitimate mail without List-Id
	KindSpam      = "spam"       // spam without List-Id
)

// realProjects is the committed file of projects.
type realProjects struct {
	Projects []struct {
		Feed        string   `json:"feed"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Keywords    []string `json:"keywords"`
	} `json:"projects"`
}

// RealOptions choose the no-project mail of the set.
type RealOptions struct {
	// NoProjectPerKind is how many ham and how many spam messages (without
	// List-Id) are added as no-project mail, chosen by the FNV-1a hash of
	// their corpus path; 0 takes all of them.
	NoProjectPerKind int
	// ListsFile, when set, adds the list-mail check: the mailing lists it
	// names become projects and their messages are labelled by list
	// (KindList) instead of being no-project ham.
	ListsFile string
}

// DefaultRealOptions are the options of make eval-real.
var DefaultRealOptions = RealOptions{NoProjectPerKind: 150}

// RealStats says what the loader did with the corpus.
type RealStats struct {
	HeldBack     int            // messages with List-Id: not read
	Read         int            // messages without List-Id
	FeedItems    map[string]int // by label, after de-duplication
	ListItems    map[string]int // by list, with RealOptions.ListsFile
	Duplicates   int            // feed items dropped as exact duplicates of an earlier one
	Relabelled   int            // items whose From name disagrees with their feed's channel id
	Unparseable  int
	NoProject    map[string]int // by kind
	DevLabelled  int
	TestLabelled int
}

// newsIsFreeChannels are the feeds delivered through the newsisfree.com
// aggregator, by the channel id in the item's URL. The corpus's From name
// is wrong for some of these items (the gateway mixed them up), while the
// channel id names the feed the item came from.
var newsIsFreeChannels = map[string]string{"215": "guardian", "159": "gamasutra", "1440": "newscientist", "1717": "fark"}

var newsIsFreeURL = regexp.MustCompile(`(?m)^URL: *http://www\.newsisfree\.com/click/-?\d+,\d+,(\d+)/`)

// LoadReal builds the real-world set from the corpus in dir (the npm
// package's data/ directory, or a committed sample in the same layout) and
// the projects file.
func LoadReal(dir, projectsFile string, opt RealOptions) (*Dataset, RealStats, error) {
	st := RealStats{FeedItems: map[string]int{}, ListItems: map[string]int{}, NoProject: map[string]int{}}
	msgs, held, err := ReadCorpus(dir)
	st.HeldBack = held
	if err != nil {
		return nil, st, err
	}
	st.Read = len(msgs)

	raw, err := os.ReadFile(projectsFile)
	if err != nil {
		return nil, st, err
	}
	var rp realProjects
	if err := json.Unmarshal(raw, &rp); err != nil {
		return nil, st, fmt.Errorf("%s: %w", projectsFile, err)
	}
	ds := &Dataset{Projects: map[string][]classify.Project{}, Names: map[string]string{}, examples: map[string][]classify.Example{}}
	isProject := map[string]bool{}
	for _, p := range rp.Projects {
		ds.Projects[RealOwner] = append(ds.Projects[RealOwner], classify.Project{
			ID: p.Feed, Name: p.Name, Description: p.Description, ReferenceKeywords: p.Keywords, Revision: "0",
		})
		ds.Names[p.Feed] = p.Name
		isProject[p.Feed] = true
	}
	lists := map[string]listNames{} // the lists that are projects, by address
	if opt.ListsFile != "" {
		rl, err := readLists(opt.ListsFile)
		if err != nil {
			return nil, st, err
		}
		for _, l := range rl.Lists {
			ds.Projects[RealOwner] = append(ds.Projects[RealOwner], classify.Project{
				ID: l.List, Name: l.Name, Description: l.Description, ReferenceKeywords: l.Keywords, Revision: "0",
			})
			ds.Names[l.List] = l.Name
			lists[l.List] = newListNames(l.Names)
		}
	}

	seen := map[string]bool{}
	var ham, spam []Item
	for _, m := range msgs {
		msg, err := mail.Parse(m.Raw, mail.DefaultLimits)
		if err != nil {
			st.Unparseable++
			continue
		}
		it := Item{Owner: RealOwner, Holdout: !DevSplit(m.Name)}
		feed, list := feedOf(msg), ""
		if len(lists) > 0 {
			list = mailingListOf(m.Raw)
		}
		names, isList := lists[list]
		switch {
		case feed != "":
			if ch := newsIsFreeURL.FindStringSubmatch(msg.Text); ch != nil {
				if f, ok := newsIsFreeChannels[ch[1]]; ok && f != feed {
					st.Relabelled++
					feed = f
				}
			}
			title, text := stripFeedItem(msg.Title(), msg.Text)
			key := normalizeForDedup(title + "\n" + text)
			if seen[key] {
				st.Duplicates++
				continue
			}
			seen[key] = true
			it.Doc = realDocument(m.Name, msg.Date, title, "", text)
			if isProject[feed] {
				it.Label, it.Mode = feed, KindFeed
				st.FeedItems[feed]++
			} else {
				it.Mode = KindOtherFeed
				st.NoProject[KindOtherFeed]++
			}
			ds.Items = append(ds.Items, it)
		case isList:
			title, text := stripListMessage(msg.Title(), msg.Text, names)
			it.Doc = realDocument(m.Name, msg.Date, title, msg.From.String(), text)
			it.Label, it.Mode = list, KindList
			st.ListItems[list]++
			ds.Items = append(ds.Items, it)
		case strings.HasPrefix(m.Group(), "spam"):
			it.Mode = KindSpam
			it.Doc = realDocument(m.Name, msg.Date, msg.Title(), msg.From.String(), msg.Text)
			spam = append(spam, it)
		default:
			it.Mode = KindHam
			it.Doc = realDocument(m.Name, msg.Date, msg.Title(), msg.From.String(), msg.Text)
			ham = append(ham, it)
		}
	}
	for _, pool := range [][]Item{ham, spam} {
		pool = sample(pool, opt.NoProjectPerKind)
		for _, it := range pool {
			st.NoProject[it.Mode]++
		}
		ds.Items = append(ds.Items, pool...)
	}
	sort.SliceStable(ds.Items, func(i, j int) bool { return ds.Items[i].Doc.ID < ds.Items[j].Doc.ID })
	for _, it := range ds.Items {
		if it.Label == "" {
			continue
		}
		if it.Holdout {
			st.TestLabelled++
		} else {
			st.DevLabelled++
		}
	}
	return ds, st, nil
}

// DevSplit reports whether a corpus message belongs to the development
// split (the even FNV-1a hashes of its path): the only part the classifier's
// parameters were calibrated on. The other half is the test split.
func DevSplit(name string) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()%2 == 0
}

// feedOf returns the feed of an RSS item (the display name of the
// rssfeeds@ sender, lower-cased), or "" for other mail.
func feedOf(msg *mail.Message) string {
	local, _, _ := strings.Cut(strings.ToLower(msg.From.Address), "@")
	if local != "rssfeeds" {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(msg.From.Name))
}

// realDocument is the document the email pipeline would store for a
// message (title = subject, author = From, text = the body, cut as the store
// cuts it for classification).
func realDocument(id string, date time.Time, title, author, text string) classify.Document {
	return classify.Document{ID: id, Type: "email", Source: "gmail", Author: author, Date: date, Title: title, Text: leftRunes(text, classifyExcerptRunes)}
}

// classifyExcerptRunes is how much of a document's text the store hands to
// classification (GetDocumentForClassification: left(content, 20000)).
const classifyExcerptRunes = 20000

// exampleExcerptRunes is how much of an assigned document the store hands
// to the profile (ListProjectExamples: left(content, 2000)).
const exampleExcerptRunes = 2000

func leftRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// sample returns n items of pool chosen by the FNV-1a hash of their id (all
// when n is 0 or the pool is smaller).
func sample(pool []Item, n int) []Item {
	if n <= 0 || len(pool) <= n {
		return pool
	}
	type hashed struct {
		h  uint32
		it Item
	}
	hs := make([]hashed, len(pool))
	for i, it := range pool {
		f := fnv.New32a()
		f.Write([]byte("no-project/" + it.Doc.ID))
		hs[i] = hashed{f.Sum32(), it}
	}
	sort.Slice(hs, func(i, j int) bool {
		return hs[i].h < hs[j].h || hs[i].h == hs[j].h && hs[i].it.Doc.ID < hs[j].it.Doc.ID
	})
	out := make([]Item, n)
	for i := range out {
		out[i] = hs[i].it
	}
	return out
}

func normalizeForDedup(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// realSplitName names the split of an item for reports.
func realSplitName(it Item) string {
	if it.Holdout {
		return "test"
	}
	return "dev"
}
