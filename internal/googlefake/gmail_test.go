package googlefake

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/googlefake/conformance"
	gmail "google.golang.org/api/gmail/v1"
)

const mbox = "ai@besunny.ai"

var multipartMail = strings.ReplaceAll(`From: Alice <alice@example.com>
To: ai@besunny.ai
Subject: =?UTF-8?B?UmFwcG9ydCDDqXTDqQ==?=
Date: Mon, 02 Mar 2026 08:00:00 +0000
Message-ID: <root@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Hello it's the =C3=A9t=C3=A9 report.
--inner
Content-Type: text/html; charset=UTF-8

<p>Hello</p>
--inner--

--outer
Content-Type: application/pdf; name="r.pdf"
Content-Disposition: attachment; filename="r.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
`, "\n", "\r\n")

func TestMessagesGetFormats(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	id, hid, err := fake.Deliver(mbox, []byte(multipartMail), DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}

	raw, err := svc.Users.Messages.Get(mbox, id).Format("raw").Do()
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.URLEncoding.DecodeString(raw.Raw)
	if err != nil || string(b) != multipartMail {
		t.Fatalf("raw round trip failed: %v", err)
	}
	if raw.HistoryId != hid || raw.InternalDate != time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).UnixMilli() {
		t.Fatalf("historyId %d internalDate %d", raw.HistoryId, raw.InternalDate)
	}
	if !slices.Equal(raw.LabelIds, []string{"INBOX", "UNREAD"}) || raw.ThreadId != id || raw.Payload != nil {
		t.Fatalf("raw message %+v", raw)
	}
	if raw.Snippet != "Hello it&#39;s the été report." {
		t.Fatalf("snippet %q", raw.Snippet)
	}

	full, err := svc.Users.Messages.Get("me", id).Do() // "me" is the default mailbox
	if err != nil {
		t.Fatal(err)
	}
	p := full.Payload
	if p.MimeType != "multipart/mixed" || len(p.Parts) != 2 || p.Parts[0].MimeType != "multipart/alternative" {
		t.Fatalf("payload tree %+v", p)
	}
	if got := partHeader(p, "Subject"); got != "Rapport été" {
		t.Fatalf("decoded subject %q", got)
	}
	if p.Headers[0].Name != "From" || p.Headers[len(p.Headers)-1].Name != "Content-Type" {
		t.Fatalf("header order not kept: %v", p.Headers)
	}
	text := p.Parts[0].Parts[0]
	data, _ := base64.URLEncoding.DecodeString(text.Body.Data)
	if text.PartId != "0.0" || string(data) != "Hello it's the été report." || text.Body.Size != int64(len(data)) {
		t.Fatalf("text part %+v data %q", text, data)
	}
	att := p.Parts[1]
	if att.Filename != "r.pdf" || att.Body.AttachmentId == "" || att.Body.Data != "" {
		t.Fatalf("attachment part %+v", att.Body)
	}
	body, err := svc.Users.Messages.Attachments.Get(mbox, id, att.Body.AttachmentId).Do()
	if err != nil {
		t.Fatal(err)
	}
	if pdf, _ := base64.URLEncoding.DecodeString(body.Data); string(pdf) != "%PDF-1.4\n" {
		t.Fatalf("attachment data %q", pdf)
	}

	meta, err := svc.Users.Messages.Get(mbox, id).Format("metadata").MetadataHeaders("subject", "From").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(meta.Payload.Headers) != 2 || meta.Payload.Parts != nil || meta.Payload.Body != nil {
		t.Fatalf("metadata payload %+v", meta.Payload)
	}

	_, err = svc.Users.Messages.Get(mbox, "0000000000000000").Do()
	apiErr(t, err, 404, "notFound")
	fake.Conformance().Tolerate(conformance.RefusedRequest) // the unknown format is on purpose
	_, err = svc.Users.Messages.Get(mbox, id).Format("weird").Do()
	apiErr(t, err, 400, "invalidArgument")
}

