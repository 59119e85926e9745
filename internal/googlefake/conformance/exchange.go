package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// exchange is one call as the checker sees it.
type exchange struct {
	verb    string
	path    string // escaped
	query   url.Values
	rawQ    string
	reqHdr  http.Header
	reqBody []byte

	status  int
	respHdr http.Header
	body    []byte
}

// call renders the exchange for messages, query values shortened.
func (ex *exchange) call() string {
	s := ex.verb + " " + ex.path
	if ex.rawQ != "" {
		q := ex.rawQ
		if len(q) > 120 {
			q = q[:117] + "..."
		}
		s += "?" + q
	}
	if ex.status != 0 {
		s += fmt.Sprintf(" → %d", ex.status)
	}
	return s
}

// alt is the response format the call asked for (json by default).
func (ex *exchange) alt() string {
	if a := ex.query.Get("alt"); a != "" {
		return a
	}
	return "json"
}

// checkDiscoveryRequest checks a call to a discovery method before the fake
// answers it.
func checkDiscoveryRequest(r *route, pathParams map[string]string, ex *exchange) []problem {
	a, m := r.api, r.method
	var out []problem
	for _, name := range sortedKeys(pathParams) {
		p := m.Parameters[name]
		if p == nil {
			continue
		}
		if msg := checkParamValue(p, pathParams[name]); msg != "" {
			out = append(out, problem{path: "path parameter " + name, got: "the value " + quoteShort(pathParams[name]), want: msg})
		}
	}
	if _, err := url.ParseQuery(ex.rawQ); err != nil {
		out = append(out, problem{path: "query", got: quoteShort(ex.rawQ), want: "a well-formed query string: " + err.Error()})
	}
	out = append(out, r.query.check(ex.query)...)
	if ex.alt() == "media" && !m.SupportsMediaDownload {
		out = append(out, problem{path: "query parameter alt", got: `"media"`, want: m.ID + " has no media download (supportsMediaDownload is not set)"})
	}
	if f := ex.query.Get("fields"); f != "" {
		sel, err := parseFields(f)
		switch {
		case err != nil:
			out = append(out, problem{path: "query parameter fields", got: quoteShort(f), want: "a field selector such as \"id,files(id,name)\": " + err.Error()})
		case m.Response == nil || ex.alt() == "media":
			out = append(out, problem{path: "query parameter fields", got: quoteShort(f), want: m.ID + " answers no JSON resource to select fields from"})
		default:
			validateSelection(a, sel, m.Response, "", func(field, want string) {
				out = append(out, problem{path: "query parameter fields", got: "a selection of " + strconv.Quote(field), want: want + "; Google answers 400 invalidParameter"})
			})
		}
	}
	if r.upload {
		return out // the body is media (or multipart), not the request schema
	}
	switch {
	case m.Request != nil:
		if len(ex.reqBody) == 0 {
			out = append(out, problem{path: "body", got: "no body", want: m.ID + " takes " + describe(a, m.Request)})
			break
		}
		if ct := mediaTypeOf(ex.reqHdr); ct != "application/json" {
			out = append(out, problem{path: "header Content-Type", got: quoteShort(ex.reqHdr.Get("Content-Type")), want: "a JSON request body is sent as application/json"})
		}
		v, err := decodeJSON(ex.reqBody)
		if err != nil {
			out = append(out, problem{path: "body", got: "a body that is not JSON: " + err.Error(), want: m.ID + " takes " + describe(a, m.Request)})
			break
		}
		w := &walker{api: a, side: Request, method: m.ID}
		w.run(rootLoc(m.Request.Ref), v, m.Request, nil)
		out = append(out, w.found...)
	case len(strings.TrimSpace(string(ex.reqBody))) > 0:
		out = append(out, problem{path: "body", got: fmt.Sprintf("a body of %d bytes", len(ex.reqBody)), want: m.ID + " takes no request body"})
	}
	return out
}

// checkDiscoveryResponse checks the fake's answer to a discovery method.
func checkDiscoveryResponse(r *route, ex *exchange) []problem {
	a, m := r.api, r.method
	switch {
	case ex.status >= 400:
		return checkAPIError(ex.status, ex.respHdr, ex.body)
	case ex.status < 200 || ex.status >= 300:
		return []problem{{path: "status", got: fmt.Sprint(ex.status), want: "a success (2xx) or an error (4xx, 5xx) status"}}
	}
	if ex.alt() == "media" || (m.Response == nil && m.SupportsMediaDownload) {
		// Media: the bytes of the resource, typed by their own media type.
		var out []problem
		if ex.status != http.StatusOK && ex.status != http.StatusPartialContent {
			out = append(out, problem{path: "status", got: fmt.Sprint(ex.status), want: "a media download answers 200 (206 for a range)"})
		}
		if ex.respHdr.Get("Content-Type") == "" {
			out = append(out, problem{path: "header Content-Type", got: "none", want: "a media download is typed with the content's media type"})
		}
		return out
	}
	if m.Response == nil {
		if len(strings.TrimSpace(string(ex.body))) > 0 {
			return []problem{{path: "body", got: fmt.Sprintf("a body of %d bytes", len(ex.body)), want: m.ID + " answers an empty body"}}
		}
		if ex.status != http.StatusNoContent && ex.status != http.StatusOK {
			return []problem{{path: "status", got: fmt.Sprint(ex.status), want: m.ID + " answers 204 No Content"}}
		}
		return nil
	}
	if len(ex.body) == 0 {
		return []problem{{path: "status", got: fmt.Sprintf("%d with an empty body", ex.status), want: m.ID + " answers 200 with " + describe(a, m.Response)}}
	}
	var out []problem
	if ex.status != http.StatusOK {
		out = append(out, problem{path: "status", got: fmt.Sprint(ex.status), want: m.ID + " answers 200 with " + describe(a, m.Response)})
	}
	if ct := mediaTypeOf(ex.respHdr); ct != "application/json" {
		out = append(out, problem{path: "header Content-Type", got: quoteShort(ex.respHdr.Get("Content-Type")), want: "a JSON answer is application/json"})
	}
	v, err := decodeJSON(ex.body)
	if err != nil {
		return append(out, problem{path: "$", got: "a body that is not JSON: " + err.Error(), want: m.ID + " answers " + describe(a, m.Response)})
	}
	sel, _ := parseFields(ex.query.Get("fields")) // a bad selector is a request problem
	w := &walker{api: a, side: Response, method: m.ID}
	w.run(rootLoc(m.Response.Ref), v, m.Response, sel)
	return append(out, w.found...)
}
