package conformance_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/googlefake/conformance"
	"github.com/besunny/workflows/internal/googlefake/conformance/conformancetest"
)

// BenchmarkMiddleware measures what the checker adds to one call, on the
// e2e suite's most frequent one: messages.get format=raw of a 20 KB mail
// (and a history page). Compare checked against direct:
//
//	go test ./internal/googlefake/conformance -run '^$' -bench Middleware -benchmem
func BenchmarkMiddleware(b *testing.B) {
	raw := base64.URLEncoding.EncodeToString([]byte(strings.Repeat("Subject: x\r\n\r\nbody line of a message\r\n", 800)))
	message := fmt.Sprintf(`{"id":"19cad8fac0000001","threadId":"19cad8fac0000001","labelIds":["INBOX","UNREAD"],"snippet":"body line",`+
		`"sizeEstimate":20000,"historyId":"1042","internalDate":"1772441200000","raw":%q}`, raw)
	var page strings.Builder
	page.WriteString(`{"history":[`)
	for i := range 100 {
		if i > 0 {
			page.WriteString(",")
		}
		fmt.Fprintf(&page, `{"id":"%d","messages":[{"id":"m%d","threadId":"m%d"}],"messagesAdded":[{"message":{"id":"m%d","threadId":"m%d","labelIds":["INBOX"]}}]}`, 1000+i, i, i, i, i)
	}
	page.WriteString(`],"historyId":"1100"}`)
	spec := conformancetest.Spec(b)
	for _, tc := range []struct{ name, url, body string }{
		{"messages.get raw 20KB", "/gmail/v1/users/ai%40besunny.ai/messages/19cad8fac0000001?alt=json&format=raw&prettyPrint=false", message},
		{"history.list 100 records", "/gmail/v1/users/ai%40besunny.ai/history?alt=json&historyTypes=messageAdded&maxResults=500&prettyPrint=false&startHistoryId=999", page.String()},
	} {
		fake := answer(http.StatusOK, tc.body)
		for _, mode := range []string{"direct", "checked"} {
			h := http.Handler(fake)
			if mode == "checked" {
				h = conformance.New(spec, conformance.ModeRecord, nil).Middleware(fake)
			}
			b.Run(tc.name+"/"+mode, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, tc.url, nil)
				b.ReportAllocs()
				for b.Loop() {
					h.ServeHTTP(httptest.NewRecorder(), req)
				}
			})
		}
	}
}
