package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// bindError is a request body that could not be read into the route's
// input. Its message says what is wrong in the client's terms (which field,
// which JSON type) and never carries Go, Echo or decoder internals, so a
// handler may append it to its own hint.
type bindError struct {
	status int
	detail string
}

func (e *bindError) Error() string { return e.detail }

// jsonBinder binds JSON request bodies, and only JSON, with errors a client
// can act on. Echo's DefaultBinder would also bind form and XML bodies
// silently, and its errors name Go types and byte offsets.
type jsonBinder struct{}

// Bind decodes the request's JSON body into i. An empty body binds nothing
// (the handler's validation then speaks).
func (jsonBinder) Bind(i any, c echo.Context) error {
	r := c.Request()
	if r.ContentLength == 0 {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mt != echo.MIMEApplicationJSON {
		return &bindError{http.StatusUnsupportedMediaType, "send the body as JSON with Content-Type: application/json"}
	}
	err := json.NewDecoder(r.Body).Decode(i)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	return &bindError{http.StatusBadRequest, describeJSONError(err)}
}

func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("the body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body is incomplete JSON"
	case errors.As(err, &typ):
		want := jsonTypeName(typ.Type)
		if typ.Field == "" {
			return fmt.Sprintf("the body must be a JSON %s, not %s", want, withArticle(typ.Value))
		}
		return fmt.Sprintf("the field %s must be %s, not %s", typ.Field, withArticle(want), withArticle(typ.Value))
	case errors.As(err, &tooBig), errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge:
		return "the body is larger than this route accepts"
	default:
		return "the body could not be read as JSON"
	}
}

// jsonTypeName names the JSON type that decodes into t.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		if t.PkgPath() != "" && t.Name() == "UUID" {
			return "UUID string"
		}
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole number"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Name() == "UUID" {
			return "UUID string"
		}
		return "array"
	case reflect.Map, reflect.Struct:
		if t.Name() == "Time" {
			return "RFC 3339 date-time string"
		}
		return "object"
	}
	return "value of another type"
}

func withArticle(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// bindFailed turns a Bind error into the route's problem: what is wrong,
// then hint (what to send).
func bindFailed(err error, hint string) error {
	var be *bindError
	if errors.As(err, &be) {
		return newProblem(be.status, be.detail+"; "+hint)
	}
	return badRequest(hint)
}

// Messages of oapi-codegen's parameter binding (internal/api/apigen).
var (
	paramFormat   = regexp.MustCompile(`^Invalid format for parameter ([A-Za-z0-9_-]+): (.*)$`)
	paramRequired = regexp.MustCompile(`^(Query argument|Header parameter) ([A-Za-z0-9_-]+) is required, but not found$`)
	paramRepeated = regexp.MustCompile(`^Expected one value for ([A-Za-z0-9_-]+), got \d+$`)
)

// publicDetail rewrites the message of an echo.HTTPError raised before a
// handler ran (parameter binding in the generated code, Echo's own binder)
// into what a client can act on; other messages are kept.
func publicDetail(he *echo.HTTPError) string {
	msg, _ := he.Message.(string)
	if m := paramFormat.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("the parameter %s must be %s", m[1], expectedFormat(m[2]))
	}
	if m := paramRequired.FindStringSubmatch(msg); m != nil {
		kind := "query parameter"
		if m[1] == "Header parameter" {
			kind = "header"
		}
		return fmt.Sprintf("the %s %s is required", kind, m[2])
	}
	if m := paramRepeated.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("send %s once", m[1])
	}
	if he.Internal != nil || strings.HasPrefix(msg, "Syntax error") || strings.HasPrefix(msg, "Unmarshal type error") {
		// Echo's binder, reached by a path that bypassed jsonBinder.
		return describeJSONError(he.Internal)
	}
	if msg == "" {
		return http.StatusText(he.Code)
	}
	return msg
}

// expectedFormat reads the cause of a parameter binding error and says what
// the value should have been.
func expectedFormat(cause string) string {
	switch {
	case strings.Contains(cause, "ParseInt"), strings.Contains(cause, "ParseUint"):
		if strings.Contains(cause, "out of range") {
			return "a whole number within range"
		}
		return "a whole number"
	case strings.Contains(cause, "ParseFloat"):
		return "a number"
	case strings.Contains(cause, "ParseBool"):
		return "true or false"
	case strings.Contains(cause, "uuid"), strings.Contains(cause, "UUID"):
		return "a UUID"
	case strings.Contains(cause, "parsing time"):
		return "an RFC 3339 date-time"
	}
	return "a valid value"
}
