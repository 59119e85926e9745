package classify

import (
	"regexp"
	"strings"
)

// A reply belongs where the message it answers belongs. Mail clients mark a
// reply or forward by prefixes on the subject ("Re:", "RE: Re:", "Fwd:",
// "AW:", "SV:") and lists by a tag ("[list]"); what is left names the
// conversation. Documents with the same conversation key, one of them a
// reply or a forward, are a thread, and the collection graph links them by
// it as a feature of its own. (Two messages called "Quick question" that
// no one answered are two conversations: a key without a reply is not
// linked. Gmail's own thread ids are not kept in the store; the subject is
// what every message has.)

// threadFeature prefixes a conversation key among the collection features.
const threadFeature = shapePrefix + "thread "

var subjectPrefixRE = regexp.MustCompile(`(?i)^\s*(?:(?:re|fw|fwd|aw|sv|vs|antw|wg)(?:\[\d+\])?\s*:|\[[^\]]{1,40}\])\s*`)

// threadKey returns the conversation a subject names: the subject without
// reply and forward prefixes and list tags, lower-cased with its blanks
// collapsed ("" when nothing is left), and whether the subject marked a
// reply or a forward.
func threadKey(subject string) (key string, reply bool) {
	s := subject
	for {
		loc := subjectPrefixRE.FindStringIndex(s) // never empty: a prefix or a tag
		if loc == nil {
			break
		}
		if !strings.HasPrefix(strings.TrimSpace(s), "[") {
			reply = true
		}
		s = s[loc[1]:]
	}
	return strings.Join(strings.Fields(strings.ToLower(s)), " "), reply
}
