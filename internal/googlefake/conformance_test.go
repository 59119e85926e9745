package googlefake

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	drive "google.golang.org/api/drive/v3"
	gmail "google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/besunny/workflows/internal/googlefake/conformance"
)

// TestConformance_EveryRouteAndErrorPathAnswersAsGoogleDocuments drives
// every route of the fake through its success and its error answers —
// including the ones no product test reaches (401 without a token, 403
// scopes, quota 429s, injected 500/503, every refusal) — and the pushes and
// channel notifications it sends, with the conformance checker on. The
// requests that are wrong on purpose must be refused (4xx) to be tolerated;
// every answer and push must match Google's documents.
func TestConformance_EveryRouteAndErrorPathAnswersAsGoogleDocuments(t *testing.T) {
	clock := newTestClock()
	rec := newRecorder(t)
	fake, ts := newFake(t, Options{Clock: clock.Now, PushEndpoint: rec.srv.URL, QuotaUnitsPerSecond: 400, DriveQueriesPerSecond: 50})
	fake.Conformance().Tolerate(conformance.RefusedRequest)
	ctx := context.Background()
	g := gmailClient(t, ts.URL)

	// Gmail, successes.
	att := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n" +
		"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString([]byte("%PDF-1.4")) + "\r\n--b--\r\n"
	if _, err := g.Users.Watch(mbox, &gmail.WatchRequest{TopicName: "projects/p/topics/t", LabelIds: []string{"INBOX"}, LabelFilterBehavior: "include"}).Do(); err != nil {
		t.Fatal(err)
	}
	id, _, err := fake.Deliver(mbox, []byte("From: a@x.com\r\nTo: "+mbox+"\r\nSubject: att\r\nMIME-Version: 1.0\r\n"+att), DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec.next(t) // the push
	prof, err := g.Users.GetProfile(mbox).Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"raw", "full", "metadata", "minimal"} {
		if _, err := g.Users.Messages.Get(mbox, id).Format(format).MetadataHeaders("Subject").Do(); err != nil {
			t.Fatal(format, err)
		}
	}
	full, _ := g.Users.Messages.Get(mbox, id).Do()
	for _, p := range full.Payload.Parts {
		if p.Body.AttachmentId != "" {
			if _, err := g.Users.Messages.Attachments.Get(mbox, id, p.Body.AttachmentId).Do(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := g.Users.Messages.List(mbox).Q("in:inbox").MaxResults(1).IncludeSpamTrash(false).LabelIds("INBOX").Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Users.History.List(mbox).StartHistoryId(prof.HistoryId-1).HistoryTypes("messageAdded", "labelAdded").LabelId("INBOX").MaxResults(1).Do(); err != nil {
		t.Fatal(err)
	}
	label, err := g.Users.Labels.Create(mbox, labelBody("Done")).Do()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Users.Labels.List(mbox).Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Users.Messages.Modify(mbox, id, &gmail.ModifyMessageRequest{AddLabelIds: []string{label.Id}}).Do(); err != nil {
		t.Fatal(err)
	}
	if err := g.Users.Messages.BatchModify(mbox, &gmail.BatchModifyMessagesRequest{Ids: []string{id}, RemoveLabelIds: []string{"UNREAD"}}).Do(); err != nil {
		t.Fatal(err)
	}
	if err := g.Users.Stop(mbox).Do(); err != nil {
		t.Fatal(err)
	}

	// Gmail, refusals and failures.
	g.Users.Messages.Get(mbox, "0000000000000000").Do()
	g.Users.Messages.Attachments.Get(mbox, id, "bogus").Do()
	g.Users.Messages.Modify(mbox, id, &gmail.ModifyMessageRequest{AddLabelIds: []string{"Label_404"}}).Do()
	g.Users.Messages.BatchModify(mbox, &gmail.BatchModifyMessagesRequest{Ids: []string{"0000000000000000"}}).Do()
	g.Users.Messages.List(mbox).Q("frobnicate:yes").Do()
	g.Users.Labels.Create(mbox, labelBody("done")).Do()
	g.Users.Watch(mbox, &gmail.WatchRequest{TopicName: "not-a-topic"}).Do()
	fake.ExpireHistory(mbox)
	g.Users.History.List(mbox).StartHistoryId(1).Do()
	for _, f := range []Faults{{Rate429: 1}, {Rate500: 1}, {Rate503: 1}} {
		fake.SetFaults(f)
		g.Users.GetProfile(mbox).Do()
	}
	fake.SetFaults(Faults{})
	for range 5 {
		g.Users.Watch(mbox, &gmail.WatchRequest{TopicName: "projects/p/topics/t"}).Do() // 100 units each: the quota refuses
	}
	clock.Advance(2 * time.Second)

	// Drive, successes.
	d := driveClient(t, fake, ts.URL, owner)
	doc, _ := fake.CreateFile(owner, "Spec", MimeGoogleDoc, "v1")
	txt, _ := fake.CreateFile(owner, "notes.txt", "text/plain", "hello")
	for _, sel := range [][]string{nil, {"*"}, {"id", "name", "mimeType", "modifiedTime", "version", "trashed", "size", "md5Checksum"}, {"owners(emailAddress,me)", "webViewLink"}} {
		call := d.Files.Get(txt.ID)
		if sel != nil {
			call = call.Fields(googleapi.Field(strings.Join(sel, ",")))
		}
		if _, err := call.Do(); err != nil {
			t.Fatal(sel, err)
		}
	}
	download := func(resp *http.Response, err error) {
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	download(d.Files.Get(txt.ID).Download())
	download(d.Files.Export(doc.ID, "text/plain").Download())
	ch, err := d.Files.Watch(doc.ID, &drive.Channel{Id: "c1", Type: "web_hook", Address: rec.srv.URL, Token: "t",
		Expiration: clock.Now().Add(time.Hour).UnixMilli(), Params: map[string]string{"ttl": "3600"}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	rec.next(t) // sync
	fake.UpdateFile(doc.ID, "v2")
	rec.next(t)
	fake.TrashFile(doc.ID)
	rec.next(t)
	fake.UntrashFile(doc.ID)
	rec.next(t)

	// Drive, refusals.
	d.Files.Get("missing").Do()
	download(d.Files.Get(doc.ID).Download())                  // a Docs file has no bytes
	download(d.Files.Export(txt.ID, "text/plain").Download()) // only Docs files export
	download(d.Files.Export(doc.ID, "image/png").Download())
	d.Files.Get(txt.ID).Fields("id,title").Do()
	d.Files.Watch(doc.ID, &drive.Channel{Id: "c1", Type: "web_hook", Address: rec.srv.URL}).Do()
	d.Files.Watch(doc.ID, &drive.Channel{Id: "c2", Type: "email", Address: rec.srv.URL}).Do()
	d.Channels.Stop(&drive.Channel{Id: "nope", ResourceId: ch.ResourceId}).Do()
	fake.RevokeFileAccess(doc.ID, owner)
	rec.next(t) // the "remove" of the revoked owner's channel
	d.Files.Get(doc.ID).Do()
	noToken, _ := drive.NewService(ctx, option.WithEndpoint(ts.URL+"/drive/v3/"), option.WithoutAuthentication())
	noToken.Files.Get(txt.ID).Do()
	gmailOnly := driveClient(t, fake, ts.URL, owner, "https://www.googleapis.com/auth/gmail.readonly")
	gmailOnly.Files.Get(txt.ID).Do()
	for range 60 {
		d.Files.Get(txt.ID).Do() // past 50 queries a second: 429
	}
	clock.Advance(2 * time.Second)
	fake.DeleteFile(txt.ID)
	if err := d.Channels.Stop(&drive.Channel{Id: "c1", ResourceId: ch.ResourceId}).Do(); err != nil {
		t.Fatal(err)
	}

	// OAuth and OpenID Connect.
	cfg := oauthConfig(ts.URL)
	q := authorize(t, cfg.AuthCodeURL("st", oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent"),
		oauth2.SetAuthURLParam("include_granted_scopes", "true"), oauth2.SetAuthURLParam("login_hint", "carol@x.com")))
	tok, err := cfg.Exchange(ctx, q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Exchange(ctx, q.Get("code")); err == nil { // codes are single use
		t.Fatal("code redeemed twice")
	}
	other := *cfg
	other.RedirectURL = "http://localhost:3000/elsewhere"
	q2 := authorize(t, cfg.AuthCodeURL("st2", oauth2.AccessTypeOffline))
	other.Exchange(ctx, q2.Get("code"))
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err != nil {
		t.Fatal(err)
	}
	cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: "1//0unknown"}).Token()
	post := func(path, contentType, body string) {
		resp, err := http.Post(ts.URL+path, contentType, strings.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
	}
	post("/token", "application/x-www-form-urlencoded", url.Values{"grant_type": {"password"}, "client_id": {"c"}, "client_secret": {"s"}}.Encode())
	for _, path := range []string{"/oauth2/v2/userinfo", "/oauth2/v3/userinfo"} {
		for _, bearer := range []string{tok.AccessToken, "ya29.unknown"} {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+bearer)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}
	if resp, err := http.Get(ts.URL + "/oauth2/v3/certs"); err == nil {
		resp.Body.Close()
	}
	post("/revoke", "application/x-www-form-urlencoded", url.Values{"token": {tok.RefreshToken}}.Encode())
	post("/revoke", "application/x-www-form-urlencoded", url.Values{"token": {tok.RefreshToken}}.Encode())

	calls := fake.Conformance().Calls()
	for _, m := range []string{"gmail.users.messages.get", "gmail.users.messages.attachments.get", "gmail.users.history.list",
		"gmail.users.messages.batchModify", "gmail.users.stop", "drive.files.get", "drive.files.export", "drive.files.watch",
		"drive.channels.stop", "oauth2.authorize", "oauth2.token", "oauth2.revoke", "oauth2.userinfo.get",
		"openidconnect.userinfo", "oauth2.certs", "pubsub.push", "drive.notification"} {
		if calls[m] == 0 {
			t.Errorf("%s was never checked (calls %v)", m, calls)
		}
	}
	if fake.Conformance().Tolerated() == 0 {
		t.Error("no refused request was seen: the negative half of the sweep did not run")
	}
}

// TestWriteError_StatusNamesOnlyMappedCodes: error.status carries the
// google.rpc.Code name of the HTTP status, and nothing — not an empty
// string — for a status outside that mapping (Calendar's 410).
func TestWriteError_StatusNamesOnlyMappedCodes(t *testing.T) {
	for code, want := range map[int]string{404: `"status":"NOT_FOUND"`, 429: `"status":"RESOURCE_EXHAUSTED"`, 410: ""} {
		rec := httptest.NewRecorder()
		writeError(rec, code, "x", "y")
		body := rec.Body.String()
		if want != "" && !strings.Contains(body, want) || want == "" && strings.Contains(body, `"status"`) {
			t.Errorf("%d: %s", code, body)
		}
	}
}
