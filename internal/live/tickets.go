package live

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// ErrTicketInvalid covers every ticket that does not open a stream: unknown,
// expired or already used. The caller learns nothing more.
var ErrTicketInvalid = errors.New("live: the ticket is unknown, expired or used")

// ticketPrefix makes tickets recognisable in a leaked log line.
const ticketPrefix = "bst_"

// IssueTicket stores a ticket for p that can be redeemed once within ttl and
// returns it. Only its SHA-256 is stored.
func IssueTicket(ctx context.Context, q *db.Queries, p auth.Principal, ttl time.Duration, now time.Time) (string, time.Time, error) {
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("ticket: %w", err)
	}
	token := ticketPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
	expires := now.Add(ttl)
	if !p.ExpiresAt.IsZero() && p.ExpiresAt.Before(expires) {
		expires = p.ExpiresAt // a ticket never outlives the token that bought it
	}
	params := db.InsertEventTicketParams{TokenHash: ticketHash(token), Role: p.Role, Email: p.Email, ExpiresAt: expires}
	if p.UserID != uuid.Nil {
		id := p.UserID
		params.UserID = &id
	}
	if !p.ExpiresAt.IsZero() {
		at := p.ExpiresAt
		params.AuthExpiresAt = &at
	}
	if err := q.InsertEventTicket(ctx, params); err != nil {
		return "", time.Time{}, fmt.Errorf("store ticket: %w", err)
	}
	return token, expires, nil
}

// RedeemTicket takes the ticket (so it never works again, on any replica)
// and returns the caller it was issued to.
func RedeemTicket(ctx context.Context, q *db.Queries, token string) (auth.Principal, error) {
	row, err := q.TakeEventTicket(ctx, ticketHash(token))
	if store.IsNotFound(err) {
		return auth.Principal{}, ErrTicketInvalid
	}
	if err != nil {
		return auth.Principal{}, fmt.Errorf("redeem ticket: %w", err)
	}
	p := auth.Principal{Role: row.Role, Email: row.Email}
	if row.UserID != nil {
		p.UserID = *row.UserID
	}
	if row.AuthExpiresAt != nil {
		p.ExpiresAt = *row.AuthExpiresAt
	}
	return p, nil
}

func ticketHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
