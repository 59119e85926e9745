package googlefake

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/googlefake/conformance"
	drive "google.golang.org/api/drive/v3"
)

const owner = "owner@besunny.ai"

func TestDriveGetMediaExport(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now})
	svc := driveClient(t, fake, ts.URL, owner)

	txt, err := fake.CreateFile(owner, "notes.md", "text/markdown", "# Notes\n")
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Files.Get(txt.ID).Fields("id,name,mimeType,modifiedTime,version,trashed,size,md5Checksum").Do()
	if err != nil {
		t.Fatal(err)
	}
	if got.Id != txt.ID || got.Name != "notes.md" || got.MimeType != "text/markdown" || got.Size != 8 ||
		got.Version != 1 || got.Md5Checksum != txt.MD5Checksum || got.ModifiedTime != "2026-03-02T09:00:00.000Z" {
		t.Fatalf("file %+v", got)
	}
	min, err := svc.Files.Get(txt.ID).Do() // default fields
	if err != nil || min.Kind != "drive#file" || min.ModifiedTime != "" || min.Name != "notes.md" {
		t.Fatalf("default fields %+v %v", min, err)
	}
	// A nested selection returns only the selected sub-fields.
	sel, err := svc.Files.Get(txt.ID).Fields("owners(emailAddress),name").Do()
	if err != nil || sel.Name != "notes.md" || sel.Id != "" || len(sel.Owners) != 1 ||
		sel.Owners[0].EmailAddress != owner || sel.Owners[0].Kind != "" {
		t.Fatalf("nested selection %+v %v", sel, err)
	}
	fake.Conformance().Tolerate(conformance.RefusedRequest) // the unknown field is on purpose
	_, err = svc.Files.Get(txt.ID).Fields("id,bogus").Do()
	apiErr(t, err, 400, "invalidParameter")

	resp, err := svc.Files.Get(txt.ID).Download()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "# Notes\n" || resp.Header.Get("Content-Type") != "text/markdown" {
		t.Fatalf("media %q %s", body, resp.Header.Get("Content-Type"))
	}
	_, err = svc.Files.Export(txt.ID, "text/plain").Download()
	apiErr(t, err, 403, "fileNotExportable")

	doc, _ := fake.CreateFile(owner, "Plan", MimeGoogleDoc, "line one\nline two")
	resp, err = svc.Files.Export(doc.ID, "text/plain").Download()
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "\ufeffline one\r\nline two" {
		t.Fatalf("doc export %q", body)
	}
	_, err = svc.Files.Export(doc.ID, "application/x-nope").Download()
	apiErr(t, err, 400, "badRequest")
	_, err = svc.Files.Get(doc.ID).Download()
	apiErr(t, err, 403, "fileNotDownloadable")
	if g, _ := svc.Files.Get(doc.ID).Fields("size,webViewLink").Do(); g.Size != 0 || !strings.Contains(g.WebViewLink, "/document/d/"+doc.ID) {
		t.Fatalf("doc metadata %+v", g)
	}

	sheet, _ := fake.CreateFile(owner, "Budget", MimeGoogleSheet, "a,b\n1,2\n")
	resp, err = svc.Files.Export(sheet.ID, "text/csv").Download()
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "a,b\n1,2\n" {
		t.Fatalf("csv export %q", body)
	}

	big, _ := fake.CreateFile(owner, "Huge", MimeGoogleSlides, strings.Repeat("x", 10<<20+1))
	_, err = svc.Files.Export(big.ID, "text/plain").Download()
	apiErr(t, err, 403, "exportSizeLimitExceeded")
}

