package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode"
)

// apiModule is the module whose discovery documents are the authority: the
// generated clients the product uses are built from exactly these files.
const apiModule = "google.golang.org/api"

// Module is where the discovery documents were found.
type Module struct {
	// Version is the version of google.golang.org/api, e.g. "v0.312.0".
	Version string
	// Dir is its directory in the module cache.
	Dir string
	// Via says how it was located: "build info" or "go list".
	Via string
}

// LocateModule finds google.golang.org/api in the module cache at the
// version this binary was built with — the version go.mod selects — so the
// documents checked against are the ones the linked clients were generated
// from. It reads the version from the binary's build information and the
// cache from GOMODCACHE (else `go env GOMODCACHE`); when the binary carries
// no build information it asks `go list -m -json google.golang.org/api` in
// the working directory's module. The documents are never copied into the
// repository.
func LocateModule() (Module, error) {
	if m, err := fromBuildInfo(); err == nil {
		return m, nil
	} else if !errors.Is(err, errNoBuildInfo) {
		return Module{}, err
	}
	return fromGoList()
}

var errNoBuildInfo = errors.New("no build information for " + apiModule)

func fromBuildInfo() (Module, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Module{}, errNoBuildInfo
	}
	for _, dep := range info.Deps {
		if dep.Path != apiModule {
			continue
		}
		path, version := dep.Path, dep.Version
		if r := dep.Replace; r != nil {
			if r.Version == "" {
				// A directory replacement: only the go command knows
				// what it is relative to.
				return Module{}, errNoBuildInfo
			}
			path, version = r.Path, r.Version
		}
		cache, err := modCache()
		if err != nil {
			return Module{}, err
		}
		dir := filepath.Join(cache, escapeModulePath(path)+"@"+version)
		if _, err := os.Stat(dir); err != nil {
			return Module{}, fmt.Errorf("conformance: %s@%s is not in the module cache (%s): run `go mod download %s`", path, version, dir, apiModule)
		}
		return Module{Version: version, Dir: dir, Via: "build info"}, nil
	}
	return Module{}, errNoBuildInfo
}

func fromGoList() (Module, error) {
	out, err := goCommand("list", "-m", "-json", apiModule)
	if err != nil {
		return Module{}, fmt.Errorf("conformance: locating %s: %w", apiModule, err)
	}
	var m struct {
		Version string
		Dir     string
		Replace *struct {
			Version string
			Dir     string
		}
	}
	if err := json.Unmarshal(out, &m); err != nil {
		return Module{}, fmt.Errorf("conformance: go list -m -json %s: %w", apiModule, err)
	}
	if m.Replace != nil {
		m.Version, m.Dir = m.Replace.Version, m.Replace.Dir
	}
	if m.Dir == "" {
		return Module{}, fmt.Errorf("conformance: %s@%s is not in the module cache: run `go mod download %s`", apiModule, m.Version, apiModule)
	}
	return Module{Version: m.Version, Dir: m.Dir, Via: "go list"}, nil
}

func modCache() (string, error) {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c, nil
	}
	out, err := goCommand("env", "GOMODCACHE")
	if err != nil {
		return "", fmt.Errorf("conformance: locating the module cache: %w", err)
	}
	c := strings.TrimSpace(string(out))
	if c == "" {
		return "", errors.New("conformance: go env GOMODCACHE is empty")
	}
	return c, nil
}

func goCommand(args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("go", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// escapeModulePath is the module cache's case encoding: every upper-case
// letter becomes '!' and its lower case (golang.org/x/mod/module.EscapePath).
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
