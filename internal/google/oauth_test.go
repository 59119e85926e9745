package google_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
	"github.com/besunny/workflows/internal/secrets"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/testenv"
)

const account = "pat@sandbox.example.com"

// oauthHarness is a fresh database with one user and a sandbox Google.
type oauthHarness struct {
	t      *testing.T
	st     *store.Store
	fake   *googlefake.Server
	url    string
	issued *googlefake.TokenLog
	user   uuid.UUID
	// logs receives every error the test sees, as the API and worker would
	// log them.
	logs *bytes.Buffer
	log  *slog.Logger
}

func newOAuthHarness(t *testing.T) *oauthHarness {
	t.Helper()
	database := testenv.NewDatabase(t)
	fake := googlefake.New(googlefake.Options{Conformance: conformancetest.Checker(t)})
	rec := &googlefake.TokenLog{}
	srv := httptest.NewServer(rec.Wrap(fake.Handler()))
	t.Cleanup(func() {
		srv.Close()
		fake.Close()
	})
	logs := &bytes.Buffer{}
	h := &oauthHarness{t: t, st: database.Store, fake: fake, url: srv.URL, issued: rec, logs: logs,
		log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	h.user = h.newUser()
	t.Cleanup(h.noTokenInLogs)
	return h
}

func (h *oauthHarness) newUser() uuid.UUID {
	h.t.Helper()
	id := uuid.New()
	if _, err := h.st.UpsertUserFromClaims(context.Background(), db.UpsertUserFromClaimsParams{ID: id, Email: id.String()[:8] + "@example.com"}); err != nil {
		h.t.Fatal(err)
	}
	return id
}

// newKey returns a fresh TOKEN_ENCRYPTION_KEY entry "id:base64".
func newKey(id string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return id + ":" + base64.StdEncoding.EncodeToString(b)
}

// accounts builds the accounts keeper as the binaries do, from the
// environment, with the given keyring.
func (h *oauthHarness) accounts(keyring string) *google.Accounts {
	h.t.Helper()
	env := map[string]string{
		"GOOGLE_MODE":          "sandbox",
		"GOOGLE_SANDBOX_URL":   h.url,
		"PUBLIC_URL":           "https://besunny.example",
		"TOKEN_ENCRYPTION_KEY": keyring,
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		h.t.Fatal(err)
	}
	a, err := google.NewAccounts(cfg, h.st)
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// logError logs err as the API and worker do, and returns it.
func (h *oauthHarness) logError(msg string, err error) error {
	h.log.Error(msg, "user_id", h.user, "error", err)
	return err
}

func (h *oauthHarness) connect(a *google.Accounts, user uuid.UUID) {
	h.t.Helper()
	email, err := a.ConnectSandbox(context.Background(), user, account)
	if err != nil {
		h.t.Fatal(h.logError("connect", err))
	}
	h.log.Info("google connected", "user_id", user, "google_email", email)
	if email != account {
		h.t.Fatalf("connected %q, want %q", email, account)
	}
}

func (h *oauthHarness) row(user uuid.UUID) db.GoogleCredential {
	h.t.Helper()
	row, err := h.st.GetGoogleCredentials(context.Background(), user)
	if err != nil {
		h.t.Fatal(err)
	}
	return row
}

// token returns the user's current token through TokenSource.
func (h *oauthHarness) token(a *google.Accounts, user uuid.UUID) (*oauth2.Token, error) {
	ts, err := a.TokenSource(context.Background(), user)
	if err != nil {
		return nil, h.logError("token source", err)
	}
	tok, err := ts.Token()
	if err != nil {
		return nil, h.logError("token", err)
	}
	return tok, nil
}

// hourLater makes the stored access token expired, as an hour passing
// would, and makes the fake refuse it too.
func (h *oauthHarness) hourLater(user uuid.UUID) {
	h.t.Helper()
	h.fake.ExpireAccessTokens()
	if _, err := h.st.Pool.Exec(context.Background(),
		`UPDATE google_credentials SET expiry = now() - interval '1 minute' WHERE user_id = $1`, user); err != nil {
		h.t.Fatal(err)
	}
}

// readFile reads a file of the account through the user's Drive client.
func (h *oauthHarness) readFile(a *google.Accounts, user uuid.UUID, fileID string) error {
	ctx := context.Background()
	svc, err := a.Drive(ctx, user)
	if err != nil {
		return h.logError("drive client", err)
	}
	_, err = svc.Files.Get(fileID).Fields("id", "name").Context(ctx).Do()
	if err != nil {
		return h.logError("files.get", err)
	}
	return nil
}

// noTokenInLogs fails when any token the fake issued appears in the log.
func (h *oauthHarness) noTokenInLogs() {
	out := h.logs.String()
	for _, tok := range h.issued.All() {
		if strings.Contains(out, tok) {
			h.t.Errorf("a Google token appears in the log:\n%s", out)
			return
		}
	}
}

// noTokenIn fails when any issued token appears in err's message.
func (h *oauthHarness) noTokenIn(err error) {
	h.t.Helper()
	if err == nil {
		return
	}
	for _, tok := range h.issued.All() {
		if strings.Contains(err.Error(), tok) {
			h.t.Fatalf("error message carries a token: %v", err)
		}
	}
}

func TestAccounts_ConnectStoresTokensEncrypted(t *testing.T) {
	h := newOAuthHarness(t)
	key := newKey("k1")
	a := h.accounts(key)
	h.connect(a, h.user)

	tokens := h.issued.All()
	if len(tokens) != 2 {
		t.Fatalf("the fake issued %d tokens, want an access and a refresh token", len(tokens))
	}
	row := h.row(h.user)
	if row.KeyID != "k1" || row.GoogleEmail != account || row.TokenType != "Bearer" || row.Expiry == nil {
		t.Fatalf("row = key %q email %q type %q expiry %v", row.KeyID, row.GoogleEmail, row.TokenType, row.Expiry)
	}
	if !strings.Contains(strings.Join(row.Scopes, " "), "drive.readonly") {
		t.Fatalf("scopes = %v", row.Scopes)
	}
	raw := [][]byte{row.AccessTokenEnc, row.RefreshTokenEnc, []byte(row.GoogleEmail), []byte(strings.Join(row.Scopes, " "))}
	for _, tok := range tokens {
		for _, col := range raw {
			if bytes.Contains(col, []byte(tok)) {
				t.Fatalf("a token is stored in clear")
			}
		}
	}

	// The ciphertexts open with the key, and only for this user's row.
	ring, err := secrets.ParseKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	access, err := ring.Decrypt(row.KeyID, row.AccessTokenEnc, []byte(h.user.String()))
	if err != nil {
		t.Fatal(err)
	}
	refresh, err := ring.Decrypt(row.KeyID, row.RefreshTokenEnc, []byte(h.user.String()))
	if err != nil {
		t.Fatal(err)
	}
	if string(access) != tokens[0] || string(refresh) != tokens[1] {
		t.Fatal("the stored tokens are not the issued ones")
	}
	if _, err := ring.Decrypt(row.KeyID, row.AccessTokenEnc, []byte(uuid.NewString())); !errors.Is(err, secrets.ErrDecrypt) {
		t.Fatalf("ciphertext opened for another user's row: %v", err)
	}

	// The connection is usable: TokenSource hands out the stored token and
	// Drive reads the account's files.
	tok, err := h.token(a, h.user)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != tokens[0] || tok.RefreshToken != tokens[1] {
		t.Fatal("TokenSource does not hand out the stored tokens")
	}
	f, err := h.fake.CreateFile(account, "Plan", googlefake.MimeGoogleDoc, "text")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.readFile(a, h.user, f.ID); err != nil {
		t.Fatal(err)
	}
	conn, err := a.Connection(context.Background(), h.user)
	if err != nil || conn.Email != account {
		t.Fatalf("connection = %+v, %v", conn, err)
	}
}

func TestAccounts_ExpiredTokenIsRefreshedAndSaved(t *testing.T) {
	h := newOAuthHarness(t)
	key := newKey("k1")
	a := h.accounts(key)
	h.connect(a, h.user)
	first := h.issued.All()
	before := h.row(h.user)

	h.hourLater(h.user)
	tok, err := h.token(a, h.user)
	if err != nil {
		t.Fatal(err)
	}
	now := h.issued.All()
	if len(now) != 3 {
		t.Fatalf("the fake issued %d tokens, want one more access token", len(now))
	}
	if tok.AccessToken != now[2] || tok.AccessToken == first[0] {
		t.Fatal("TokenSource did not refresh the expired token")
	}
	if tok.RefreshToken != first[1] {
		t.Fatal("the refresh token was lost in the refresh (Google does not always send a new one)")
	}
	if !tok.Expiry.After(time.Now()) {
		t.Fatalf("refreshed token expires %v", tok.Expiry)
	}

	// Saved: the row decrypts to the new token, and a new process (fresh
	// accounts, fresh TokenSource) starts from it without refreshing again.
	after := h.row(h.user)
	if bytes.Equal(after.AccessTokenEnc, before.AccessTokenEnc) || after.Expiry == nil || !after.Expiry.After(time.Now()) {
		t.Fatal("the refreshed token was not saved")
	}
	ring, err := secrets.ParseKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	access, err := ring.Decrypt(after.KeyID, after.AccessTokenEnc, []byte(h.user.String()))
	if err != nil {
		t.Fatal(err)
	}
	refresh, err := ring.Decrypt(after.KeyID, after.RefreshTokenEnc, []byte(h.user.String()))
	if err != nil {
		t.Fatal(err)
	}
	if string(access) != tok.AccessToken || string(refresh) != first[1] {
		t.Fatal("the row does not hold the refreshed access token and the kept refresh token")
	}
	again, err := h.token(h.accounts(key), h.user)
	if err != nil {
		t.Fatal(err)
	}
	if again.AccessToken != tok.AccessToken || len(h.issued.All()) != 3 {
		t.Fatal("a new process refreshed again instead of using the saved token")
	}

	// And Drive accepts it (the old one is refused by now).
	f, err := h.fake.CreateFile(account, "Plan", googlefake.MimeGoogleDoc, "text")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.readFile(a, h.user, f.ID); err != nil {
		t.Fatal(err)
	}
}

func TestAccounts_DriveClientRefreshesAnExpiredTokenBeforeCalling(t *testing.T) {
	h := newOAuthHarness(t)
	a := h.accounts(newKey("k1"))
	h.connect(a, h.user)
	f, err := h.fake.CreateFile(account, "Plan", googlefake.MimeGoogleDoc, "text")
	if err != nil {
		t.Fatal(err)
	}

	h.hourLater(h.user)
	if err := h.readFile(a, h.user, f.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(h.issued.All()); n != 3 {
		t.Fatalf("%d tokens issued, want the connect's two and one refresh", n)
	}
	tok, err := h.token(a, h.user)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != h.issued.All()[2] {
		t.Fatal("the Drive client's refresh was not saved")
	}
}

func TestAccounts_AnotherKeyCannotDecrypt(t *testing.T) {
	h := newOAuthHarness(t)
	h.connect(h.accounts(newKey("k1")), h.user)

	for name, keyring := range map[string]string{
		"same id, other key": newKey("k1"),
		"other id":           newKey("k2"),
	} {
		_, err := h.token(h.accounts(keyring), h.user)
		if err == nil {
			t.Fatalf("%s: tokens decrypted with a wrong key", name)
		}
		if !errors.Is(err, secrets.ErrDecrypt) && !errors.Is(err, secrets.ErrUnknownKey) {
			t.Fatalf("%s: error %v, want a decryption error", name, err)
		}
		h.noTokenIn(err)
		ctx := context.Background()
		if _, err := h.accounts(keyring).Drive(ctx, h.user); err == nil || errors.Is(err, google.ErrNotConnected) {
			t.Fatalf("%s: Drive client = %v, want a decryption error", name, err)
		}
	}
}

func TestAccounts_KeyRotationReadsOldRowsAndWritesNewOnes(t *testing.T) {
	h := newOAuthHarness(t)
	oldKey, newer := newKey("old"), newKey("new")
	h.connect(h.accounts(oldKey), h.user)
	if id := h.row(h.user).KeyID; id != "old" {
		t.Fatalf("key id %q, want old", id)
	}

	rotated := h.accounts(newer + "," + oldKey)
	tok, err := h.token(rotated, h.user)
	if err != nil {
		t.Fatalf("the rotated keyring cannot read a row of the old key: %v", err)
	}
	if tok.AccessToken != h.issued.All()[0] {
		t.Fatal("wrong token read")
	}
	if id := h.row(h.user).KeyID; id != "old" {
		t.Fatalf("reading rewrote the row (key id %q)", id)
	}

	// A refresh rewrites the row with the new key…
	h.hourLater(h.user)
	if _, err := h.token(rotated, h.user); err != nil {
		t.Fatal(err)
	}
	if id := h.row(h.user).KeyID; id != "new" {
		t.Fatalf("refreshed row has key id %q, want new", id)
	}
	// … and so does a new connection.
	other := h.newUser()
	h.connect(rotated, other)
	if id := h.row(other).KeyID; id != "new" {
		t.Fatalf("new row has key id %q, want new", id)
	}

	// Rewritten rows no longer need the old key; the old keyring alone
	// cannot read them.
	for _, u := range []uuid.UUID{h.user, other} {
		if _, err := h.token(h.accounts(newer), u); err != nil {
			t.Fatalf("the new key alone cannot read a rewritten row: %v", err)
		}
		if _, err := h.token(h.accounts(oldKey), u); !errors.Is(err, secrets.ErrUnknownKey) {
			t.Fatalf("the old keyring read a row of the new key: %v", err)
		}
	}
}

func TestAccounts_DisconnectRevokesAtGoogleAndDeletesTheRow(t *testing.T) {
	h := newOAuthHarness(t)
	a := h.accounts(newKey("k1"))
	h.connect(a, h.user)
	f, err := h.fake.CreateFile(account, "Plan", googlefake.MimeGoogleDoc, "text")
	if err != nil {
		t.Fatal(err)
	}
	issued := h.issued.All()

	ctx := context.Background()
	if err := a.Disconnect(ctx, h.user); err != nil {
		t.Fatal(h.logError("disconnect", err))
	}
	if _, err := h.st.GetGoogleCredentials(ctx, h.user); !store.IsNotFound(err) {
		t.Fatalf("credentials row after disconnect: %v", err)
	}
	if _, err := a.Connection(ctx, h.user); !errors.Is(err, google.ErrNotConnected) {
		t.Fatalf("connection after disconnect: %v", err)
	}
	if _, err := a.TokenSource(ctx, h.user); !errors.Is(err, google.ErrNotConnected) {
		t.Fatalf("token source after disconnect: %v", err)
	}
	if _, err := a.Drive(ctx, h.user); !errors.Is(err, google.ErrNotConnected) {
		t.Fatalf("drive client after disconnect: %v", err)
	}

	// Revoked at Google: the refresh token no longer refreshes and the
	// access token no longer reads Drive.
	cfg := &oauth2.Config{ClientID: "besunny-sandbox", ClientSecret: "sandbox-secret",
		Endpoint: oauth2.Endpoint{TokenURL: h.url + "/token", AuthStyle: oauth2.AuthStyleInParams}}
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: issued[1]}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("refresh after disconnect = %v, want invalid_grant", err)
	}
	req, _ := http.NewRequest(http.MethodGet, h.url+"/drive/v3/files/"+url.PathEscape(f.ID), nil)
	req.Header.Set("Authorization", "Bearer "+issued[0])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Drive with the revoked access token answered %d, want 401", resp.StatusCode)
	}

	// Disconnecting again: not connected.
	if err := a.Disconnect(ctx, h.user); !errors.Is(err, google.ErrNotConnected) {
		t.Fatalf("second disconnect = %v, want ErrNotConnected", err)
	}
}

