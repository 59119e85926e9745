package mail

import (
	"slices"
	"testing"
)

func TestFindDriveLinks(t *testing.T) {
	const id = "1aBcD_eFgHiJkLmNoPqRsTuVwXyZ01234"
	tests := []struct {
		name string
		text string
		want []DriveLink
	}{
		{"file", "see https://drive.google.com/file/d/" + id + "/view?usp=sharing.",
			[]DriveLink{{id, "file", "https://drive.google.com/file/d/" + id}}},
		{"file account", "https://drive.google.com/file/u/0/d/" + id + "/view",
			[]DriveLink{{id, "file", "https://drive.google.com/file/u/0/d/" + id}}},
		{"document", "https://docs.google.com/document/d/" + id + "/edit",
			[]DriveLink{{id, "document", "https://docs.google.com/document/d/" + id}}},
		{"document account", "https://docs.google.com/document/u/0/d/" + id + "/edit",
			[]DriveLink{{id, "document", "https://docs.google.com/document/u/0/d/" + id}}},
		{"spreadsheet", "https://docs.google.com/spreadsheets/d/" + id + "/edit#gid=0",
			[]DriveLink{{id, "spreadsheet", "https://docs.google.com/spreadsheets/d/" + id}}},
		{"presentation", "(https://docs.google.com/presentation/d/" + id + ")",
			[]DriveLink{{id, "presentation", "https://docs.google.com/presentation/d/" + id}}},
		{"open", "https://drive.google.com/open?id=" + id,
			[]DriveLink{{id, "file", "https://drive.google.com/open?id=" + id}}},
		{"open with other parameters", "https://drive.google.com/open?usp=drive_fs&id=" + id + "&x=1",
			[]DriveLink{{id, "file", "https://drive.google.com/open?usp=drive_fs&id=" + id}}},
		{"open with escaped ampersand", "https://drive.google.com/open?usp=drive_fs&amp;id=" + id,
			[]DriveLink{{id, "file", "https://drive.google.com/open?usp=drive_fs&amp;id=" + id}}},
		{"folder", "https://drive.google.com/drive/folders/" + id + "?usp=sharing",
			[]DriveLink{{id, "folder", "https://drive.google.com/drive/folders/" + id}}},
		{"folder account", "https://drive.google.com/drive/u/1/folders/" + id,
			[]DriveLink{{id, "folder", "https://drive.google.com/drive/u/1/folders/" + id}}},
		{"no scheme", "drive.google.com/file/d/" + id,
			[]DriveLink{{id, "file", "https://drive.google.com/file/d/" + id}}},
		{"http and upper-case host", "HTTP://Drive.Google.COM/file/d/" + id,
			[]DriveLink{{id, "file", "HTTP://Drive.Google.COM/file/d/" + id}}},
		{"in HTML", `<a href="https://docs.google.com/document/d/` + id + `/edit">doc</a>`,
			[]DriveLink{{id, "document", "https://docs.google.com/document/d/" + id}}},
		{"google redirect", "https://www.google.com/url?q=https://drive.google.com/file/d/" + id + "/view&sa=D",
			[]DriveLink{{id, "file", "https://drive.google.com/file/d/" + id}}},
		{"google redirect, encoded", `<a href="https://www.google.com/url?q=https%3A%2F%2Fdrive.google.com%2Ffile%2Fd%2F` + id + `%2Fview%3Fusp%3Dsharing&amp;sa=D">plan</a>`,
			[]DriveLink{{id, "file", "https://drive.google.com/file/d/" + id}}},
		{"outlook safelinks", "https://eur01.safelinks.protection.outlook.com/?url=https%3a%2f%2fdocs.google.com%2fspreadsheets%2fd%2f" + id + "%2fedit&data=05%7C01",
			[]DriveLink{{id, "spreadsheet", "https://docs.google.com/spreadsheets/d/" + id}}},
		{"safelinks around a google redirect", "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.google.com%2Furl%3Fq%3Dhttps%253A%252F%252Fdrive.google.com%252Fdrive%252Ffolders%252F" + id + "%26sa%3DD",
			[]DriveLink{{id, "folder", "https://drive.google.com/drive/folders/" + id}}},
		{"encoded and plain: one link", "https://drive.google.com/file/d/" + id + " or https://www.google.com/url?q=https%3A%2F%2Fdrive.google.com%2Ffile%2Fd%2F" + id,
			[]DriveLink{{id, "file", "https://drive.google.com/file/d/" + id}}},
		{"stray percent signs", "100% sure: drive.google.com%2Ffile%2Fd%2F" + id + " costs 5%",
			[]DriveLink{{id, "file", "https://drive.google.com/file/d/" + id}}},
		{"dedup keeps the first", "https://drive.google.com/file/d/" + id + " and https://docs.google.com/document/d/" + id,
			[]DriveLink{{id, "file", "https://drive.google.com/file/d/" + id}}},
		{"order kept", "https://docs.google.com/document/d/BBBBBBBBBBBB then https://drive.google.com/file/d/AAAAAAAAAAAA",
			[]DriveLink{{"BBBBBBBBBBBB", "document", "https://docs.google.com/document/d/BBBBBBBBBBBB"},
				{"AAAAAAAAAAAA", "file", "https://drive.google.com/file/d/AAAAAAAAAAAA"}}},
		{"id too short", "https://drive.google.com/file/d/short", nil},
		{"other host", "https://mydrive.google.com/file/d/" + id, nil},
		{"lookalike domain", "https://drive.google.com.evil.example/file/d/" + id, nil},
		{"other google path", "https://docs.google.com/forms/d/" + id + " https://drive.google.com/drive/my-drive", nil},
		{"userid is not id", "https://drive.google.com/open?userid=" + id, nil},
		{"nothing", "no links here", nil},
	}
	for _, tt := range tests {
		got := FindDriveLinks(tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: FindDriveLinks(%q) = %+v, want %+v", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestDriveLinksFromParse(t *testing.T) {
	// The plain alternative is preferred for Text, but links only present in
	// the HTML alternative's hrefs are still found, after those in Text.
	raw := "From: a@example.com\r\nTo: ai+bob@besunny.ai\r\nSubject: links\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nPlain: https://drive.google.com/file/d/PLAINPLAINPLAIN/view\r\n" +
		"--b\r\nContent-Type: text/html\r\n\r\n<p>HTML: <a href=\"https://docs.google.com/spreadsheets/d/HREFHREFHREF/edit\">sheet</a>" +
		" and <a href=\"https://drive.google.com/file/d/PLAINPLAINPLAIN/view\">same file</a></p>\r\n--b--\r\n"
	m, err := Parse([]byte(raw), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range m.DriveLinks {
		ids = append(ids, l.FileID)
	}
	if want := []string{"PLAINPLAINPLAIN", "HREFHREFHREF"}; !slices.Equal(ids, want) {
		t.Errorf("drive ids = %q, want %q", ids, want)
	}
}
