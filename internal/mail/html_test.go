package mail

import (
	"slices"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
		links          []string
	}{
		{"paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo", nil},
		{"br", "a<br>b<br><br>c", "a\nb\n\nc", nil},
		{"divs", "<div>a</div><div>b</div>", "a\nb", nil},
		{"whitespace", "  lots \n\t of   space  ", "lots of space", nil},
		{"entities", "caf&eacute; &amp; cr&#232;me &lt;3&gt; &nbsp;x&#x2014;y", "café & crème <3> x—y", nil},
		{"head and scripts dropped", "<html><head><title>T</title><style>p{x:y}</style><script>alert(1)</script></head><body>text</body></html>", "text", nil},
		{"style in body dropped", "<body><style>.a{}</style>visible<script type=\"text/javascript\">var x = '<p>';</script></body>", "visible", nil},
		{"unclosed head", "<head><title>T</title><p>body text", "body text", nil},
		{"text in head", "<head>stray text<body>more", "stray text\nmore", nil},
		{"list", "<ul><li>one</li><li>two</li></ul>", "- one\n- two", nil},
		{"ordered list", "<ol><li>one<li>two</ol>", "1. one\n2. two", nil},
		{"table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "a b\nc d", nil},
		{"link", `<a href="https://example.com/x">the site</a>`, "the site <https://example.com/x>", []string{"https://example.com/x"}},
		{"link showing its url", `<a href="https://example.com/x">https://example.com/x</a>`, "https://example.com/x", []string{"https://example.com/x"}},
		{"link showing url without scheme", `<a href="https://example.com/">example.com</a>`, "example.com", []string{"https://example.com/"}},
		{"image link", `<a href="https://example.com/x"><img src="y.png"></a>`, "<https://example.com/x>", []string{"https://example.com/x"}},
		{"mailto and javascript skipped", `<a href="mailto:a@example.com">a@example.com</a> <a href="javascript:void(0)">x</a>`, "a@example.com x", nil},
		{"unclosed link", `<a href="https://example.com/a">first<a href="https://example.com/b">second`, "first <https://example.com/a> second <https://example.com/b>", []string{"https://example.com/a", "https://example.com/b"}},
		{"pre keeps layout", "<pre>  a\n    b</pre>after", "  a\n    b\n\nafter", nil},
		{"preheader padding dropped", "Hello&zwnj;&nbsp;&#8203;&#xAD; world", "Hello world", nil},
		{"comments dropped", "a<!-- hidden -->b<!--[if mso]>x<![endif]-->", "ab", nil},
		{"raw text elements dropped", "a<noscript><img src=x></noscript>b<iframe>frame</iframe>c<textarea>typed <b>text</b></textarea>", "abctyped <b>text</b>", nil},
		{"headings", "<h1>Title</h1>body", "Title\n\nbody", nil},
		{"broken markup", "<p>unclosed <b>bold <i>both</p> text</b> <", "unclosed bold both\n\ntext <", nil},
	}
	for _, tt := range tests {
		got := htmlToText(tt.in)
		if normaliseText(got.text) != tt.want {
			t.Errorf("%s: htmlToText(%q) = %q, want %q", tt.name, tt.in, normaliseText(got.text), tt.want)
		}
		if !slices.Equal(got.links, tt.links) {
			t.Errorf("%s: links = %q, want %q", tt.name, got.links, tt.links)
		}
	}
}
