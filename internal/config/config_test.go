package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/ratelimit"
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

// production is the smallest valid production environment, plus extra.
func production(extra map[string]string) map[string]string {
	env := map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("s", 40), "TOKEN_ENCRYPTION_KEY": "k1:" + strings.Repeat("A", 43) + "="}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func TestFromLookup_ProductionRefusesTheSandboxGoogle(t *testing.T) {
	_, err := FromLookup(lookup(production(map[string]string{"GOOGLE_MODE": "sandbox"})))
	if err == nil || !strings.Contains(err.Error(), "GOOGLE_MODE=sandbox") || !strings.Contains(err.Error(), "production") {
		t.Fatalf("err = %v, want GOOGLE_MODE=sandbox refused in production", err)
	}
	if _, err := FromLookup(lookup(production(nil))); err != nil {
		t.Fatalf("production without Google: %v", err)
	}
	if c, err := FromLookup(lookup(map[string]string{"GOOGLE_MODE": "sandbox"})); err != nil || c.Google.Mode != GoogleSandbox {
		t.Fatalf("development with the sandbox: %v", err)
	}
}

func TestFromLookup_TokenLifetimeAndJWKSDefaultsFitTheDevelopmentTokens(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.JWT.MaxTokenLifetime != 30*24*time.Hour || c.JWT.JWKSRefresh != time.Hour || c.JWT.JWKSMaxStale != 24*time.Hour {
		t.Fatalf("JWT defaults = %+v", c.JWT)
	}
	_, err = FromLookup(lookup(map[string]string{"JWT_JWKS_REFRESH": "2h", "JWT_JWKS_MAX_STALE": "1h"}))
	if err == nil || !strings.Contains(err.Error(), "JWT_JWKS_MAX_STALE") {
		t.Fatalf("err = %v, want the stale period refused below the refresh age", err)
	}
}

func TestFromLookup_ServerTimeoutsHaveDefaultsAndTheWriteTimeoutOutlastsARequest(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPReadTimeout != time.Minute || c.HTTPWriteTimeout != 2*time.Minute || c.HTTPIdleTimeout != 2*time.Minute {
		t.Fatalf("timeouts = %v %v %v", c.HTTPReadTimeout, c.HTTPWriteTimeout, c.HTTPIdleTimeout)
	}
	_, err = FromLookup(lookup(map[string]string{"HTTP_TIMEOUT": "1m", "HTTP_WRITE_TIMEOUT": "30s"}))
	if err == nil || !strings.Contains(err.Error(), "HTTP_WRITE_TIMEOUT") {
		t.Fatalf("err = %v, want HTTP_WRITE_TIMEOUT refused below HTTP_TIMEOUT", err)
	}
}

func TestFromLookup_RateLimitsHaveDefaultsAndReadTheirSpec(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	rl := c.RateLimit
	if !rl.Enabled || rl.User != (ratelimit.Rate{PerSecond: 10, Burst: 50}) || rl.UserWorkflow != (ratelimit.Rate{PerSecond: 0.5, Burst: 10}) ||
		rl.IP != (ratelimit.Rate{PerSecond: 50, Burst: 200}) || rl.IPWorkflow != (ratelimit.Rate{PerSecond: 2, Burst: 30}) ||
		rl.ServiceWorkflow != (ratelimit.Rate{PerSecond: 50, Burst: 500}) || rl.MaxKeys != 50_000 || len(rl.TrustedProxies) != 0 {
		t.Fatalf("rate limit defaults = %+v", rl)
	}
	tests := []struct {
		spec string
		want ratelimit.Rate
	}{
		{"10/s:50", ratelimit.Rate{PerSecond: 10, Burst: 50}},
		{"30/m", ratelimit.Rate{PerSecond: 0.5, Burst: 30}},
		{"1/h:5", ratelimit.Rate{PerSecond: 1.0 / 3600, Burst: 5}},
		{"5/10s", ratelimit.Rate{PerSecond: 0.5, Burst: 5}},
		{"0.5/s", ratelimit.Rate{PerSecond: 0.5, Burst: 1}},
		{"off", ratelimit.Rate{}},
	}
	for _, tc := range tests {
		c, err := FromLookup(lookup(map[string]string{"RATE_LIMIT_USER": tc.spec}))
		if err != nil || c.RateLimit.User != tc.want {
			t.Errorf("RATE_LIMIT_USER=%s: %+v, %v; want %+v", tc.spec, c.RateLimit.User, err, tc.want)
		}
	}
	for _, bad := range []string{"10", "ten/s", "10/fortnight", "10/s:0", "-1/s", "10/s:x"} {
		if _, err := FromLookup(lookup(map[string]string{"RATE_LIMIT_IP": bad})); err == nil || !strings.Contains(err.Error(), "RATE_LIMIT_IP") {
			t.Errorf("RATE_LIMIT_IP=%s: err = %v, want a problem", bad, err)
		}
	}
	c, err = FromLookup(lookup(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7, fd00::/8"}))
	if err != nil || len(c.RateLimit.TrustedProxies) != 3 || c.RateLimit.TrustedProxies[1].String() != "192.168.1.7/32" {
		t.Fatalf("TRUSTED_PROXIES: %v %v", c.RateLimit.TrustedProxies, err)
	}
	if _, err := FromLookup(lookup(map[string]string{"TRUSTED_PROXIES": "proxy.internal"})); err == nil {
		t.Fatal("a host name in TRUSTED_PROXIES was accepted")
	}
}

func TestFromLookup_BacklogSettings(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Classify.BacklogDebounce != 30*time.Second || c.Classify.BacklogMinConfidence != 0.6 {
		t.Fatalf("backlog defaults = %v, %v; want 30s and 0.6", c.Classify.BacklogDebounce, c.Classify.BacklogMinConfidence)
	}
	c, err = FromLookup(lookup(map[string]string{"CLASSIFY_BACKLOG_DEBOUNCE": "2s", "CLASSIFY_BACKLOG_MIN_CONFIDENCE": "0.9"}))
	if err != nil || c.Classify.BacklogDebounce != 2*time.Second || c.Classify.BacklogMinConfidence != 0.9 {
		t.Fatalf("set = %v, %v, %v", c.Classify.BacklogDebounce, c.Classify.BacklogMinConfidence, err)
	}
	for env, want := range map[string]string{
		"CLASSIFY_BACKLOG_DEBOUNCE":       "2h",
		"CLASSIFY_BACKLOG_MIN_CONFIDENCE": "0.3",
	} {
		_, err := FromLookup(lookup(map[string]string{env: want}))
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: error %v, want one naming it", env, want, err)
		}
	}
}
