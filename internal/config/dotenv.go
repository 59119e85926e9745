package config

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

type environ struct{ values map[string]string }

func (e environ) lookup(key string) (string, bool) {
	v, ok := e.values[key]
	return v, ok
}

// environWithDotEnv returns the process environment, with variables from the
// optional file at path filling in what the environment does not set: an
// exported variable always wins over the file.
func environWithDotEnv(path string) (environ, error) {
	values := map[string]string{}
	fileValues, err := readDotEnv(path)
	if err != nil {
		return environ{}, err
	}
	for k, v := range fileValues {
		values[k] = v
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			values[k] = v
		}
	}
	return environ{values: values}, nil
}

// readDotEnv parses KEY=VALUE lines; blank lines and # comments are skipped,
// an optional `export ` prefix is accepted and matching quotes are removed.
func readDotEnv(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("%s line %d: %w: expected KEY=VALUE", path, n, errDotEnvSyntax)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		out[k] = v
	}
	return out, sc.Err()
}
