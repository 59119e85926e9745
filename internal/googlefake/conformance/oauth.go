package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Google's OAuth 2.0 and OpenID Connect endpoints have no discovery
// document. This table is written from Google's documentation (and the
// RFCs it implements); every entry names its source.
const (
	docAuthorize = "https://developers.google.com/identity/protocols/oauth2/web-server#creatingclient"
	docRedirect  = "https://developers.google.com/identity/protocols/oauth2/web-server#handlingresponse"
	docToken     = "https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code"
	docRefresh   = "https://developers.google.com/identity/protocols/oauth2/web-server#offline"
	docTokenErr  = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2"
	docRevoke    = "https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke"
	docUserinfo  = "https://developers.google.com/identity/openid-connect/openid-connect#obtainuserinfo"
	docBearer401 = "https://www.rfc-editor.org/rfc/rfc6750#section-3"
	docJWKS      = "https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken"
)

// handEndpoint is one endpoint of the hand-written table.
type handEndpoint struct {
	ID    string
	Verbs []string
	// Paths are where the sandbox serves it; Google's URL is in the doc.
	Paths []string
	Doc   string
	// Query and Form are the documented parameters; a nil map accepts none.
	Query map[string]*Parameter
	Form  map[string]*Parameter
	// Response is the JSON body of a success, nil when it is not JSON.
	Response *Schema
	// request and response add the endpoint's own rules.
	request  func(ex *exchange) []problem
	response func(ex *exchange) []problem
}

func handEndpoints() []*handEndpoint {
	es := []*handEndpoint{authorizeEndpoint(), tokenEndpoint(), revokeEndpoint(), userinfoEndpoint(), certsEndpoint()}
	for _, e := range es {
		for _, p := range e.Query {
			p.Location = "query"
		}
		for _, p := range e.Form {
			p.Location = "form"
		}
	}
	return es
}

func (e *handEndpoint) checkRequest(ex *exchange) []problem {
	out := handParams("query", e.Query).check(ex.query)
	if e.Form != nil {
		if ct := mediaTypeOf(ex.reqHdr); ct != "application/x-www-form-urlencoded" {
			out = append(out, problem{path: "header Content-Type", got: quoteShort(ex.reqHdr.Get("Content-Type")), want: "the parameters are sent as application/x-www-form-urlencoded"})
		}
		form, err := url.ParseQuery(string(ex.reqBody))
		if err != nil {
			out = append(out, problem{path: "body", got: "a malformed form: " + err.Error(), want: "an application/x-www-form-urlencoded body"})
		}
		out = append(out, handParams("form", e.Form).check(form)...)
	}
	if e.request != nil {
		out = append(out, e.request(ex)...)
	}
	return out
}

func (e *handEndpoint) checkResponse(ex *exchange) []problem {
	var out []problem
	if e.Response != nil && ex.status == http.StatusOK {
		if ct := mediaTypeOf(ex.respHdr); ct != "application/json" {
			out = append(out, problem{path: "header Content-Type", got: quoteShort(ex.respHdr.Get("Content-Type")), want: "a JSON answer is application/json"})
		}
		v, err := decodeJSON(ex.body)
		if err != nil {
			return append(out, problem{path: "$", got: "a body that is not JSON: " + err.Error(), want: "the answer is " + describe(nil, e.Response)})
		}
		w := &walker{side: Response, method: e.ID}
		w.run(rootLoc(e.Response.ID), v, e.Response, nil)
		out = append(out, w.found...)
		out = append(out, requiredFields("$", v, e.Response)...)
	}
	if e.response != nil {
		out = append(out, e.response(ex)...)
	}
	return out
}

// handParams is a paramSet over a hand-written table.
func handParams(location string, params map[string]*Parameter) paramSet {
	return paramSet{location: location, names: sortedKeys(params),
		lookup: func(name string) *Parameter { return params[name] }}
}

