package config

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/ratelimit"
)

// reader collects every problem instead of stopping at the first, so a user
// fixes their environment in one pass.
type reader struct {
	lookup   func(string) (string, bool)
	problems []string
}

func (r *reader) raw(key string) (string, bool) {
	v, ok := r.lookup(key)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (r *reader) str(key, def string) string {
	if v, ok := r.raw(key); ok {
		return v
	}
	return def
}

func (r *reader) boolean(key string, def bool) bool {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s=%q: set it to true or false", key, v))
		return def
	}
	return b
}

func (r *reader) integer(key string, def int64) int64 {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s=%q: set it to a whole number", key, v))
		return def
	}
	return n
}

func (r *reader) float(key string, def float64) float64 {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s=%q: set it to a number", key, v))
		return def
	}
	return f
}

func (r *reader) duration(key string, def time.Duration) time.Duration {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s=%q: set it to a duration such as 30s, 5m or 1h", key, v))
		return def
	}
	return d
}

func (r *reader) list(key string, def []string) []string {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// rate reads a rate limit written `<n>/<period>[:<burst>]` — 10/s:50,
// 30/m:10, 5/10s — or `off`. The burst defaults to n (at least 1).
func (r *reader) rate(key string, def ratelimit.Rate) ratelimit.Rate {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	rt, err := parseRate(v)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s=%q: %v; write it like 10/s:50 (10 a second, bursts of 50), 30/m:10 or off", key, v, err))
		return def
	}
	return rt
}

func parseRate(v string) (ratelimit.Rate, error) {
	if strings.EqualFold(v, "off") {
		return ratelimit.Rate{}, nil
	}
	spec, burstText, hasBurst := strings.Cut(v, ":")
	countText, periodText, ok := strings.Cut(spec, "/")
	if !ok {
		return ratelimit.Rate{}, fmt.Errorf("no /period")
	}
	count, err := strconv.ParseFloat(strings.TrimSpace(countText), 64)
	if err != nil || count <= 0 || math.IsInf(count, 0) {
		return ratelimit.Rate{}, fmt.Errorf("the count %q is not a positive number", countText)
	}
	periodText = strings.TrimSpace(periodText)
	period, ok := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[periodText]
	if !ok {
		if period, err = time.ParseDuration(periodText); err != nil || period <= 0 {
			return ratelimit.Rate{}, fmt.Errorf("the period %q is not s, m, h or a duration", periodText)
		}
	}
	burst := max(1, int(math.Ceil(count)))
	if hasBurst {
		if burst, err = strconv.Atoi(strings.TrimSpace(burstText)); err != nil || burst < 1 {
			return ratelimit.Rate{}, fmt.Errorf("the burst %q is not a whole number ≥ 1", burstText)
		}
	}
	return ratelimit.Rate{PerSecond: count / period.Seconds(), Burst: burst}, nil
}

// prefixes reads a comma-separated list of CIDR prefixes or addresses.
func (r *reader) prefixes(key string) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range r.list(key, nil) {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				r.problems = append(r.problems, fmt.Sprintf("%s: %q is not an address or CIDR prefix such as 10.0.0.0/8", key, v))
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out
}
