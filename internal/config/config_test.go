package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestFromLookup_DefaultsRunTheLocalStack(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://postgres@127.0.0.1:5432/besunny?sslmode=disable" || c.Temporal.Address != "127.0.0.1:7233" ||
		c.Temporal.Namespace != "default" || c.HTTPAddr != ":8080" || c.JWT.Secret != DevJWTSecret || c.LogFormat != "text" {
		t.Fatalf("defaults = %+v", c)
	}
	if c.Inbound.LocalPart != "ai" || len(c.Inbound.Domains) != 1 || c.Inbound.Domains[0] != "besunny.ai" {
		t.Fatalf("inbound defaults = %+v, want local part and domain derived from ai@besunny.ai", c.Inbound)
	}
	if c.Inbound.MaxEmailBytes != 25<<20 || c.Inbound.MaxUploadBytes != 50<<20 {
		t.Fatalf("limits = %+v", c.Inbound)
	}
}

func TestFromLookup_InboundDerivesFromTheMailbox(t *testing.T) {
	c, err := FromLookup(lookup(map[string]string{"INBOUND_MAILBOX": "Inbox@Example.COM", "INBOUND_DOMAINS": "example.com, alias.example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Inbound.Mailbox != "inbox@example.com" || c.Inbound.LocalPart != "inbox" || strings.Join(c.Inbound.Domains, ",") != "example.com,alias.example.com" {
		t.Fatalf("inbound = %+v", c.Inbound)
	}
}

func TestFromLookup_ReportsEveryProblemWithWhatToSet(t *testing.T) {
	_, err := FromLookup(lookup(map[string]string{
		"APP_ENV":          "production",
		"MIGRATE_ON_START": "maybe",
		"HTTP_TIMEOUT":     "soon",
		"MAX_EMAIL_BYTES":  "lots",
		"INBOUND_MAILBOX":  "not an address",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"MIGRATE_ON_START", "HTTP_TIMEOUT", "MAX_EMAIL_BYTES", "INBOUND_MAILBOX", "JWT_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestFromLookup_ProductionRefusesTheDevelopmentSecret(t *testing.T) {
	_, err := FromLookup(lookup(map[string]string{"APP_ENV": "production", "JWT_SECRET": DevJWTSecret}))
	if err == nil || !strings.Contains(err.Error(), "development secret") {
		t.Fatalf("err = %v", err)
	}
	c, err := FromLookup(lookup(map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("s", 40)}))
	if err != nil || c.LogFormat != "json" {
		t.Fatalf("production with a secret: %v, format %s", err, c.LogFormat)
	}
}

func TestFromLookup_ShortSecretIsRefused(t *testing.T) {
	if _, err := FromLookup(lookup(map[string]string{"JWT_SECRET": "short"})); err == nil {
		t.Fatal("want an error for a short JWT_SECRET")
	}
}

func TestFromLookup_SandboxConformanceLogsInDevelopmentAndIsChecked(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil || c.Google.SandboxConformance != ConformanceLog {
		t.Fatalf("development default = %q, %v", c.Google.SandboxConformance, err)
	}
	c, err = FromLookup(lookup(map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("s", 40)}))
	if err != nil || c.Google.SandboxConformance != ConformanceOff {
		t.Fatalf("production default = %q, %v", c.Google.SandboxConformance, err)
	}
	if c, err := FromLookup(lookup(map[string]string{"GOOGLE_SANDBOX_CONFORMANCE": "FAIL"})); err != nil || c.Google.SandboxConformance != ConformanceFail {
		t.Fatalf("fail = %q, %v", c.Google.SandboxConformance, err)
	}
	if _, err := FromLookup(lookup(map[string]string{"GOOGLE_SANDBOX_CONFORMANCE": "strict"})); err == nil ||
		!strings.Contains(err.Error(), "GOOGLE_SANDBOX_CONFORMANCE") {
		t.Fatalf("an unknown mode: %v", err)
	}
}

func TestEnvironWithDotEnv_EnvironmentWinsOverTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	content := "# comment\n\nexport HTTP_ADDR=:9999\nLOG_LEVEL=\"debug\"\nBESUNNY_TEST_ONLY_IN_FILE='file'\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HTTP_ADDR", ":7000")
	env, err := environWithDotEnv(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := env.lookup("HTTP_ADDR"); v != ":7000" {
		t.Errorf("HTTP_ADDR = %q, want the environment's :7000", v)
	}
	if v, _ := env.lookup("LOG_LEVEL"); v != "debug" {
		t.Errorf("LOG_LEVEL = %q, want debug from the file", v)
	}
	if v, _ := env.lookup("BESUNNY_TEST_ONLY_IN_FILE"); v != "file" {
		t.Errorf("quoted value = %q", v)
	}
}

func TestReadDotEnv_SyntaxErrorNamesTheLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("OK=1\nnot a setting\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readDotEnv(path); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want line 2", err)
	}
}

func TestReadDotEnv_MissingFileIsFine(t *testing.T) {
	if m, err := readDotEnv(filepath.Join(t.TempDir(), "absent")); err != nil || m != nil {
		t.Fatalf("m = %v, err = %v", m, err)
	}
}
