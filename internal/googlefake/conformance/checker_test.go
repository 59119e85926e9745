package conformance_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	drive "google.golang.org/api/drive/v3"
	gmail "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/internal/googlefake/conformance"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
)

// answer writes a canned answer, standing in for a broken fake.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if body != "" {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// serve puts fake behind a recording checker and returns the checker and
// the server's URL.
func serve(t *testing.T, fake http.Handler) (*conformance.Checker, string) {
	t.Helper()
	c := conformance.New(conformancetest.Spec(t), conformance.ModeRecord, nil)
	srv := httptest.NewServer(c.Middleware(fake))
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func gmailAt(t *testing.T, base string) *gmail.Service {
	t.Helper()
	svc, err := gmail.NewService(context.Background(), option.WithEndpoint(base+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func driveAt(t *testing.T, base string) *drive.Service {
	t.Helper()
	svc, err := drive.NewService(context.Background(), option.WithEndpoint(base+"/drive/v3/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// raw sends a request the Go clients would never build.
func raw(t *testing.T, method, url, contentType, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

const (
	okMessage = `{"id":"1","threadId":"1","historyId":"7","internalDate":"1700000000000","sizeEstimate":12}`
	okError   = `{"error":{"code":404,"message":"Requested entity was not found.","errors":[{"message":"Requested entity was not found.","domain":"global","reason":"notFound"}],"status":"NOT_FOUND"}}`
)

// TestChecker_DeliberateViolationsNameTheMethodAndThePath breaks one rule
// per case, on the request side (what the product sends) or the answer
// side (what a fake sends), and expects exactly one violation whose report
// names the discovery method, the JSON path or parameter, and what the
// document says.
func TestChecker_DeliberateViolationsNameTheMethodAndThePath(t *testing.T) {
	cases := []struct {
		name string
		fake http.Handler
		call func(t *testing.T, base string)
		// method, side and path of the one expected violation; want is a
		// piece of what the authority says.
		method, path, want string
		side               conformance.Side
	}{{
		name: "renamed field in an answer",
		fake: answer(200, `{"id":"1","threadID":"1"}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.Get("me", "1").Do() },
		side: conformance.Response, method: "gmail.users.messages.get", path: "$.threadID",
		want: `Message has no field "threadID"`,
	}, {
		name: "int64 sent as a JSON number, deep in a list",
		fake: answer(200, `{"messages":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d","historyId":123}],"resultSizeEstimate":4}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.List("me").Do() },
		side: conformance.Response, method: "gmail.users.messages.list", path: "$.messages[3].historyId",
		want: "64-bit integers are sent as JSON strings",
	}, {
		name: "int32 sent as a string",
		fake: answer(200, `{"id":"1","sizeEstimate":"12"}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.Get("me", "1").Do() },
		side: conformance.Response, method: "gmail.users.messages.get", path: "$.sizeEstimate",
		want: "32-bit integers are sent as JSON numbers",
	}, {
		name: "missing required parameter",
		fake: answer(200, "ok"),
		call: func(t *testing.T, base string) { raw(t, "GET", base+"/drive/v3/files/f1/export?alt=media", "", "") },
		side: conformance.Request, method: "drive.files.export", path: "query parameter mimeType",
		want: "required",
	}, {
		name: "required only in the description (Gmail's startHistoryId)",
		fake: answer(200, `{"historyId":"9"}`),
		call: func(t *testing.T, base string) { raw(t, "GET", base+"/gmail/v1/users/me/history", "", "") },
		side: conformance.Request, method: "gmail.users.history.list", path: "query parameter startHistoryId",
		want: "required",
	}, {
		name: "unknown enum value in a parameter",
		fake: answer(200, okMessage),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.Get("me", "1").Format("weird").Do() },
		side: conformance.Request, method: "gmail.users.messages.get", path: "query parameter format",
		want: "one of [minimal full raw metadata]",
	}, {
		name: "unknown enum value in an answer",
		fake: answer(200, `{"labels":[{"id":"INBOX","name":"INBOX","type":"system"},{"id":"Label_1","name":"x","type":"custom"}]}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Labels.List("me").Do() },
		side: conformance.Response, method: "gmail.users.labels.list", path: "$.labels[1].type",
		want: "one of [system user]",
	}, {
		name: "wrong error body",
		fake: answer(404, `{"error":{"code":404,"message":"not here","errors":[{"message":"not here","domain":"global","reason":"notFound"}]}}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.Get("me", "1").Do() },
		side: conformance.Response, method: "gmail.users.messages.get", path: "$.error.status",
		want: "HTTP 404 carries error.status NOT_FOUND",
	}, {
		name: "error code that is not the HTTP status",
		fake: answer(429, strings.ReplaceAll(strings.ReplaceAll(okError, "404", "403"), "NOT_FOUND", "RESOURCE_EXHAUSTED")),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.Get("me", "1").Do() },
		side: conformance.Response, method: "gmail.users.messages.get", path: "$.error.code",
		want: "error.code is the HTTP status, 429",
	}, {
		name: "error body that is not Google's envelope",
		fake: answer(500, `{"error":"boom"}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.GetProfile("me").Do() },
		side: conformance.Response, method: "gmail.users.getProfile", path: "$.error",
		want: "ErrorResponse.error is an object Status",
	}, {
		name: "unknown query parameter",
		fake: answer(200, okMessage),
		call: func(t *testing.T, base string) {
			raw(t, "GET", base+"/gmail/v1/users/me/messages/1?format=raw&includeBody=true", "", "")
		},
		side: conformance.Request, method: "gmail.users.messages.get", path: "query parameter includeBody",
		want: "no such parameter",
	}, {
		name: "a single-valued parameter sent twice",
		fake: answer(200, okMessage),
		call: func(t *testing.T, base string) {
			raw(t, "GET", base+"/gmail/v1/users/me/messages/1?format=raw&format=full", "", "")
		},
		side: conformance.Request, method: "gmail.users.messages.get", path: "query parameter format",
		want: "not repeated",
	}, {
		name: "integer parameter that is not an integer",
		fake: answer(200, `{"historyId":"9"}`),
		call: func(t *testing.T, base string) {
			raw(t, "GET", base+"/gmail/v1/users/me/history?startHistoryId=5&maxResults=lots", "", "")
		},
		side: conformance.Request, method: "gmail.users.history.list", path: "query parameter maxResults",
		want: "an integer (format uint32)",
	}, {
		name: "unknown field in a request body",
		fake: answer(200, `{"id":"1"}`),
		call: func(t *testing.T, base string) {
			raw(t, "POST", base+"/gmail/v1/users/me/messages/1/modify", "application/json", `{"addLabels":["INBOX"]}`)
		},
		side: conformance.Request, method: "gmail.users.messages.modify", path: "$.addLabels",
		want: `ModifyMessageRequest has no field "addLabels"`,
	}, {
		name: "request field required by the method",
		fake: answer(200, `{"id":"Label_1","name":"x"}`),
		call: func(t *testing.T, base string) {
			gmailAt(t, base).Users.Labels.Create("me", &gmail.Label{Name: "x", LabelListVisibility: "labelShow"}).Do()
		},
		side: conformance.Request, method: "gmail.users.labels.create", path: "$.messageListVisibility",
		want: "required by gmail.users.labels.create",
	}, {
		name: "request field of the wrong type",
		fake: answer(204, ""),
		call: func(t *testing.T, base string) {
			raw(t, "POST", base+"/gmail/v1/users/me/messages/batchModify", "application/json", `{"ids":"a,b"}`)
		},
		side: conformance.Request, method: "gmail.users.messages.batchModify", path: "$.ids",
		want: "an array of a string",
	}, {
		name: "field the fields= selection did not ask for",
		fake: answer(200, `{"id":"f1","name":"notes.txt"}`),
		call: func(t *testing.T, base string) { driveAt(t, base).Files.Get("f1").Fields("id").Do() },
		side: conformance.Response, method: "drive.files.get", path: "$.name",
		want: "carries only the selected fields",
	}, {
		name: "fields= naming a field the resource lacks",
		fake: answer(200, `{"id":"f1"}`),
		call: func(t *testing.T, base string) { driveAt(t, base).Files.Get("f1").Fields("id", "title").Do() },
		side: conformance.Request, method: "drive.files.get", path: "query parameter fields",
		want: `File has no field "title"`,
	}, {
		name: "media download of a method without media",
		fake: answer(200, `{"emailAddress":"a@b.c"}`),
		call: func(t *testing.T, base string) { raw(t, "GET", base+"/gmail/v1/users/me/profile?alt=media", "", "") },
		side: conformance.Request, method: "gmail.users.getProfile", path: "query parameter alt",
		want: "has no media download",
	}, {
		name: "JSON method answering no body",
		fake: answer(204, ""),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.GetProfile("me").Do() },
		side: conformance.Response, method: "gmail.users.getProfile", path: "status",
		want: "answers 200 with an object Profile",
	}, {
		name: "empty-answer method answering a body",
		fake: answer(200, `{}`),
		call: func(t *testing.T, base string) {
			gmailAt(t, base).Users.Messages.BatchModify("me", &gmail.BatchModifyMessagesRequest{Ids: []string{"1"}}).Do()
		},
		side: conformance.Response, method: "gmail.users.messages.batchModify", path: "body",
		want: "answers an empty body",
	}, {
		name: "path no method serves",
		fake: answer(404, okError),
		call: func(t *testing.T, base string) { raw(t, "GET", base+"/gmail/v1/users/me/mailboxes", "", "") },
		side: conformance.Request, method: "unknown", path: "path",
		want: "a path of a method",
	}, {
		name: "wrong HTTP method",
		fake: answer(404, okError),
		call: func(t *testing.T, base string) { raw(t, "DELETE", base+"/gmail/v1/users/me/profile", "", "") },
		side: conformance.Request, method: "unknown", path: "HTTP method",
		want: "served with GET",
	}, {
		name: "null in an answer",
		fake: answer(200, `{"id":"1","snippet":null}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.Get("me", "1").Do() },
		side: conformance.Response, method: "gmail.users.messages.get", path: "$.snippet",
		want: "never sends null",
	}, {
		name: "wrong kind",
		fake: answer(200, `{"kind":"drive#folder","id":"f1"}`),
		call: func(t *testing.T, base string) { driveAt(t, base).Files.Get("f1").Do() },
		side: conformance.Response, method: "drive.files.get", path: "$.kind",
		want: `File.kind is always "drive#file"`,
	}, {
		name: "bytes that are not base64",
		fake: answer(200, `{"id":"1","raw":"%%%"}`),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.Messages.Get("me", "1").Format("raw").Do() },
		side: conformance.Response, method: "gmail.users.messages.get", path: "$.raw",
		want: "not base64",
	}, {
		name: "date-time that is not RFC 3339",
		fake: answer(200, `{"id":"f1","modifiedTime":"2026-03-02 09:00:00"}`),
		call: func(t *testing.T, base string) { driveAt(t, base).Files.Get("f1").Fields("id", "modifiedTime").Do() },
		side: conformance.Response, method: "drive.files.get", path: "$.modifiedTime",
		want: "not an RFC 3339 date-time",
	}, {
		name: "map value of the wrong type",
		fake: answer(200, `{"kind":"api#channel","id":"c1","resourceId":"r1","params":{"ttl":5}}`),
		call: func(t *testing.T, base string) {
			driveAt(t, base).Files.Watch("f1", &drive.Channel{Id: "c1", Type: "web_hook", Address: "https://x.example/h"}).Do()
		},
		side: conformance.Response, method: "drive.files.watch", path: `$.params["ttl"]`,
		want: "Channel.params{} is a string",
	}, {
		name: "answer without its media type",
		fake: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"emailAddress":"a@b.c"}`) }),
		call: func(t *testing.T, base string) { gmailAt(t, base).Users.GetProfile("me").Do() },
		side: conformance.Response, method: "gmail.users.getProfile", path: "header Content-Type",
		want: "application/json",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, base := serve(t, tc.fake)
			tc.call(t, base)
			vs := c.Violations()
			if len(vs) != 1 {
				t.Fatalf("want 1 violation, got %d:\n%s", len(vs), list(vs))
			}
			v := vs[0]
			if v.Method != tc.method || v.Side != tc.side || v.Path != tc.path || !strings.Contains(v.Want, tc.want) {
				t.Fatalf("got %s\nwant %s %s %s saying %q", v, tc.method, tc.side, tc.path, tc.want)
			}
			msg := c.Err().Error()
			for _, part := range []string{tc.method, tc.path, tc.want, v.Source} {
				if !strings.Contains(msg, part) {
					t.Fatalf("report %q lacks %q", msg, part)
				}
			}
		})
	}
}

func list(vs []conformance.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  %s\n", v)
	}
	return b.String()
}

// TestChecker_GoogleShapedExchangesPass sends well-formed calls with the
// real clients and answers the way Google documents, so the checker does
// not cry wolf: partial responses, media downloads, empty answers, errors.
func TestChecker_GoogleShapedExchangesPass(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /gmail/v1/users/{u}/messages/{id}", answer(200, okMessage))
	mux.Handle("GET /gmail/v1/users/{u}/history", answer(200, `{"history":[{"id":"8","messages":[{"id":"1","threadId":"1"}],"messagesAdded":[{"message":{"id":"1","threadId":"1","labelIds":["INBOX"]}}]}],"historyId":"9","nextPageToken":"8"}`))
	mux.Handle("POST /gmail/v1/users/{u}/messages/batchModify", answer(204, ""))
	mux.Handle("POST /gmail/v1/users/{u}/watch", answer(200, `{"historyId":"9","expiration":"1700000000000"}`))
	mux.Handle("GET /gmail/v1/users/{u}/profile", answer(404, okError))
	mux.HandleFunc("GET /drive/v3/files/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("alt") == "media" {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "hello")
			return
		}
		answer(200, `{"id":"f1","name":"n","mimeType":"text/plain","version":"3","size":"5","trashed":false,"modifiedTime":"2026-03-02T09:00:00.000Z"}`)(w, r)
	})
	mux.HandleFunc("GET /drive/v3/files/{id}/export", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "doc text")
	})
	c, base := serve(t, mux)
	g := gmailAt(t, base)
	if _, err := g.Users.Messages.Get("me", "1").Format("raw").Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Users.History.List("me").StartHistoryId(5).HistoryTypes("messageAdded").MaxResults(500).Do(); err != nil {
		t.Fatal(err)
	}
	if err := g.Users.Messages.BatchModify("me", &gmail.BatchModifyMessagesRequest{Ids: []string{"1"}, AddLabelIds: []string{"Label_1"}, RemoveLabelIds: []string{"UNREAD"}}).Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Users.Watch("me", &gmail.WatchRequest{TopicName: "projects/p/topics/t", LabelIds: []string{"INBOX"}, LabelFilterBehavior: "include"}).Do(); err != nil {
		t.Fatal(err)
	}
	g.Users.GetProfile("me").Do() // a 404 in Google's error format
	d := driveAt(t, base)
	if _, err := d.Files.Get("f1").Fields("id", "name", "mimeType", "modifiedTime", "version", "trashed", "size").Do(); err != nil {
		t.Fatal(err)
	}
	for _, dl := range []func(...googleapi.CallOption) (*http.Response, error){d.Files.Get("f1").Download, d.Files.Export("f1", "text/plain").Download} {
		resp, err := dl()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if vs := c.Violations(); len(vs) != 0 {
		t.Fatalf("violations on Google-shaped traffic:\n%s", list(vs))
	}
	if calls := c.Calls(); calls["gmail.users.messages.get"] != 1 || calls["drive.files.export"] != 1 {
		t.Fatalf("calls %v", calls)
	}
}

// TestChecker_FailModeRefusesInGooglesFormat: in ModeFail a request that
// breaks a rule never reaches the fake and gets a 400 the client decodes
// as *googleapi.Error; a broken answer becomes a 500 naming the violation.
func TestChecker_FailModeRefusesInGooglesFormat(t *testing.T) {
	reached := 0
	fake := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		answer(200, `{"id":"1","threadID":"x"}`)(w, r)
	})
	c := conformance.New(conformancetest.Spec(t), conformance.ModeFail, nil)
	srv := httptest.NewServer(c.Middleware(fake))
	defer srv.Close()
	g := gmailAt(t, srv.URL)

	_, err := g.Users.Messages.Get("me", "1").Format("weird").Do()
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "query parameter format") || reached != 0 {
		t.Fatalf("refused request: err %v, fake reached %d times", err, reached)
	}
	_, err = g.Users.Messages.Get("me", "1").Do()
	if err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "$.threadID") {
		t.Fatalf("replaced answer: %v", err)
	}
	// The refusals themselves are in Google's format: no new violations.
	if n := len(c.Violations()); n != 2 {
		t.Fatalf("violations %d:\n%s", n, list(c.Violations()))
	}
}

