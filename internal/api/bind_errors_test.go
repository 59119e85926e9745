package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// internals are words of Go, Echo and oapi-codegen that a client must never
// see in an error.
var internals = []string{"strconv", "Parse", "invalid syntax", "Invalid format", "error binding", "Unmarshal type error",
	"offset=", "code=", "internal=", "Go struct", "apigen", "json:", "uuid:", "runtime"}

func TestBadRequests_SayWhatIsWrongWithoutInternals(t *testing.T) {
	h := newAPIHarness(t, nil)
	_, bearer := h.user()
	tests := []struct {
		name   string
		req    request
		status int
		says   []string
	}{
		{"integer query parameter", request{method: http.MethodGet, target: "/api/v1/documents?limit=ten"}, 400, []string{"limit", "whole number"}},
		{"UUID query parameter", request{method: http.MethodGet, target: "/api/v1/documents?project_id=nope"}, 400, []string{"project_id", "UUID"}},
		{"boolean query parameter", request{method: http.MethodGet, target: "/api/v1/documents?unclassified=maybe"}, 400, []string{"unclassified", "true or false"}},
		{"UUID path parameter", request{method: http.MethodGet, target: "/api/v1/documents/not-a-uuid"}, 400, []string{"id", "UUID"}},
		{"JSON syntax", request{method: http.MethodPost, target: "/api/v1/projects", body: `{"name": "Harbor",}`}, 400, []string{"not valid JSON"}},
		{"JSON field type", request{method: http.MethodPost, target: "/api/v1/projects", body: `{"name": 42}`}, 400, []string{"name", "string", "number"}},
		{"nested field type", request{method: http.MethodPost, target: "/api/v1/projects", body: `{"name": "H", "normalized_tags": "harbor"}`}, 400, []string{"normalized_tags", "array"}},
		{"truncated JSON", request{method: http.MethodPut, target: "/api/v1/me/username", body: `{"username": "al`}, 400, []string{"JSON", "incomplete"}},
		{"wrong content type", request{method: http.MethodPatch, target: "/api/v1/projects/8d4f1bd6-6b90-4d3a-8c53-5f5a0f0e2f10", body: `name=x`, contentType: "application/x-www-form-urlencoded"}, 415, []string{"application/json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.bearer = bearer
			rec := h.do(tc.req)
			var p struct {
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, p.Detail)
			}
			for _, w := range tc.says {
				if !strings.Contains(p.Detail, w) {
					t.Errorf("detail %q does not say %q", p.Detail, w)
				}
			}
			for _, w := range internals {
				if strings.Contains(p.Detail, w) {
					t.Errorf("detail %q shows %q", p.Detail, w)
				}
			}
		})
	}
}
