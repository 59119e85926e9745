package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Weights of the parts of a document. New text counts fully; quoted replies,
// signatures and the quoted history below "On ... wrote:" count less because
// they often belong to an earlier (possibly different) conversation.
const (
	wTitle      = 2.0
	wAttachment = 1.0
	wBody       = 1.0
	wQuoted     = 0.15 // small: term frequencies saturate, so 0.15 ends up counting about a quarter
	wQuoted2    = 0.1  // quoted twice (">>")
	wSignature  = 0.3
	wAuthorName = 1.0
	wURLWords   = 0.5
	wEmailWords = 0.5
	wFwdHeader  = 0.8 // From:/To: lines of a forwarded message
	wSalutation = 0.1 // "Hi Maya," and "Thanks,\nTom": names of correspondents, not topics
)

// analysis is what the local classifier extracts from a text.
type analysis struct {
	terms   map[string]float64 // stem -> weighted term frequency
	surface map[string]string  // stem -> a surface form (for tags)
	// seq is the stem sequence for phrase matching ("" separates segments)
	// and seqW the weight of each position.
	seq  []string
	seqW []float32
	pos  map[string][]int32 // stem -> positions in seq (built lazily)

	emails  map[string]float64 // addresses mentioned (not the sender)
	domains map[string]float64 // domains of mentioned addresses and URLs
	codes   map[string]float64 // project-code-like tokens, upper case

	// shapes are the layout features of the body (shape.go), for the
	// centroids only.
	shapes map[string]float64

	sender       string // author's address, lower case
	senderDomain string
	bulk         float64  // 0..1: looks like a newsletter or an automated notification
	senderName   []string // stems of the author's display name
	total        float64  // sum of term weights

	// thread is the conversation the subject names and reply whether the
	// subject marks a reply or a forward (threadKey).
	thread string
	reply  bool
}

func newAnalysis() *analysis {
	return &analysis{
		terms:   make(map[string]float64, 256),
		surface: make(map[string]string, 256),
		seq:     make([]string, 0, 512),
		seqW:    make([]float32, 0, 512),
		emails:  map[string]float64{},
		domains: map[string]float64{},
		codes:   map[string]float64{},
		shapes:  make(map[string]float64, 8),
	}
}

// analyzeDocument tokenises a document with email structure in mind.
func analyzeDocument(doc Document) *analysis {
	a := newAnalysis()
	a.thread, a.reply = threadKey(doc.Title)
	name, addr := splitAuthor(doc.Author)
	if addr != "" {
		a.sender = addr
		a.senderDomain = domainOf(addr)
	}
	if name != "" {
		// The sender's name goes into the phrase sequence (to match a
		// contact's full name) but not into the vocabulary: who sent the
		// mail is scored by the sender features, once.
		a.senderName = stems(name)
		for _, st := range a.senderName {
			a.seq = append(a.seq, st)
			a.seqW = append(a.seqW, float32(wAuthorName))
		}
		a.brk()
	}
	a.addText(stripSubjectPrefixes(doc.Title), wTitle, true)
	a.brk()
	for _, att := range doc.Attachments {
		a.addText(att, wAttachment, true)
		a.brk()
	}
	a.addBody(doc.Text)
	a.addShapes(doc.Text)
	a.addTitleShapes(stripSubjectPrefixes(doc.Title))
	a.bulk = bulkness(a.sender, doc.Text)
	// Nor do the sender's name and mailbox in the sign-off, the signature
	// or the quoted attribution count as vocabulary.
	self := a.senderName
	if local, _, ok := strings.Cut(a.sender, "@"); ok {
		self = append(self, stems(local)...)
	}
	for _, st := range self {
		if w, ok := a.terms[st]; ok {
			a.total -= w
			delete(a.terms, st)
		}
	}
	return a
}