func TestAccounts_DisconnectOfAGrantGoogleForgotStillDeletesTheRow(t *testing.T) {
	h := newOAuthHarness(t)
	a := h.accounts(newKey("k1"))
	h.connect(a, h.user)
	// The user revoked BeSunny in their Google account settings.
	revokeAtGoogle(t, h.url, h.issued.All()[1])

	ctx := context.Background()
	if err := a.Disconnect(ctx, h.user); err != nil {
		t.Fatalf("disconnect = %v, want success: Google already forgot the grant", h.logError("disconnect", err))
	}
	if _, err := a.Connection(ctx, h.user); !errors.Is(err, google.ErrNotConnected) {
		t.Fatalf("connection after disconnect: %v", err)
	}
}

func revokeAtGoogle(t *testing.T, base, token string) {
	t.Helper()
	resp, err := http.PostForm(base+"/revoke", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke answered %d", resp.StatusCode)
	}
}

func TestAccounts_RevokedGrantFailsWithoutTokensInErrors(t *testing.T) {
	h := newOAuthHarness(t)
	a := h.accounts(newKey("k1"))
	h.connect(a, h.user)
	f, err := h.fake.CreateFile(account, "Plan", googlefake.MimeGoogleDoc, "text")
	if err != nil {
		t.Fatal(err)
	}
	revokeAtGoogle(t, h.url, h.issued.All()[1])
	h.hourLater(h.user)

	_, err = h.token(a, h.user)
	if err == nil {
		t.Fatal("a revoked grant refreshed")
	}
	if !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("refresh error %q does not say invalid_grant (the Drive adapter reads it as a lost grant)", err)
	}
	h.noTokenIn(err)

	err = h.readFile(a, h.user, f.ID)
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("Drive call with a revoked grant = %v, want invalid_grant", err)
	}
	h.noTokenIn(err)

	// A code that does not redeem fails without echoing anything secret.
	_, err = a.Connect(context.Background(), h.user, "4/0-not-a-code")
	if err == nil {
		t.Fatal("a bogus authorization code connected")
	}
	h.logError("connect", err)
	h.noTokenIn(err)
	if strings.Contains(err.Error(), "4/0-not-a-code") {
		t.Fatalf("the authorization code is echoed: %v", err)
	}
}

