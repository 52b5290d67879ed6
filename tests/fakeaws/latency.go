package fakeaws

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Latency is how long each operation takes, per operation and resource
// type, parsed from [EnvLatency] by [ParseLatency] (the grammar is in the
// package documentation). The zero value is no latency.
type Latency struct {
	rules map[latencyKey]time.Duration
}

type latencyKey struct{ op, typ string } // typ "" for any type

// latencyOps are the operations a rule may name; "*" is any of them.
var latencyOps = []string{"create", "update", "delete"}

// ParseLatency parses a value of [EnvLatency]. An empty (or all-blank)
// value is no latency.
func ParseLatency(v string) (Latency, error) {
	l := Latency{rules: map[latencyKey]time.Duration{}}
	if strings.TrimSpace(v) == "" {
		return l, nil
	}
	for i, rule := range strings.Split(v, ",") {
		rule = strings.TrimSpace(rule)
		fail := func(format string, args ...any) error {
			return fmt.Errorf("fakeaws: %s=%q: rule %d %q: %s; expected <op>[:<type token>]=<duration>, op one of %s or *, e.g. create=1s or create:%s=2s",
				EnvLatency, v, i+1, rule, fmt.Sprintf(format, args...), strings.Join(latencyOps, ", "), typeRolePolicy)
		}
		if rule == "" {
			return Latency{}, fail("empty rule")
		}
		sel, dur, ok := strings.Cut(rule, "=")
		if !ok {
			return Latency{}, fail("no '='")
		}
		sel, dur = strings.TrimSpace(sel), strings.TrimSpace(dur)
		op, typ, _ := strings.Cut(sel, ":")
		if op != "*" && !slices.Contains(latencyOps, op) {
			return Latency{}, fail("unknown operation %q", op)
		}
		if strings.Contains(sel, ":") {
			if typ == "" {
				return Latency{}, fail("empty type token after ':'")
			}
			if _, ok := specs[typ]; !ok {
				return Latency{}, fail("type %q is not implemented by the double (known: %s)", typ, strings.Join(knownTypes(), ", "))
			}
		}
		d, err := time.ParseDuration(dur)
		if err != nil {
			return Latency{}, fail("duration %q: %v", dur, err)
		}
		if d < 0 {
			return Latency{}, fail("negative duration %s", d)
		}
		k := latencyKey{op, typ}
		if _, dup := l.rules[k]; dup {
			return Latency{}, fail("selector %q given twice", sel)
		}
		l.rules[k] = d
	}
	return l, nil
}

// For returns the latency of op ("create", "update" or "delete") on a
// resource of type typ: the duration of the most specific matching rule,
// op:type before *:type before op before *; 0 when none matches.
func (l Latency) For(op, typ string) time.Duration {
	for _, k := range []latencyKey{{op, typ}, {"*", typ}, {op, ""}, {"*", ""}} {
		if d, ok := l.rules[k]; ok {
			return d
		}
	}
	return 0
}

func knownTypes() []string {
	out := make([]string, 0, len(specs))
	for t := range specs {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
