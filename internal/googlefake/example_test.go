package googlefake_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/googlefake"
	"golang.org/x/oauth2"
	drive "google.golang.org/api/drive/v3"
	gmail "google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"
)

// Example wires the real Gmail and Drive clients to the fake.
func Example() {
	fake := googlefake.New(googlefake.Options{})
	ts := httptest.NewServer(fake.Handler())
	defer ts.Close()
	defer fake.Close() // runs first: releases any hung request
	ctx := context.Background()

	raw := "From: alice@example.com\r\nTo: ai@besunny.ai\r\nSubject: Kickoff\r\n" +
		"Date: Mon, 02 Mar 2026 08:00:00 +0000\r\n\r\nSee the plan.\r\n"
	id, _, _ := fake.Deliver("ai@besunny.ai", []byte(raw), googlefake.DeliverOptions{})

	gm, _ := gmail.NewService(ctx, option.WithEndpoint(ts.URL+"/"), option.WithoutAuthentication())
	msg, _ := gm.Users.Messages.Get("me", id).Format("metadata").MetadataHeaders("Subject").Do()
	fmt.Println(msg.Payload.Headers[0].Value, msg.LabelIds)

	f, _ := fake.CreateFile("alice@example.com", "Plan", googlefake.MimeGoogleSheet, "task,owner\nkickoff,alice\n")
	tok := fake.Token("alice@example.com", "besunny-web")
	dr, _ := drive.NewService(ctx, option.WithEndpoint(ts.URL+"/drive/v3/"),
		option.WithTokenSource(oauth2.StaticTokenSource(tok)))
	meta, _ := dr.Files.Get(f.ID).Fields("name,mimeType,version").Do()
	fmt.Println(meta.Name, meta.MimeType, meta.Version)
	// Output:
	// Kickoff [INBOX UNREAD]
	// Plan application/vnd.google-apps.spreadsheet 1
}

// BenchmarkMessagesGet measures the fake's own cost per messages.get so
// product benchmarks know how much of their time is the fake.
func BenchmarkMessagesGet(b *testing.B) {
	fake := googlefake.New(googlefake.Options{})
	ts := httptest.NewServer(fake.Handler())
	defer ts.Close()
	defer fake.Close()
	raw := []byte("From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n")
	var ids []string
	for range 100 {
		id, _, _ := fake.Deliver("ai@besunny.ai", raw, googlefake.DeliverOptions{InternalDate: time.Now()})
		ids = append(ids, id)
	}
	gm, _ := gmail.NewService(context.Background(), option.WithEndpoint(ts.URL+"/"), option.WithoutAuthentication())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := gm.Users.Messages.Get("me", ids[i%len(ids)]).Format("full").Do(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fake.Stats().MaxGmailUnitsPerSecond), "peak-units/s")
}
