package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Document is the part of a Google API discovery document
// (https://developers.google.com/discovery/v1/reference/apis) the checker
// reads: the methods with their parameters and bodies, and the schemas.
type Document struct {
	Name        string                `json:"name"`
	Version     string                `json:"version"`
	Revision    string                `json:"revision"`
	RootURL     string                `json:"rootUrl"`
	ServicePath string                `json:"servicePath"`
	Parameters  map[string]*Parameter `json:"parameters"`
	Schemas     map[string]*Schema    `json:"schemas"`
	Resources   map[string]*Resource  `json:"resources"`
	Methods     map[string]*Method    `json:"methods"`
}

// Resource groups methods and nested resources.
type Resource struct {
	Methods   map[string]*Method   `json:"methods"`
	Resources map[string]*Resource `json:"resources"`
}

// Method is one REST method, e.g. gmail.users.messages.get.
type Method struct {
	ID         string                `json:"id"`
	Path       string                `json:"path"`
	FlatPath   string                `json:"flatPath"`
	HTTPMethod string                `json:"httpMethod"`
	Parameters map[string]*Parameter `json:"parameters"`
	Request    *Schema               `json:"request"`
	Response   *Schema               `json:"response"`
	// SupportsMediaDownload allows alt=media: the answer is the bytes of
	// the resource, not JSON.
	SupportsMediaDownload bool `json:"supportsMediaDownload"`
	SupportsMediaUpload   bool `json:"supportsMediaUpload"`
	MediaUpload           *struct {
		Protocols map[string]struct {
			Path string `json:"path"`
		} `json:"protocols"`
	} `json:"mediaUpload"`
}

// Parameter is a path, query (or, for the hand-written OAuth endpoints,
// form) parameter.
type Parameter struct {
	Type        string   `json:"type"`
	Format      string   `json:"format"`
	Location    string   `json:"location"`
	Required    bool     `json:"required"`
	Repeated    bool     `json:"repeated"`
	Enum        []string `json:"enum"`
	Minimum     string   `json:"minimum"`
	Maximum     string   `json:"maximum"`
	Pattern     string   `json:"pattern"`
	Default     string   `json:"default"`
	Description string   `json:"description"`
	Deprecated  bool     `json:"deprecated"`
}

// required reports whether the parameter must be sent: flagged required, or
// documented as "Required." — the rendering of a proto REQUIRED field
// behaviour some documents carry only in the text (Gmail's
// history.list startHistoryId).
func (p *Parameter) required() bool {
	return p.Required || strings.HasPrefix(p.Description, "Required.")
}

// Schema is a JSON Schema draft-03 subset, as discovery uses it.
type Schema struct {
	ID                   string             `json:"id"`
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Properties           map[string]*Schema `json:"properties"`
	Items                *Schema            `json:"items"`
	AdditionalProperties *Schema            `json:"additionalProperties"`
	Enum                 []string           `json:"enum"`
	Default              string             `json:"default"`
	ReadOnly             bool               `json:"readOnly"`
	Annotations          struct {
		// Required lists the method ids whose request must carry the
		// property.
		Required []string `json:"required"`
	} `json:"annotations"`
}

// API is a loaded discovery document: Name "gmail", Version "v1".
type API struct {
	Doc *Document
	// File is where the document was read, inside the module cache.
	File    string
	methods []*Method
}

// Source names the document and its revision for messages:
// "gmail/v1 discovery (revision 20261005)".
func (a *API) Source() string {
	return fmt.Sprintf("%s/%s discovery (revision %s)", a.Doc.Name, a.Doc.Version, a.Doc.Revision)
}

// schema resolves a $ref in this document. A nil API resolves nothing:
// the hand-written schemas have no references.
func (a *API) schema(s *Schema) *Schema {
	for i := 0; a != nil && s != nil && s.Ref != "" && i < 8; i++ {
		s = a.Doc.Schemas[s.Ref]
	}
	return s
}

// LoadAPI reads the discovery document of name ("gmail/v1") from dir, the
// module directory of google.golang.org/api, where it is shipped as
// <name>/<version>/<name>-api.json.
func LoadAPI(dir, name string) (*API, error) {
	api, version, ok := strings.Cut(name, "/")
	if !ok || api == "" || version == "" || strings.Contains(version, "/") {
		return nil, fmt.Errorf("conformance: API name %q is not <name>/<version>", name)
	}
	file := filepath.Join(dir, api, version, api+"-api.json")
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("conformance: discovery document of %s: %w", name, err)
	}
	var doc Document
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("conformance: discovery document %s: %w", file, err)
	}
	if doc.Name != api || doc.Version != version {
		return nil, fmt.Errorf("conformance: %s describes %s/%s, not %s", file, doc.Name, doc.Version, name)
	}
	a := &API{Doc: &doc, File: file}
	a.collect(doc.Methods, doc.Resources)
	return a, nil
}

func (a *API) collect(methods map[string]*Method, resources map[string]*Resource) {
	for _, m := range methods {
		a.methods = append(a.methods, m)
	}
	for _, r := range resources {
		a.collect(r.Methods, r.Resources)
	}
}
