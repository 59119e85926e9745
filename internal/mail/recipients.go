package mail

import (
	"strings"
)

// RecipientRules say which addresses are BeSunny virtual addresses:
// `<LocalPart>+<username>@<one of Domains>`, compared case-insensitively.
type RecipientRules struct {
	LocalPart string
	Domains   []string
}

// Username returns the username tagged in addr when addr is a virtual address
// `<LocalPart>+<username>@<domain>`, compared case-insensitively, lower-cased.
// addr may be a bare address, `<addr>`, or `Name <addr>`; a quoted local part
// and a trailing dot on the domain are accepted.
func (r RecipientRules) Username(addr string) (string, bool) {
	addr = strings.TrimSpace(addr)
	if lt := strings.LastIndexByte(addr, '<'); lt >= 0 {
		addr = addr[lt+1:]
		if gt := strings.IndexByte(addr, '>'); gt >= 0 {
			addr = addr[:gt]
		}
	}
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return "", false
	}
	local, domain := strings.Trim(addr[:at], `"`), strings.TrimSuffix(addr[at+1:], ".")
	if !r.domainAllowed(domain) {
		return "", false
	}
	prefix := strings.ToLower(strings.TrimSpace(r.LocalPart)) + "+"
	if !strings.HasPrefix(local, prefix) {
		return "", false
	}
	tag := local[len(prefix):]
	if !ValidUsername(tag) {
		return "", false
	}
	return tag, true
}

func (r RecipientRules) domainAllowed(domain string) bool {
	for _, d := range r.Domains {
		if strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(d), "."), domain) {
			return true
		}
	}
	return false
}

// Usernames lists the distinct usernames a message is addressed to, lower-cased,
// in order of precedence: Delivered-To (top-most first, which also covers Bcc),
// X-Original-To, then To, Cc and Bcc. Only the outer message counts: the
// headers of forwarded messages do not.
func (r RecipientRules) Usernames(m *Message) []string {
	if m == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(addr string) {
		if u, ok := r.Username(addr); ok && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, a := range m.DeliveredTo {
		add(a)
	}
	for _, a := range m.XOriginalTo {
		add(a)
	}
	for _, a := range m.To {
		add(a.Address)
	}
	for _, a := range m.Cc {
		add(a.Address)
	}
	for _, a := range m.Bcc {
		add(a.Address)
	}
	return out
}

// ValidUsername reports whether s follows the username rules: 3–30 ASCII
// letters or digits, not starting with a digit.
func ValidUsername(s string) bool {
	if len(s) < 3 || len(s) > 30 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		isLetter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		isDigit := c >= '0' && c <= '9'
		if !isLetter && !(isDigit && i > 0) {
			return false
		}
	}
	return true
}
