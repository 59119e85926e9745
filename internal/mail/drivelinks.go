package mail

import "strings"

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

// maxDriveIDLen bounds accepted ids; real ones are 25–44 characters.
const (
	minDriveIDLen = 10
	maxDriveIDLen = 128
	// maxDriveQueryLen bounds how far an open?…id= link is searched for its id.
	maxDriveQueryLen = 2048
)

// FindDriveLinks returns the distinct Drive files and folders linked in text,
// in order of first appearance, deduplicated by file id. It recognises
// drive.google.com/file/d/<id>, docs.google.com/{document,spreadsheets,
// presentation}/d/<id>, drive.google.com/open?id=<id> and
// drive.google.com/drive/folders/<id>, each also with a /u/<n>/ account
// segment and with or without the scheme, and percent-encoded inside another
// URL (Google's redirect `url?q=`, Outlook SafeLinks `?url=`). Hosts are
// case-insensitive, paths and ids are not.
func FindDriveLinks(text string) []DriveLink {
	return appendDriveLinks(nil, map[string]bool{}, text)
}

// appendDriveLinks appends the links in text, then those a redirector
// percent-encoded into it: decoded and scanned again, twice at most
// (SafeLinks around a Google redirect).
func appendDriveLinks(links []DriveLink, seen map[string]bool, text string) []DriveLink {
	links = scanDriveLinks(links, seen, text)
	for range 2 {
		if !strings.Contains(text, "google.com%2F") && !strings.Contains(text, "google.com%2f") {
			break
		}
		text = string(percentDecode(make([]byte, 0, len(text)), text))
		links = scanDriveLinks(links, seen, text)
	}
	return links
}

// scanDriveLinks scans text for `.google.com/` (found quickly through its
// dot) and parses what surrounds each occurrence; a regular expression
// without a literal prefix is an order of magnitude slower on long bodies.
func scanDriveLinks(links []DriveLink, seen map[string]bool, text string) []DriveLink {
	const host = "google.com/"
	for off := 0; off < len(text); {
		d := strings.IndexByte(text[off:], '.')
		if d < 0 {
			break
		}
		dot := off + d
		off = dot + 1
		if !hasPrefixFold(text[dot+1:], host) {
			continue
		}
		var hostStart int
		switch {
		case dot >= 5 && strings.EqualFold(text[dot-5:dot], "drive"):
			hostStart = dot - 5
		case dot >= 4 && strings.EqualFold(text[dot-4:dot], "docs"):
			hostStart = dot - 4
		default:
			continue
		}
		start := hostStart
		if s, ok := schemeBefore(text, hostStart); ok {
			start = s
		} else if hostStart > 0 && isHostByte(text[hostStart-1]) {
			continue // mydrive.google.com
		}
		kind, idStart, idEnd, ok := parseDrivePath(text, dot+1+len(host))
		if !ok {
			continue
		}
		off = idEnd
		id := text[idStart:idEnd]
		if seen[id] {
			continue
		}
		seen[id] = true
		url := text[start:idEnd]
		if start == hostStart {
			url = "https://" + url
		}
		links = append(links, DriveLink{FileID: id, Kind: kind, URL: url})
	}
	return links
}

// schemeBefore returns where an `http://` or `https://` that ends at i starts.
func schemeBefore(text string, i int) (int, bool) {
	for _, scheme := range []string{"https://", "http://"} {
		if n := len(scheme); i >= n && strings.EqualFold(text[i-n:i], scheme) {
			return i - n, true
		}
	}
	return 0, false
}

// parseDrivePath parses the path after `drive.google.com/` or
// `docs.google.com/` at p, returning the kind of link and the bounds of its id.
func parseDrivePath(text string, p int) (kind string, idStart, idEnd int, ok bool) {
	rest := text[p:]
	var q int
	switch {
	case strings.HasPrefix(rest, "file/"):
		kind, q = DriveKindFile, skipAccount(text, p+len("file/"))
		if !strings.HasPrefix(text[q:], "d/") {
			return "", 0, 0, false
		}
		q += len("d/")
	case strings.HasPrefix(rest, "document/"), strings.HasPrefix(rest, "spreadsheets/"), strings.HasPrefix(rest, "presentation/"):
		slash := strings.IndexByte(rest, '/')
		kind = rest[:slash]
		if kind == "spreadsheets" {
			kind = DriveKindSpreadsheet
		}
		q = skipAccount(text, p+slash+1)
		if !strings.HasPrefix(text[q:], "d/") {
			return "", 0, 0, false
		}
		q += len("d/")
	case strings.HasPrefix(rest, "drive/"):
		kind, q = DriveKindFolder, skipAccount(text, p+len("drive/"))
		if !strings.HasPrefix(text[q:], "folders/") {
			return "", 0, 0, false
		}
		q += len("folders/")
	case strings.HasPrefix(rest, "open?"):
		kind, q = DriveKindFile, p+len("open?")
		// The id parameter: first in the query or after & or ; (which also
		// covers an HTML-escaped &amp;), within a bounded query.
		query := text[:min(len(text), q+maxDriveQueryLen)]
		for !strings.HasPrefix(text[q:], "id=") {
			next := strings.IndexAny(query[q:], "&; \t\r\n\"'<>#")
			if next < 0 || (text[q+next] != '&' && text[q+next] != ';') {
				return "", 0, 0, false
			}
			q += next + 1
		}
		q += len("id=")
	default:
		return "", 0, 0, false
	}
	end := q
	for end < len(text) && isDriveIDByte(text[end]) {
		end++
	}
	if n := end - q; n < minDriveIDLen || n > maxDriveIDLen {
		return "", 0, 0, false
	}
	return kind, q, end, true
}

// skipAccount skips a `u/<n>/` account segment at p.
func skipAccount(text string, p int) int {
	if !strings.HasPrefix(text[p:], "u/") {
		return p
	}
	q := p + 2
	for q < len(text) && text[q] >= '0' && text[q] <= '9' {
		q++
	}
	if q == p+2 || q >= len(text) || text[q] != '/' {
		return p
	}
	return q + 1
}

func isDriveIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isHostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

// hasPrefixFold reports whether s starts with the lower-case ASCII prefix,
// ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
