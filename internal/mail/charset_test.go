package mail

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeCharset(t *testing.T) {
	tests := []struct {
		label, in, want string
		ok              bool
	}{
		// UTF-8 and ASCII, with aliases and lies.
		{"utf-8", "caf\xc3\xa9", "café", true},
		{"UTF8", "caf\xc3\xa9", "café", true},
		{`"utf-8"`, "caf\xc3\xa9", "café", true},
		{"utf-8*en", "caf\xc3\xa9", "café", true},
		{"", "plain", "plain", true},
		{"us-ascii", "caf\xc3\xa9", "café", true},
		{"us-ascii", "caf\xe9", "café", false},
		{"utf-8", "cr\xe8me br\xfbl\xe9e \x805", "crème brûlée €5", false},
		{"utf-8", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xff ok", "日本語 \uFFFD ok", false},
		// Latin families.
		{"iso-8859-1", "caf\xe9", "café", true},
		{"ISO_8859-1", "caf\xe9", "café", true},
		{"latin1", "caf\xe9", "café", true},
		{"iso-8859-1", "Z\xc3\xbcrich", "Zürich", true}, // declared Latin-1, really UTF-8
		{"windows-1252", "\x93it\x92s\x94 \x805\x85", "“it’s” €5…", true},
		{"cp1252", "\x93it\x92s\x94", "“it’s”", true},
		{"iso-8859-15", "\xa4uro \xa6\xb4", "€uro ŠŽ", true},
		{"iso-8859-2", "Za\xbf\xf3\xb3\xe6", "Zażółć", true},
		{"windows-1250", "Za\xbf\xf3\xb3\xe6", "Zażółć", true},
		{"iso-8859-3", "\xa1ello", "Ħello", true},
		{"iso-8859-4", "A\xe8i\xfe", "Ačiū", true},
		{"iso-8859-9", "Te\xfeekk\xfcrler", "Teşekkürler", true},
		{"windows-1254", "Te\xfeekk\xfcrler", "Teşekkürler", true},
		{"iso-8859-13", "A\xe8i\xfb", "Ačiū", true},
		{"windows-1257", "A\xe8i\xfb", "Ačiū", true},
		{"iso-8859-16", "\xaa", "Ș", true},
		{"macintosh", "caf\x8e", "café", true},
		{"ibm850", "caf\x82", "café", true},
		{"ibm437", "caf\x82", "café", true},
		// Cyrillic, Greek, Hebrew, Arabic, Thai.
		{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет", true},
		{"KOI8-U", "\xf0\xd2\xc9\xd7\xa6\xd4", "Привіт", true},
		{"windows-1251", "\xce\xf2\xf7\xb8\xf2", "Отчёт", true},
		{"cp-1251", "\xce\xf2\xf7\xb8\xf2", "Отчёт", true},
		{"iso-8859-5", "\xbf\xe0\xd8\xd2\xd5\xe2", "Привет", true},
		{"ibm866", "\x8f\xe0\xa8\xa2\xa5\xe2", "Привет", true},
		{"iso-8859-7", "\xca\xe1\xeb\xe7\xec\xdd\xf1\xe1", "Καλημέρα", true},
		{"windows-1253", "\xca\xe1\xeb\xe7\xec\xdd\xf1\xe1", "Καλημέρα", true},
		{"iso-8859-8", "\xf9\xec\xe5\xed", "שלום", true},
		{"windows-1255", "\xf9\xec\xe5\xed", "שלום", true},
		{"iso-8859-6", "\xe5\xd1\xcd\xc8\xc7", "مرحبا", true},
		{"windows-1256", "\xe3\xd1\xcd\xc8\xc7", "مرحبا", true},
		{"tis-620", "\xca\xc7\xd1\xca\xb4\xd5", "สวัสดี", true},
		{"windows-874", "\xca\xc7\xd1\xca\xb4\xd5", "สวัสดี", true},
		// CJK.
		{"gb2312", "\xbb\xe1\xd2\xe9\xbc\xcd\xd2\xaa", "会议纪要", true},
		{"GBK", "\xb1\xa8\xb8\xe6", "报告", true},
		{"cp936", "\xb1\xa8\xb8\xe6", "报告", true},
		{"gb18030", "\xb1\xed\xc7\xe9\x949\xfc6", "表情😀", true},
		{"big5", "\xb6g\xb3\xf8", "週報", true},
		{"big5-hkscs", "\xb6g\xb3\xf8", "週報", true},
		{"shift_jis", "\x89\xef\x8bc\x82\xcc\x8e\x91\x97\xbf", "会議の資料", true},
		{"sjis", "\x89\xef\x8bc\x82\xcc\x8e\x91\x97\xbf", "会議の資料", true},
		{"cp932", "\x87@\x8e\x91\x97\xbf", "①資料", true},
		{"iso-2022-jp", "\x1b$BMh=5$NM=Dj\x1b(B", "来週の予定", true},
		{"euc-jp", "\xc0\xc1\xb5\xe1\xbd\xf1", "請求書", true},
		{"euc-kr", "\xc8\xb8\xc0\xc7 \xbe\xc8\xb3\xbb", "회의 안내", true},
		{"ks_c_5601-1987", "\xc8\xb8\xc0\xc7 \xbe\xc8\xb3\xbb", "회의 안내", true},
		{"utf-16le", "h\x00\xe9\x00", "hé", true},
		// Unknown labels and WHATWG "replacement" labels: best effort.
		{"x-klingon", "na\xc3\xafve", "naïve", false},
		{"x-klingon", "na\xefve", "naïve", false},
		{"iso-2022-kr", "plain ascii", "plain ascii", false},
		{"hz-gb-2312", "plain ascii", "plain ascii", true},
		{"unknown-8bit", "caf\xe9", "café", false},
	}
	for _, tt := range tests {
		got, ok := decodeCharset([]byte(tt.in), tt.label)
		if got != tt.want || ok != tt.ok {
			t.Errorf("decodeCharset(%q, %q) = %q, %v; want %q, %v", tt.in, tt.label, got, ok, tt.want, tt.ok)
		}
		if !utf8.ValidString(got) {
			t.Errorf("decodeCharset(%q, %q) is not valid UTF-8", tt.in, tt.label)
		}
	}
}

func TestDecodeCharsetInvalidInput(t *testing.T) {
	// Truncated or invalid multi-byte sequences still give valid UTF-8.
	for _, label := range []string{"shift_jis", "euc-kr", "gb18030", "big5", "iso-2022-jp", "utf-16le", "euc-jp", "utf-8", "koi8-r"} {
		for _, in := range []string{"\x89", "\xff\xfe\xfd", "ok\x1b$B\x30", "\x00\x80\x81\x82\xa0"} {
			got, _ := decodeCharset([]byte(in), label)
			if !utf8.ValidString(got) {
				t.Errorf("decodeCharset(%q, %q) = %q: invalid UTF-8", in, label, got)
			}
		}
	}
}

func TestHTMLMetaCharset(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<html><head><meta charset="iso-8859-2"></head>`, "iso-8859-2"},
		{`<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=Windows-1252">`, "windows-1252"},
		{`<meta content='text/html; charset = koi8-r' http-equiv='content-type'>`, "koi8-r"},
		{`<meta name="viewport" content="width=device-width"><meta charset=utf-8>`, "utf-8"},
		{`<p>no meta here, charset=latin1</p>`, ""},
		{`<meta charset=>`, ""},
		{strings.Repeat("x", 5000) + `<meta charset="koi8-r">`, ""},
	}
	for _, tt := range tests {
		if got := htmlMetaCharset([]byte(tt.in)); got != tt.want {
			t.Errorf("htmlMetaCharset(%.60q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain subject", "plain subject"},
		{"=?utf-8?Q?caf=C3=A9?=", "café"},
		{"=?UTF-8?q?caf=c3=a9_cr=C3=A8me?=", "café crème"},
		{"=?utf-8?B?SGVsbG8gV8O2cmxk?=", "Hello Wörld"},
		{"=?utf-8?B?SGVsbG8?=", "Hello"},                // missing padding
		{"=?utf-8?B?SGVs bG8=?=", "Hello"},              // blank inside
		{"=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab"},           // blanks between words go
		{"=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=", "ab"},       // also folded
		{"=?utf-8?Q?a?= x =?utf-8?Q?b?=", "a x b"},      // text between words stays
		{"Re: =?utf-8?Q?caf=C3=A9?= ok", "Re: café ok"}, // text around words stays
		{"Re:=?utf-8?Q?caf=C3=A9?=", "Re:café"},
		{"=?iso-8859-1?Q?Jos=E9?=", "José"},
		{"=?windows-1252?Q?=93hi=94?=", "“hi”"},
		{"=?koi8-r?B?8NLJ18XU?=", "Привет"},
		{"=?utf-8*en?Q?hello?=", "hello"},
		{"=?x-unknown?Q?Caf=C3=A9?=", "Café"},
		{"=?x-unknown?Q?Caf=E9?=", "Café"},
		{"=?utf-8?Q?no end", "=?utf-8?Q?no end"},
		{"=?utf-8?X?bad encoding?=", "=?utf-8?X?bad encoding?="},
		{"=??Q?empty charset?=", "=??Q?empty charset?="},
		{"=?utf-8?Q?bad =ZZ escape?=", "bad =ZZ escape"},
		{"100% =? not a word", "100% =? not a word"},
		// A character split across two words (UTF-8 and Shift_JIS).
		{"=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=", "日本"},
		{"=?UTF-8?B?5g==?= =?UTF-8?B?l6XmnKw=?=", "日本"},
		{"=?Shift_JIS?B?ie+L?= =?Shift_JIS?B?Yw==?=", "会議"},
		{"=?iso-2022-jp?B?GyRCTWg9NSROTT1EahsoQg==?=", "来週の予定"},
	}
	for _, tt := range tests {
		if got := decodeWords(tt.in); got != tt.want {
			t.Errorf("decodeWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeaderText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Hello \t world  ", "Hello world"},
		{"Scan\x00 complete\x01", "Scan complete"},
		{"Sm\xf6rg\xe5sbord", "Smörgåsbord"},                    // raw Latin-1
		{"Sm\xc3\xb6rg\xc3\xa5sbord", "Smörgåsbord"},            // raw UTF-8 (RFC 6532)
		{"first\r\n second", "first second"},                    // folded
		{"=?utf-8?Q?line=0Abreak?=", "line break"},              // encoded control characters
		{"=?utf-8?B?AAECdGV4dA==?=", "text"},                    // encoded NULs
		{"=?utf-8?Q?=E2=80=8Bzero?= width", "\u200bzero width"}, // kept: not a control
	}
	for _, tt := range tests {
		if got := headerText(tt.in); got != tt.want {
			t.Errorf("headerText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
