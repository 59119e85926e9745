package attendee

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SignatureHeader is the request header that carries a webhook's signature.
const SignatureHeader = "X-Webhook-Signature"

// Signature errors. Both mean "not from Attendee": answer 401.
var (
	// ErrSignatureMissing: the request has no signature header.
	ErrSignatureMissing = errors.New("attendee webhook: missing " + SignatureHeader)
	// ErrSignatureInvalid: the signature does not match the body under any
	// configured secret, or the body is not JSON.
	ErrSignatureInvalid = errors.New("attendee webhook: invalid signature")
)

// DecodeSecret turns the webhook secret as Attendee's dashboard shows it
// (Settings → Webhooks: base64 of 32 random bytes) into the HMAC key. Padding
// may be left out.
func DecodeSecret(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty webhook secret")
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("webhook secret is not base64 (copy it from Attendee's Settings → Webhooks): %w", err)
	}
	if len(key) < 16 {
		return nil, fmt.Errorf("webhook secret decodes to %d bytes; Attendee's secrets are 32", len(key))
	}
	return key, nil
}

// Sign returns the X-Webhook-Signature Attendee sends with body: base64 of
// HMAC-SHA256 over the canonical JSON of the body, keyed with key.
func Sign(body, key []byte) (string, error) {
	canonical, err := Canonicalize(body)
	if err != nil {
		return "", err
	}
	return signCanonical(canonical, key), nil
}

func signCanonical(canonical, key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write(canonical)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a webhook's signature header against body under any of keys
// (more than one while a secret is being rotated). The comparison is in
// constant time.
func Verify(body []byte, signature string, keys ...[]byte) error {
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return ErrSignatureMissing
	}
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return ErrSignatureInvalid
	}
	canonical, err := Canonicalize(body)
	if err != nil {
		return ErrSignatureInvalid
	}
	ok := false
	for _, key := range keys {
		mac := hmac.New(sha256.New, key)
		mac.Write(canonical)
		// Every key is tried, so the time taken does not tell which matched.
		if hmac.Equal(mac.Sum(nil), got) {
			ok = true
		}
	}
	if !ok {
		return ErrSignatureInvalid
	}
	return nil
}
