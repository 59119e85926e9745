package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"os"
	"regexp"
	"strings"
)

// The list-mail check of the real-world evaluation: besides the RSS items,
// the corpus holds mail that people wrote to mailing lists which name
// themselves in a Mailing-List (Yahoo! Groups, ezmlm) or X-Mailing-List
// header but carry no List-Id, so the hold-out rule does not keep them
// back. The lists with enough messages become projects of the same user
// (testdata/classify/real/lists.json), their mail is labelled by list, and
// what names the list is removed the way the independent check removes it:
// list headers (never shown to the classifier), subject tags and footers.

// KindList is an item of the list-mail check: a message to one of the
// lists that are projects.
const KindList = "list"

// realLists is the committed file of the lists that are projects.
type realLists struct {
	Lists []struct {
		List        string   `json:"list"`
		Names       []string `json:"names"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Keywords    []string `json:"keywords"`
	} `json:"lists"`
}

func readLists(file string) (realLists, error) {
	var rl realLists
	raw, err := os.ReadFile(file)
	if err != nil {
		return rl, err
	}
	if err := json.Unmarshal(raw, &rl); err != nil {
		return rl, fmt.Errorf("%s: %w", file, err)
	}
	return rl, nil
}

var (
	// "list zzzzteana@yahoogroups.com; contact …" (Yahoo! Groups) or
	// "contact vulnwatch-help@vulnwatch.org; run by ezmlm"
	mailingListRE = regexp.MustCompile(`(?i)^\s*(?:list\s+([^\s;]+@[^\s;]+)|contact\s+([^\s;]+)-help@([^\s;]+))`)
	// "<0xdeadbeef@petting-zoo.net> archive/latest/561"
	xMailingListRE = regexp.MustCompile(`^\s*<([^>\s]+@[^>\s]+)>`)
)

// mailingListOf returns the address of the mailing list a raw message was
// sent through, as its Mailing-List or X-Mailing-List header names it,
// lower-cased; "" when it has neither.
func mailingListOf(raw []byte) string {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	if m := mailingListRE.FindStringSubmatch(msg.Header.Get("Mailing-List")); m != nil {
		if m[1] != "" {
			return strings.ToLower(m[1])
		}
		return strings.ToLower(m[2] + "@" + m[3])
	}
	if m := xMailingListRE.FindStringSubmatch(msg.Header.Get("X-Mailing-List")); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

var (
	// The Yahoo! Groups footer, also when quoted ("> ") in a reply: the
	// sponsor block, the unsubscribe instruction with its address and the
	// terms of use.
	yahooSponsorRE = regexp.MustCompile(`(?ms)^[> ]*-+ ?Yahoo! Groups Sponsor -+~-->$.*?^[> ]*-+~->[ \t]*$\n?`)
	yahooUnsubRE   = regexp.MustCompile(`(?m)^[> ]*To unsubscribe from this group, send an email to:[ \t]*\n[> ]*\S+@\S+[ \t]*$\n?`)
	yahooTermsRE   = regexp.MustCompile(`(?m)^[> ]*Your use of Yahoo! Groups is subject to[^\n]*$\n?`)
	blankRunRE     = regexp.MustCompile(`\n(?:[> \t]*\n){2,}`)
)

// listNames matches a list's names: its subject tag ("[zzzzteana]") and
// the names as words.
type listNames struct{ tag, name *regexp.Regexp }

func newListNames(names []string) listNames {
	if len(names) == 0 {
		return listNames{}
	}
	return listNames{tag: anyOfRE(`\[(?:`, names, `)\]\s*`), name: anyOfRE(`\b(?:`, names, `)\b`)}
}

// stripListMessage returns the subject and text of a list message without
// what names its list: the list's subject tag ("[zzzzteana]"), the list
// software's footer, and the list's names anywhere else (in attributions
// such as "--- In forteana@y..., … wrote:" and quoted addresses).
func stripListMessage(subject, text string, ln listNames) (string, string) {
	text = yahooSponsorRE.ReplaceAllString(text, "")
	text = yahooUnsubRE.ReplaceAllString(text, "")
	text = yahooTermsRE.ReplaceAllString(text, "")
	if ln.tag != nil {
		subject = ln.name.ReplaceAllString(ln.tag.ReplaceAllString(subject, ""), "")
		text = ln.name.ReplaceAllString(ln.tag.ReplaceAllString(text, ""), "")
	}
	text = blankRunRE.ReplaceAllString(text, "\n\n")
	return strings.Join(strings.Fields(subject), " "), strings.TrimSpace(text)
}
