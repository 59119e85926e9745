// Package openaifake is a small fake of the OpenAI chat completions API for
// tests, evaluation and the product's sandbox mode. It is an http.Handler:
//
//	fake := openaifake.New(openaifake.Options{})
//	srv := httptest.NewServer(fake)
//	// client BaseURL: srv.URL + "/v1"
//
// It serves POST /v1/chat/completions (and /chat/completions) in the real
// wire format, insists on structured output (response_format json_schema
// with strict: true and a schema valid for strict mode; 400 with OpenAI's
// error body otherwise) and answers with JSON that fits the request's
// schema: from Options.Respond when set, else with a simple heuristic for
// project classification (schema "project_classification": it picks the
// project_id enum candidate whose name, keywords, people, domains and codes,
// listed in the prompt as "[project]" blocks of "key: value" lines, best
// overlap the document) and for onboarding ("project_profile"), and with a
// minimal valid instance of any other schema.
//
// Faults are injected with Inject (the next n requests) or per request with
// the X-Fake-Fault header (for manual testing): see the Fault constants.
package openaifake

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is an injectable failure.
type Fault string

// Faults.
const (
	FaultRateLimit       Fault = "rate_limit"       // 429 rate_limit_exceeded with Retry-After and x-ratelimit-reset-requests
	FaultQuota           Fault = "quota"            // 429 insufficient_quota
	FaultServerError     Fault = "server_error"     // 500 server_error
	FaultUnauthorized    Fault = "unauthorized"     // 401 invalid_api_key
	FaultRefusal         Fault = "refusal"          // 200, message.refusal set, no content
	FaultTruncate        Fault = "truncate"         // 200, finish_reason length, JSON cut in half
	FaultMalformed       Fault = "malformed"        // 200, content that is not JSON
	FaultSchemaViolation Fault = "schema_violation" // 200, JSON that does not fit the schema
	FaultContentFilter   Fault = "content_filter"   // 200, finish_reason content_filter, no content
	FaultSlow            Fault = "slow"             // answers after Options.SlowDelay (or when the client gives up)
)

// FaultHeader is the request header that injects a fault into one request.
const FaultHeader = "X-Fake-Fault"

// Options configure a Fake.
type Options struct {
	// APIKey, when set, is required as "Authorization: Bearer <APIKey>".
	APIKey string
	// RetryAfter is announced with FaultRateLimit. Default 2s.
	RetryAfter time.Duration
	// SlowDelay is the delay of FaultSlow. Default 5s.
	SlowDelay time.Duration
	// Respond, when set, scripts the answers: it returns the message
	// content (JSON) for a request, or ok=false to fall back to the
	// built-in answers.
	Respond func(Request) (content string, ok bool)
}

// Request is what the fake understood of a chat completion request.
type Request struct {
	Model      string
	SchemaName string
	Schema     json.RawMessage
	System     string
	User       string
	// Enum is the enum of the schema's project_id property, if any.
	Enum []string
}

// Fake is the fake server. It is safe for concurrent use.
type Fake struct {
	opts Options

	mu       sync.Mutex
	faults   []Fault
	total    int
	bySchema map[string]int
	last     *Request
	seq      int
}

// New returns a Fake.
func New(opts Options) *Fake {
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = 2 * time.Second
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = 5 * time.Second
	}
	return &Fake{opts: opts, bySchema: map[string]int{}}
}

// Inject makes the next n requests fail with fault (after any faults
// injected before).
func (f *Fake) Inject(fault Fault, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < n; i++ {
		f.faults = append(f.faults, fault)
	}
}

// Requests returns the number of requests received (including rejected
// and faulted ones).
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

// RequestsFor returns the number of well-formed requests with the given
// schema name.
func (f *Fake) RequestsFor(schemaName string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bySchema[schemaName]
}

// Last returns the last well-formed request.
func (f *Fake) Last() (Request, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		return Request{}, false
	}
	return *f.last, true
}

