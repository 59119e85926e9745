package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// driveDemo shows the Drive pipeline in the sandbox: a file in the demo
// user's Drive is linked from an email, becomes a watched document, and an
// edit of the file reaches the document after the quiet period.
func (c client) driveDemo() error {
	fmt.Println("Drive: a linked file becomes a watched document")
	var file struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}
	body := `{"name": "Harbor Library - reading room plan", "mime_type": "application/vnd.google-apps.document",
	  "text": "Reading room layout, version 1.\nShelving along the east wall; study tables by the windows; children's corner near the entrance."}`
	if err := c.doJSON(c.user, http.MethodPost, "/api/v1/sandbox/drive/files", body, &file); err != nil {
		return fmt.Errorf("create the sandbox file: %w", err)
	}
	fmt.Printf("  created %s in the demo user's sandbox Drive\n", file.URL)

	mail := fmt.Sprintf("From: Ines Duarte <ines@duarte-interiors.example>\r\nTo: ai+demo@besunny.ai\r\n"+
		"Subject: Reading room plan for the Harbor Library\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Hi, the reading room plan is here: %s\r\nInes\r\n", time.Now().UTC().Format(time.RFC1123Z), file.URL)
	ans, err := c.send([]byte(mail))
	if err != nil {
		return err
	}
	if _, err := c.wait(ans.WorkflowID); err != nil {
		return err
	}
	docID, err := c.waitWatch(file.ID)
	if err != nil {
		return err
	}
	fmt.Printf("  email %s linked it; the file is watched (workflow drive/%s)\n", ans.WorkflowID, file.ID)
	fmt.Printf("  document %s, project %s\n", docID, c.classification(docID))

	edit := `{"text": "Reading room layout, version 2.\nShelving moved to the north wall; the children's corner moves to the ground floor."}`
	if err := c.doJSON(c.user, http.MethodPatch, "/api/v1/sandbox/drive/files/"+file.ID, edit, nil); err != nil {
		return fmt.Errorf("edit the sandbox file: %w", err)
	}
	fmt.Println("  edited the file; Drive pushed the change, waiting for the quiet period (DRIVE_DEBOUNCE)…")
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		var doc struct {
			Status  string `json:"status"`
			Content string `json:"content"`
		}
		if err := c.do(c.user, http.MethodGet, "/api/v1/documents/"+docID, "", nil, &doc); err != nil {
			return err
		}
		if strings.Contains(doc.Content, "version 2") {
			fmt.Printf("  the document is re-synced (status %s) and re-classified\n\n", doc.Status)
			return nil
		}
		time.Sleep(time.Second)
	}
	return fmt.Errorf("the edit did not reach document %s within 5 minutes", docID)
}

// waitWatch waits until the file's watch has synced a document.
func (c client) waitWatch(fileID string) (string, error) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var out struct {
			Watches []struct {
				FileID     string  `json:"file_id"`
				DocumentID *string `json:"document_id"`
			} `json:"watches"`
		}
		if err := c.do(c.user, http.MethodGet, "/api/v1/drive/watches", "", nil, &out); err != nil {
			return "", err
		}
		for _, w := range out.Watches {
			if w.FileID == fileID && w.DocumentID != nil {
				return *w.DocumentID, nil
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	return "", fmt.Errorf("file %s was not watched within a minute: is the demo user connected to Google?", fileID)
}

func (c client) doJSON(token, method, path, body string, out any) error {
	if out == nil {
		var discard json.RawMessage
		out = &discard
	}
	return c.do(token, method, path, "application/json", bytes.NewBufferString(body).Bytes(), out)
}