// bulkLocalParts are sender mailboxes of newsletters and notifications.
var bulkLocalParts = set("newsletter", "newsletters", "news", "noreply", "no-reply", "donotreply", "do-not-reply", "digest", "bulletin",
	"notifications", "notification", "notify", "marketing", "offers", "deals", "mailer", "updates", "alerts", "automated",
	"members", "promotions", "info", "hello", "events", "shipment-tracking", "auto-confirm", "mailer-daemon")

var bulkPhrases = []string{"unsubscribe", "view this email in your browser", "manage preferences", "manage your preferences",
	"this mailbox is not monitored", "do not reply to this email", "you are receiving this email", "email preferences"}

// bulkness scores how much a mail looks like bulk mail (a newsletter, an
// automated notification): 1 for a bulk footer, 0.5 for a bulk sender box.
func bulkness(sender, text string) float64 {
	b := 0.0
	if local, _, ok := strings.Cut(sender, "@"); ok {
		if _, bulk := bulkLocalParts[local]; bulk || strings.HasPrefix(local, "noreply") || strings.HasPrefix(local, "no-reply") {
			b = 0.5
		}
	}
	tail := text
	if len(tail) > 1500 {
		tail = tail[len(tail)-1500:]
	}
	tail = strings.ToLower(tail)
	for _, p := range bulkPhrases {
		if strings.Contains(tail, p) {
			return 1
		}
	}
	return b
}

func (a *analysis) brk() {
	if len(a.seq) > 0 && a.seq[len(a.seq)-1] != "" {
		a.seq = append(a.seq, "")
		a.seqW = append(a.seqW, 0)
	}
}

// addBody walks the lines of a body, weighting quoted text, signatures and
// quoted history down and forwarded messages up to full weight.
func (a *analysis) addBody(text string) {
	inSig := false
	inHistory := false // below an Outlook-style "-----Original Message-----"
	inFwdHeader := false
	inSignoff := 0 // lines left of a sign-off block ("Thanks,\nTom")
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			a.brk()
			inFwdHeader = false
			inSignoff = 0
			continue
		}
		switch {
		case isForwardMarker(trimmed):
			inSig, inHistory, inFwdHeader = false, false, true
			a.brk()
			continue
		case trimmed == "--" || line == "-- " || trimmed == "—" || trimmed == "__":
			inSig = true
			a.brk()
			continue
		case strings.HasPrefix(trimmed, "-----Original Message-----") || strings.HasPrefix(trimmed, "________________________________"):
			inHistory = true
			a.brk()
			continue
		}
		if strings.HasPrefix(trimmed, ">") {
			w := wQuoted
			if strings.HasPrefix(strings.ReplaceAll(trimmed, " ", ""), ">>") {
				w = wQuoted2
			}
			a.addText(strings.TrimLeft(trimmed, "> "), w, true)
			continue
		}
		if isAttribution(trimmed) {
			// "On Tue, 4 Mar 2025 at 10:12, Gareth Price <gareth@x> wrote:"
			inSig = false
			a.brk()
			a.addText(trimmed, wQuoted, true)
			a.brk()
			continue
		}
		w := wBody
		switch {
		case inFwdHeader && isHeaderLine(trimmed):
			w = wFwdHeader
		case inHistory:
			w = wQuoted
		case inSig:
			w = wSignature
			if isLegalFooter(trimmed) {
				w = wSalutation
			}
		case inSignoff > 0 && len(trimmed) <= 40:
			w = wSalutation
			inSignoff--
		case isGreeting(trimmed):
			w = wSalutation
		case isSignoff(trimmed):
			w = wSalutation
			inSignoff = 2
		}
		a.addText(trimmed, w, true)
		if w == wBody {
			a.brk()
		}
	}
}

var greetingWords = set("hi", "hello", "dear", "hey", "morning", "afternoon", "evening", "good", "hiya", "greetings")

