package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// problem is one finding of a walk, before the exchange is attached.
type problem struct {
	path, got, want string
	// source overrides the route's authority (the error envelope's is
	// errorDoc, not the discovery document).
	source string
}

// walker checks a decoded JSON value against a discovery schema.
//
// The two sides follow different rules, both from the proto3 JSON mapping
// Google's APIs implement (https://protobuf.dev/programming-guides/json/):
// a parser accepts 64-bit integers as numbers or strings, 32-bit integers
// as numbers or strings, and null for any field; a printer writes 64-bit
// integers as strings only, 32-bit ones as numbers, and omits unset
// fields. So requests are held to what Google accepts, answers to what
// Google sends.
type walker struct {
	api    *API
	side   Side
	method string
	found  []problem
}

func (w *walker) add(l *loc, got, want string) {
	w.found = append(w.found, problem{path: l.path(), got: got, want: want})
}

// loc is where a walk is, kept as a chain and rendered only for a
// problem: the JSON path ($.messages[3].historyId) and the schema name
// (Message.historyId) of every value of a large answer would otherwise be
// built for nothing.
type loc struct {
	parent *loc
	kind   byte // '$' root, '.' field, '[' index, 'm' map key
	key    string
	index  int
	// name is this step's part of the schema name: a schema id that
	// replaces the parent's (reset), or ".field", "[]", "{}".
	name  string
	reset bool
}

func rootLoc(name string) *loc { return &loc{kind: '$', name: name, reset: true} }

func (l *loc) field(k string) *loc  { return &loc{parent: l, kind: '.', key: k, name: "." + k} }
func (l *loc) item(i int) *loc      { return &loc{parent: l, kind: '[', index: i, name: "[]"} }
func (l *loc) mapKey(k string) *loc { return &loc{parent: l, kind: 'm', key: k, name: "{}"} }

// named is l whose schema name restarts at id (an object with a schema id).
func (l *loc) named(id string) *loc {
	c := *l
	c.name, c.reset = id, true
	return &c
}
func (l *loc) chain() []*loc {
	var out []*loc
	for n := l; n != nil; n = n.parent {
		out = append(out, n)
	}
	slices.Reverse(out)
	return out
}

// path renders the JSON path.
func (l *loc) path() string {
	var b strings.Builder
	for _, n := range l.chain() {
		switch n.kind {
		case '$':
			b.WriteString("$")
		case '.':
			b.WriteString("." + n.key)
		case '[':
			b.WriteString("[" + strconv.Itoa(n.index) + "]")
		case 'm':
			b.WriteString("[" + strconv.Quote(n.key) + "]")
		}
	}
	return b.String()
}

// label renders the schema name: "Message.payload.headers[]".
func (l *loc) label() string {
	var parts []string
	for n := l; n != nil; n = n.parent {
		parts = append(parts, n.name)
		if n.reset {
			break
		}
	}
	slices.Reverse(parts)
	return strings.Join(parts, "")
}

// check walks v at l; sel is the response's fields selection, nil for all.
func (w *walker) check(l *loc, v any, s *Schema, sel *selection) {
	s = w.api.schema(s)
	if s == nil {
		return
	}
	if v == nil {
		if w.side == Response {
			w.add(l, "null", l.label()+" is "+describe(w.api, s)+"; Google omits unset fields and never sends null")
		}
		return
	}
	switch s.Type {
	case "any", "":
		if s.Properties != nil {
			w.object(l, v, s, sel)
		}
	case "object":
		w.object(l, v, s, sel)
	case "array":
		arr, ok := v.([]any)
		if !ok {
			w.add(l, jsonKind(v), l.label()+" is "+describe(w.api, s))
			return
		}
		for i, item := range arr {
			w.check(l.item(i), item, s.Items, sel)
		}
	case "string":
		w.str(l, v, s)
	case "integer":
		w.integer(l, v, s)
	case "number":
		if _, ok := v.(json.Number); ok {
			return
		}
		if str, ok := v.(string); ok && slices.Contains([]string{"NaN", "Infinity", "-Infinity"}, str) {
			return
		}
		w.add(l, jsonKind(v), l.label()+" is "+describe(w.api, s))
	case "boolean":
		if _, ok := v.(bool); !ok {
			w.add(l, jsonKind(v), l.label()+" is a boolean (true or false)")
		}
	}
}

