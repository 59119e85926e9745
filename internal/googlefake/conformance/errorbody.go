package conformance

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// errorDoc is the authority for Google's error body, which discovery does
// not describe: AIP-193 and the HTTP mapping of google.rpc.Code.
const errorDoc = "https://cloud.google.com/apis/design/errors#http_mapping"

// canonicalStatus maps an HTTP status to the google.rpc.Code names Google
// puts in error.status for it (google/rpc/code.proto, "HTTP Mapping").
// Statuses outside the table (410 Gone of Calendar's expired sync token,
// 412, 413) carry no fixed name.
var canonicalStatus = map[int][]string{
	400: {"INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE"},
	401: {"UNAUTHENTICATED"},
	403: {"PERMISSION_DENIED"},
	404: {"NOT_FOUND"},
	409: {"ABORTED", "ALREADY_EXISTS"},
	429: {"RESOURCE_EXHAUSTED"},
	499: {"CANCELLED"},
	500: {"INTERNAL", "UNKNOWN", "DATA_LOSS"},
	501: {"UNIMPLEMENTED"},
	503: {"UNAVAILABLE"},
	504: {"DEADLINE_EXCEEDED"},
}

func canonicalNames() []string {
	names := []string{"OK"}
	for _, n := range canonicalStatus {
		names = append(names, n...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// errorEnvelope is the JSON error body of Google's REST APIs as a schema:
// {"error": {"code", "message", "status", "errors": [{"domain", "reason",
// "message", "location", "locationType"}], "details"}}. The errors list
// is the v1 error format that Gmail, Drive and Calendar send and that
// googleapi.Error exposes as Errors[].Reason.
func errorEnvelope() *Schema {
	str := func() *Schema { return &Schema{Type: "string"} }
	item := &Schema{ID: "ErrorItem", Type: "object", Properties: map[string]*Schema{
		"domain": str(), "reason": str(), "message": str(), "location": str(), "locationType": str(),
		"extendedHelp": str(), "sendReport": str(),
	}}
	status := &Schema{ID: "Status", Type: "object", Properties: map[string]*Schema{
		"code":    {Type: "integer", Format: "int32"},
		"message": str(),
		"status":  {Type: "string", Enum: canonicalNames()},
		"errors":  {Type: "array", Items: item},
		"details": {Type: "array", Items: &Schema{Type: "object"}},
	}}
	return &Schema{ID: "ErrorResponse", Type: "object", Properties: map[string]*Schema{"error": status}}
}

// checkAPIError checks an error answer of a Google REST API.
func checkAPIError(code int, h http.Header, body []byte) []problem {
	var out []problem
	add := func(path, got, want string) {
		out = append(out, problem{path: path, got: got, want: want})
	}
	if ct := mediaTypeOf(h); ct != "application/json" {
		add("header Content-Type", quoteShort(h.Get("Content-Type")), "an error body is application/json")
	}
	v, err := decodeJSON(body)
	if err != nil {
		return withSource(append(out, problem{path: "$", got: "a body that is not JSON (" + quoteShort(string(body)) + ")", want: `an error body is {"error": {"code", "message", "status", "errors": [...]}}`}), errorDoc)
	}
	w := &walker{side: Response, method: ""}
	w.run(rootLoc("ErrorResponse"), v, errorEnvelope(), nil)
	out = append(out, w.found...)
	top, _ := v.(map[string]any)
	e, _ := top["error"].(map[string]any)
	if _, present := top["error"]; !present {
		out = append(out, problem{path: "$.error", got: "no error object", want: `an error body is {"error": {...}}`})
	}
	if e == nil {
		return withSource(out, errorDoc)
	}
	if n, ok := e["code"].(json.Number); !ok || n.String() != strconv.Itoa(code) {
		add("$.error.code", describeField(e, "code"), fmt.Sprintf("error.code is the HTTP status, %d", code))
	}
	if m, _ := e["message"].(string); m == "" {
		add("$.error.message", describeField(e, "message"), "error.message is a non-empty string")
	}
	names, mapped := canonicalStatus[code]
	switch st, present := e["status"]; {
	case !present && mapped:
		add("$.error.status", "no status", fmt.Sprintf("HTTP %d carries error.status %s", code, strings.Join(names, " or ")))
	case present && mapped && !slices.Contains(names, fmt.Sprint(st)):
		add("$.error.status", describeField(e, "status"), fmt.Sprintf("HTTP %d carries error.status %s", code, strings.Join(names, " or ")))
	}
	items, _ := e["errors"].([]any)
	if len(items) == 0 {
		add("$.error.errors", describeField(e, "errors"), "error.errors lists at least one {domain, reason, message}")
	}
	for i, it := range items {
		m, _ := it.(map[string]any)
		for _, k := range []string{"reason", "domain", "message"} {
			if s, _ := m[k].(string); s == "" {
				add(fmt.Sprintf("$.error.errors[%d].%s", i, k), describeField(m, k), "every error item has a non-empty "+k)
			}
		}
	}
	return withSource(out, errorDoc)
}

func withSource(ps []problem, source string) []problem {
	for i := range ps {
		ps[i].source = source
	}
	return ps
}

func describeField(m map[string]any, k string) string {
	v, ok := m[k]
	if !ok {
		return "no field " + strconv.Quote(k)
	}
	return jsonKind(v)
}

// mediaTypeOf is the response's media type without parameters.
func mediaTypeOf(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}