type fakeTB struct {
	cleanups []func()
	errors   []string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// TestChecker_ReportToFailsTheTestAtCleanup: the same fault on every call
// is reported once, with its count.
func TestChecker_ReportToFailsTheTestAtCleanup(t *testing.T) {
	c, base := serve(t, answer(200, `{"messages":[{"id":"a","historyId":1},{"id":"b","historyId":2}]}`))
	tb := &fakeTB{}
	c.ReportTo(tb)
	for range 3 {
		gmailAt(t, base).Users.Messages.List("me").Do()
	}
	if len(tb.errors) != 0 {
		t.Fatal("reported before cleanup")
	}
	for _, fn := range tb.cleanups {
		fn()
	}
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "gmail.users.messages.list response $.messages[0].historyId") ||
		!strings.Contains(tb.errors[0], "(×6)") {
		t.Fatalf("report %q", tb.errors)
	}
}

// TestChecker_ToleratesOnlyWhatItIsTold: a refused bad request can be
// tolerated by a negative test; an accepted one cannot.
func TestChecker_ToleratesOnlyWhatItIsTold(t *testing.T) {
	refusing := answer(400, strings.NewReplacer("404", "400", "NOT_FOUND", "INVALID_ARGUMENT", "notFound", "invalidArgument").Replace(okError))
	c, base := serve(t, refusing)
	c.Tolerate(conformance.RefusedRequest)
	gmailAt(t, base).Users.Messages.Get("me", "1").Format("weird").Do()
	if len(c.Violations()) != 0 || c.Tolerated() != 1 {
		t.Fatalf("refused: %v, tolerated %d", c.Violations(), c.Tolerated())
	}
	c2, base2 := serve(t, answer(200, okMessage))
	c2.Tolerate(conformance.RefusedRequest)
	gmailAt(t, base2).Users.Messages.Get("me", "1").Format("weird").Do()
	if len(c2.Violations()) != 1 {
		t.Fatalf("accepted bad request: %v", c2.Violations())
	}
}

// TestLocateModule_IsTheVersionGoModSelects: the documents come from the
// module cache at exactly the go.mod version, not a copy.
func TestLocateModule_IsTheVersionGoModSelects(t *testing.T) {
	m, err := conformance.LocateModule()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}} {{.Dir}}", "google.golang.org/api").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(string(out))
	if len(want) != 2 || m.Version != want[0] || filepath.Clean(m.Dir) != filepath.Clean(want[1]) {
		t.Fatalf("located %+v, go list says %v", m, want)
	}
	spec := conformancetest.Spec(t)
	for _, name := range append(conformance.ServedAPIs(), conformance.SchemaAPIs()...) {
		a := spec.API(name)
		if a == nil || !strings.HasPrefix(a.File, m.Dir) {
			t.Fatalf("%s not read from the module cache: %+v", name, a)
		}
	}
}
