package mail

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	small, err := os.ReadFile(filepath.Join(corpusDir, "plain_simple.eml"))
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		raw  []byte
	}{
		{"small_text", small},
		{"multipart_html_100KB", genHTMLMessage(100 << 10)},
		{"attachments_10MB", genAttachmentMessage(5<<20, 2<<20, 512<<10)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(c.raw, DefaultLimits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
