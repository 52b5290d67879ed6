//go:build engine

package engine

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestYAMLAdoptRawStack is TestAdoptRawStack ($LATEST) from Pulumi YAML,
// through the component provider's `adopt` (docs/adopting.md's YAML
// form). testdata/yaml-adopt-raw deploys the raw routing (rawRouting's
// resources and logical names: queue, role, inline grant policy, function
// adopt-fn, invoke config naming the function by ARN with no qualifier);
// testdata/yaml-adopt-component rewrites it with asyncroute:lambda:Function
// adopt-router whose adopt names the raw function, role, policy and
// config. The preview of the rewrite plans the function, role and config
// in place and the grant policy replaced, nothing else but the component;
// the up updates the function and role in place (their IDs kept), creates
// the component's grant policy and deletes the adopted one after it,
// writes no config but an update, and opens no window; the config is
// there after, still naming the function as the raw one did; the checker
// finds nothing, a second preview shows no change, and destroy leaves
// nothing in the double or the stack's state.
func TestYAMLAdoptRawStack(t *testing.T) {
	start := time.Now()
	y := newYAMLWorld(t, yamlOptions{testdata: "yaml-adopt-raw", project: "asyncroute-adopt"})

	// The raw stack: its five resources created, routing with its grant.
	res, err := y.up()
	require.NoError(t, err, "the raw stack")
	assert.Equal(t, map[string]int{"create": 6}, *res.Summary.ResourceChanges, "the stack and its five resources")
	var created []string
	for _, op := range y.ops(0) {
		require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
		created = append(created, op.Op+" "+op.Type+" "+op.Name())
	}
	sort.Strings(created)
	assert.Equal(t, []string{
		"create " + tRole + " " + rawRole,
		"create " + tRolePolicy + " " + rawPolicy,
		"create " + tFunction + " " + rawFunction,
		"create " + tInvokeConfig + " " + rawConfig,
		"create " + tQueue + " adopt-failures",
	}, created, "the raw stack's writes")
	y.assertNoWindows("raw stack", 0)
	was := keptRecords(y.providerState())
	require.Len(t, was, 3, "a function, a role, a config")
	fnArn := recordOf(t, was, tFunction).Outputs["arn"]
	roleArn := recordOf(t, was, tRole).Outputs["arn"]
	queueArn := liveOutput(t, y.world, tQueue, "arn")

	// The rewrite's preview: the component is created, its function, role
	// and config are the raw ones (updated in place or unchanged), its
	// grant policy replaces the raw one; the queue is the same. The
	// program is docs/adopting.md's YAML form.
	y.useProgram("yaml-adopt-component")
	assert.Contains(t, readFile(t, "tests", "engine", "testdata", "yaml-adopt-component", "Pulumi.yaml"), docsYAMLAdopt(t),
		"docs/adopting.md's YAML is the program deployed here")
	n := y.logLen()
	inPlace := func(s step) string {
		if keptAcrossAdoption[s.typ] && (s.op == "update" || s.op == "same") {
			return "in place"
		}
		return s.op
	}
	var planned []string
	for _, s := range y.previewSteps() {
		if !strings.HasPrefix(s.typ, "pulumi:providers:") {
			planned = append(planned, inPlace(s)+" "+s.typ+" "+fakeaws.Op{URN: s.urn}.Name())
		}
	}
	sort.Strings(planned)
	assert.Equal(t, []string{
		"create asyncroute:lambda:Function " + adopter,
		"create-replacement " + tRolePolicy + " " + adopter + "-async-grants",
		"delete-replaced " + tRolePolicy + " " + rawPolicy,
		"in place " + tRole + " " + adopter + "-role",
		"in place " + tFunction + " " + adopter,
		"in place " + tInvokeConfig + " " + adopter + "-async-config",
		"replace " + tRolePolicy + " " + adopter + "-async-grants",
		"same " + tQueue + " adopt-failures",
		"same pulumi:pulumi:Stack asyncroute-adopt-test",
	}, planned, "the preview of the adoption: nothing created, deleted or replaced but the grant policy")
	assert.Empty(t, y.ops(n), "a preview writes nothing")

	// The adoption.
	_, err = y.up()
	require.NoError(t, err, "the adoption")
	ops := y.ops(n)
	var others []string
	for _, op := range ops {
		require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
		if keptAcrossAdoption[op.Type] {
			assert.Equal(t, "update", op.Op, "%s %s: updated in place, not replaced", op.Op, op.URN)
		} else {
			others = append(others, op.Op+" "+op.Type+" "+op.Name())
		}
	}
	sort.Strings(others)
	assert.Equal(t, []string{
		"create " + tRolePolicy + " " + adopter + "-async-grants",
		"delete " + tRolePolicy + " " + rawPolicy,
	}, others, "the adoption's other writes: the grant policy replaced")
	after := keptRecords(y.providerState())
	assert.Equal(t, keysOf(was), keysOf(after), "the same function, role and config")
	y.assertNoWindows("adoption", 0)

	newPolicy := opWhere(t, ops, "the new grant policy", is("create", tRolePolicy, adopter+"-async-grants"))
	oldPolicy := opWhere(t, ops, "the adopted policy's delete", is("delete", tRolePolicy, rawPolicy))
	if update, ok := find(ops, "update", tInvokeConfig, adopter+"-async-config"); ok {
		before(t, newPolicy, update, "the new grants before the config's update")
		before(t, update, oldPolicy, "the config's update before the old grants go")
	}
	before(t, newPolicy, oldPolicy, "the new grants before the old ones go")

	require.Equal(t, []string{"$LATEST"}, y.configsOf(adoptedName), "the function has its config")
	config := recordOf(t, after, tInvokeConfig)
	assert.Equal(t, fnArn, config.Inputs["functionName"], "the config names its function as the raw config did (by ARN)")
	assert.Nil(t, config.Inputs["qualifier"], "and leaves the qualifier out as it did")
	assert.EqualValues(t, 1, config.Inputs["maximumRetryAttempts"])
	assert.Equal(t, map[string]any{"onFailure": map[string]any{"destination": queueArn}}, config.Inputs["destinationConfig"],
		"on failure to the same queue")
	assert.Equal(t, roleArn, recordOf(t, after, tFunction).Inputs["role"], "the function keeps its role")

	// No change, then destroy: 7 resources (the stack, the queue, the
	// component and its role, function, grant policy and config).
	y.checkCleanThenDestroy(t, 7)
	t.Logf("TestYAMLAdoptRawStack took %s", time.Since(start).Round(time.Second))
}

