package conformance

import (
	"fmt"
	"regexp"
	"strings"
)

// Side is which half of an exchange broke the rule.
type Side string

// The sides of an exchange. Request violations are the product's (it sent
// what Google would refuse or ignore); response and push violations are the
// fake's (it answered or pushed what Google never sends).
const (
	Request  Side = "request"
	Response Side = "response"
	Push     Side = "push"
)

// Violation is one difference between an exchange and what Google
// documents.
type Violation struct {
	// Method is the discovery method id (gmail.users.messages.get), the
	// id of a hand-written endpoint (oauth2.token), of a push
	// (pubsub.push, drive.notification), or "unknown".
	Method string
	Side   Side
	// Path locates the problem: a JSON path ($.messages[3].historyId),
	// "query parameter format", "header X-Goog-Channel-ID", "status".
	Path string
	// Got is what was sent.
	Got string
	// Want is what the authority says.
	Want string
	// Source is the authority: "gmail/v1 discovery (revision 20261005)"
	// or a documentation URL.
	Source string
	// Call is the HTTP exchange: "GET /gmail/v1/users/me/messages/1?format=raw → 200".
	Call string
	// Status is the HTTP status of the answer, 0 when there was none.
	Status int
}

// RefusedRequest matches a request violation the fake answered with a 4xx:
// the fake refused what Google refuses. Tests of the fake that send bad
// requests on purpose tolerate these (Checker.Tolerate); an invalid
// request the fake accepted is still reported.
func RefusedRequest(v Violation) bool {
	return v.Side == Request && v.Status >= 400 && v.Status < 500
}

// String is the one-line report a failing test prints.
func (v Violation) String() string {
	return fmt.Sprintf("%s %s %s: got %s; %s says %s [%s]", v.Method, v.Side, v.Path, v.Got, v.Source, v.Want, v.Call)
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// key identifies a violation up to array indices and the call, so that
// the same fault on every message of a list or every call is one entry.
func (v Violation) key() string {
	return strings.Join([]string{v.Method, string(v.Side), indexRE.ReplaceAllString(v.Path, "[]"), v.Want}, "\x00")
}