// isGreeting recognises salutation lines such as "Hi Maya," or "Dear Mr Price,".
func isGreeting(s string) bool {
	if len(s) > 40 {
		return false
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	first := strings.ToLower(strings.Trim(words[0], ",!-:"))
	if _, ok := greetingWords[first]; ok {
		return true
	}
	// "Maya," alone on the first line
	return len(words) <= 2 && strings.HasSuffix(s, ",")
}

var signoffPhrases = []string{"thanks", "thank you", "many thanks", "best", "best regards", "best wishes", "kind regards", "regards", "cheers", "speak soon", "thanks again", "all the best", "warm regards", "sincerely", "yours sincerely", "talk soon", "love", "see you", "ta"}

// isSignoff recognises "Thanks," or "Kind regards," (the name follows).
func isSignoff(s string) bool {
	if len(s) > 24 {
		return false
	}
	l := strings.ToLower(strings.TrimRight(s, ",.!- "))
	for _, p := range signoffPhrases {
		if l == p {
			return true
		}
	}
	return false
}

// isLegalFooter recognises confidentiality notices and similar boilerplate.
func isLegalFooter(s string) bool {
	if len(s) < 60 {
		return false
	}
	l := strings.ToLower(s)
	return strings.Contains(l, "confidential") || strings.Contains(l, "intended solely") || strings.Contains(l, "privileged") ||
		strings.Contains(l, "disclaimer") || strings.Contains(l, "registered in ") || strings.Contains(l, "received this email in error")
}

func isForwardMarker(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "forwarded message") || strings.HasPrefix(l, "begin forwarded message")
}

func isAttribution(s string) bool {
	return len(s) < 300 && strings.HasPrefix(s, "On ") && strings.HasSuffix(s, "wrote:")
}

func isHeaderLine(s string) bool {
	for _, h := range []string{"From:", "To:", "Cc:", "CC:", "Date:", "Sent:", "Subject:"} {
		if strings.HasPrefix(s, h) {
			return true
		}
	}
	return false
}

func stripSubjectPrefixes(s string) string {
	for {
		t := strings.TrimSpace(s)
		l := strings.ToLower(t)
		switch {
		case strings.HasPrefix(l, "re:"), strings.HasPrefix(l, "fw:"), strings.HasPrefix(l, "aw:"), strings.HasPrefix(l, "wg:"):
			s = t[3:]
		case strings.HasPrefix(l, "fwd:"):
			s = t[4:]
		default:
			return t
		}
	}
}

// addText tokenises one piece of text with weight w. Emails, URLs and
// project codes become exact features as well as words.
func (a *analysis) addText(s string, w float64, features bool) {
	for len(s) > 0 {
		// next whitespace-separated chunk
		i := strings.IndexFunc(s, unicode.IsSpace)
		var chunk string
		if i < 0 {
			chunk, s = s, ""
		} else {
			chunk, s = s[:i], s[i+1:]
		}
		if chunk == "" {
			continue
		}
		c := trimPunct(chunk)
		switch {
		case c == "":
			continue
		case strings.IndexByte(c, '@') > 0 && looksLikeEmail(c):
			addr := strings.ToLower(strings.TrimPrefix(c, "mailto:"))
			if features && addr != a.sender {
				bump(a.emails, addr, w)
				bump(a.domains, domainOf(addr), w*0.5)
			}
			local, dom, _ := strings.Cut(addr, "@")
			a.addWords(local, w*wEmailWords)
			a.addWords(domainWords(dom), w*wEmailWords)
		case hasURLPrefix(c):
			host, path := splitURL(c)
			if features && host != "" {
				bump(a.domains, host, w*0.5)
			}
			a.addWords(domainWords(host), w*wURLWords)
			a.addWords(path, w*wURLWords)
		default:
			if features {
				if code, ok := codeOf(c); ok {
					bump(a.codes, code, w)
				}
			}
			a.addWords(c, w)
		}
	}
}

// addWords splits s into words and adds their stems.
func (a *analysis) addWords(s string, w float64) {
	forEachWord(s, func(word string) {
		st, ok := stemWord(word)
		if !ok {
			return
		}
		a.terms[st] += w
		a.total += w
		if _, seen := a.surface[st]; !seen {
			a.surface[st] = word
		}
		a.seq = append(a.seq, st)
		a.seqW = append(a.seqW, float32(w))
	})
}

