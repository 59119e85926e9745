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
			out = append(out, problem{"path parameter " + name, "the value " + quoteShort(pathParams[name]), msg})
		}
	}
	if _, err := url.ParseQuery(ex.rawQ); err != nil {
		out = append(out, problem{"query", quoteShort(ex.rawQ), "a well-formed query string: " + err.Error()})
	}
	out = append(out, discoveryQuery(a, m).check(ex.query)...)
	if ex.alt() == "media" && !m.SupportsMediaDownload {
		out = append(out, problem{"query parameter alt", `"media"`, m.ID + " has no media download (supportsMediaDownload is not set)"})
	}
	if f := ex.query.Get("fields"); f != "" {
		sel, err := parseFields(f)
		switch {
		case err != nil:
			out = append(out, problem{"query parameter fields", quoteShort(f), "a field selector such as \"id,files(id,name)\": " + err.Error()})
		case m.Response == nil || ex.alt() == "media":
			out = append(out, problem{"query parameter fields", quoteShort(f), m.ID + " answers no JSON resource to select fields from"})
		default:
			validateSelection(a, sel, m.Response, "", func(field, want string) {
				out = append(out, problem{"query parameter fields", "a selection of " + strconv.Quote(field), want + "; Google answers 400 invalidParameter"})
			})
		}
	}
	if r.upload {
		return out // the body is media (or multipart), not the request schema
	}
	switch {
	case m.Request != nil:
		if len(ex.reqBody) == 0 {
			out = append(out, problem{"body", "no body", m.ID + " takes " + describe(a, m.Request)})
			break
		}
		if ct := mediaTypeOf(ex.reqHdr); ct != "application/json" {
			out = append(out, problem{"header Content-Type", quoteShort(ex.reqHdr.Get("Content-Type")), "a JSON request body is sent as application/json"})
		}
		v, err := decodeJSON(ex.reqBody)
		if err != nil {
			out = append(out, problem{"body", "a body that is not JSON: " + err.Error(), m.ID + " takes " + describe(a, m.Request)})
			break
		}
		w := &walker{api: a, side: Request, method: m.ID}
		w.check("$", m.Request.Ref, v, m.Request, nil)
		out = append(out, w.found...)
	case len(strings.TrimSpace(string(ex.reqBody))) > 0:
		out = append(out, problem{"body", fmt.Sprintf("a body of %d bytes", len(ex.reqBody)), m.ID + " takes no request body"})
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
		return []problem{{"status", fmt.Sprint(ex.status), "a success (2xx) or an error (4xx, 5xx) status"}}
	}
	if ex.alt() == "media" || (m.Response == nil && m.SupportsMediaDownload) {
		// Media: the bytes of the resource, typed by their own media type.
		var out []problem
		if ex.status != http.StatusOK && ex.status != http.StatusPartialContent {
			out = append(out, problem{"status", fmt.Sprint(ex.status), "a media download answers 200 (206 for a range)"})
		}
		if ex.respHdr.Get("Content-Type") == "" {
			out = append(out, problem{"header Content-Type", "none", "a media download is typed with the content's media type"})
		}
		return out
	}
	if m.Response == nil {
		if len(strings.TrimSpace(string(ex.body))) > 0 {
			return []problem{{"body", fmt.Sprintf("a body of %d bytes", len(ex.body)), m.ID + " answers an empty body"}}
		}
		if ex.status != http.StatusNoContent && ex.status != http.StatusOK {
			return []problem{{"status", fmt.Sprint(ex.status), m.ID + " answers 204 No Content"}}
		}
		return nil
	}
	var out []problem
	if ex.status != http.StatusOK {
		out = append(out, problem{"status", fmt.Sprint(ex.status), m.ID + " answers 200 with " + describe(a, m.Response)})
	}
	if ct := mediaTypeOf(ex.respHdr); ct != "application/json" {
		out = append(out, problem{"header Content-Type", quoteShort(ex.respHdr.Get("Content-Type")), "a JSON answer is application/json"})
	}
	v, err := decodeJSON(ex.body)
	if err != nil {
		return append(out, problem{"$", "a body that is not JSON: " + err.Error(), m.ID + " answers " + describe(a, m.Response)})
	}
	sel, _ := parseFields(ex.query.Get("fields")) // a bad selector is a request problem
	w := &walker{api: a, side: Response, method: m.ID}
	w.check("$", m.Response.Ref, v, m.Response, sel)
	return append(out, w.found...)
}
