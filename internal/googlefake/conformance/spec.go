package conformance

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// ServedAPIs are the discovery documents of the REST APIs the sandbox
// serves. Calendar is among them from the start, so a Calendar fake is
// checked the moment its routes exist.
func ServedAPIs() []string { return []string{"gmail/v1", "drive/v3", "calendar/v3", "oauth2/v2"} }

// SchemaAPIs are documents read only for their schemas: Pub/Sub's
// PubsubMessage is the message of the push envelope.
func SchemaAPIs() []string { return []string{"pubsub/v1"} }

// Spec is everything the sandbox is checked against: the discovery
// documents of the served APIs, schema-only documents, and the hand-written
// table of Google endpoints that have no discovery document (OAuth token,
// revoke, JWKS, OpenID userinfo). It is immutable and safe to share between
// checkers.
type Spec struct {
	// Module is where the documents were read.
	Module Module
	apis   map[string]*API
	routes []*route
}

// LoadInstalled locates google.golang.org/api in the module cache (see
// LocateModule) and loads ServedAPIs and SchemaAPIs from it.
func LoadInstalled() (*Spec, error) {
	m, err := LocateModule()
	if err != nil {
		return nil, err
	}
	return Load(m, ServedAPIs(), SchemaAPIs())
}

// Load builds a Spec from the documents in m.Dir: served APIs get routes
// (every method and media-upload path), schema APIs only their schemas.
func Load(m Module, served, schemaOnly []string) (*Spec, error) {
	s := &Spec{Module: m, apis: map[string]*API{}}
	for _, name := range slices.Concat(served, schemaOnly) {
		if _, dup := s.apis[name]; dup {
			continue
		}
		a, err := LoadAPI(m.Dir, name)
		if err != nil {
			return nil, err
		}
		s.apis[name] = a
	}
	for _, name := range served {
		a := s.apis[name]
		for _, mt := range a.methods {
			tmpl := mt.FlatPath
			if tmpl == "" {
				tmpl = mt.Path
			}
			s.routes = append(s.routes, newRoute(a, mt, "/"+a.Doc.ServicePath+tmpl, false))
			if mt.MediaUpload != nil {
				for _, p := range mt.MediaUpload.Protocols {
					s.routes = append(s.routes, newRoute(a, mt, p.Path, true))
				}
			}
		}
	}
	for _, e := range handEndpoints() {
		for _, p := range e.Paths {
			r := newRoute(nil, &Method{ID: e.ID}, p, false)
			r.hand = e
			s.routes = append(s.routes, r)
		}
	}
	return s, nil
}

// API returns a loaded document by name ("gmail/v1"), or nil.
func (s *Spec) API(name string) *API { return s.apis[name] }

// Methods lists the method ids the Spec routes, sorted.
func (s *Spec) Methods() []string {
	var ids []string
	for _, r := range s.routes {
		ids = append(ids, r.method.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// route is one path template of a method.
type route struct {
	api    *API // nil for hand-written endpoints
	method *Method
	hand   *handEndpoint
	// query is the method's query parameters with the standard ones.
	query paramSet
	segs  []segment
	// upload marks a media-upload path: its body is media, not JSON.
	upload  bool
	literal int
}

type segment struct {
	literal string
	param   string
	// rest is a {+param}: it takes the remaining segments, slashes kept.
	rest bool
}

func newRoute(a *API, m *Method, tmpl string, upload bool) *route {
	r := &route{api: a, method: m, upload: upload}
	if a != nil {
		r.query = discoveryQuery(a, m)
	}
	for _, part := range strings.Split(strings.TrimPrefix(tmpl, "/"), "/") {
		switch {
		case strings.HasPrefix(part, "{+") && strings.HasSuffix(part, "}"):
			r.segs = append(r.segs, segment{param: part[2 : len(part)-1], rest: true})
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}"):
			r.segs = append(r.segs, segment{param: part[1 : len(part)-1]})
		default:
			r.segs = append(r.segs, segment{literal: part})
			r.literal++
		}
	}
	return r
}

// source names the authority of a route for messages.
func (r *route) source() string {
	if r.hand != nil {
		return r.hand.Doc
	}
	return r.api.Source()
}

// match finds the route for a request: the method's verb and a template
// matching the escaped path. Of several matches the most literal wins
// (gmail.users.messages.batchModify over a {id}), as Google's routing
// does. It returns the route and the decoded path parameters.
func (s *Spec) match(verb, escapedPath string) (*route, map[string]string) {
	parts := splitPath(escapedPath)
	var best *route
	var bestParams map[string]string
	for _, r := range s.routes {
		if r.hand != nil {
			if !slices.Contains(r.hand.Verbs, verb) {
				continue
			}
		} else if r.method.HTTPMethod != verb {
			continue
		}
		params, ok := r.bind(parts)
		if !ok {
			continue
		}
		if best == nil || r.literal > best.literal {
			best, bestParams = r, params
		}
	}
	return best, bestParams
}

// knownPath reports whether any route matches the path with some verb, to
// tell "wrong HTTP method" from "no such method".
func (s *Spec) knownPath(escapedPath string) []string {
	parts := splitPath(escapedPath)
	var verbs []string
	for _, r := range s.routes {
		if _, ok := r.bind(parts); ok {
			if r.hand != nil {
				verbs = append(verbs, r.hand.Verbs...)
			} else {
				verbs = append(verbs, r.method.HTTPMethod)
			}
		}
	}
	slices.Sort(verbs)
	return slices.Compact(verbs)
}

// pathPart is one segment of a request path, escaped and decoded (nil
// decoded when the escape is malformed).
type pathPart struct {
	escaped string
	decoded *string
}

func splitPath(escapedPath string) []pathPart {
	raw := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	parts := make([]pathPart, len(raw))
	for i, p := range raw {
		parts[i].escaped = p
		if v, err := url.PathUnescape(p); err == nil {
			parts[i].decoded = &v
		}
	}
	return parts
}

func (r *route) bind(parts []pathPart) (map[string]string, bool) {
	if len(parts) < len(r.segs) || len(parts) > len(r.segs) && !r.segs[len(r.segs)-1].rest {
		return nil, false
	}
	var params map[string]string
	for i, seg := range r.segs {
		if seg.param == "" {
			if parts[i].decoded == nil || *parts[i].decoded != seg.literal {
				return nil, false
			}
			continue
		}
		if params == nil {
			params = map[string]string{}
		}
		if seg.rest {
			escaped := make([]string, 0, len(parts)-i)
			for _, p := range parts[i:] {
				escaped = append(escaped, p.escaped)
			}
			v, err := url.PathUnescape(strings.Join(escaped, "/"))
			if err != nil || v == "" {
				return nil, false
			}
			params[seg.param] = v
			return params, true
		}
		if parts[i].decoded == nil || *parts[i].decoded == "" {
			return nil, false
		}
		params[seg.param] = *parts[i].decoded
	}
	return params, true
}

// String describes the Spec for logs: the documents and their revisions.
func (s *Spec) String() string {
	var names []string
	for name := range s.apis {
		names = append(names, name)
	}
	slices.Sort(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s@%s", n, s.apis[n].Doc.Revision))
	}
	return fmt.Sprintf("%s@%s: %s", apiModule, s.Module.Version, strings.Join(parts, ", "))
}