// chunkPunct is what trimPunct strips from both ends of a chunk.
var chunkPunct = func() (t [128]bool) {
	for _, c := range "<>()[]{}\"'`,;:.!?*|" {
		t[c] = true
	}
	return t
}()

func trimPunct(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] < 128 && chunkPunct[s[i]] {
		i++
	}
	for j > i && s[j-1] < 128 && chunkPunct[s[j-1]] {
		j--
	}
	return s[i:j]
}

func bump(m map[string]float64, k string, w float64) {
	if k == "" {
		return
	}
	if w > m[k] {
		m[k] = w
	}
}

// forEachWord calls f for each maximal run of letters/digits in s, lower-cased.
func forEachWord(s string, f func(string)) {
	start := -1
	ascii := true
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
				ascii = true
			}
			if r >= utf8.RuneSelf {
				ascii = false
			}
			continue
		}
		if start >= 0 {
			emitWord(s[start:i], ascii, f)
			start = -1
		}
	}
	if start >= 0 {
		emitWord(s[start:], ascii, f)
	}
}

func emitWord(w string, ascii bool, f func(string)) {
	if ascii {
		// fast path: lower-case ASCII without allocating when already lower
		lower := true
		for i := 0; i < len(w); i++ {
			if w[i] >= 'A' && w[i] <= 'Z' {
				lower = false
				break
			}
		}
		if !lower {
			w = strings.ToLower(w)
		}
		f(w)
		return
	}
	f(strings.ToLower(w))
}

// stemWord filters and stems a lower-case word. It drops short words, stop
// words and numbers.
func stemWord(w string) (string, bool) {
	if len(w) < 2 {
		return "", false
	}
	digits := 0
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			digits++
		}
	}
	if digits == len(w) || digits*2 > len(w) {
		return "", false // numbers, amounts, dates, phone fragments
	}
	if _, stop := stopWords[w]; stop {
		return "", false
	}
	return stem(w), true
}

// stem is a light suffix stripper: plurals, -ing, -ed, -ly and a final -e,
// so that "approve", "approved" and "approves" meet. It only has to be
// consistent between documents and profiles, not linguistically correct.
func stem(w string) string {
	n := len(w)
	if n <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && n > 4:
		w = w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "'s"):
		w = w[:n-2]
	case w[n-1] == 's':
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = undouble(w[:n-3])
	case n > 4 && strings.HasSuffix(w, "ed"):
		w = undouble(w[:n-2])
	case n > 5 && strings.HasSuffix(w, "ly"):
		w = w[:n-2]
	}
	if n = len(w); n > 4 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	return w
}

func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] {
		switch w[n-1] {
		case 'l', 's', 'z', 'a', 'e', 'i', 'o', 'u':
			return w
		}
		return w[:n-1]
	}
	return w
}

// codeOf recognises project-code-like tokens such as HVR-2291, FERN-123,
// HF-2025-0418 or MSL2307 and returns them upper-cased.
func codeOf(s string) (string, bool) {
	if len(s) < 4 || len(s) > 24 {
		return "", false
	}
	letters, i := 0, 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			letters++
			continue
		}
		break
	}
	if letters < 2 || letters > 8 || i == len(s) {
		return "", false
	}
	if s[i] == '-' || s[i] == '_' || s[i] == '#' {
		i++
	} else if letters < 3 || strings.ToUpper(s[:letters]) != s[:letters] {
		// "MSL2307" only when the letters are upper case
		return "", false
	}
	digits := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' || c == '_' || c == '.' || c == '/':
		default:
			return "", false
		}
	}
	if digits < 1 {
		return "", false
	}
	return strings.ToUpper(s), true
}

// codeMatches reports whether a code found in a document matches a
// project's code: equal, or the project's code is a prefix (FERN matches
// FERN-123; HVR-2291 matches HVR-2291-RFI-3).
func codeMatches(docCode, projCode string) bool {
	if docCode == projCode {
		return true
	}
	return strings.HasPrefix(docCode, projCode) && len(docCode) > len(projCode) && strings.ContainsRune("-_#/.", rune(docCode[len(projCode)]))
}

