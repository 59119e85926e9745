package openaifake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/besunny/workflows/internal/openaifake"
)

const schema = `{"type":"object","properties":{"project_id":{"type":"string","enum":["hv","ms","none"]},"confidence":{"type":"number"},` +
	`"matched_tags":{"type":"array","items":{"type":"string"}},"inferred_tags":{"type":"array","items":{"type":"string"}},"reason":{"type":"string"}},` +
	`"required":["project_id","confidence","matched_tags","inferred_tags","reason"],"additionalProperties":false}`

const prompt = "Candidate projects:\n\n[project]\nid: hv\nname: Harbor View Residences\nkeywords: Quay Road, balconies\n\n[project]\nid: ms\nname: Maple Street Library\ncodes: MSL-2307\n\nDocument:\ntitle: ceiling\n<document>\nThe Maple Street Library reading room ceiling, ref MSL-2307.\n</document>\n"

func body(format string) string {
	return `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"sys"},{"role":"user","content":` + mustJSON(prompt) + `}],"response_format":` + format + `}`
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var strictFormat = `{"type":"json_schema","json_schema":{"name":"project_classification","strict":true,"schema":` + schema + `}}`

func post(t *testing.T, url, b string, hdr map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("body %q: %v", raw, err)
	}
	return resp, m
}

func TestFake_WireFormatAndHeuristicAnswer(t *testing.T) {
	srv := httptest.NewServer(openaifake.New(openaifake.Options{}))
	defer srv.Close()
	for _, path := range []string{"/v1/chat/completions", "/chat/completions"} {
		resp, m := post(t, srv.URL+path, body(strictFormat), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d: %v", path, resp.StatusCode, m)
		}
		for _, k := range []string{"id", "object", "created", "model", "choices", "usage"} {
			if _, ok := m[k]; !ok {
				t.Errorf("response lacks %q: %v", k, m)
			}
		}
		ch := m["choices"].([]any)[0].(map[string]any)
		msg := ch["message"].(map[string]any)
		if ch["finish_reason"] != "stop" || msg["role"] != "assistant" {
			t.Errorf("choice = %v", ch)
		}
		if _, ok := msg["refusal"]; !ok {
			t.Errorf("message lacks refusal: %v", msg)
		}
		var ans map[string]any
		if err := json.Unmarshal([]byte(msg["content"].(string)), &ans); err != nil {
			t.Fatal(err)
		}
		if ans["project_id"] != "ms" {
			t.Errorf("answer = %v, want ms", ans)
		}
		u := m["usage"].(map[string]any)
		if u["prompt_tokens"].(float64) <= 0 || u["total_tokens"].(float64) != u["prompt_tokens"].(float64)+u["completion_tokens"].(float64) {
			t.Errorf("usage = %v", u)
		}
	}
}

