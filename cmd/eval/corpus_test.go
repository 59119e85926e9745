package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHasListID_FindsTheHeaderOnlyInTheHeaderSection(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		want bool
	}{
		{"plain", "From: a@b.example\nList-Id: <exmh-users.redhat.com>\nSubject: x\n\nbody\n", true},
		{"crlf and lower case", "From: a@b.example\r\nlist-id: Forteana <forteana.yahoogroups.com>\r\n\r\nbody", true},
		{"upper case, blank before the colon", "Subject: x\nLIST-ID : <x.example>\n\nbody", true},
		{"first line", "List-Id: <x>\n\n", true},
		{"none", "From: a@b.example\nList-Unsubscribe: <mailto:x>\nSubject: x\n\nbody\n", false},
		{"only in the body", "From: a@b.example\nSubject: x\n\nList-Id: <in the body>\n", false},
		{"in a folded continuation", "Subject: a long\n List-Id: folded\n\nbody", false},
		{"a longer field name", "List-Idx: <x>\n\nbody", false},
		{"no body at all", "From: a@b.example\nList-Id: <x>", true},
		{"empty", "", false},
	}
	for _, c := range cases {
		if got := HasListID([]byte(c.raw)); got != c.want {
			t.Errorf("%s: HasListID = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestReadCorpus_HoldsBackListMailBeforeAnythingReadsIt(t *testing.T) {
	dir := t.TempDir()
	write := func(name, raw string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(raw), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("easy-ham-1/00001.a.txt", "From: boingboing <rssfeeds@example.org>\nSubject: kept\n\nA feed item.\n")
	write("easy-ham-1/00002.b.txt", "From: someone@example.org\nList-Id: <list.example.org>\nSubject: held back\n\nList mail.\n")
	write("spam-2/00003.c.txt", "From: spammer@example.net\nSubject: kept too\n\nBuy now.\n")
	msgs, held, err := ReadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if held != 1 || len(msgs) != 2 {
		t.Fatalf("held back %d, read %d; want 1 and 2", held, len(msgs))
	}
	for _, m := range msgs {
		if HasListID(m.Raw) || m.Name == "easy-ham-1/00002.b.txt" {
			t.Errorf("list mail %s was returned", m.Name)
		}
	}
	if msgs[1].Group() != "spam-2" {
		t.Errorf("group = %q", msgs[1].Group())
	}
}