func looksLikeEmail(s string) bool {
	s = strings.TrimPrefix(s, "mailto:")
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return false
	}
	dom := s[at+1:]
	return strings.IndexByte(dom, '.') > 0 && !strings.HasSuffix(dom, ".")
}

func hasURLPrefix(s string) bool {
	l := len(s)
	return (l > 8 && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"))) ||
		(l > 4 && strings.HasPrefix(strings.ToLower(s), "www."))
}

func splitURL(s string) (host, path string) {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	host, path, _ = strings.Cut(s, "/")
	if i := strings.IndexAny(host, ":?#"); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	return host, path
}

// splitAuthor splits "Name <addr>" (or a bare address, or a bare name).
func splitAuthor(s string) (name, addr string) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			addr = strings.ToLower(strings.TrimSpace(s[i+1 : i+j]))
			name = strings.Trim(strings.TrimSpace(s[:i]), "\"'")
			if !looksLikeEmail(addr) {
				addr = ""
			}
			return name, addr
		}
	}
	if looksLikeEmail(s) {
		return "", strings.ToLower(s)
	}
	return s, ""
}

func domainOf(addr string) string {
	_, d, ok := strings.Cut(addr, "@")
	if !ok {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(d), "www.")
}

// domainWords turns "kestrelstructures.co.uk" into "kestrelstructures" and
// "brightline-build.com" into "brightline-build": the labels that name the
// organisation, without generic ones.
func domainWords(host string) string {
	labels := strings.Split(host, ".")
	keep := labels[:0:0]
	for _, l := range labels {
		if _, generic := genericDomainLabels[l]; generic {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, " ")
}

var genericDomainLabels = set("www", "mail", "com", "co", "uk", "org", "net", "io", "dev", "gov", "ac", "edu", "de", "fr", "es", "pt", "nl", "eu", "us", "info", "biz", "app", "ltd", "sch", "nhs", "studio", "design", "photo", "band", "example", "email", "mailer", "notifications", "noreply", "no-reply")

// freemailDomains are shared by unrelated people, so they are never
// project-specific (the full address still is).
var freemailDomains = set("gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "btinternet.com", "mail.com", "yandex.ru", "zoho.com", "fastmail.com")

func set(xs ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(xs))
	for _, x := range xs {
		m[x] = struct{}{}
	}
	return m
}

// stopWords: a compact English list (function words and mail boilerplate).
var stopWords = set(
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
	"be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
	"can", "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either", "else", "etc", "ever", "every",
	"few", "for", "from", "further", "get", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
	"i", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "ll", "me", "might", "more", "most", "much", "must", "my", "myself",
	"no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
	"per", "re", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
	"under", "until", "up", "upon", "us", "ve", "very", "via", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
	"yet", "you", "your", "yours", "yourself", "yourselves", "don", "doesn", "didn", "isn", "aren", "wasn", "won", "wouldn", "couldn", "shouldn", "can't", "cant",
	"hi", "hello", "dear", "hey", "thanks", "thank", "regards", "best", "cheers", "kind", "sincerely", "pm", "am", "fyi", "re", "fwd", "fw", "cc", "bcc", "ok", "okay",
	"www", "http", "https", "com", "mailto",
)

// commonWords are frequent in everyday business mail. They are not stop
// words (they may be part of a project's name) but carry little evidence;
// the scorer treats them as occurring in a set of background documents.
var commonWords = stemSet(
	"able", "add", "added", "agree", "ahead", "already", "always", "another", "answer", "anything", "april", "around", "ask", "asked", "attached", "august", "available", "away", "back", "bad", "big", "bit",
	"book", "booked", "bring", "call", "calls", "came", "cannot", "case", "change", "changes", "check", "chase", "clear", "close", "come", "comes", "confirm", "confirmed", "copy", "cost", "costs", "current", "date", "dates", "day", "days",
	"deadline", "december", "decide", "details", "diary", "different", "discuss", "document", "draft", "due", "early", "easier", "email", "end", "enough", "even", "evening", "everyone", "everything", "example",
	"february", "feedback", "file", "files", "final", "find", "fine", "first", "fix", "folder", "follow", "following", "free", "friday", "full", "give", "go", "going", "good", "great", "happy", "hear", "help", "high", "hope", "hour", "hours", "idea",
	"important", "include", "includes", "info", "information", "issue", "issues", "item", "items", "january", "july", "june", "keep", "know", "last", "late", "later", "latest", "least", "less", "like", "link", "list", "little", "long", "look", "looking", "lot", "love",
	"main", "make", "many", "march", "may", "maybe", "mean", "meeting", "meetings", "message", "minute", "minutes", "monday", "month", "months", "morning", "move", "name", "need", "needed", "needs", "new", "next", "nice", "note", "notes", "nothing", "november",
	"number", "october", "office", "old", "open", "option", "options", "order", "part", "people", "place", "plan", "please", "point", "possible", "post", "prefer", "probably", "problem", "put", "question", "questions", "quick", "quite",
	"rather", "read", "ready", "real", "really", "reason", "receive", "received", "reminder", "reply", "request", "right", "rough", "run", "said", "saturday", "say", "says", "second", "see", "seems", "send", "sent", "september", "set", "share", "shared", "short", "show", "side",
	"since", "small", "soon", "sorry", "sort", "sound", "speak", "start", "still", "stuff", "sunday", "sure", "take", "talk", "team", "tell", "thing", "things", "think", "thoughts", "three", "thursday", "time", "today", "together", "tomorrow", "tuesday", "two",
	"update", "updated", "updates", "use", "used", "version", "want", "wanted", "way", "wednesday", "week", "weekend", "weeks", "well", "went", "whole", "within", "without", "work", "working", "worth", "write", "year", "years", "yes", "yesterday",
	"lunch", "shout", "slow", "hectic", "apologies", "delay", "promised", "picking", "unclear", "jump", "rush", "whenever", "around", "arrange", "cover", "covering", "stay", "stays", "kept", "moved", "done", "team",
)

func stemSet(xs ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(xs))
	for _, x := range xs {
		if st, ok := stemWord(x); ok {
			m[st] = struct{}{}
		}
	}
	return m
}