func (w *walker) object(l *loc, v any, s *Schema, sel *selection) {
	obj, ok := v.(map[string]any)
	if !ok {
		w.add(l, jsonKind(v), l.label()+" is "+describe(w.api, s))
		return
	}
	if s.ID != "" {
		l = l.named(s.ID)
	}
	for k, val := range obj {
		p := s.Properties[k]
		if p == nil {
			if s.AdditionalProperties != nil {
				// A map: keys are data, the selection applies to values.
				w.check(l.mapKey(k), val, s.AdditionalProperties, sel)
				continue
			}
			if s.Properties == nil {
				continue // a free-form object
			}
			w.add(l.field(k), "a field "+strconv.Quote(k),
				fmt.Sprintf("%s has no field %q (its fields: %s)", l.label(), k, strings.Join(sortedKeys(s.Properties), ", ")))
			continue
		}
		f := l.field(k)
		if w.side == Response && !sel.has(k) {
			w.add(f, "the field although the request's fields= did not select it",
				"a partial response (fields=…) carries only the selected fields")
			continue
		}
		if w.side == Request && p.ReadOnly {
			w.add(f, "the output-only field "+strconv.Quote(k),
				f.label()+" is readOnly: Google ignores it in requests, so the product must not rely on setting it")
		}
		if w.side == Response && k == "kind" && p.Default != "" && val != p.Default {
			w.add(f, jsonKind(val), fmt.Sprintf("%s.kind is always %q", l.label(), p.Default))
			continue
		}
		w.check(f, val, p, sel.child(k))
	}
	if w.side == Request {
		for _, k := range sortedKeys(s.Properties) {
			p := s.Properties[k]
			if slices.Contains(p.Annotations.Required, w.method) {
				if _, ok := obj[k]; !ok {
					w.add(l.field(k), "no field "+strconv.Quote(k), l.label()+"."+k+" is required by "+w.method)
				}
			}
		}
	}
}

func (w *walker) str(l *loc, v any, s *Schema) {
	if _, ok := v.(string); ok && s.Format == "" && len(s.Enum) == 0 {
		return // the common case, checked without building a message
	}
	want := l.label() + " is " + describe(w.api, s)
	switch x := v.(type) {
	case json.Number:
		if s.Format == "int64" || s.Format == "uint64" {
			if w.side == Response {
				w.add(l, "a JSON number "+x.String(), want+"; 64-bit integers are sent as JSON strings")
				return
			}
			// Google's parser accepts the number form in requests.
			if problem := checkInteger(x.String(), s.Format); problem != "" {
				w.add(l, "the number "+x.String(), want+": "+problem)
			}
			return
		}
		w.add(l, "a JSON number "+x.String(), want)
	case string:
		if problem := checkStringFormat(x, s.Format); problem != "" {
			w.add(l, "the string "+quoteShort(x), want+": "+problem)
			return
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, x) {
			w.add(l, "the string "+quoteShort(x), want)
		}
	default:
		w.add(l, jsonKind(v), want)
	}
}

func (w *walker) integer(l *loc, v any, s *Schema) {
	if n, ok := v.(json.Number); ok && checkInteger(n.String(), s.Format) == "" {
		return
	}
	want := l.label() + " is " + describe(w.api, s)
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		if w.side == Response {
			w.add(l, "the string "+quoteShort(x), want+"; 32-bit integers are sent as JSON numbers")
			return
		}
		text = x // accepted in requests
	default:
		w.add(l, jsonKind(v), want)
		return
	}
	if problem := checkInteger(text, s.Format); problem != "" {
		w.add(l, jsonKind(v), want+": "+problem)
	}
}

// run walks v from l and returns the findings in path order.
func (w *walker) run(l *loc, v any, s *Schema, sel *selection) []problem {
	w.check(l, v, s, sel)
	sortProblems(w.found)
	return w.found
}

// sortProblems orders a walk's findings by path, for a stable report
// (maps are walked in random order).
func sortProblems(ps []problem) {
	slices.SortStableFunc(ps, func(a, b problem) int { return strings.Compare(a.path, b.path) })
}

