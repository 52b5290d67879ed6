package fakeaws

import (
	"context"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFaults(t *testing.T) {
	got, err := ParseFaults(" create:router-async-grants=before, delete:aws:iam/rolePolicy:RolePolicy = after ")
	require.NoError(t, err)
	assert.Equal(t, []Fault{
		{Op: "create", Target: "router-async-grants", When: Before},
		{Op: "delete", Target: typeRolePolicy, When: After},
	}, got)
	none, err := ParseFaults("  ")
	require.NoError(t, err)
	assert.Empty(t, none)

	for value, want := range map[string]string{
		"create:x":                        `rule "create:x" has no "="`,
		"create=before":                   `names no target`,
		"read:x=before":                   `op "read"; allowed: create, update or delete`,
		"create:x=later":                  `"later"; allowed: before or after`,
		"create:aws:nope/x:X=before":      `is a type token the double does not implement`,
		"create:x=before,,":               `empty rule`,
		"create:x=before,create:x=before": `rule "create:x=before" is given twice`,
	} {
		_, err := ParseFaults(value)
		require.Error(t, err, value)
		assert.Contains(t, err.Error(), want, value)
		assert.Contains(t, err.Error(), EnvFaults, value)
	}
}

// TestFaultsFireOnce: a fault before the write stores nothing; one after
// it stores the write and still fails; each fires once, and a fault on a
// type matches any resource of it.
func TestFaultsFireOnce(t *testing.T) {
	tp := newTestProvider(t, "")
	require.NoError(t, InjectFaults(tp.state,
		Fault{Op: "create", Target: "q", When: Before},
		Fault{Op: "create", Target: typeTopic, When: After},
		Fault{Op: "delete", Target: "q", When: After},
	))

	_, _, err := tp.tryCreate(t, typeQueue, "q", map[string]any{"name": "q"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `InternalFailure: fakeaws injected fault "create:q=before" before the write was stored`)
	assert.Empty(t, tp.records(t, typeQueue), "nothing stored")
	id, _, err := tp.tryCreate(t, typeQueue, "q", map[string]any{"name": "q"})
	require.NoError(t, err, "the fault fired once")

	_, _, err = tp.tryCreate(t, typeTopic, "t", map[string]any{"name": "t"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `connection reset by peer (fakeaws injected fault "create:aws:sns/topic:Topic=after" after the write was stored)`)
	assert.Len(t, tp.records(t, typeTopic), 1, "stored although the engine saw an error")

	_, err = tp.p.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: testURN(typeQueue, "q"), Type: typeQueue, Id: id})
	require.Error(t, err)
	assert.Empty(t, tp.records(t, typeQueue), "deleted although the engine saw an error")

	faults, err := Faults(tp.state)
	require.NoError(t, err)
	require.Len(t, faults, 3)
	for _, f := range faults {
		assert.NotNil(t, f.Fired, f.Rule())
	}
	assert.Equal(t, testURN(typeTopic, "t"), faults[1].FiredOn)

	var failed []string
	for _, op := range tp.ops(t) {
		if op.Error != "" {
			failed = append(failed, op.Op+" "+op.Name())
		}
	}
	assert.Equal(t, []string{"create q", "create t", "delete q"}, failed, "the log shows each failed write")
}

// TestEnvFaultsFireOnceAcrossProcesses: a rule of FAKEAWS_FAULTS fires once
// even when every engine run starts a new plugin process.
func TestEnvFaultsFireOnceAcrossProcesses(t *testing.T) {
	tp := newTestProvider(t, "")
	t.Setenv(EnvFaults, "create:q=before")
	for i := 0; i < 2; i++ {
		p, err := NewProvider()
		require.NoError(t, err)
		tp.p = p
	}
	_, _, err := tp.tryCreate(t, typeQueue, "q", map[string]any{"name": "q"})
	require.Error(t, err)
	p, err := NewProvider()
	require.NoError(t, err)
	tp.p = p
	_, _, err = tp.tryCreate(t, typeQueue, "q", map[string]any{"name": "q"})
	require.NoError(t, err)
	faults, err := Faults(tp.state)
	require.NoError(t, err)
	assert.Len(t, faults, 1, "the rule is recorded once")

	t.Setenv(EnvFaults, "create:q")
	_, err = NewProvider()
	require.Error(t, err, "a bad rule stops the plugin")
}