// positions returns the index of each stem in the sequence.
func (a *analysis) positions() map[string][]int32 {
	if a.pos == nil {
		a.pos = make(map[string][]int32, len(a.terms))
		for i, s := range a.seq {
			if s != "" {
				a.pos[s] = append(a.pos[s], int32(i))
			}
		}
	}
	return a.pos
}

// phraseWeight returns the largest weight at which the stem sequence p
// occurs contiguously in the document (0 if it does not occur).
func (a *analysis) phraseWeight(p []string) float64 {
	if len(p) == 0 {
		return 0
	}
	best := float32(0)
	for _, i := range a.positions()[p[0]] {
		j := int(i)
		if j+len(p) > len(a.seq) {
			continue
		}
		w := a.seqW[j]
		ok := true
		for k := 1; k < len(p); k++ {
			if a.seq[j+k] != p[k] {
				ok = false
				break
			}
			if a.seqW[j+k] < w {
				w = a.seqW[j+k]
			}
		}
		if ok && w > best {
			best = w
		}
	}
	return float64(best)
}

// stems tokenises a short string (a name, a tag) into its stem sequence.
func stems(s string) []string {
	var out []string
	forEachWord(strings.ReplaceAll(s, "_", " "), func(w string) {
		if st, ok := stemWord(w); ok {
			out = append(out, st)
		}
	})
	return out
}

// snakeCase turns "Fire Strategy" or "fire-strategy" into "fire_strategy".
func snakeCase(s string) string {
	var words []string
	forEachWord(s, func(w string) { words = append(words, w) })
	return strings.Join(words, "_")
}
