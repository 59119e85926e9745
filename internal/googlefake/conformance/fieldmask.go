package conformance

import (
	"errors"
	"fmt"
	"strings"
)

// selection is a parsed partial-response selector, the standard `fields`
// parameter (https://developers.google.com/drive/api/guides/fields-parameter):
// "id,name", "files(id,name),nextPageToken", "owners/emailAddress", "*".
// A nil *selection selects everything; so does a field named without a
// sub-selection, for its whole subtree.
type selection struct {
	all    bool
	fields map[string]*selection
}

// has reports whether the field k is selected at this level.
func (s *selection) has(k string) bool {
	if s == nil || s.all {
		return true
	}
	_, ok := s.fields[k]
	return ok
}

// child is the selection inside the field k.
func (s *selection) child(k string) *selection {
	if s == nil || s.all {
		return nil
	}
	return s.fields[k]
}

// parseFields parses a fields selector. An empty selector is nil (all).
func parseFields(sel string) (*selection, error) {
	if strings.TrimSpace(sel) == "" {
		return nil, nil
	}
	p := &maskParser{in: sel}
	root := &selection{fields: map[string]*selection{}}
	if err := p.list(root); err != nil {
		return nil, err
	}
	if p.pos != len(p.in) {
		return nil, fmt.Errorf("unexpected %q at %d", p.in[p.pos], p.pos)
	}
	return root, nil
}

type maskParser struct {
	in  string
	pos int
}

// list := item (',' item)*
func (p *maskParser) list(into *selection) error {
	for {
		if err := p.item(into); err != nil {
			return err
		}
		p.space()
		if p.pos < len(p.in) && p.in[p.pos] == ',' {
			p.pos++
			continue
		}
		return nil
	}
}

// item := name ('/' name)* ['(' list ')']
func (p *maskParser) item(into *selection) error {
	cur := into
	for {
		p.space()
		name := p.name()
		if name == "" {
			return fmt.Errorf("a field name expected at %d", p.pos)
		}
		if name == "*" {
			cur.all = true
			return nil
		}
		next := cur.fields[name]
		if next == nil {
			next = &selection{fields: map[string]*selection{}}
			cur.fields[name] = next
		}
		p.space()
		if p.pos < len(p.in) && p.in[p.pos] == '/' {
			p.pos++
			cur = next
			continue
		}
		if p.pos < len(p.in) && p.in[p.pos] == '(' {
			p.pos++
			if err := p.list(next); err != nil {
				return err
			}
			p.space()
			if p.pos >= len(p.in) || p.in[p.pos] != ')' {
				return errors.New("unbalanced parentheses")
			}
			p.pos++
			return nil
		}
		// A bare name selects its whole subtree.
		next.all = true
		return nil
	}
}

func (p *maskParser) name() string {
	start := p.pos
	for p.pos < len(p.in) {
		c := p.in[p.pos]
		if c == ',' || c == '/' || c == '(' || c == ')' || c == ' ' {
			break
		}
		p.pos++
	}
	return p.in[start:p.pos]
}

func (p *maskParser) space() {
	for p.pos < len(p.in) && p.in[p.pos] == ' ' {
		p.pos++
	}
}

// validateSelection reports selected names the response schema does not
// have: Google refuses such a request with 400 invalidParameter.
func validateSelection(a *API, sel *selection, s *Schema, name string, add func(field, want string)) {
	s = a.schema(s)
	if sel == nil || s == nil {
		return
	}
	for s.Type == "array" {
		s = a.schema(s.Items)
		if s == nil {
			return
		}
	}
	if s.ID != "" {
		name = s.ID
	}
	if s.AdditionalProperties != nil && s.Properties == nil {
		return // map keys are data
	}
	for _, k := range sortedKeys(sel.fields) {
		p := s.Properties[k]
		if p == nil {
			add(k, fmt.Sprintf("%s has no field %q (its fields: %s)", name, k, strings.Join(sortedKeys(s.Properties), ", ")))
			continue
		}
		validateSelection(a, sel.fields[k], p, name+"."+k, func(f, want string) { add(k+"/"+f, want) })
	}
}