// requiredFields checks the top-level fields a hand-written schema marks
// with the annotation "response" (the table's own convention: discovery has
// no required response fields).
func requiredFields(prefix string, v any, s *Schema) []problem {
	obj, _ := v.(map[string]any)
	var out []problem
	for _, k := range sortedKeys(s.Properties) {
		if slices.Contains(s.Properties[k].Annotations.Required, "response") {
			if _, ok := obj[k]; !ok {
				out = append(out, problem{path: prefix + "." + k, got: "no field " + fmt.Sprintf("%q", k), want: s.ID + "." + k + " is always present"})
			}
		}
	}
	return out
}

func str(enum ...string) *Schema { return &Schema{Type: "string", Enum: enum} }

func always(s *Schema) *Schema {
	s.Annotations.Required = []string{"response"}
	return s
}

func param(required bool, enum ...string) *Parameter {
	return &Parameter{Type: "string", Required: required, Enum: enum}
}

// authorizeEndpoint is Google's authorization endpoint
// (accounts.google.com/o/oauth2/v2/auth): the browser is sent there and
// comes back to redirect_uri with a code.
func authorizeEndpoint() *handEndpoint {
	return &handEndpoint{
		ID: "oauth2.authorize", Verbs: []string{http.MethodGet}, Doc: docAuthorize,
		Paths: []string{"/o/oauth2/v2/auth", "/o/oauth2/auth"},
		Query: map[string]*Parameter{
			"client_id":               param(true),
			"redirect_uri":            param(true),
			"response_type":           param(true, "code", "token", "id_token", "code id_token", "token id_token", "code token id_token"),
			"scope":                   param(true),
			"access_type":             param(false, "online", "offline"),
			"state":                   param(false),
			"include_granted_scopes":  param(false, "true", "false"),
			"enable_granular_consent": param(false, "true", "false"),
			"login_hint":              param(false),
			"prompt":                  param(false),
			"code_challenge":          param(false),
			"code_challenge_method":   param(false, "plain", "S256"),
			"nonce":                   param(false),
			"hd":                      param(false),
		},
		request: func(ex *exchange) []problem {
			for _, p := range strings.Fields(ex.query.Get("prompt")) {
				if !slices.Contains([]string{"none", "consent", "select_account"}, p) {
					return []problem{{path: "query parameter prompt", got: quoteShort(p), want: "a space-delimited list of none, consent, select_account"}}
				}
			}
			return nil
		},
		response: checkAuthorizeRedirect,
	}
}

// checkAuthorizeRedirect: Google answers the browser with a redirect to
// redirect_uri carrying code (and scope) or error, and state unchanged.
func checkAuthorizeRedirect(ex *exchange) []problem {
	if ex.status >= 400 {
		return nil // an error page for the person at the browser; its shape is not documented
	}
	if ex.status != http.StatusFound && ex.status != http.StatusSeeOther {
		return []problem{{path: "status", got: fmt.Sprint(ex.status), want: "the browser is redirected (302) to redirect_uri [" + docRedirect + "]"}}
	}
	loc, err := url.Parse(ex.respHdr.Get("Location"))
	if err != nil {
		return []problem{{path: "header Location", got: quoteShort(ex.respHdr.Get("Location")), want: "a URL [" + docRedirect + "]"}}
	}
	var out []problem
	if want, _ := url.Parse(ex.query.Get("redirect_uri")); want != nil &&
		(loc.Scheme != want.Scheme || loc.Host != want.Host || loc.Path != want.Path) {
		out = append(out, problem{path: "header Location", got: quoteShort(loc.String()), want: "the redirect goes to redirect_uri " + quoteShort(want.String())})
	}
	back := loc.Query()
	if st := ex.query.Get("state"); st != "" && back.Get("state") != st {
		out = append(out, problem{path: "header Location state", got: quoteShort(back.Get("state")), want: "state comes back unchanged [" + docRedirect + "]"})
	}
	if back.Get("code") == "" && back.Get("error") == "" {
		out = append(out, problem{path: "header Location", got: quoteShort(loc.RawQuery), want: "the redirect carries code or error [" + docRedirect + "]"})
	}
	return out
}