func partHeader(p *gmail.MessagePart, name string) string {
	for _, h := range p.Headers {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

func TestMessagesListQueryAndPagination(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var inbox []string // newest first
	for i := range 25 {
		d := base.Add(time.Duration(i) * time.Hour)
		opts := DeliverOptions{}
		if i%5 == 0 {
			opts.Labels = []string{"SENT"}
		}
		id, _, err := fake.Deliver(mbox, rawMail("bob@example.com", mbox, fmt.Sprint("m", i), d, "hi"), opts)
		if err != nil {
			t.Fatal(err)
		}
		if i%5 != 0 && i >= 3 {
			inbox = append([]string{id}, inbox...)
		}
	}
	q := fmt.Sprintf("after:%d -in:sent", base.Add(3*time.Hour).Unix())
	var got []string
	call := svc.Users.Messages.List(mbox).Q(q).MaxResults(7)
	first := true
	for {
		resp, err := call.Do()
		if err != nil {
			t.Fatal(err)
		}
		if first && resp.ResultSizeEstimate != int64(len(inbox)) {
			t.Fatalf("resultSizeEstimate %d, want %d", resp.ResultSizeEstimate, len(inbox))
		}
		for _, m := range resp.Messages {
			got = append(got, m.Id)
		}
		if first {
			// Mail arriving between pages must not shift the pages.
			if _, _, err := fake.Deliver(mbox, rawMail("x@example.com", mbox, "late", base.Add(99*time.Hour), "x"), DeliverOptions{}); err != nil {
				t.Fatal(err)
			}
			first = false
		}
		if resp.NextPageToken == "" {
			break
		}
		call.PageToken(resp.NextPageToken)
	}
	if !slices.Equal(got, inbox) {
		t.Fatalf("pages gave %v\nwant %v", got, inbox)
	}

	cases := []struct {
		q    string
		want int
	}{
		{"is:unread in:inbox", 21},
		{"in:sent", 5},
		{"after:2026/03/01 before:2026/03/02", 24},
		{"from:bob subject:m1", 11},
		{"-is:unread", 5},
	}
	for _, c := range cases {
		resp, err := svc.Users.Messages.List(mbox).Q(c.q).MaxResults(500).Do()
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if len(resp.Messages) != c.want {
			t.Errorf("q=%q: %d messages, want %d", c.q, len(resp.Messages), c.want)
		}
	}
	resp, err := svc.Users.Messages.List(mbox).LabelIds("SENT").Do()
	if err != nil || len(resp.Messages) != 5 {
		t.Fatalf("labelIds=SENT: %v %d", err, len(resp.Messages))
	}
	_, err = svc.Users.Messages.List(mbox).Q("has:attachment").Do()
	apiErr(t, err, 400, "invalidArgument")
}

func TestSpamAndTrashHiddenByDefault(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	now := time.Now()
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "s", now, "x"), DeliverOptions{Labels: []string{"SPAM"}})
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "i", now, "x"), DeliverOptions{})
	for q, want := range map[string]int{"": 1, "in:anywhere": 2, "in:spam": 1} {
		resp, err := svc.Users.Messages.List(mbox).Q(q).Do()
		if err != nil || len(resp.Messages) != want {
			t.Errorf("q=%q: %v %d, want %d", q, err, len(resp.Messages), want)
		}
	}
}

func TestLabelsCreateAndConflict(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	l, err := svc.Users.Labels.Create(mbox, labelBody("BeSunny/Processed")).Do()
	if err != nil {
		t.Fatal(err)
	}
	if l.Id != "Label_1" || l.Type != "user" {
		t.Fatalf("label %+v", l)
	}
	_, err = svc.Users.Labels.Create(mbox, labelBody("besunny/processed")).Do()
	apiErr(t, err, 409, "duplicate")
	_, err = svc.Users.Labels.Create(mbox, labelBody("Inbox")).Do()
	apiErr(t, err, 409, "duplicate")
	list, err := svc.Users.Labels.List(mbox).Do()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.Labels); n != len(systemLabels)+1 || list.Labels[n-1].Name != "BeSunny/Processed" {
		t.Fatalf("labels %d, last %+v", n, list.Labels[n-1])
	}

	// Discovery requires both visibilities on create; Google refuses
	// the request without them, and so does the fake.
	fake.Conformance().Tolerate(conformance.RefusedRequest)
	_, err = svc.Users.Labels.Create(mbox, &gmail.Label{Name: "Bare"}).Do()
	apiErr(t, err, 400, "invalidArgument")
}