func TestAccounts_ConnectSandboxNeedsSandboxMode(t *testing.T) {
	database := testenv.NewDatabase(t)
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		v, ok := map[string]string{"GOOGLE_MODE": "live", "GOOGLE_OAUTH_CLIENT_ID": "id", "GOOGLE_OAUTH_CLIENT_SECRET": "secret",
			"GOOGLE_SERVICE_ACCOUNT_FILE": "/nonexistent.json"}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := google.NewAccounts(cfg, database.Store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(context.Background(), uuid.New(), account); err == nil {
		t.Fatal("ConnectSandbox ran against live Google")
	}
	if u := a.AuthCodeURL("st", "pat@example.com"); !strings.HasPrefix(u, "https://accounts.google.com/") ||
		!strings.Contains(u, "access_type=offline") || !strings.Contains(u, "prompt=consent") {
		t.Fatalf("live auth URL = %s", u)
	}
}

// TestAccounts_TokenRefusedBeforeItsExpiryIsRefreshed: Google may refuse an
// access token before the expiry it announced (a revoked session, a worker
// clock running behind Google's). The Drive client must refresh and retry
// rather than report the grant as lost, which ends the user's watches.
func TestAccounts_TokenRefusedBeforeItsExpiryIsRefreshed(t *testing.T) {
	h := newOAuthHarness(t)
	key := newKey("k1")
	a := h.accounts(key)
	h.connect(a, h.user)
	f, err := h.fake.CreateFile(account, "Plan", googlefake.MimeGoogleDoc, "text")
	if err != nil {
		t.Fatal(err)
	}

	h.fake.ExpireAccessTokens() // the stored expiry still lies ahead
	if err := h.readFile(a, h.user, f.ID); err != nil {
		t.Fatalf("Drive call after Google dropped the access token: %v", err)
	}
	issued := h.issued.All()
	if len(issued) != 3 {
		t.Fatalf("%d tokens issued, want one refresh", len(issued))
	}
	tok, err := h.token(h.accounts(key), h.user)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != issued[2] || tok.RefreshToken != issued[1] {
		t.Fatal("the token refreshed after the refusal was not saved")
	}
	// A second call uses it without refreshing again.
	if err := h.readFile(a, h.user, f.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(h.issued.All()); n != 3 {
		t.Fatalf("%d tokens issued, want no further refresh", n)
	}
}

// TestAccounts_RevokedGrantIsReportedAtOnce: when Google refuses the access
// token because the grant was revoked, the refresh fails with invalid_grant
// on the same call (which the Drive adapter reads as lost access).
func TestAccounts_RevokedGrantIsReportedAtOnce(t *testing.T) {
	h := newOAuthHarness(t)
	a := h.accounts(newKey("k1"))
	h.connect(a, h.user)
	f, err := h.fake.CreateFile(account, "Plan", googlefake.MimeGoogleDoc, "text")
	if err != nil {
		t.Fatal(err)
	}
	revokeAtGoogle(t, h.url, h.issued.All()[1])

	err = h.readFile(a, h.user, f.ID)
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("Drive call with a revoked grant = %v, want invalid_grant", err)
	}
	h.noTokenIn(err)
}
