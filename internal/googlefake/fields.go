package googlefake

import (
	"slices"
	"strings"
)

// fieldError is Drive's message for a selector it refuses, sent to the
// client as is (hence Google's capitalisation).
type fieldError string

func (e fieldError) Error() string { return string(e) }

// fieldTree is a parsed partial-response selector (the standard fields
// parameter): "id,name", "owners(emailAddress,me)", "owners/emailAddress",
// "*". A name mapped to nil selects its whole subtree.
type fieldTree map[string]fieldTree

// fileFields are the File fields the fake renders, and userFields Drive's
// User fields (owners); other names are refused as Drive refuses invalid
// selections.
var (
	fileFields = []string{"kind", "id", "name", "mimeType", "createdTime", "modifiedTime", "version",
		"trashed", "webViewLink", "owners", "size", "md5Checksum"}
	userFields = []string{"kind", "displayName", "emailAddress", "me", "permissionId", "photoLink"}
)

// parseFileFields parses a files.get selector; empty is Drive v3's default.
func parseFileFields(sel string) (fieldTree, error) {
	if strings.TrimSpace(sel) == "" {
		sel = "kind,id,name,mimeType"
	}
	t, err := parseFieldTree(sel)
	if err != nil {
		return nil, err
	}
	for name, sub := range t {
		if name != "*" && !slices.Contains(fileFields, name) {
			return nil, fieldError("Invalid field selection " + name)
		}
		for n := range sub {
			if name != "owners" || n != "*" && !slices.Contains(userFields, n) {
				return nil, fieldError("Invalid field selection " + name + "/" + n)
			}
		}
	}
	return t, nil
}

// parseFieldTree splits sel at top-level commas into names, each with its
// sub-selection in parentheses or after a slash.
func parseFieldTree(sel string) (fieldTree, error) {
	t := fieldTree{}
	depth, start := 0, 0
	for i := 0; i <= len(sel); i++ {
		if i < len(sel) {
			switch sel[i] {
			case '(':
				depth++
				continue
			case ')':
				if depth--; depth < 0 {
					return nil, fieldError("Invalid field selection: unbalanced parentheses")
				}
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		if depth != 0 {
			return nil, fieldError("Invalid field selection: unbalanced parentheses")
		}
		item := strings.TrimSpace(sel[start:i])
		start = i + 1
		name, sub, err := splitFieldItem(item)
		if err != nil {
			return nil, err
		}
		if old, seen := t[name]; seen && (old == nil || sub == nil) {
			t[name] = nil // one of them selects the whole subtree
			continue
		} else if seen {
			for k, v := range sub {
				old[k] = v
			}
			continue
		}
		t[name] = sub
	}
	return t, nil
}

func splitFieldItem(item string) (string, fieldTree, error) {
	if item == "" {
		return "", nil, fieldError("Invalid field selection: empty name")
	}
	if i := strings.IndexAny(item, "(/"); i >= 0 {
		name := strings.TrimSpace(item[:i])
		var inner string
		if item[i] == '/' {
			inner = item[i+1:]
		} else {
			if !strings.HasSuffix(item, ")") {
				return "", nil, fieldError("Invalid field selection " + item)
			}
			inner = item[i+1 : len(item)-1]
		}
		sub, err := parseFieldTree(inner)
		return name, sub, err
	}
	return item, nil, nil
}

// apply keeps what the tree selects of v: object keys, applied to each
// element of arrays.
func (t fieldTree) apply(v any) any {
	if t == nil {
		return v
	}
	if _, all := t["*"]; all {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range t {
			if val, ok := x[k]; ok {
				out[k] = sub.apply(val)
			}
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = t.apply(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = t.apply(e)
		}
		return out
	}
	return v
}