// Reset clears the counters and the pending faults.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults, f.total, f.bySchema, f.last = nil, 0, map[string]int{}, nil
}

func (f *Fake) nextFault(r *http.Request) Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total++
	f.seq++
	if h := r.Header.Get(FaultHeader); h != "" {
		return Fault(h)
	}
	if len(f.faults) == 0 {
		return ""
	}
	ft := f.faults[0]
	f.faults = f.faults[1:]
	return ft
}

// ---- wire format ----

type wireRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream         bool `json:"stream"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

type wireMessage struct {
	Role    string  `json:"role"`
	Content *string `json:"content"`
	Refusal *string `json:"refusal"`
}

type wireChoice struct {
	Index        int         `json:"index"`
	Message      wireMessage `json:"message"`
	Logprobs     any         `json:"logprobs"`
	FinishReason string      `json:"finish_reason"`
}

type wireUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type wireResponse struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []wireChoice `json:"choices"`
	Usage             wireUsage    `json:"usage"`
	SystemFingerprint string       `json:"system_fingerprint"`
}

func writeError(w http.ResponseWriter, status int, typ, code, param, msg string) {
	var c, p any
	if code != "" {
		c = code
	}
	if param != "" {
		p = param
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": p, "code": c}})
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := f.nextFault(r)
	if !strings.HasSuffix(strings.TrimRight(r.URL.Path, "/"), "/chat/completions") {
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url", "", "Unknown request URL: "+r.Method+" "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "", "Only POST is supported")
		return
	}
	if f.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+f.opts.APIKey {
		fault = FaultUnauthorized
	}
	switch fault {
	case FaultRateLimit:
		secs := int(math.Ceil(f.opts.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.Header().Set("X-Ratelimit-Limit-Requests", "3")
		w.Header().Set("X-Ratelimit-Remaining-Requests", "0")
		w.Header().Set("X-Ratelimit-Reset-Requests", f.opts.RetryAfter.String())
		writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", "",
			fmt.Sprintf("Rate limit reached for requests in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in %s.", f.opts.RetryAfter))
		return
	case FaultQuota:
		writeError(w, http.StatusTooManyRequests, "insufficient_quota", "insufficient_quota", "",
			"You exceeded your current quota, please check your plan and billing details.")
		return
	case FaultServerError:
		writeError(w, http.StatusInternalServerError, "server_error", "", "", "The server had an error while processing your request. Sorry about that!")
		return
	case FaultUnauthorized:
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "", "Incorrect API key provided.")
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "", "Could not read the request body: "+err.Error())
		return
	}
	req, msg, param := parseRequest(body)
	if msg != "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", param, msg)
		return
	}
	f.mu.Lock()
	f.bySchema[req.SchemaName]++
	f.last = &req
	id := f.seq
	f.mu.Unlock()

	if fault == FaultSlow {
		t := time.NewTimer(f.opts.SlowDelay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}

	content := ""
	if f.opts.Respond != nil {
		if c, ok := f.opts.Respond(req); ok {
			content = c
		}
	}
	if content == "" {
		content = answer(req)
	}
	finish := "stop"
	msgOut := wireMessage{Role: "assistant"}
	switch fault {
	case FaultRefusal:
		s := "I'm sorry, but I can't help with that request."
		msgOut.Refusal = &s
	case FaultTruncate:
		cut := content[:len(content)/2]
		msgOut.Content = &cut
		finish = "length"
	case FaultMalformed:
		s := "Sure! The document belongs to the first project."
		msgOut.Content = &s
	case FaultSchemaViolation:
		s := `{"unexpected": "field", "confidence": "high"}`
		msgOut.Content = &s
	case FaultContentFilter:
		finish = "content_filter"
	default:
		msgOut.Content = &content
	}
	prompt := (len(body) + 3) / 4
	completion := (len(content) + 3) / 4
	if fault == FaultTruncate {
		completion /= 2
	}
	resp := wireResponse{
		ID: fmt.Sprintf("chatcmpl-fake-%d", id), Object: "chat.completion", Created: time.Now().Unix(), Model: req.Model,
		Choices:           []wireChoice{{Index: 0, Message: msgOut, FinishReason: finish}},
		Usage:             wireUsage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion},
		SystemFingerprint: "fp_fake",
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Ratelimit-Remaining-Requests", "999")
	_ = json.NewEncoder(w).Encode(resp)
}

// parseRequest validates a request body; msg is the error for a 400.
func parseRequest(body []byte) (req Request, msg, param string) {
	var wr wireRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		return req, "We could not parse the JSON body of your request: " + err.Error(), ""
	}
	if wr.Model == "" {
		return req, "you must provide a model parameter", "model"
	}
	if len(wr.Messages) == 0 {
		return req, "[] is too short - 'messages'", "messages"
	}
	if wr.Stream {
		return req, "the fake does not support streaming", "stream"
	}
	rf := wr.ResponseFormat
	if rf == nil || rf.Type != "json_schema" {
		return req, "this endpoint requires response_format.type 'json_schema' (structured outputs)", "response_format"
	}
	if rf.JSONSchema == nil || rf.JSONSchema.Name == "" {
		return req, "Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema"
	}
	if !rf.JSONSchema.Strict {
		return req, "response_format.json_schema.strict must be true", "response_format.json_schema.strict"
	}
	var schema map[string]any
	if err := json.Unmarshal(rf.JSONSchema.Schema, &schema); err != nil || schema == nil {
		return req, "Invalid schema for response_format '" + rf.JSONSchema.Name + "': schema must be a JSON object", "response_format"
	}
	if err := checkStrict(schema, "root"); err != "" {
		return req, "Invalid schema for response_format '" + rf.JSONSchema.Name + "': In context=(" + err, "response_format"
	}
	req = Request{Model: wr.Model, SchemaName: rf.JSONSchema.Name, Schema: rf.JSONSchema.Schema}
	for _, m := range wr.Messages {
		text := messageText(m.Content)
		switch m.Role {
		case "system", "developer":
			req.System += text
		case "user":
			req.User += text
		}
	}
	if props, ok := schema["properties"].(map[string]any); ok {
		if pid, ok := props["project_id"].(map[string]any); ok {
			if enum, ok := pid["enum"].([]any); ok {
				for _, e := range enum {
					if s, ok := e.(string); ok {
						req.Enum = append(req.Enum, s)
					}
				}
			}
		}
	}
	return req, "", ""
}

// checkStrict applies strict mode's rules: every object lists all its
// properties as required and sets additionalProperties to false.
func checkStrict(s map[string]any, path string) string {
	switch s["type"] {
	case "object":
		props, _ := s["properties"].(map[string]any)
		if ap, ok := s["additionalProperties"].(bool); !ok || ap {
			return path + "), 'additionalProperties' is required to be supplied and to be false."
		}
		req := map[string]bool{}
		if rs, ok := s["required"].([]any); ok {
			for _, r := range rs {
				if k, ok := r.(string); ok {
					req[k] = true
				}
			}
		}
		for k, v := range props {
			if !req[k] {
				return path + "), 'required' is required to be supplied and to be an array including every key in properties. Missing '" + k + "'."
			}
			if sub, ok := v.(map[string]any); ok {
				if e := checkStrict(sub, path+", "+k); e != "" {
					return e
				}
			}
		}
	case "array":
		if items, ok := s["items"].(map[string]any); ok {
			return checkStrict(items, path+", items")
		}
		return path + "), array schema must have 'items'."
	case nil:
		if _, ok := s["anyOf"]; !ok {
			if _, ok := s["$ref"]; !ok {
				return path + "), schema must have a 'type' key."
			}
		}
	}
	return ""
}

func messageText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	return ""
}
