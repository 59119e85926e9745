// Package deploy checks the deployment files (docker-compose.yml, Dockerfile)
// that cannot run on machines without a Docker engine.
package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/besunny/workflows/internal/config"
)

type compose struct {
	Services map[string]struct {
		Image       string                   `yaml:"image"`
		Build       *struct{ Target string } `yaml:"build"`
		Environment map[string]string        `yaml:"environment"`
		Ports       []string                 `yaml:"ports"`
		Volumes     []string                 `yaml:"volumes"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

func load(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

func TestCompose_HasTheWholeStackWiredByEnvironment(t *testing.T) {
	c := load(t)
	for _, name := range []string{"postgres", "temporal", "temporal-ui", "worker", "api"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("service %s is missing", name)
		}
	}
	pg := c.Services["postgres"]
	for _, name := range []string{"worker", "api"} {
		svc := c.Services[name]
		if svc.Build == nil || svc.Build.Target != name {
			t.Errorf("%s must build the Dockerfile target %q", name, name)
		}
		env := svc.Environment
		wantDB := "postgres://" + pg.Environment["POSTGRES_USER"] + ":" + pg.Environment["POSTGRES_PASSWORD"] + "@postgres:5432/" + pg.Environment["POSTGRES_DB"]
		if !strings.HasPrefix(env["DATABASE_URL"], wantDB) {
			t.Errorf("%s DATABASE_URL = %q, want the postgres service's database %s", name, env["DATABASE_URL"], wantDB)
		}
		if env["TEMPORAL_ADDRESS"] != "temporal:7233" {
			t.Errorf("%s TEMPORAL_ADDRESS = %q, want temporal:7233", name, env["TEMPORAL_ADDRESS"])
		}
		for _, dep := range []string{"postgres", "temporal"} {
			if svc.DependsOn[dep].Condition != "service_healthy" {
				t.Errorf("%s must wait for %s to be healthy", name, dep)
			}
		}
		// The configuration the binaries will see must be valid, with the
		// operator's required JWT_SECRET and every default compose fills in.
		operator := map[string]string{"JWT_SECRET": strings.Repeat("x", 40)}
		if _, err := config.FromLookup(func(k string) (string, bool) {
			v, ok := env[k]
			return interpolate(v, operator), ok
		}); err != nil {
			t.Errorf("%s environment is not a valid configuration: %v", name, err)
		}
	}
	if c.Services["api"].Environment["HTTP_ADDR"] != ":8080" || !contains(c.Services["api"].Ports, "8080:8080") {
		t.Errorf("api must listen on :8080 and publish it")
	}
	if c.Services["temporal-ui"].Environment["TEMPORAL_ADDRESS"] != "temporal:7233" || !contains(c.Services["temporal-ui"].Ports, "8233:8080") {
		t.Errorf("temporal-ui must reach temporal:7233 and publish the UI on 8233")
	}
	tmp := c.Services["temporal"].Environment
	if tmp["DB"] != "postgres12" || tmp["POSTGRES_SEEDS"] != "postgres" || tmp["POSTGRES_USER"] != pg.Environment["POSTGRES_USER"] {
		t.Errorf("temporal must auto-setup on the postgres service: %v", tmp)
	}
	checkDynamicConfig(t, tmp["DYNAMIC_CONFIG_FILE_PATH"], c.Services["temporal"].Volumes)
}

// checkDynamicConfig checks that the temporal service reads a mounted
// dynamic config file that switches on the priority-aware matcher.
func checkDynamicConfig(t *testing.T, path string, volumes []string) {
	t.Helper()
	var source string
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[1] == path {
			source = parts[0]
		}
	}
	if path == "" || source == "" {
		t.Fatalf("temporal must mount its DYNAMIC_CONFIG_FILE_PATH (%q) from the repository: volumes %v", path, volumes)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", source))
	if err != nil {
		t.Fatal(err)
	}
	var dc map[string][]struct {
		Value any `yaml:"value"`
	}
	if err := yaml.Unmarshal(b, &dc); err != nil {
		t.Fatalf("%s: %v", source, err)
	}
	if v := dc["matching.useNewMatcher"]; len(v) != 1 || v[0].Value != true {
		t.Errorf("%s must set matching.useNewMatcher to true: %v", source, v)
	}
}

func TestDockerfile_HasATargetPerBinary(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"api", "worker"} {
		if !regexp.MustCompile(`(?m)^FROM \S+ AS ` + target + `$`).Match(b) {
			t.Errorf("Dockerfile has no stage %q", target)
		}
		if _, err := os.Stat(filepath.Join("..", "..", "cmd", target, "main.go")); err != nil {
			t.Errorf("cmd/%s: %v", target, err)
		}
	}
}

var composeVar = regexp.MustCompile(`\$\{(\w+)(?::([-?])([^}]*))?\}`)

// interpolate resolves ${VAR}, ${VAR:-default} and ${VAR:?message} the way
// docker compose does, with vars as the operator's environment.
func interpolate(s string, vars map[string]string) string {
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		g := composeVar.FindStringSubmatch(m)
		if v, ok := vars[g[1]]; ok && v != "" {
			return v
		}
		if g[2] == "-" {
			return g[3]
		}
		return ""
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
