package attendeefake

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Attendee is a Python service, and its webhooks carry Python's JSON: the
// body is what requests' json= argument writes (json.dumps defaults: keys in
// insertion order, ", " and ": " separators, non-ASCII escaped as \uXXXX)
// while the signature covers json.dumps(sort_keys=True, ensure_ascii=False,
// separators=(",", ":")). This encoder writes both from one ordered value,
// independently of the verifier in internal/attendee, so that the sandbox
// tests the verifier instead of agreeing with it by construction.

// object is a JSON object that keeps its keys in insertion order, as a
// Python dict does.
type object []member

type member struct {
	key   string
	value any
}

// pyStyle selects one of the two encodings.
type pyStyle struct {
	sortKeys    bool
	ensureASCII bool
	itemSep     string
	keySep      string
}

var (
	// wireStyle is json.dumps(payload): what requests sends.
	wireStyle = pyStyle{itemSep: ", ", keySep: ": ", ensureASCII: true}
	// signedStyle is what Attendee's sign_payload hashes.
	signedStyle = pyStyle{sortKeys: true, itemSep: ",", keySep: ":"}
)

// encodePython writes v (object, []any, map[string]any, string, bool, nil,
// int, int64, float64) in style.
func encodePython(v any, style pyStyle) ([]byte, error) {
	var b bytes.Buffer
	if err := style.write(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s pyStyle) write(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(map[bool]string{true: "true", false: "false"}[x])
	case string:
		s.writeString(b, x)
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		// Python's repr for the values the fake sends (no exponents).
		if x == float64(int64(x)) {
			b.WriteString(strconv.FormatInt(int64(x), 10) + ".0")
		} else {
			b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
		}
	case map[string]string:
		o := make(object, 0, len(x))
		for _, k := range sortedKeys(x) {
			o = append(o, member{k, x[k]})
		}
		return s.write(b, o)
	case map[string]any:
		o := make(object, 0, len(x))
		for _, k := range sortedKeys(x) {
			o = append(o, member{k, x[k]})
		}
		return s.write(b, o)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(s.itemSep)
			}
			if err := s.write(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case object:
		members := x
		if s.sortKeys {
			members = slices.Clone(x)
			slices.SortStableFunc(members, func(a, c member) int { return compareCodePoints(a.key, c.key) })
		}
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteString(s.itemSep)
			}
			s.writeString(b, m.key)
			b.WriteString(s.keySep)
			if err := s.write(b, m.value); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("attendeefake: cannot encode %T", v)
	}
	return nil
}

// writeString follows CPython's py_encode_basestring(_ascii).
func (s pyStyle) writeString(b *bytes.Buffer, str string) {
	b.WriteByte('"')
	for _, r := range str {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || (s.ensureASCII && r > 0x7e):
				if r > 0xffff {
					hi, lo := utf16.EncodeRune(r)
					fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
				} else {
					fmt.Fprintf(b, `\u%04x`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// compareCodePoints orders strings as Python does (by code point), which
// for valid UTF-8 is byte order.
func compareCodePoints(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return int(ra) - int(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareCodePoints)
	return keys
}
