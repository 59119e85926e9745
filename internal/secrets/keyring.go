// Package secrets encrypts small secrets (OAuth tokens) at rest with AES-GCM
// under a keyring: one active key encrypts, every listed key decrypts, and
// each ciphertext is stored with the id of its key, so keys rotate without a
// migration (add a new key first in the list, keep the old ones until every
// row has been rewritten).
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownKey is returned for a ciphertext whose key is not in the ring.
var ErrUnknownKey = errors.New("secrets: unknown key id")

// ErrDecrypt is returned when a ciphertext does not authenticate: a wrong key
// or tampered data.
var ErrDecrypt = errors.New("secrets: cannot decrypt")

// Keyring holds AES-256-GCM keys by id.
type Keyring struct {
	active string
	keys   map[string]cipher.AEAD
}

// ParseKeyring reads `id:base64key[,id:base64key…]` (32-byte keys, standard
// or URL base64). The first key is the active one.
func ParseKeyring(spec string) (*Keyring, error) {
	k := &Keyring{keys: map[string]cipher.AEAD{}}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		if !ok || id == "" {
			return nil, fmt.Errorf("secrets: key %q: want id:base64key", part)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			if raw, err = base64.URLEncoding.DecodeString(b64); err != nil {
				return nil, fmt.Errorf("secrets: key %s is not base64", id)
			}
		}
		if len(raw) != 32 {
			return nil, fmt.Errorf("secrets: key %s has %d bytes; AES-256 needs 32 (openssl rand -base64 32)", id, len(raw))
		}
		if _, dup := k.keys[id]; dup {
			return nil, fmt.Errorf("secrets: key id %s appears twice", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.keys[id] = aead
		if k.active == "" {
			k.active = id
		}
	}
	if k.active == "" {
		return nil, errors.New("secrets: no key")
	}
	return k, nil
}

// ActiveKeyID is the id new ciphertexts are written with.
func (k *Keyring) ActiveKeyID() string { return k.active }

// Encrypt seals plaintext with the active key; aad binds the ciphertext to
// its context (e.g. the user id), so it cannot be moved to another row.
func (k *Keyring) Encrypt(plaintext, aad []byte) (keyID string, ciphertext []byte, err error) {
	aead := k.keys[k.active]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, err
	}
	return k.active, aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Decrypt opens a ciphertext written by Encrypt with key keyID.
func (k *Keyring) Decrypt(keyID string, ciphertext, aad []byte) ([]byte, error) {
	aead, ok := k.keys[keyID]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, keyID)
	}
	if len(ciphertext) < aead.NonceSize() {
		return nil, ErrDecrypt
	}
	nonce, body := ciphertext[:aead.NonceSize()], ciphertext[aead.NonceSize():]
	out, err := aead.Open(nil, nonce, body, aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}