func TestModifyAndBatchModifyRecordHistory(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	var ids []string
	for i := range 3 {
		id, _, _ := fake.Deliver(mbox, rawMail("a@x.com", mbox, fmt.Sprint(i), time.Now(), "x"), DeliverOptions{})
		ids = append(ids, id)
	}
	prof, _ := svc.Users.GetProfile(mbox).Do()
	start := prof.HistoryId
	label, err := svc.Users.Labels.Create(mbox, labelBody("Done")).Do()
	if err != nil {
		t.Fatal(err)
	}

	m, err := svc.Users.Messages.Modify(mbox, ids[0], &gmail.ModifyMessageRequest{RemoveLabelIds: []string{"UNREAD"}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.LabelIds, []string{"INBOX"}) {
		t.Fatalf("labels after modify %v", m.LabelIds)
	}
	// A no-op change records nothing.
	if _, err := svc.Users.Messages.Modify(mbox, ids[0], &gmail.ModifyMessageRequest{RemoveLabelIds: []string{"UNREAD"}}).Do(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Users.Messages.BatchModify(mbox, &gmail.BatchModifyMessagesRequest{
		Ids: ids, AddLabelIds: []string{label.Id}, RemoveLabelIds: []string{"INBOX"}}).Do(); err != nil {
		t.Fatal(err)
	}
	snap := fake.Mailbox(mbox)
	if snap.Count(label.Id) != 3 || snap.Count("INBOX") != 0 || snap.Count("UNREAD") != 2 {
		t.Fatalf("snapshot %+v", snap.Messages)
	}

	h, err := svc.Users.History.List(mbox).StartHistoryId(start).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(h.History) != 4 || h.HistoryId != start+4 {
		t.Fatalf("history %d records, historyId %d (start %d)", len(h.History), h.HistoryId, start)
	}
	if r := h.History[0]; len(r.LabelsRemoved) != 1 || r.LabelsRemoved[0].LabelIds[0] != "UNREAD" || r.Messages[0].Id != ids[0] {
		t.Fatalf("first record %+v", r)
	}
	added, err := svc.Users.History.List(mbox).StartHistoryId(start).HistoryTypes("labelAdded").LabelId(label.Id).Do()
	if err != nil || len(added.History) != 3 || added.History[0].LabelsRemoved != nil {
		t.Fatalf("labelAdded filter: %v %+v", err, added.History)
	}

	// Invalid requests change nothing.
	_, err = svc.Users.Messages.Modify(mbox, ids[1], &gmail.ModifyMessageRequest{AddLabelIds: []string{"Label_99"}}).Do()
	apiErr(t, err, 400, "invalidArgument")
	err = svc.Users.Messages.BatchModify(mbox, &gmail.BatchModifyMessagesRequest{
		Ids: []string{ids[1], "ffffffffffffffff"}, AddLabelIds: []string{"STARRED"}}).Do()
	apiErr(t, err, 404, "notFound")
	if fake.Mailbox(mbox).Count("STARRED") != 0 || fake.Mailbox(mbox).HistoryID != start+4 {
		t.Fatal("failed batchModify changed the mailbox")
	}
}

func TestHistoryPaginationRetentionAndExpire(t *testing.T) {
	fake, ts := newFake(t, Options{HistoryRetention: 5})
	svc := gmailClient(t, ts.URL)
	prof, err := svc.Users.GetProfile(mbox).Do()
	if err != nil {
		t.Fatal(err)
	}
	start := prof.HistoryId
	if start < 1000 {
		t.Fatalf("history should start at a realistic id, got %d", start)
	}
	for i := range 4 {
		fake.Deliver(mbox, rawMail("a@x.com", mbox, fmt.Sprint(i), time.Now(), "x"), DeliverOptions{})
	}
	var got []uint64
	call := svc.Users.History.List(mbox).StartHistoryId(start).HistoryTypes("messageAdded").MaxResults(3)
	pages := 0
	for {
		resp, err := call.Do()
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, h := range resp.History {
			got = append(got, h.Id)
			if len(h.MessagesAdded) != 1 || h.MessagesAdded[0].Message.LabelIds[0] != "INBOX" {
				t.Fatalf("record %+v", h)
			}
		}
		if resp.NextPageToken == "" {
			break
		}
		call.PageToken(resp.NextPageToken)
	}
	if pages != 2 || !slices.Equal(got, []uint64{start + 1, start + 2, start + 3, start + 4}) {
		t.Fatalf("pages %d ids %v", pages, got)
	}

	// Two more deliveries push the first record out of a 5-record window.
	for i := range 2 {
		fake.Deliver(mbox, rawMail("a@x.com", mbox, fmt.Sprint(i), time.Now(), "x"), DeliverOptions{})
	}
	_, err = svc.Users.History.List(mbox).StartHistoryId(start).Do()
	apiErr(t, err, 404, "notFound")
	if resp, err := svc.Users.History.List(mbox).StartHistoryId(start + 1).Do(); err != nil || len(resp.History) != 5 {
		t.Fatalf("oldest retained start: %v", err)
	}

	fake.ExpireHistory(mbox)
	cur := fake.Mailbox(mbox).HistoryID
	_, err = svc.Users.History.List(mbox).StartHistoryId(cur - 1).Do()
	apiErr(t, err, 404, "notFound")
	resp, err := svc.Users.History.List(mbox).StartHistoryId(cur).Do()
	if err != nil || len(resp.History) != 0 || resp.HistoryId != cur {
		t.Fatalf("current start after expiry: %v %+v", err, resp)
	}
}

// TestWireFormat checks the raw JSON: 64-bit numbers are strings, errors
// carry Google's envelope.
func TestWireFormat(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now})
	fake.Deliver(mbox, rawMail("a@x.com", mbox, "s", clock.Now(), "x"), DeliverOptions{})
	post := func(path, body string) (int, map[string]any) {
		resp, err := http.Post(ts.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		b, _ := io.ReadAll(resp.Body)
		json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	code, w := post("/gmail/v1/users/me/watch", `{"topicName":"projects/p/topics/gmail","labelIds":["INBOX"]}`)
	want := fmt.Sprint(clock.Now().Add(7 * 24 * time.Hour).UnixMilli())
	if code != 200 || w["historyId"] != "1001" || w["expiration"] != want {
		t.Fatalf("watch: %d %v", code, w)
	}
	resp, err := http.Get(ts.URL + "/gmail/v1/users/me/profile")
	if err != nil {
		t.Fatal(err)
	}
	var prof map[string]any
	json.NewDecoder(resp.Body).Decode(&prof)
	resp.Body.Close()
	if prof["historyId"] != "1001" || prof["emailAddress"] != mbox || prof["messagesTotal"] != 1.0 {
		t.Fatalf("profile %v", prof)
	}
	code, e := post("/gmail/v1/users/me/watch", `{"topicName":"nope"}`)
	body := e["error"].(map[string]any)
	item := body["errors"].([]any)[0].(map[string]any)
	if code != 400 || body["code"] != 400.0 || body["status"] != "INVALID_ARGUMENT" || item["domain"] != "global" || item["reason"] != "invalidArgument" {
		t.Fatalf("error body %v", e)
	}
	if snap := fake.Mailbox(mbox); !snap.WatchExpiration.Equal(clock.Now().Add(7 * 24 * time.Hour)) {
		t.Fatalf("watch expiration %v", snap.WatchExpiration)
	}
	code, _ = post("/gmail/v1/users/me/stop", ``)
	if code != 204 || !fake.Mailbox(mbox).WatchExpiration.IsZero() {
		t.Fatalf("stop: %d", code)
	}
}

func TestProfileAndThreads(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	now := time.Now()
	root := rawMail("a@x.com", mbox, "q", now, "question")
	rootID, _, _ := fake.Deliver(mbox, root, DeliverOptions{})
	hs, _ := splitMessage(root)
	reply := rawMail(mbox, "a@x.com", "Re: q", now.Add(time.Minute), "answer", "In-Reply-To: "+headerValue(hs, "Message-ID"))
	replyID, _, _ := fake.Deliver(mbox, reply, DeliverOptions{Labels: []string{"SENT"}})
	fake.Deliver(mbox, rawMail("c@x.com", mbox, "other", now, "x"), DeliverOptions{})
	m, err := svc.Users.Messages.Get(mbox, replyID).Format("minimal").Do()
	if err != nil || m.ThreadId != rootID {
		t.Fatalf("reply thread %q, want %q (%v)", m.ThreadId, rootID, err)
	}
	p, err := svc.Users.GetProfile("AI@BeSunny.ai").Do()
	if err != nil || p.MessagesTotal != 3 || p.ThreadsTotal != 2 || p.EmailAddress != mbox {
		t.Fatalf("profile %+v %v", p, err)
	}
}

func TestConcurrentUse(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := gmailClient(t, ts.URL)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				id, _, err := fake.Deliver(mbox, rawMail("a@x.com", mbox, fmt.Sprint(w, i), time.Now(), "x"), DeliverOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := svc.Users.Messages.Get(mbox, id).Context(context.Background()).Do(); err != nil {
					t.Error(err)
				}
				if _, err := svc.Users.Messages.Modify(mbox, id, &gmail.ModifyMessageRequest{RemoveLabelIds: []string{"UNREAD"}}).Do(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	snap := fake.Mailbox(mbox)
	if len(snap.Messages) != 80 || snap.Count("UNREAD") != 0 || snap.HistoryID != 1000+160 {
		t.Fatalf("after concurrent use: %d messages, %d unread, history %d", len(snap.Messages), snap.Count("UNREAD"), snap.HistoryID)
	}
}