// tokenEndpoint is oauth2.googleapis.com/token: the code exchange and the
// refresh.
func tokenEndpoint() *handEndpoint {
	return &handEndpoint{
		ID: "oauth2.token", Verbs: []string{http.MethodPost}, Doc: docToken, Paths: []string{"/token"},
		Form: map[string]*Parameter{
			"grant_type":    param(true, "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:device_code"),
			"code":          param(false),
			"redirect_uri":  param(false),
			"client_id":     param(false),
			"client_secret": param(false),
			"refresh_token": param(false),
			"code_verifier": param(false),
			"assertion":     param(false),
			"device_code":   param(false),
		},
		Response: &Schema{ID: "TokenResponse", Type: "object", Properties: map[string]*Schema{
			"access_token":             always(str()),
			"expires_in":               always(&Schema{Type: "integer", Format: "int32"}),
			"token_type":               always(str("Bearer")),
			"scope":                    str(),
			"refresh_token":            str(),
			"refresh_token_expires_in": {Type: "integer", Format: "int32"},
			"id_token":                 str(),
		}},
		request: func(ex *exchange) []problem {
			form, _ := url.ParseQuery(string(ex.reqBody))
			var out []problem
			if ex.rawQ != "" {
				out = append(out, problem{path: "query", got: quoteShort(ex.rawQ), want: "the token request carries its parameters in the form body, not the URL"})
			}
			_, _, basic := (&http.Request{Header: ex.reqHdr}).BasicAuth()
			need := map[string][]string{
				"authorization_code": {"code", "redirect_uri"},
				"refresh_token":      {"refresh_token"},
			}[form.Get("grant_type")]
			if !basic && form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
				need = append(need, "client_id", "client_secret")
			}
			for _, k := range need {
				if form.Get(k) == "" {
					doc := docToken
					if form.Get("grant_type") == "refresh_token" {
						doc = docRefresh
					}
					out = append(out, problem{path: "form parameter " + k, got: "no value", want: fmt.Sprintf("grant_type=%s requires %s [%s]", form.Get("grant_type"), k, doc)})
				}
			}
			return out
		},
		response: func(ex *exchange) []problem {
			if ex.status == http.StatusOK {
				if !strings.Contains(ex.respHdr.Get("Cache-Control"), "no-store") {
					return []problem{{path: "header Cache-Control", got: quoteShort(ex.respHdr.Get("Cache-Control")), want: "a token answer is not cached: Cache-Control no-store [https://www.rfc-editor.org/rfc/rfc6749#section-5.1]"}}

				}
				return nil
			}
			return checkOAuthError(ex, []int{400, 401}, "invalid_request", "invalid_client", "invalid_grant",
				"unauthorized_client", "unsupported_grant_type", "invalid_scope", "redirect_uri_mismatch")
		},
	}
}

// checkOAuthError checks an RFC 6749 §5.2 error: {"error", "error_description"}.
func checkOAuthError(ex *exchange, codes []int, errs ...string) []problem {
	var out []problem
	if !slices.Contains(codes, ex.status) {
		out = append(out, problem{path: "status", got: fmt.Sprint(ex.status), want: fmt.Sprintf("an error answers one of %v [%s]", codes, docTokenErr)})
	}
	v, err := decodeJSON(ex.body)
	if err != nil {
		return append(out, problem{path: "$", got: "a body that is not JSON", want: `an error is {"error", "error_description"} [` + docTokenErr + "]"})
	}
	schema := &Schema{ID: "OAuthError", Type: "object", Properties: map[string]*Schema{
		"error": always(str(errs...)), "error_description": str(), "error_uri": str(),
	}}
	w := &walker{side: Response}
	w.run(rootLoc("OAuthError"), v, schema, nil)
	out = append(out, w.found...)
	return append(out, requiredFields("$", v, schema)...)
}

// revokeEndpoint is oauth2.googleapis.com/revoke.
func revokeEndpoint() *handEndpoint {
	e := &handEndpoint{
		ID: "oauth2.revoke", Verbs: []string{http.MethodPost}, Doc: docRevoke, Paths: []string{"/revoke"},
		// Google's example sends the token in the query string with a form
		// content type; a form body works too.
		Query: map[string]*Parameter{"token": param(false)},
		Form:  map[string]*Parameter{"token": param(false)},
	}
	e.request = func(ex *exchange) []problem {
		form, _ := url.ParseQuery(string(ex.reqBody))
		if ex.query.Get("token") == "" && form.Get("token") == "" {
			return []problem{{path: "parameter token", got: "no value", want: "the token to revoke is required [" + docRevoke + "]"}}
		}
		return nil
	}
	e.response = func(ex *exchange) []problem {
		if ex.status == http.StatusOK {
			return nil
		}
		return checkOAuthError(ex, []int{400}, "invalid_token", "invalid_request")
	}
	return e
}

