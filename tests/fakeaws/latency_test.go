package fakeaws

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLatencyValid(t *testing.T) {
	const (
		role   = typeRole
		policy = typeRolePolicy
		fn     = typeFunction
	)
	type probe struct {
		op, typ string
		want    time.Duration
	}
	cases := []struct {
		value  string
		probes []probe
	}{
		{"", []probe{{"create", role, 0}, {"delete", fn, 0}}},
		{"  ", []probe{{"update", fn, 0}}},
		{"create=1s", []probe{{"create", role, time.Second}, {"create", fn, time.Second}, {"update", fn, 0}, {"delete", fn, 0}}},
		{"create:aws:iam/rolePolicy:RolePolicy=2s", []probe{{"create", policy, 2 * time.Second}, {"create", role, 0}, {"update", policy, 0}}},
		{"update=500ms", []probe{{"update", fn, 500 * time.Millisecond}, {"create", fn, 0}}},
		{"delete:aws:lambda/function:Function=3s", []probe{{"delete", fn, 3 * time.Second}, {"delete", role, 0}, {"create", fn, 0}}},
		// The most specific rule wins, whatever the order of the rules.
		{"create:aws:iam/rolePolicy:RolePolicy=2s,create=1s", []probe{{"create", policy, 2 * time.Second}, {"create", role, time.Second}}},
		{"create=1s,create:aws:iam/rolePolicy:RolePolicy=2s", []probe{{"create", policy, 2 * time.Second}, {"create", role, time.Second}}},
		{"*=100ms,create=1s", []probe{{"create", fn, time.Second}, {"update", fn, 100 * time.Millisecond}, {"delete", role, 100 * time.Millisecond}}},
		{"*:aws:lambda/function:Function=3s,create=1s,*=5ms", []probe{
			{"create", fn, 3 * time.Second}, {"delete", fn, 3 * time.Second}, {"create", role, time.Second}, {"update", role, 5 * time.Millisecond}}},
		{"*:aws:lambda/function:Function=3s,create:aws:lambda/function:Function=4s", []probe{{"create", fn, 4 * time.Second}, {"update", fn, 3 * time.Second}}},
		{" create = 1s , update:aws:iam/role:Role = 1m30s ", []probe{{"create", role, time.Second}, {"update", role, 90 * time.Second}, {"update", fn, 0}}},
		{"create=0s", []probe{{"create", role, 0}}},
	}
	for _, c := range cases {
		l, err := ParseLatency(c.value)
		require.NoError(t, err, "%q", c.value)
		for _, p := range c.probes {
			assert.Equal(t, p.want, l.For(p.op, p.typ), "%q: %s %s", c.value, p.op, p.typ)
		}
	}
}

func TestParseLatencyInvalid(t *testing.T) {
	cases := map[string]string{
		"create":      "no '='",
		"create=":     "duration \"\"",
		"create=fast": "duration \"fast\"",
		"create=-1s":  "negative duration",
		"create=1":    "missing unit",
		"make=1s":     "unknown operation \"make\"",
		"Create=1s":   "unknown operation \"Create\"",
		"read=1s":     "unknown operation \"read\"",
		"=1s":         "unknown operation \"\"",
		"create:=1s":  "empty type token",
		"create:aws:iam/rolepolicy:RolePolicy=2s": "is not implemented by the double",
		"create:RolePolicy=2s":                    "is not implemented by the double",
		"create=1s,":                              "empty rule",
		",create=1s":                              "empty rule",
		"create=1s,,update=1s":                    "empty rule",
		"create=1s,create=2s":                     "selector \"create\" given twice",
		"create:aws:iam/role:Role=1s,create:aws:iam/role:Role=2s": "given twice",
		"create=1s;update=1s": "duration",
	}
	for value, want := range cases {
		_, err := ParseLatency(value)
		require.Error(t, err, "%q", value)
		assert.Contains(t, err.Error(), want, "%q", value)
		assert.Contains(t, err.Error(), EnvLatency, "the message names the variable")
		assert.Contains(t, err.Error(), "expected <op>[:<type token>]=<duration>", "the message shows the grammar")
	}
}

func TestNewProviderRejectsBadLatency(t *testing.T) {
	t.Setenv(EnvState, filepath.Join(t.TempDir(), "state.json"))
	t.Setenv(EnvLatency, "create=soon")
	_, err := NewProvider()
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "fakeaws: FAKEAWS_LATENCY=\"create=soon\": rule 1"), err.Error())
}

// TestLatencyIsInsideTheLoggedInterval: a rule's latency is inside the
// logged interval of its operation, and an operation without a rule does
// not wait (300 ms, so that a loaded machine does not reach it: 60 ms did
// once).
func TestLatencyIsInsideTheLoggedInterval(t *testing.T) {
	const d = 300 * time.Millisecond
	w := newTestProvider(t, "create:aws:sqs/queue:Queue=300ms,delete=300ms")
	start := time.Now()
	urn := w.create(t, typeQueue, "q", map[string]any{"name": "q"})
	require.GreaterOrEqual(t, time.Since(start), d)
	w.delete(t, typeQueue, urn, "https://sqs.us-east-1.amazonaws.com/123456789012/q")
	w.create(t, typeRole, "r", map[string]any{"name": "r"}) // no rule: no latency

	ops, err := ReadLog(w.log)
	require.NoError(t, err)
	require.Len(t, ops, 3)
	for _, op := range ops[:2] {
		assert.GreaterOrEqual(t, op.End.Sub(op.Start), d, "%s %s", op.Op, op.Type)
	}
	assert.Less(t, ops[2].End.Sub(ops[2].Start), d, "a create without a rule does not wait")
}
