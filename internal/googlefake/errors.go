package googlefake

import (
	"encoding/json"
	"errors"
	"net/http"
)

// ErrNotFound is returned by the programmatic API when a mailbox message,
// Drive file or channel does not exist.
var ErrNotFound = errors.New("googlefake: not found")

// apiError is the JSON error envelope every Google REST API returns. The
// generated Go clients decode it into *googleapi.Error, so Code,
// Errors[].Reason and Message must sit exactly where Google puts them.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Errors  []apiErrorItem `json:"errors"`
	Status  string         `json:"status,omitempty"`
}

type apiErrorItem struct {
	Message      string `json:"message"`
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Location     string `json:"location,omitempty"`
	LocationType string `json:"locationType,omitempty"`
}

// grpcStatus maps HTTP codes to the canonical status names Google puts in
// error.status.
var grpcStatus = map[int]string{
	http.StatusBadRequest:          "INVALID_ARGUMENT",
	http.StatusUnauthorized:        "UNAUTHENTICATED",
	http.StatusForbidden:           "PERMISSION_DENIED",
	http.StatusNotFound:            "NOT_FOUND",
	http.StatusConflict:            "ALREADY_EXISTS",
	http.StatusTooManyRequests:     "RESOURCE_EXHAUSTED",
	http.StatusInternalServerError: "INTERNAL",
	http.StatusServiceUnavailable:  "UNAVAILABLE",
}

// writeError writes a Google error body. Rate-limit reasons live in the
// "usageLimits" domain, everything else in "global", as Google does.
func writeError(w http.ResponseWriter, code int, reason, message string) {
	writeErrorAt(w, code, reason, message, "", "")
}

// writeErrorAt is writeError with the optional location fields Drive adds
// for parameter errors (location "fileId", locationType "parameter").
func writeErrorAt(w http.ResponseWriter, code int, reason, message, location, locationType string) {
	domain := "global"
	switch reason {
	case "rateLimitExceeded", "userRateLimitExceeded":
		domain = "usageLimits"
	}
	writeJSON(w, code, apiError{Error: apiErrorBody{
		Code:    code,
		Message: message,
		Errors: []apiErrorItem{{
			Message: message, Domain: domain, Reason: reason,
			Location: location, LocationType: locationType,
		}},
		Status: grpcStatus[code],
	}})
}

func writeNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "notFound", "Requested entity was not found.")
}

func writeBadRequest(w http.ResponseWriter, message string) {
	writeError(w, http.StatusBadRequest, "invalidArgument", message)
}

// writeJSON encodes v with the status code. Encoding errors can only come
// from a broken connection at this point, so they are ignored.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeBody reads a JSON request body into v, answering 400 like Google
// when it does not parse. It reports whether the caller may go on.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "parseError", "Invalid JSON payload received. "+err.Error())
		return false
	}
	return true
}
