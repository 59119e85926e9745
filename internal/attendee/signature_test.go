package attendee

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// signatureVectors are bodies signed by a reference implementation of
// Attendee's scheme (testdata/reference_signatures.py, run with python3).
type signatureVectors struct {
	SecretBase64 string `json:"secret_base64"`
	Vectors      []struct {
		Name      string `json:"name"`
		Body      string `json:"body"`
		Canonical string `json:"canonical"`
		Signature string `json:"signature"`
	} `json:"vectors"`
}

func loadVectors(t *testing.T) (signatureVectors, []byte) {
	t.Helper()
	raw, err := os.ReadFile("testdata/signature_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v signatureVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	key, err := DecodeSecret(v.SecretBase64)
	if err != nil {
		t.Fatal(err)
	}
	return v, key
}

func TestVerify_AcceptsBodiesSignedByTheReferenceImplementation(t *testing.T) {
	v, key := loadVectors(t)
	for _, vec := range v.Vectors {
		t.Run(vec.Name, func(t *testing.T) {
			canonical, err := Canonicalize([]byte(vec.Body))
			if err != nil {
				t.Fatal(err)
			}
			if string(canonical) != vec.Canonical {
				t.Fatalf("canonical JSON differs from Python's\n got: %s\nwant: %s", canonical, vec.Canonical)
			}
			sig, err := Sign([]byte(vec.Body), key)
			if err != nil {
				t.Fatal(err)
			}
			if sig != vec.Signature {
				t.Fatalf("Sign = %s, reference %s", sig, vec.Signature)
			}
			if err := Verify([]byte(vec.Body), vec.Signature, key); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			// The raw body is not what Attendee signs: an HMAC over the bytes
			// on the wire would have rejected every real delivery.
			if signCanonical([]byte(vec.Body), key) == vec.Signature {
				t.Fatal("the vector does not exercise re-serialisation")
			}
		})
	}
}

func TestVerify_RejectsTamperedBodiesWrongKeysAndMissingSignatures(t *testing.T) {
	v, key := loadVectors(t)
	vec := v.Vectors[0]
	otherKey := []byte(strings.Repeat("k", 32))

	tampered := strings.Replace(vec.Body, "joined_not_recording", "joined_recording", 1)
	if tampered == vec.Body {
		t.Fatal("tampering changed nothing")
	}
	cases := []struct {
		name string
		body string
		sig  string
		keys [][]byte
		want error
	}{
		{"tampered body", tampered, vec.Signature, [][]byte{key}, ErrSignatureInvalid},
		{"wrong key", vec.Body, vec.Signature, [][]byte{otherKey}, ErrSignatureInvalid},
		{"missing header", vec.Body, "", [][]byte{key}, ErrSignatureMissing},
		{"not base64", vec.Body, "not a signature!", [][]byte{key}, ErrSignatureInvalid},
		{"body not JSON", "not json", vec.Signature, [][]byte{key}, ErrSignatureInvalid},
		{"no keys configured", vec.Body, vec.Signature, nil, ErrSignatureInvalid},
		{"trailing garbage", vec.Body + "{}", vec.Signature, [][]byte{key}, ErrSignatureInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := Verify([]byte(c.body), c.sig, c.keys...); !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestVerify_AcceptsAnyOfSeveralKeysDuringRotation(t *testing.T) {
	v, key := loadVectors(t)
	vec := v.Vectors[1]
	if err := Verify([]byte(vec.Body), vec.Signature, []byte(strings.Repeat("n", 32)), key); err != nil {
		t.Fatalf("old key second: %v", err)
	}
}

func TestVerify_IgnoresWhitespaceAndKeyOrderOfTheBody(t *testing.T) {
	v, key := loadVectors(t)
	vec := v.Vectors[0]
	// The same payload re-encoded by Go (sorted keys, no spaces, UTF-8 kept)
	// is the same payload for Attendee's signature.
	var payload map[string]any
	if err := json.Unmarshal([]byte(vec.Body), &payload); err != nil {
		t.Fatal(err)
	}
	reencoded, _ := json.MarshalIndent(payload, "", "   ")
	if err := Verify(reencoded, vec.Signature, key); err != nil {
		t.Fatalf("re-encoded body: %v", err)
	}
}

func TestDecodeSecret_ReadsTheDashboardsBase64(t *testing.T) {
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(200 + i)
	}
	padded := base64.StdEncoding.EncodeToString(raw)
	for _, in := range []string{padded, strings.TrimRight(padded, "="), " " + padded + "\n"} {
		got, err := DecodeSecret(in)
		if err != nil || string(got) != string(raw) {
			t.Fatalf("DecodeSecret(%q) = %x, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "!!!not base64!!!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := DecodeSecret(bad); err == nil {
			t.Fatalf("DecodeSecret(%q) accepted", bad)
		}
	}
}

func TestPythonFloatRepr_MatchesPython(t *testing.T) {
	// Expected values are Python 3's repr(float(x)).
	cases := map[string]string{
		"0.1": "0.1", "1.0": "1.0", "100.0": "100.0", "-2.5": "-2.5", "1e-07": "1e-07",
		"1e16": "1e+16", "1e15": "1000000000000000.0", "0.0001": "0.0001", "0.00001": "1e-05",
		"123456789.125": "123456789.125", "1.5e300": "1.5e+300", "-0.0": "-0.0", "0.0": "0.0",
		"2.5E3": "2500.0", "1e400": "Infinity", "-1e400": "-Infinity", "12345678901234567.0": "1.2345678901234568e+16",
		"0.3333333333333333": "0.3333333333333333", "5e-324": "5e-324",
	}
	for in, want := range cases {
		got, err := pythonNumber(in)
		if err != nil || got != want {
			t.Errorf("pythonNumber(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"0": "0", "-0": "0", "12345678901234567890123": "12345678901234567890123", "-7": "-7"} {
		if got, _ := pythonNumber(in); got != want {
			t.Errorf("pythonNumber(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalize_EscapesLikePython(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{`{"é":1,"z":2,"Z":3}`, `{"Z":3,"z":2,"é":1}`},
		{`["\u2028\u0000\u001f\u007f<>&"]`, "[\"\u2028\\u0000\\u001f\u007f<>&\"]"},
		{`"\ud83d\ude00 \b\f\n\r\t\/\\\""`, "\"😀 \\b\\f\\n\\r\\t/\\\\\\\"\""},
		{` [ 1 , { } , [ ] , null , true ] `, `[1,{},[],null,true]`},
	}
	for _, c := range cases {
		got, err := Canonicalize([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("Canonicalize(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
}

func FuzzCanonicalize(f *testing.F) {
	f.Add([]byte(`{"a":[1,2.5,"x"],"b":{"c":null}}`))
	f.Add([]byte(`"\u2028"`))
	f.Add([]byte(`1e400`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := Canonicalize(body)
		if err != nil {
			return
		}
		if !json.Valid(c) && !strings.Contains(string(c), "Infinity") && !strings.Contains(string(c), "NaN") {
			t.Fatalf("canonical form is not JSON: %s", c)
		}
		again, err := Canonicalize(c)
		if err == nil && string(again) != string(c) {
			t.Fatalf("not idempotent: %s → %s", c, again)
		}
	})
}
