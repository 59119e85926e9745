package secrets

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"testing"
)

func key(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestKeyring_RoundTrip(t *testing.T) {
	k, err := ParseKeyring("k1:" + key(t))
	if err != nil {
		t.Fatal(err)
	}
	id, ct, err := k.Encrypt([]byte("refresh-token"), []byte("user-1"))
	if err != nil {
		t.Fatal(err)
	}
	if id != "k1" || bytes.Contains(ct, []byte("refresh-token")) {
		t.Fatalf("id %s, ciphertext holds the plaintext: %q", id, ct)
	}
	pt, err := k.Decrypt(id, ct, []byte("user-1"))
	if err != nil || string(pt) != "refresh-token" {
		t.Fatalf("Decrypt = %q, %v", pt, err)
	}
}

func TestKeyring_WrongKeyOrContextFails(t *testing.T) {
	k1, _ := ParseKeyring("k1:" + key(t))
	other, _ := ParseKeyring("k1:" + key(t))
	id, ct, _ := k1.Encrypt([]byte("secret"), []byte("user-1"))
	if _, err := other.Decrypt(id, ct, []byte("user-1")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("other key: err = %v, want ErrDecrypt", err)
	}
	if _, err := k1.Decrypt(id, ct, []byte("user-2")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("moved to another user: err = %v, want ErrDecrypt", err)
	}
	ct[len(ct)-1] ^= 1
	if _, err := k1.Decrypt(id, ct, []byte("user-1")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("tampered: err = %v, want ErrDecrypt", err)
	}
	if _, err := k1.Decrypt("k9", ct, nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown key: err = %v", err)
	}
}

func TestKeyring_RotationKeepsOldCiphertextsReadable(t *testing.T) {
	oldKey, newKey := key(t), key(t)
	before, _ := ParseKeyring("old:" + oldKey)
	id, ct, _ := before.Encrypt([]byte("token"), nil)
	after, err := ParseKeyring("new:" + newKey + ",old:" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if after.ActiveKeyID() != "new" {
		t.Fatalf("active = %s, want new", after.ActiveKeyID())
	}
	if pt, err := after.Decrypt(id, ct, nil); err != nil || string(pt) != "token" {
		t.Fatalf("old ciphertext after rotation: %q, %v", pt, err)
	}
	if id2, _, _ := after.Encrypt([]byte("token"), nil); id2 != "new" {
		t.Fatalf("new writes use %s, want new", id2)
	}
}

func TestParseKeyring_RejectsBadSpecs(t *testing.T) {
	for _, spec := range []string{"", "nokey", "k1:not-base64!!", "k1:" + base64.StdEncoding.EncodeToString([]byte("short")), "k1:" + key(t) + ",k1:" + key(t)} {
		if _, err := ParseKeyring(spec); err == nil {
			t.Errorf("ParseKeyring(%q) accepted", spec)
		}
	}
}