// userinfoEndpoint is the OpenID Connect userinfo endpoint
// (openidconnect.googleapis.com/v1/userinfo, also served as
// www.googleapis.com/oauth2/v3/userinfo).
func userinfoEndpoint() *handEndpoint {
	return &handEndpoint{
		ID: "openidconnect.userinfo", Verbs: []string{http.MethodGet}, Doc: docUserinfo,
		Paths: []string{"/oauth2/v3/userinfo", "/v1/userinfo"},
		Query: map[string]*Parameter{"access_token": param(false), "alt": param(false, "json")},
		Response: &Schema{ID: "UserInfo", Type: "object", Properties: map[string]*Schema{
			"sub": always(str()), "name": str(), "given_name": str(), "family_name": str(),
			"picture": str(), "email": str(), "email_verified": {Type: "boolean"}, "locale": str(), "hd": str(),
			"profile": str(),
		}},
		request: func(ex *exchange) []problem {
			if !strings.HasPrefix(ex.reqHdr.Get("Authorization"), "Bearer ") && ex.query.Get("access_token") == "" {
				return []problem{{path: "header Authorization", got: quoteShort(ex.reqHdr.Get("Authorization")), want: "the access token as Authorization: Bearer [" + docUserinfo + "]"}}
			}
			return nil
		},
		response: func(ex *exchange) []problem {
			if ex.status == http.StatusUnauthorized && !strings.HasPrefix(ex.respHdr.Get("WWW-Authenticate"), "Bearer") {
				return []problem{{path: "header WWW-Authenticate", got: quoteShort(ex.respHdr.Get("WWW-Authenticate")), want: "a 401 of a bearer-protected resource carries WWW-Authenticate: Bearer … [" + docBearer401 + "]"}}

			}
			return nil
		},
	}
}

// certsEndpoint is www.googleapis.com/oauth2/v3/certs, the JWKS that signs
// Google's ID tokens (and Pub/Sub's push tokens).
func certsEndpoint() *handEndpoint {
	key := &Schema{ID: "JWK", Type: "object", Properties: map[string]*Schema{
		"kty": always(str("RSA")), "alg": always(str("RS256")), "use": always(str("sig")),
		"kid": always(str()), "n": always(str()), "e": always(str()),
	}}
	return &handEndpoint{
		ID: "oauth2.certs", Verbs: []string{http.MethodGet}, Doc: docJWKS, Paths: []string{"/oauth2/v3/certs"},
		Response: &Schema{ID: "JWKS", Type: "object", Properties: map[string]*Schema{
			"keys": always(&Schema{Type: "array", Items: key}),
		}},
		response: func(ex *exchange) []problem {
			var out []problem
			if ex.status != http.StatusOK {
				out = append(out, problem{path: "status", got: fmt.Sprint(ex.status), want: "the key set answers 200"})
			}
			if !strings.Contains(ex.respHdr.Get("Cache-Control"), "max-age=") {
				out = append(out, problem{path: "header Cache-Control", got: quoteShort(ex.respHdr.Get("Cache-Control")), want: "a max-age that tells verifiers when to refetch the keys [" + docJWKS + "]"})
			}
			v, _ := decodeJSON(ex.body)
			obj, _ := v.(map[string]any)
			keys, _ := obj["keys"].([]any)
			for i, k := range keys {
				m, _ := k.(map[string]any)
				out = append(out, requiredFields(fmt.Sprintf("$.keys[%d]", i), m, key)...)
				for _, f := range []string{"n", "e"} {
					if s, ok := m[f].(string); ok && !isBase64URLRaw(s) {
						out = append(out, problem{path: fmt.Sprintf("$.keys[%d].%s", i, f), got: quoteShort(s), want: "base64url without padding (RFC 7518 §6.3.1)"})
					}
				}
			}
			return out
		},
	}
}
