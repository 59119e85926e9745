package mail

import (
	"regexp"
	"strings"
)

// DriveLink is a Google Drive file or folder referenced by a message.
type DriveLink struct {
	FileID string `json:"file_id"`
	// Kind is file, document, spreadsheet, presentation or folder.
	Kind string `json:"kind"`
	URL  string `json:"url"`
}

// Kinds of DriveLink.
const (
	DriveKindFile         = "file"
	DriveKindDocument     = "document"
	DriveKindSpreadsheet  = "spreadsheet"
	DriveKindPresentation = "presentation"
	DriveKindFolder       = "folder"
)

// driveLinkPattern matches the link forms of Drive and Docs; the host is
// case-insensitive, the id is not. Groups: 1 the Docs editor, 2 `folders`,
// 3 the id.
var driveLinkPattern = regexp.MustCompile(
	`(?:(?i:https?)://)?(?i:drive|docs)\.(?i:google)\.(?i:com)/` +
		`(?:` +
		`file/(?:u/\d+/)?d/` +
		`|(document|spreadsheets|presentation)/(?:u/\d+/)?d/` +
		`|open\?(?:[^\s"'<>#]*?[&;])?id=` +
		`|drive/(?:u/\d+/)?(folders)/` +
		`)` +
		`([A-Za-z0-9_-]{10,})`)

// maxDriveIDLen bounds accepted ids; real ones are 25–44 characters.
const maxDriveIDLen = 128

// FindDriveLinks returns the distinct Drive files and folders linked in text,
// in order of first appearance, deduplicated by file id. It recognises
// drive.google.com/file/d/<id>, docs.google.com/{document,spreadsheets,
// presentation}/d/<id>, drive.google.com/open?id=<id> and
// drive.google.com/drive/folders/<id>, each also with a /u/<n>/ account
// segment and with or without the scheme.
func FindDriveLinks(text string) []DriveLink {
	return appendDriveLinks(nil, map[string]bool{}, text)
}

func appendDriveLinks(links []DriveLink, seen map[string]bool, text string) []DriveLink {
	if !containsFoldASCII(text, ".google.") {
		return links
	}
	for _, m := range driveLinkPattern.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[0], m[1]
		// The host must not continue a longer name (mydrive.google.com).
		if start > 0 && isHostByte(text[start-1]) {
			continue
		}
		id := text[m[6]:m[7]]
		if len(id) > maxDriveIDLen || seen[id] {
			continue
		}
		seen[id] = true
		kind := DriveKindFile
		switch {
		case m[2] >= 0:
			kind = text[m[2]:m[3]]
			if kind == "spreadsheets" {
				kind = DriveKindSpreadsheet
			}
		case m[4] >= 0:
			kind = DriveKindFolder
		}
		url := text[start:end]
		if !strings.Contains(url[:min(len(url), 8)], "://") {
			url = "https://" + url
		}
		links = append(links, DriveLink{FileID: id, Kind: kind, URL: url})
	}
	return links
}

func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

// containsFoldASCII reports whether s contains the lower-case ASCII substr,
// ignoring ASCII case, without allocating.
func containsFoldASCII(s, substr string) bool {
	n := len(substr)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != substr[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}