// checkInteger validates a decimal integer for its format ("" when fine).
func checkInteger(text, format string) string {
	n, ok := new(big.Int).SetString(text, 10)
	if !ok {
		// 1e3 or 1.0 are numbers, but not integers of any format.
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || f != math.Trunc(f) {
			return "not an integer"
		}
		n, _ = big.NewFloat(f).Int(nil)
	}
	lo, hi := formatRange(format)
	if lo != nil && n.Cmp(lo) < 0 || hi != nil && n.Cmp(hi) > 0 {
		return "out of range for " + format
	}
	return ""
}

func formatRange(format string) (lo, hi *big.Int) {
	switch format {
	case "int32":
		return big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)
	case "uint32":
		return big.NewInt(0), big.NewInt(math.MaxUint32)
	case "int64":
		return big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	case "uint64":
		return big.NewInt(0), new(big.Int).SetUint64(math.MaxUint64)
	}
	return nil, nil
}

var durationRE = regexp.MustCompile(`^-?\d+(\.\d{1,9})?s$`)

// checkStringFormat validates a string for its discovery format ("" when
// fine). Formats: https://developers.google.com/discovery/v1/type-format.
func checkStringFormat(v, format string) string {
	switch format {
	case "int64", "uint64":
		if _, err := strconv.ParseInt(v, 10, 64); err == nil && format == "int64" {
			return ""
		}
		if _, err := strconv.ParseUint(v, 10, 64); err == nil && format == "uint64" {
			return ""
		}
		return "not a decimal " + format
	case "byte":
		if !isBase64(v) {
			return "not base64 (standard or URL-safe alphabet)"
		}
	case "date-time", "google-datetime":
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return "not an RFC 3339 date-time"
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "not an RFC 3339 full-date (YYYY-MM-DD)"
		}
	case "google-duration":
		if !durationRE.MatchString(v) {
			return `not a duration such as "3.5s"`
		}
	}
	return ""
}

// isBase64URLRaw reports base64url without padding, as JOSE encodes.
func isBase64URLRaw(v string) bool {
	_, err := base64.RawURLEncoding.Strict().DecodeString(v)
	return err == nil && v != ""
}

// isBase64 reports whether v is base64 in the standard or the URL-safe
// alphabet, padded or not (what proto3 JSON parsers accept for bytes), in
// one pass without decoding: answers carry megabytes of it.
func isBase64(v string) bool {
	pad := strings.TrimRight(v, "=")
	padding := len(v) - len(pad)
	if padding > 2 || padding > 0 && len(v)%4 != 0 || padding == 0 && len(v)%4 == 1 {
		return false
	}
	std, url := false, false
	for i := 0; i < len(pad); i++ {
		switch c := pad[i]; {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '+' || c == '/':
			std = true
		case c == '-' || c == '_':
			url = true
		default:
			return false
		}
	}
	return !(std && url)
}

// describe renders a schema for messages: "string (format uint64)",
// "integer (format int32)", "object Message", "array of Label",
// "one of [include exclude]".
func describe(a *API, s *Schema) string {
	ref := s.Ref
	s = a.schema(s)
	if s == nil {
		return "unknown"
	}
	switch s.Type {
	case "object":
		if ref != "" {
			return "an object " + ref
		}
		if s.ID != "" {
			return "an object " + s.ID
		}
		if s.AdditionalProperties != nil {
			return "an object mapping keys to " + describe(a, s.AdditionalProperties)
		}
		return "an object"
	case "array":
		return "an array of " + describe(a, s.Items)
	case "string":
		if len(s.Enum) > 0 {
			return "a string, one of [" + strings.Join(s.Enum, " ") + "]"
		}
		if s.Format != "" {
			return "a string (format " + s.Format + ")"
		}
		return "a string"
	case "integer", "number":
		if s.Format != "" {
			return "a JSON " + s.Type + " (format " + s.Format + ")"
		}
		return "a JSON " + s.Type
	case "boolean":
		return "a boolean"
	}
	return s.Type
}

// jsonKind names a decoded JSON value for messages.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case json.Number:
		return "a JSON number " + x.String()
	case string:
		return "the string " + quoteShort(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return strconv.Quote(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// decodeJSON parses a body keeping numbers as json.Number, so 64-bit
// values and number-versus-string are seen as sent.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}