// recordOf returns the one record of the type among records.
func recordOf(t *testing.T, records map[string]*fakeaws.Record, typ string) *fakeaws.Record {
	t.Helper()
	var found *fakeaws.Record
	for _, r := range records {
		if r.Type == typ {
			require.Nil(t, found, "one %s", typ)
			found = r
		}
	}
	require.NotNil(t, found, "a %s", typ)
	return found
}

// liveOutput returns an output of the one live record of the type.
func liveOutput(t *testing.T, w *world, typ, key string) any {
	t.Helper()
	var out []any
	for _, r := range w.providerState().Live() {
		if r.Type == typ {
			out = append(out, r.Outputs[key])
		}
	}
	require.Len(t, out, 1, "one %s", typ)
	return out[0]
}

// docsYAMLAdopt is the YAML block of docs/adopting.md's section on the
// option (after "From YAML, TypeScript or Python").
func docsYAMLAdopt(t *testing.T) string {
	t.Helper()
	_, section, ok := strings.Cut(readFile(t, "docs", "adopting.md"), "From YAML, TypeScript or Python")
	require.True(t, ok, "docs/adopting.md has the YAML form")
	_, block, ok := strings.Cut(section, "```yaml\n")
	require.True(t, ok, "docs/adopting.md has a YAML block")
	block, _, ok = strings.Cut(block, "```")
	require.True(t, ok)
	return block
}

func readFile(t *testing.T, path ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{repoRoot}, path...)...))
	require.NoError(t, err)
	return string(b)
}