func TestFake_RejectsRequestsWithoutStrictSchema(t *testing.T) {
	srv := httptest.NewServer(openaifake.New(openaifake.Options{}))
	defer srv.Close()
	for name, format := range map[string]string{
		"no response_format": `null`,
		"json_object":        `{"type":"json_object"}`,
		"not strict":         `{"type":"json_schema","json_schema":{"name":"x","strict":false,"schema":` + schema + `}}`,
		"no schema":          `{"type":"json_schema","json_schema":{"name":"x","strict":true}}`,
		"no name":            `{"type":"json_schema","json_schema":{"strict":true,"schema":` + schema + `}}`,
		"optional property":  `{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":[],"additionalProperties":false}}}`,
		"open object":        `{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}`,
	} {
		resp, m := post(t, srv.URL+"/v1/chat/completions", body(format), nil)
		if resp.StatusCode != 400 {
			t.Errorf("%s: status %d", name, resp.StatusCode)
			continue
		}
		e, _ := m["error"].(map[string]any)
		if e == nil || e["type"] != "invalid_request_error" || e["message"] == "" {
			t.Errorf("%s: error body %v", name, m)
		}
	}
	if resp, _ := post(t, srv.URL+"/v1/embeddings", body(strictFormat), nil); resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

func TestFake_InjectedFaultsCountsAndHeader(t *testing.T) {
	fake := openaifake.New(openaifake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	fake.Inject(openaifake.FaultRateLimit, 2)
	fake.Inject(openaifake.FaultQuota, 1)
	want := []int{429, 429, 429, 200}
	for i, w := range want {
		resp, m := post(t, srv.URL+"/v1/chat/completions", body(strictFormat), nil)
		if resp.StatusCode != w {
			t.Fatalf("request %d: status %d, want %d", i, resp.StatusCode, w)
		}
		if i < 2 {
			if resp.Header.Get("Retry-After") != "2" || resp.Header.Get("X-Ratelimit-Reset-Requests") != "2s" {
				t.Errorf("rate limit headers: %v", resp.Header)
			}
			if m["error"].(map[string]any)["code"] != "rate_limit_exceeded" {
				t.Errorf("body %v", m)
			}
		}
		if i == 2 && m["error"].(map[string]any)["code"] != "insufficient_quota" {
			t.Errorf("body %v", m)
		}
	}
	resp, m := post(t, srv.URL+"/v1/chat/completions", body(strictFormat), map[string]string{openaifake.FaultHeader: string(openaifake.FaultServerError)})
	if resp.StatusCode != 500 || m["error"].(map[string]any)["type"] != "server_error" {
		t.Errorf("header fault: %d %v", resp.StatusCode, m)
	}
	if fake.Requests() != 5 || fake.RequestsFor("project_classification") != 1 {
		t.Errorf("counts %d / %d", fake.Requests(), fake.RequestsFor("project_classification"))
	}
	fake.Reset()
	if fake.Requests() != 0 {
		t.Error("Reset kept the count")
	}
}

func TestFake_ContentFaultsWithGoOpenAI(t *testing.T) {
	fake := openaifake.New(openaifake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = srv.URL + "/v1"
	client := openai.NewClientWithConfig(cfg)
	req := openai.ChatCompletionRequest{
		Model:    "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: prompt}},
		ResponseFormat: &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: "project_classification", Schema: json.RawMessage(schema), Strict: true}},
	}
	check := func(f openaifake.Fault, ok func(openai.ChatCompletionChoice) bool) {
		t.Helper()
		fake.Inject(f, 1)
		resp, err := client.CreateChatCompletion(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !ok(resp.Choices[0]) {
			t.Errorf("%s: choice %+v", f, resp.Choices[0])
		}
	}
	check(openaifake.FaultRefusal, func(c openai.ChatCompletionChoice) bool { return c.Message.Refusal != "" && c.Message.Content == "" })
	check(openaifake.FaultTruncate, func(c openai.ChatCompletionChoice) bool {
		return c.FinishReason == openai.FinishReasonLength && !json.Valid([]byte(c.Message.Content)) && c.Message.Content != ""
	})
	check(openaifake.FaultMalformed, func(c openai.ChatCompletionChoice) bool { return !json.Valid([]byte(c.Message.Content)) })
	check(openaifake.FaultSchemaViolation, func(c openai.ChatCompletionChoice) bool {
		return json.Valid([]byte(c.Message.Content)) && !strings.Contains(c.Message.Content, "project_id")
	})
	check(openaifake.FaultContentFilter, func(c openai.ChatCompletionChoice) bool { return c.FinishReason == openai.FinishReasonContentFilter })
	check("", func(c openai.ChatCompletionChoice) bool {
		return strings.Contains(c.Message.Content, `"project_id":"ms"`)
	})

	fake.Inject(openaifake.FaultUnauthorized, 1)
	_, err := client.CreateChatCompletion(context.Background(), req)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 || apiErr.Code != "invalid_api_key" {
		t.Errorf("unauthorized: %v", err)
	}
}

func TestFake_APIKeyRequired(t *testing.T) {
	srv := httptest.NewServer(openaifake.New(openaifake.Options{APIKey: "sk-right"}))
	defer srv.Close()
	if resp, _ := post(t, srv.URL+"/v1/chat/completions", body(strictFormat), map[string]string{"Authorization": "Bearer sk-wrong"}); resp.StatusCode != 401 {
		t.Errorf("wrong key: %d", resp.StatusCode)
	}
	if resp, _ := post(t, srv.URL+"/v1/chat/completions", body(strictFormat), map[string]string{"Authorization": "Bearer sk-right"}); resp.StatusCode != 200 {
		t.Errorf("right key: %d", resp.StatusCode)
	}
}

func TestFake_ScriptedAnswersAndOtherSchemas(t *testing.T) {
	fake := openaifake.New(openaifake.Options{Respond: func(r openaifake.Request) (string, bool) {
		if r.SchemaName == "project_classification" {
			return `{"project_id":"hv","confidence":0.8,"matched_tags":[],"inferred_tags":[],"reason":"scripted"}`, true
		}
		return "", false
	}})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	_, m := post(t, srv.URL+"/v1/chat/completions", body(strictFormat), nil)
	if c := m["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"].(string); !strings.Contains(c, "scripted") {
		t.Errorf("content %q", c)
	}
	// Any other strict schema gets a minimal valid instance.
	other := `{"type":"json_schema","json_schema":{"name":"summary","strict":true,"schema":{"type":"object","properties":{"title":{"type":"string"},"n":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}},"kind":{"type":"string","enum":["a","b"]}},"required":["title","n","tags","kind"],"additionalProperties":false}}}`
	_, m = post(t, srv.URL+"/v1/chat/completions", body(other), nil)
	c := m["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"].(string)
	var v map[string]any
	if err := json.Unmarshal([]byte(c), &v); err != nil || v["kind"] != "a" || len(v) != 4 {
		t.Errorf("content %q", c)
	}
	if !bytes.Contains([]byte(c), []byte(`"tags":[]`)) {
		t.Errorf("content %q", c)
	}
}
