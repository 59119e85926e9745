package mail

import (
	"regexp"
)

// DriveLink is a Google Drive file or folder referenced by a message.
type DriveLink struct {
	FileID string `json:"file_id"`
	// Kind is file, document, spreadsheet, presentation or folder.
	Kind string `json:"kind"`
	URL  string `json:"url"`
}

var driveLinkPattern = regexp.MustCompile(`https?://(?:drive|docs)\.google\.com/(?:file/d/|(document|spreadsheets|presentation)/d/|open\?(?:[^\s"'<>]*&)?id=|drive/(?:u/\d+/)?folders/)([A-Za-z0-9_-]{10,})`)

// FindDriveLinks returns the distinct Drive files and folders linked in text,
// in order of first appearance.
func FindDriveLinks(text string) []DriveLink {
	var links []DriveLink
	seen := map[string]bool{}
	for _, m := range driveLinkPattern.FindAllStringSubmatch(text, -1) {
		id := m[2]
		if seen[id] {
			continue
		}
		seen[id] = true
		links = append(links, DriveLink{FileID: id, Kind: driveKind(m[0], m[1]), URL: m[0]})
	}
	return links
}

func driveKind(url, docsKind string) string {
	switch {
	case docsKind == "spreadsheets":
		return "spreadsheet"
	case docsKind != "":
		return docsKind
	case regexp.MustCompile(`/folders/`).MatchString(url):
		return "folder"
	default:
		return "file"
	}
}
