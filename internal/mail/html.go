package mail

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText is the readable text of an HTML part and the web links it holds.
type htmlText struct {
	text  string
	links []string
}

// htmlToText renders HTML (valid UTF-8) as readable plain text: block elements
// become line breaks, lists get bullets, scripts, styles and the head are
// dropped, entities are decoded and each link keeps its URL after its text
// (`text <url>`) unless the text already shows it.
func htmlToText(src string) htmlText {
	z := html.NewTokenizer(strings.NewReader(src))
	r := htmlRenderer{}
	r.out.Grow(len(src) / 3)
	inHead := false
	skip := atom.Atom(0) // inside <script>, <style> or <title>
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if skip != 0 {
				continue
			}
			text := string(z.Text())
			if inHead {
				if strings.TrimSpace(text) == "" {
					continue
				}
				inHead = false // text in the head means the body has begun
			}
			r.text(text)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skip != 0 {
				continue
			}
			switch a {
			case atom.Script, atom.Style, atom.Title, atom.Template, atom.Noframes,
				atom.Noscript, atom.Iframe, atom.Noembed, atom.Object:
				if tt == html.StartTagToken {
					skip = a
				}
				continue
			case atom.Head:
				inHead = true
				continue
			case atom.Body:
				inHead = false
				r.breakLines(1)
				continue
			case atom.Meta, atom.Link, atom.Base:
				continue
			}
			if inHead && a != 0 {
				inHead = false // a body element implies the end of the head
			}
			if inHead {
				continue
			}
			var href string
			if a == atom.A && hasAttr {
				href = attr(z, "href")
			}
			r.start(a, tt == html.SelfClosingTagToken, href)
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip != 0 {
				if a == skip {
					skip = 0
				}
				continue
			}
			if a == atom.Head {
				inHead = false
				continue
			}
			r.end(a)
		}
	}
	r.closeLink()
	return htmlText{text: r.out.String(), links: r.links}
}

func attr(z *html.Tokenizer, want string) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == want {
			return strings.TrimSpace(string(v))
		}
		if !more {
			return ""
		}
	}
}

type htmlRenderer struct {
	out       strings.Builder
	space     bool // a space is due before the next text
	newlines  int  // line breaks due before the next text
	pre       int
	lists     []int // item counters of open lists; -1 for unordered
	href      string
	hrefStart int // length of out when the open link started
	links     []string
}

func (r *htmlRenderer) breakLines(n int) {
	if r.newlines < n {
		r.newlines = n
	}
	r.space = false
}

func (r *htmlRenderer) start(a atom.Atom, selfClosing bool, href string) {
	switch a {
	case atom.Br:
		if r.newlines < 2 {
			r.newlines++
		}
		r.space = false
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Table, atom.Hr, atom.Dl, atom.Figure:
		r.breakLines(2)
	case atom.Pre:
		r.breakLines(2)
		r.pre++
	case atom.Ul, atom.Ol:
		r.breakLines(1)
		if len(r.lists) < 64 {
			n := -1
			if a == atom.Ol {
				n = 0
			}
			r.lists = append(r.lists, n)
		}
	case atom.Li:
		r.breakLines(1)
		bullet := "- "
		if k := len(r.lists) - 1; k >= 0 && r.lists[k] >= 0 {
			r.lists[k]++
			bullet = strconv.Itoa(r.lists[k]) + ". "
		}
		r.write(bullet)
	case atom.Div, atom.Tr, atom.Section, atom.Article, atom.Header, atom.Footer,
		atom.Address, atom.Form, atom.Fieldset, atom.Main, atom.Nav, atom.Aside,
		atom.Dt, atom.Dd, atom.Caption, atom.Center, atom.Tbody, atom.Thead, atom.Tfoot:
		r.breakLines(1)
	case atom.Td, atom.Th:
		r.space = true
	case atom.A:
		if r.href != "" {
			// An unclosed link ends where the next begins.
			r.closeLink()
			r.space = true
		}
		if href != "" && isWebLink(href) {
			r.href, r.hrefStart = href, r.out.Len()
			if len(r.links) < 10000 {
				r.links = append(r.links, href)
			}
		}
	}
	_ = selfClosing
}

func (r *htmlRenderer) end(a atom.Atom) {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Table, atom.Dl, atom.Figure:
		r.breakLines(2)
	case atom.Pre:
		r.breakLines(2)
		if r.pre > 0 {
			r.pre--
		}
	case atom.Ul, atom.Ol:
		r.breakLines(1)
		if len(r.lists) > 0 {
			r.lists = r.lists[:len(r.lists)-1]
		}
	case atom.Li, atom.Div, atom.Tr, atom.Section, atom.Article, atom.Header, atom.Footer,
		atom.Address, atom.Form, atom.Fieldset, atom.Main, atom.Nav, atom.Aside,
		atom.Dt, atom.Dd, atom.Caption, atom.Center:
		r.breakLines(1)
	case atom.Td, atom.Th:
		r.space = true
	case atom.A:
		r.closeLink()
	}
}

// closeLink appends the URL of the open link unless its text already shows it.
func (r *htmlRenderer) closeLink() {
	if r.href == "" {
		return
	}
	href := r.href
	r.href = ""
	shown := r.out.String()[r.hrefStart:]
	if shown != "" && (strings.Contains(shown, href) || strings.Contains(shown, strings.TrimSuffix(trimScheme(href), "/"))) {
		return
	}
	if shown != "" {
		r.space = true
	}
	r.write("<" + href + ">")
}

func trimScheme(u string) string {
	for _, p := range []string{"https://", "http://"} {
		if len(u) >= len(p) && strings.EqualFold(u[:len(p)], p) {
			return u[len(p):]
		}
	}
	return u
}

func isWebLink(u string) bool {
	l := len(u)
	return l > 8 && (strings.EqualFold(u[:7], "http://") || strings.EqualFold(u[:8], "https://"))
}

// text writes character data, collapsing white space outside <pre>.
func (r *htmlRenderer) text(s string) {
	if r.pre > 0 {
		for len(s) > 0 {
			nl := strings.IndexByte(s, '\n')
			if nl < 0 {
				r.write(s)
				return
			}
			if nl > 0 {
				r.write(s[:nl])
			}
			r.newlines++
			r.space = false
			s = s[nl+1:]
		}
		return
	}
	start := -1
	for i := 0; i < len(s); {
		c, size := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\u00a0':
			if start >= 0 {
				r.write(s[start:i])
				start = -1
			}
			r.space = true
		case c == '\u200b' || c == '\u200c' || c == '\u200d' || c == '\ufeff' || c == '\u00ad' || c == '\u034f':
			// invisible characters used as email preheader padding
			if start >= 0 {
				r.write(s[start:i])
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
		i += size
	}
	if start >= 0 {
		r.write(s[start:])
	}
}

// write emits s after the line breaks or space that are due.
func (r *htmlRenderer) write(s string) {
	if r.out.Len() > 0 {
		switch {
		case r.newlines > 0:
			for i := 0; i < r.newlines; i++ {
				r.out.WriteByte('\n')
			}
		case r.space:
			r.out.WriteByte(' ')
		}
	}
	r.newlines, r.space = 0, false
	r.out.WriteString(s)
}
