package conformance

import (
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// paramSet is the parameters one location of a call may carry.
type paramSet struct {
	// location is "query", "path" or "form", for messages.
	location string
	// lookup finds a parameter by name, nil when unknown.
	lookup func(name string) *Parameter
	// names lists every known name, for messages and required checks.
	names []string
}

// discoveryQuery is the query parameters of a discovery method: its own
// plus the document's standard ones (alt, fields, prettyPrint, …).
func discoveryQuery(a *API, m *Method) paramSet {
	ps := paramSet{location: "query"}
	ps.lookup = func(name string) *Parameter {
		if p := m.Parameters[name]; p != nil && p.Location == "query" {
			return p
		}
		return a.Doc.Parameters[name]
	}
	for n, p := range m.Parameters {
		if p.Location == "query" {
			ps.names = append(ps.names, n)
		}
	}
	for n := range a.Doc.Parameters {
		ps.names = append(ps.names, n)
	}
	slices.Sort(ps.names)
	ps.names = slices.Compact(ps.names)
	return ps
}

// check validates values against the set: unknown names (Google answers
// 400 "Cannot bind query parameter"), malformed values, values repeated for
// a parameter that is not, and missing required parameters.
func (ps paramSet) check(values url.Values) []problem {
	var out []problem
	for _, name := range sortedKeys(values) {
		where := ps.location + " parameter " + name
		p := ps.lookup(name)
		if p == nil {
			out = append(out, problem{path: where, got: "a parameter " + strconv.Quote(name), want: "no such parameter; the known ones are " + strings.Join(ps.names, ", ")})
			continue
		}
		vs := values[name]
		if len(vs) > 1 && !p.Repeated {
			out = append(out, problem{path: where, got: fmt.Sprintf("%d values", len(vs)), want: "a single value (the parameter is not repeated)"})
		}
		for _, v := range vs {
			if msg := checkParamValue(p, v); msg != "" {
				out = append(out, problem{path: where, got: "the value " + quoteShort(v), want: msg})
			}
		}
	}
	for _, name := range ps.names {
		if p := ps.lookup(name); p != nil && p.required() && p.Location == ps.location {
			if _, ok := values[name]; !ok {
				out = append(out, problem{path: ps.location + " parameter " + name, got: "no value", want: "the parameter is required"})
			}
		}
	}
	return out
}

// checkParamValue validates one parameter value ("" when fine).
func checkParamValue(p *Parameter, v string) string {
	desc := paramDesc(p)
	switch p.Type {
	case "integer":
		if msg := checkInteger(v, p.Format); msg != "" {
			return desc + ": " + msg
		}
		n, _ := new(big.Int).SetString(v, 10)
		if p.Minimum != "" {
			if lo, ok := new(big.Int).SetString(p.Minimum, 10); ok && n != nil && n.Cmp(lo) < 0 {
				return desc + ": at least " + p.Minimum
			}
		}
		if p.Maximum != "" {
			if hi, ok := new(big.Int).SetString(p.Maximum, 10); ok && n != nil && n.Cmp(hi) > 0 {
				return desc + ": at most " + p.Maximum
			}
		}
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return desc
		}
	case "boolean":
		if v != "true" && v != "false" {
			return desc + ": true or false"
		}
	case "string":
		if msg := checkStringFormat(v, p.Format); msg != "" {
			return desc + ": " + msg
		}
	}
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, v) {
		return desc
	}
	if p.Pattern != "" {
		if re, err := regexp.Compile(p.Pattern); err == nil && !re.MatchString(v) {
			return desc + " matching " + p.Pattern
		}
	}
	return ""
}

func paramDesc(p *Parameter) string {
	var b strings.Builder
	if strings.IndexByte("aeiou", p.Type[0]) >= 0 {
		b.WriteString("an " + p.Type)
	} else {
		b.WriteString("a " + p.Type)
	}
	if p.Format != "" {
		b.WriteString(" (format " + p.Format + ")")
	}
	if len(p.Enum) > 0 {
		b.WriteString(", one of [" + strings.Join(p.Enum, " ") + "]")
	}
	if p.Repeated {
		b.WriteString(", repeated")
	}
	return b.String()
}
