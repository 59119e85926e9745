package googlefake

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// This file is the sandbox grant of Google's OAuth 2.0 web-server flow.
// The authorization endpoint consents immediately (no UI) and redirects
// back with a code; any client_id and client_secret are accepted, but a
// code only redeems for the client and redirect_uri it was issued to.
// A refresh token is issued only for access_type=offline, as Google does,
// so a product that forgets to ask for offline access breaks here too.

// accessTokenLifetime is Google's: expires_in is 3599.
const accessTokenLifetime = 3599 * time.Second

// grant is one user's consent to one client; it owns a refresh token and
// the access tokens minted from it. Revoking any of them revokes the grant.
type grant struct {
	ID           string `json:"id"`
	Account      string `json:"account"`
	ClientID     string `json:"client_id"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

type accessToken struct {
	GrantID string    `json:"grant_id"`
	Expiry  time.Time `json:"expiry"`
}

// authCode is a pending authorization code (not persisted: codes live
// for minutes).
type authCode struct {
	clientID, redirectURI, scope, account string
	offline                               bool
	expiry                                time.Time
}

func randomToken(prefix string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) oauthAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID, redirect := q.Get("client_id"), q.Get("redirect_uri")
	if clientID == "" || redirect == "" {
		http.Error(w, "Error 400: invalid_request\nMissing required parameter: client_id and redirect_uri", http.StatusBadRequest)
		return
	}
	u, err := url.Parse(redirect)
	if err != nil || !u.IsAbs() {
		http.Error(w, "Error 400: redirect_uri_mismatch", http.StatusBadRequest)
		return
	}
	back := u.Query()
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	if rt := q.Get("response_type"); rt != "" && rt != "code" {
		back.Set("error", "unsupported_response_type")
	} else {
		account := normalizeAddress(q.Get("login_hint"))
		if account == "" {
			account = s.opts.DefaultAccount
		}
		code := randomToken("4/0")
		s.mu.Lock()
		s.codes[code] = &authCode{clientID: clientID, redirectURI: redirect, scope: q.Get("scope"),
			account: account, offline: q.Get("access_type") == "offline", expiry: s.now().Add(10 * time.Minute)}
		s.mu.Unlock()
		back.Set("code", code)
		back.Set("scope", q.Get("scope"))
	}
	u.RawQuery = back.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// tokenResponse is Google's token endpoint answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	IDToken      string `json:"id_token,omitempty"`
}

func oauthError(w http.ResponseWriter, code int, errCode, desc string) {
	writeJSON(w, code, map[string]string{"error": errCode, "error_description": desc})
}

func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	clientID := r.PostForm.Get("client_id")
	if id, _, ok := r.BasicAuth(); ok && clientID == "" {
		clientID, _ = url.QueryUnescape(id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var g *grant
	var resp tokenResponse
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code := s.codes[r.PostForm.Get("code")]
		if code == nil || s.now().After(code.expiry) || code.clientID != clientID {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "Malformed auth code.")
			return
		}
		if code.redirectURI != r.PostForm.Get("redirect_uri") {
			oauthError(w, http.StatusBadRequest, "redirect_uri_mismatch", "Bad Request")
			return
		}
		delete(s.codes, r.PostForm.Get("code")) // codes are single use
		g = s.newGrantLocked(code.account, code.clientID, code.scope, code.offline)
		resp.RefreshToken = g.RefreshToken
		if slices.Contains(strings.Fields(g.Scope), "openid") || slices.Contains(strings.Fields(g.Scope), "email") {
			now := s.now()
			tok, err := s.SignIDToken(map[string]any{
				"aud": g.ClientID, "azp": g.ClientID, "sub": subjectFor(g.Account),
				"email": g.Account, "email_verified": true, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
			})
			if err != nil {
				oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
				return
			}
			resp.IDToken = tok
		}
	case "refresh_token":
		g = s.grantByRefreshLocked(r.PostForm.Get("refresh_token"))
		if g == nil {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		if g.ClientID != clientID {
			oauthError(w, http.StatusUnauthorized, "unauthorized_client", "Unauthorized")
			return
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+r.PostForm.Get("grant_type"))
		return
	}
	resp.AccessToken = s.newAccessTokenLocked(g)
	resp.ExpiresIn = int(accessTokenLifetime / time.Second)
	resp.Scope = g.Scope
	resp.TokenType = "Bearer"
	s.changed()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) newGrantLocked(account, clientID, scope string, offline bool) *grant {
	g := &grant{ID: randomToken(""), Account: account, ClientID: clientID, Scope: scope}
	if offline {
		g.RefreshToken = randomToken("1//0")
	}
	s.st.Grants[g.ID] = g
	return g
}

func (s *Server) grantByRefreshLocked(refresh string) *grant {
	if refresh == "" {
		return nil
	}
	for _, g := range s.st.Grants {
		if g.RefreshToken == refresh {
			return g
		}
	}
	return nil
}

// newAccessTokenLocked mints an access token for g, dropping the grant's
// expired ones so refresh loops do not grow the state forever.
func (s *Server) newAccessTokenLocked(g *grant) string {
	now := s.now()
	for tok, at := range s.st.Tokens {
		if at.GrantID == g.ID && now.After(at.Expiry) {
			delete(s.st.Tokens, tok)
		}
	}
	tok := randomToken("ya29.")
	s.st.Tokens[tok] = &accessToken{GrantID: g.ID, Expiry: now.Add(accessTokenLifetime)}
	return tok
}

func (s *Server) oauthRevoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	_ = r.ParseForm()
	tok := r.Form.Get("token")
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.grantByRefreshLocked(tok)
	if at := s.st.Tokens[tok]; g == nil && at != nil {
		g = s.st.Grants[at.GrantID]
	}
	if g == nil {
		oauthError(w, http.StatusBadRequest, "invalid_token", "Token expired or revoked")
		return
	}
	s.revokeGrantLocked(g)
	writeJSON(w, http.StatusOK, map[string]string{})
}

func (s *Server) revokeGrantLocked(g *grant) {
	delete(s.st.Grants, g.ID)
	for tok, at := range s.st.Tokens {
		if at.GrantID == g.ID {
			delete(s.st.Tokens, tok)
		}
	}
	s.changed()
}

var (
	errNoToken      = errors.New("no bearer token")
	errInvalidToken = errors.New("invalid or revoked token")
	errTokenExpired = errors.New("token expired")
)

// tokenAccount authenticates the request's bearer token and returns the
// account and granted scope.
func (s *Server) tokenAccount(r *http.Request) (account, scope string, err error) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return "", "", errNoToken
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.st.Tokens[strings.TrimSpace(tok)]
	if at == nil {
		return "", "", errInvalidToken
	}
	g := s.st.Grants[at.GrantID]
	if g == nil {
		return "", "", errInvalidToken
	}
	if !s.now().Before(at.Expiry) {
		return "", "", errTokenExpired
	}
	return g.Account, g.Scope, nil
}

// driveAuth authenticates a Drive call: a valid token (401 otherwise) with a
// Drive scope (403 otherwise).
func (s *Server) driveAuth(w http.ResponseWriter, r *http.Request) (string, bool) {
	account, scope, err := s.tokenAccount(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
		writeErrorAt(w, http.StatusUnauthorized, "authError",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
			"Authorization", "header")
		return "", false
	}
	if !slices.ContainsFunc(strings.Fields(scope), func(sc string) bool {
		return strings.HasPrefix(sc, "https://www.googleapis.com/auth/drive")
	}) {
		writeError(w, http.StatusForbidden, "insufficientPermissions", "Request had insufficient authentication scopes.")
		return "", false
	}
	return account, true
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	account, _, err := s.tokenAccount(r)
	if err != nil {
		// RFC 6750 §3: a 401 of a bearer-protected resource says how to
		// authenticate.
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
		writeErrorAt(w, http.StatusUnauthorized, "authError", "Request is missing required authentication credential.",
			"Authorization", "header")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/oauth2/v2/") {
		writeJSON(w, http.StatusOK, map[string]any{"id": subjectFor(account), "email": account, "verified_email": true})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": subjectFor(account), "email": account, "email_verified": true})
}

// ExpireAccessTokens makes every issued access token expired, so the next
// Drive call answers 401 and a client must refresh.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for _, at := range s.st.Tokens {
		at.Expiry = past
	}
	s.changed()
}

// Token grants account the scopes (default drive.readonly) for clientID
// without the redirect dance and returns the token with a refresh token,
// for tests that need an authenticated Drive client quickly.
func (s *Server) Token(account, clientID string, scopes ...string) *oauth2.Token {
	if len(scopes) == 0 {
		scopes = []string{"https://www.googleapis.com/auth/drive.readonly"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.newGrantLocked(normalizeAddress(account), clientID, strings.Join(scopes, " "), true)
	tok := s.newAccessTokenLocked(g)
	s.changed()
	return &oauth2.Token{AccessToken: tok, TokenType: "Bearer", RefreshToken: g.RefreshToken,
		Expiry: s.st.Tokens[tok].Expiry}
}
