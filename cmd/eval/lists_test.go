package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

const realListsFile = "../../testdata/classify/real/lists.json"

func TestMailingListOf_ReadsTheListFromItsOwnHeader(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"Mailing-List: list zzzzteana@yahoogroups.com; contact zzzzteana-owner@yahoogroups.com\n", "zzzzteana@yahoogroups.com"},
		{"Mailing-List: contact vulnwatch-help@vulnwatch.org; run by ezmlm\n", "vulnwatch@vulnwatch.org"},
		{"X-Mailing-List: <0xdeadbeef@petting-zoo.net> archive/latest/561\n", "0xdeadbeef@petting-zoo.net"},
		{"Precedence: list\n", ""},
	} {
		raw := "From: a@example.com\nSubject: s\n" + c.header + "\nbody Mailing-List: list body@example.com;\n"
		if got := mailingListOf([]byte(raw)); got != c.want {
			t.Errorf("%q: got %q, want %q", c.header, got, c.want)
		}
	}
}

func TestStripListMessage_RemovesTheTagTheFooterAndTheListsNames(t *testing.T) {
	text := `> --- In forteana@y..., "Webmaster" <webmaster@b...> wrote:
> Rebranding: taking something and changing nothing about it.
>
> To unsubscribe from this group, send an email to:
> forteana-unsubscribe@egroups.com
>
> Your use of Yahoo! Groups is subject to http://docs.yahoo.com/info/terms/

Understood.

------------------------ Yahoo! Groups Sponsor ---------------------~-->
4 DVDs Free +s&p Join Now
http://us.click.yahoo.com/pt6YBB/NXiEAA/MVfIAA/7gSolB/TM
---------------------------------------------------------------------~->

To unsubscribe from this group, send an email to:
forteana-unsubscribe@egroups.com

Your use of Yahoo! Groups is subject to http://docs.yahoo.com/info/terms/
`
	subject, body := stripListMessage("Re: [zzzzteana] Re: Megalithomania", text, newListNames([]string{"zzzzteana", "forteana"}))
	if subject != "Re: Re: Megalithomania" {
		t.Errorf("subject = %q", subject)
	}
	for _, gone := range []string{"forteana", "zzzzteana", "Yahoo", "unsubscribe", "DVDs"} {
		if strings.Contains(strings.ToLower(body), strings.ToLower(gone)) {
			t.Errorf("text keeps %q:\n%s", gone, body)
		}
	}
	for _, kept := range []string{"Rebranding: taking something", "Understood.", `"Webmaster" <webmaster@b...> wrote:`} {
		if !strings.Contains(body, kept) {
			t.Errorf("text lost %q:\n%s", kept, body)
		}
	}
}

func TestEvalReal_ListMailIsLabelledByListAndNamesNoList(t *testing.T) {
	ds, st, err := LoadReal(realSample, realProjFile, RealOptions{ListsFile: realListsFile})
	if err != nil {
		t.Fatal(err)
	}
	if st.ListItems["zzzzteana@yahoogroups.com"] != 4 || st.ListItems["0xdeadbeef@petting-zoo.net"] != 2 || len(st.ListItems) != 2 {
		t.Errorf("list items = %v, want 4 of the Fortean list and 2 of the forwards list", st.ListItems)
	}
	if len(ds.Projects[RealOwner]) != 12 {
		t.Errorf("%d projects, want the 10 feeds and the 2 lists", len(ds.Projects[RealOwner]))
	}
	kinds := map[string]int{}
	for _, it := range ds.Items {
		kinds[it.Mode]++
		if it.Mode != KindList {
			continue
		}
		if it.Doc.Author == "" {
			t.Errorf("%s lost its sender", it.Doc.ID)
		}
		for _, s := range []string{it.Doc.Title, it.Doc.Text} {
			l := strings.ToLower(s)
			for _, name := range []string{"zzzzteana", "forteana", "0xdeadbeef", "yahoo! groups"} {
				if strings.Contains(l, name) {
					t.Errorf("%s still names its list (%q): %q", it.Doc.ID, name, s)
				}
			}
		}
	}
	if kinds[KindHam] != 3 || kinds[KindList] != 6 {
		t.Errorf("kinds = %v, want the 6 list messages out of the ham", kinds)
	}

	var b bytes.Buffer
	ReportLists(context.Background(), &b, ds, st, 1)
	for _, want := range []string{"list-mail check", "feed items filed to a list", "\n  10   test"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
