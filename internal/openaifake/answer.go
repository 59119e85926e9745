package openaifake

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// answer builds the built-in answer for a request.
func answer(req Request) string {
	switch {
	case len(req.Enum) > 0:
		return classify(req)
	case req.SchemaName == "project_profile":
		return profile(req)
	}
	var schema map[string]any
	_ = json.Unmarshal(req.Schema, &schema)
	out, _ := json.Marshal(minimal(schema))
	return string(out)
}

// candidate is a "[project]" block of the prompt.
type candidate struct {
	id, name                 string
	phrases, people, domains []string
	codes                    []string
}

func parseCandidates(user string) (cands []candidate, doc string) {
	head, doc, found := strings.Cut(user, "\nDocument:\n")
	if !found {
		head, doc = "", user
	}
	for _, block := range strings.Split(head, "[project]")[1:] {
		var c candidate
		for _, ln := range strings.Split(block, "\n") {
			k, v, ok := strings.Cut(ln, ": ")
			if !ok {
				continue
			}
			items := splitList(v)
			switch strings.TrimSpace(k) {
			case "id":
				c.id = strings.TrimSpace(v)
			case "name":
				c.name = strings.TrimSpace(v)
			case "tags", "keywords", "locations":
				c.phrases = append(c.phrases, items...)
			case "people":
				for _, p := range strings.Split(v, ";") {
					name := p
					if k := strings.IndexAny(name, "(<"); k >= 0 {
						name = name[:k]
					}
					c.people = append(c.people, strings.TrimSpace(name))
					if addr := emailRE.FindString(p); addr != "" {
						c.domains = append(c.domains, strings.ToLower(addr))
					}
				}
			case "domains":
				c.domains = append(c.domains, items...)
			case "codes":
				c.codes = append(c.codes, items...)
			}
		}
		if c.id != "" {
			cands = append(cands, c)
		}
	}
	return cands, doc
}

func splitList(v string) []string {
	var out []string
	for _, it := range strings.Split(v, ",") {
		if it = strings.TrimSpace(strings.ReplaceAll(it, "_", " ")); it != "" {
			out = append(out, it)
		}
	}
	return out
}

var nameStop = map[string]bool{"the": true, "and": true, "project": true, "new": true, "for": true, "with": true, "app": true, "2024": true, "2025": true}

// classify picks the enum candidate whose details best overlap the
// document, or "none".
func classify(req Request) string {
	cands, doc := parseCandidates(req.User)
	ldoc := strings.ToLower(doc)
	inEnum := map[string]bool{}
	for _, e := range req.Enum {
		inEnum[e] = true
	}
	type scored struct {
		id      string
		score   float64
		matched []string
	}
	var ss []scored
	for _, c := range cands {
		if !inEnum[c.id] {
			continue
		}
		s := scored{id: c.id}
		if c.name != "" && strings.Contains(ldoc, strings.ToLower(c.name)) {
			s.score += 6
		}
		for _, w := range strings.Fields(strings.ToLower(c.name)) {
			if len(w) >= 4 && !nameStop[w] && containsWord(ldoc, w) {
				s.score++
			}
		}
		for _, p := range c.phrases {
			if len(p) >= 3 && containsWord(ldoc, strings.ToLower(p)) {
				s.score += 1.5
				s.matched = append(s.matched, p)
			}
		}
		for _, p := range c.people {
			if p != "" && strings.Contains(ldoc, strings.ToLower(p)) {
				s.score += 2
			}
		}
		for _, d := range c.domains {
			if d != "" && strings.Contains(ldoc, d) {
				s.score += 3
			}
		}
		for _, code := range c.codes {
			if code != "" && strings.Contains(ldoc, strings.ToLower(code)) {
				s.score += 4
			}
		}
		ss = append(ss, s)
	}
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].score > ss[j].score })
	ans := map[string]any{"project_id": "none", "confidence": 0.7, "matched_tags": []string{}, "inferred_tags": []string{}, "reason": "nothing in the document points to one of the projects"}
	if len(ss) > 0 && ss[0].score >= 3 {
		margin := ss[0].score
		if len(ss) > 1 {
			margin -= ss[1].score
		}
		if margin >= 1 {
			conf := 0.55 + 0.05*margin
			if conf > 0.95 {
				conf = 0.95
			}
			matched := ss[0].matched
			if matched == nil {
				matched = []string{}
			}
			ans = map[string]any{"project_id": ss[0].id, "confidence": conf, "matched_tags": matched, "inferred_tags": []string{},
				"reason": fmt.Sprintf("the document overlaps most with this project (score %.1f, margin %.1f)", ss[0].score, margin)}
		} else {
			ans["confidence"] = 0.55
			ans["reason"] = "two projects match the document about equally"
		}
	}
	out, _ := json.Marshal(ans)
	return string(out)
}

func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isWordByte(s[j-1])
		after := j+len(w) >= len(s) || !isWordByte(s[j+len(w)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 0x80
}

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	codeRE  = regexp.MustCompile(`\b[A-Z]{2,8}-[0-9][0-9-]*\b`)
)

// profile answers an onboarding request from the "Key: value" lines of
// the summary.
func profile(req Request) string {
	fields := map[string]string{}
	for _, ln := range strings.Split(req.User, "\n") {
		if k, v, ok := strings.Cut(ln, ": "); ok {
			fields[strings.ToLower(strings.TrimSpace(k))] = v
		}
	}
	tags := []string{}
	for _, k := range splitList(fields["keywords"]) {
		tags = append(tags, strings.ReplaceAll(strings.ToLower(k), " ", "_"))
	}
	people := []map[string]string{}
	domains := []string{}
	seenD := map[string]bool{}
	for _, addr := range emailRE.FindAllString(req.User, -1) {
		addr = strings.ToLower(addr)
		local, dom, _ := strings.Cut(addr, "@")
		var parts []string
		for _, w := range strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
			parts = append(parts, strings.ToUpper(w[:1])+w[1:])
		}
		name := strings.Join(parts, " ")
		people = append(people, map[string]string{"name": name, "role": "", "email": addr})
		if !seenD[dom] {
			seenD[dom] = true
			domains = append(domains, dom)
		}
	}
	codes := codeRE.FindAllString(req.User, -1)
	if codes == nil {
		codes = []string{}
	}
	locs := splitList(fields["locations"])
	if locs == nil {
		locs = []string{}
	}
	refs := splitList(fields["references"])
	if refs == nil {
		refs = []string{}
	}
	cats := []string{}
	if n := fields["project name"]; n != "" {
		cats = append(cats, "General")
	}
	out, _ := json.Marshal(map[string]any{
		"normalized_tags": tags, "categories": cats, "reference_keywords": refs,
		"entities": map[string]any{"people": people, "locations": locs, "domains": domains, "project_codes": codes},
	})
	return string(out)
}

// minimal returns the smallest instance of a (strict) schema.
func minimal(s map[string]any) any {
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	switch s["type"] {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for k, v := range props {
			sub, _ := v.(map[string]any)
			out[k] = minimal(sub)
		}
		return out
	case "array":
		return []any{}
	case "string":
		return ""
	case "number", "integer":
		return 0
	case "boolean":
		return false
	}
	return nil
}