func TestDriveTrashDeleteRevoke(t *testing.T) {
	fake, ts := newFake(t, Options{})
	svc := driveClient(t, fake, ts.URL, owner)
	reader := driveClient(t, fake, ts.URL, "reader@x.com")
	f, _ := fake.CreateFile(owner, "a.txt", "text/plain", "x")

	// Never shared: hidden, as Drive does.
	_, err := reader.Files.Get(f.ID).Do()
	apiErr(t, err, 404, "notFound")
	if err := fake.GrantFileAccess(f.ID, "reader@x.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := reader.Files.Get(f.ID).Do(); err != nil {
		t.Fatal(err)
	}
	if err := fake.RevokeFileAccess(f.ID, "reader@x.com"); err != nil {
		t.Fatal(err)
	}
	_, err = reader.Files.Get(f.ID).Do()
	apiErr(t, err, 403, "insufficientFilePermissions")

	if err := fake.TrashFile(f.ID); err != nil {
		t.Fatal(err)
	}
	g, err := svc.Files.Get(f.ID).Fields("trashed,version").Do()
	if err != nil || !g.Trashed || g.Version != 3 {
		t.Fatalf("trashed file %+v %v", g, err)
	}
	if err := fake.DeleteFile(f.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Files.Get(f.ID).Do()
	apiErr(t, err, 404, "notFound")
	if _, err := fake.GetFile(f.ID); err != ErrNotFound {
		t.Fatalf("GetFile after delete: %v", err)
	}
}

func TestDriveWatchNotifications(t *testing.T) {
	clock := newTestClock()
	fake, ts := newFake(t, Options{Clock: clock.Now})
	svc := driveClient(t, fake, ts.URL, owner)
	rec := newRecorder(t, 500) // the first notification is retried
	f, _ := fake.CreateFile(owner, "Spec", MimeGoogleDoc, "v1")

	// A requested expiration beyond 24 h is capped.
	ch, err := svc.Files.Watch(f.ID, &drive.Channel{Id: "chan-1", Type: "web_hook", Address: rec.srv.URL,
		Token: "tok=1", Expiration: clock.Now().Add(72 * time.Hour).UnixMilli()}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if ch.Kind != "api#channel" || ch.Id != "chan-1" || ch.ResourceId == "" || ch.Token != "tok=1" ||
		ch.Expiration != clock.Now().Add(24*time.Hour).UnixMilli() || !strings.HasPrefix(ch.ResourceUri, ts.URL+"/drive/v3/files/"+f.ID) {
		t.Fatalf("channel %+v", ch)
	}
	_, err = svc.Files.Watch(f.ID, &drive.Channel{Id: "chan-1", Type: "web_hook", Address: rec.srv.URL}).Do()
	apiErr(t, err, 400, "channelIdNotUnique")

	sync := rec.next(t)
	check := func(r recorded, state string, num int) {
		t.Helper()
		h := r.header
		if h.Get("X-Goog-Resource-State") != state || h.Get("X-Goog-Message-Number") != strconv.Itoa(num) ||
			h.Get("X-Goog-Channel-ID") != "chan-1" || h.Get("X-Goog-Channel-Token") != "tok=1" ||
			h.Get("X-Goog-Resource-ID") != ch.ResourceId || h.Get("X-Goog-Resource-URI") != ch.ResourceUri || len(r.body) != 0 {
			t.Fatalf("want %s #%d, got %v", state, num, h)
		}
		if exp, err := http.ParseTime(h.Get("X-Goog-Channel-Expiration")); err != nil || exp.UnixMilli() != ch.Expiration {
			t.Fatalf("expiration header %q", h.Get("X-Goog-Channel-Expiration"))
		}
	}
	check(sync, "sync", 1)

	clock.Advance(time.Minute)
	if _, err := fake.UpdateFile(f.ID, "v2"); err != nil {
		t.Fatal(err)
	}
	fake.TrashFile(f.ID)
	fake.UntrashFile(f.ID)
	upd := rec.next(t)
	check(upd, "update", 2)
	if upd.header.Get("X-Goog-Changed") != "content,properties" {
		t.Fatalf("changed %q", upd.header.Get("X-Goog-Changed"))
	}
	check(rec.next(t), "trash", 3)
	check(rec.next(t), "untrash", 4)
	g, _ := svc.Files.Get(f.ID).Fields("version,modifiedTime").Do()
	if g.Version != 4 || g.ModifiedTime != "2026-03-02T09:01:00.000Z" {
		t.Fatalf("after update %+v", g)
	}

	if err := svc.Channels.Stop(&drive.Channel{Id: "chan-1", ResourceId: ch.ResourceId}).Do(); err != nil {
		t.Fatal(err)
	}
	fake.UpdateFile(f.ID, "v3")
	rec.none(t, 100*time.Millisecond)
	err = svc.Channels.Stop(&drive.Channel{Id: "chan-1", ResourceId: ch.ResourceId}).Do()
	apiErr(t, err, 404, "notFound")

	// Expired channels send nothing; delete sends "remove".
	if _, err := svc.Files.Watch(f.ID, &drive.Channel{Id: "chan-2", Type: "web_hook", Address: rec.srv.URL}).Do(); err != nil {
		t.Fatal(err)
	}
	if r := rec.next(t); r.header.Get("X-Goog-Resource-State") != "sync" {
		t.Fatal("no sync for chan-2")
	}
	fake.DeleteFile(f.ID)
	if r := rec.next(t); r.header.Get("X-Goog-Resource-State") != "remove" || r.header.Get("X-Goog-Message-Number") != "2" {
		t.Fatalf("delete notification %v", r.header)
	}
	g2, _ := fake.CreateFile(owner, "Other", "text/plain", "x")
	if _, err := svc.Files.Watch(g2.ID, &drive.Channel{Id: "chan-3", Type: "web_hook", Address: rec.srv.URL}).Do(); err != nil {
		t.Fatal(err)
	}
	rec.next(t)
	clock.Advance(time.Hour + time.Second) // default lifetime is 1 h
	fake.UpdateFile(g2.ID, "y")
	rec.none(t, 100*time.Millisecond)
	if st := fake.Stats(); st.NotificationsSent != 7 {
		t.Fatalf("stats %+v", st)
	}
	raw, _ := json.Marshal(fake.Stats())
	if !strings.Contains(string(raw), `"notifications_sent":7`) {
		t.Fatalf("stats json %s", raw)
	}
}
