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

func (w *walker) add(path, got, want string) {
	w.found = append(w.found, problem{path: path, got: got, want: want})
}

// check walks v, whose schema is named name (for messages: "Message",
// "Message.payload"); sel is the response's fields selection, nil for all.
func (w *walker) check(path, name string, v any, s *Schema, sel *selection) {
	s = w.api.schema(s)
	if s == nil {
		return
	}
	if v == nil {
		if w.side == Response {
			w.add(path, "null", name+" is "+describe(w.api, s)+"; Google omits unset fields and never sends null")
		}
		return
	}
	switch s.Type {
	case "any", "":
		if s.Properties != nil {
			w.object(path, name, v, s, sel)
		}
	case "object":
		w.object(path, name, v, s, sel)
	case "array":
		arr, ok := v.([]any)
		if !ok {
			w.add(path, jsonKind(v), name+" is "+describe(w.api, s))
			return
		}
		for i, item := range arr {
			w.check(fmt.Sprintf("%s[%d]", path, i), name+"[]", item, s.Items, sel)
		}
	case "string":
		w.str(path, name, v, s)
	case "integer":
		w.integer(path, name, v, s)
	case "number":
		if _, ok := v.(json.Number); ok {
			return
		}
		if str, ok := v.(string); ok && slices.Contains([]string{"NaN", "Infinity", "-Infinity"}, str) {
			return
		}
		w.add(path, jsonKind(v), name+" is "+describe(w.api, s))
	case "boolean":
		if _, ok := v.(bool); !ok {
			w.add(path, jsonKind(v), name+" is a boolean (true or false)")
		}
	}
}

func (w *walker) object(path, name string, v any, s *Schema, sel *selection) {
	obj, ok := v.(map[string]any)
	if !ok {
		w.add(path, jsonKind(v), name+" is "+describe(w.api, s))
		return
	}
	if s.ID != "" {
		name = s.ID
	}
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		p := s.Properties[k]
		if p == nil {
			if s.AdditionalProperties != nil {
				// A map: keys are data, the selection applies to values.
				w.check(path+"["+strconv.Quote(k)+"]", name+"{}", val, s.AdditionalProperties, sel)
				continue
			}
			if s.Properties == nil {
				continue // a free-form object
			}
			w.add(path+"."+k, "a field "+strconv.Quote(k),
				fmt.Sprintf("%s has no field %q (its fields: %s)", name, k, strings.Join(sortedKeys(s.Properties), ", ")))
			continue
		}
		if w.side == Response && !sel.has(k) {
			w.add(path+"."+k, "the field although the request's fields= did not select it",
				"a partial response (fields=…) carries only the selected fields")
			continue
		}
		if w.side == Request && p.ReadOnly {
			w.add(path+"."+k, "the output-only field "+strconv.Quote(k),
				name+"."+k+" is readOnly: Google ignores it in requests, so the product must not rely on setting it")
		}
		if w.side == Response && k == "kind" && p.Default != "" && val != p.Default {
			w.add(path+"."+k, jsonKind(val), fmt.Sprintf("%s.kind is always %q", name, p.Default))
			continue
		}
		w.check(path+"."+k, name+"."+k, val, p, sel.child(k))
	}
	if w.side == Request {
		for _, k := range sortedKeys(s.Properties) {
			p := s.Properties[k]
			if slices.Contains(p.Annotations.Required, w.method) {
				if _, ok := obj[k]; !ok {
					w.add(path+"."+k, "no field "+strconv.Quote(k), name+"."+k+" is required by "+w.method)
				}
			}
		}
	}
}

func (w *walker) str(path, name string, v any, s *Schema) {
	want := name + " is " + describe(w.api, s)
	switch x := v.(type) {
	case json.Number:
		if s.Format == "int64" || s.Format == "uint64" {
			if w.side == Response {
				w.add(path, "a JSON number "+x.String(), want+"; 64-bit integers are sent as JSON strings")
				return
			}
			// Google's parser accepts the number form in requests.
			if problem := checkInteger(x.String(), s.Format); problem != "" {
				w.add(path, "the number "+x.String(), want+": "+problem)
			}
			return
		}
		w.add(path, "a JSON number "+x.String(), want)
	case string:
		if problem := checkStringFormat(x, s.Format); problem != "" {
			w.add(path, "the string "+quoteShort(x), want+": "+problem)
			return
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, x) {
			w.add(path, "the string "+quoteShort(x), want)
		}
	default:
		w.add(path, jsonKind(v), want)
	}
}

func (w *walker) integer(path, name string, v any, s *Schema) {
	want := name + " is " + describe(w.api, s)
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		if w.side == Response {
			w.add(path, "the string "+quoteShort(x), want+"; 32-bit integers are sent as JSON numbers")
			return
		}
		text = x // accepted in requests
	default:
		w.add(path, jsonKind(v), want)
		return
	}
	if problem := checkInteger(text, s.Format); problem != "" {
		w.add(path, jsonKind(v), want+": "+problem)
	}
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

func isBase64(v string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(v); err == nil {
			return true
		}
	}
	return false
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
