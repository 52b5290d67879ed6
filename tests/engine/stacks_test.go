//go:build engine

package engine

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/components/plan"
	eventbridgearchive "github.com/asyncroute/asyncroute/examples/eventbridge-archive/stack"
	existingfunction "github.com/asyncroute/asyncroute/examples/existing-function/stack"
	pipeline "github.com/asyncroute/asyncroute/examples/pipeline/stack"
	responsechain "github.com/asyncroute/asyncroute/examples/response-chain/stack"
	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stackCase is a stack of the repository: its project folder and program.
type stackCase struct {
	name string
	dir  string // project folder, relative to the repository root
	// program makes the program with the handler read from handlerDir.
	program func(handlerDir string) pulumi.RunFunc
	// seed are resources that exist outside the stack.
	seed []fakeaws.Record
}

func stackCases() []stackCase {
	return []stackCase{
		{name: "root", dir: ".", program: orders.NewProgram},
		{name: "pipeline", dir: "examples/pipeline", program: pipeline.NewProgram},
		{name: "eventbridge-archive", dir: "examples/eventbridge-archive", program: eventbridgearchive.NewProgram},
		{name: "existing-function", dir: "examples/existing-function", program: existingfunction.NewProgram,
			// The example attaches routing to a function and role deployed
			// outside the stack, with the names its config defaults to.
			seed: fakeaws.ExistingFunction(region, "legacy-billing", "legacy-billing-role")},
		{name: "response-chain", dir: "examples/response-chain", program: responsechain.NewProgram},
	}
}

// TestEveryExampleIsCovered fails when an example folder has no case in
// stackCases.
func TestEveryExampleIsCovered(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "Pulumi.yaml"))
	require.NoError(t, err)
	covered := map[string]bool{}
	for _, c := range stackCases() {
		covered[c.dir] = true
	}
	for _, d := range dirs {
		rel, err := filepath.Rel(repoRoot, filepath.Dir(d))
		require.NoError(t, err)
		assert.True(t, covered[rel], "%s has no engine test case in stackCases", rel)
	}
}

// TestStacks runs the root stack and every example through the engine:
// preview (under the policy pack), up, the checker on the stack export, a
// preview that must report no changes, destroy. It checks the
// order the provider saw: every grant policy is in place before the invoke
// config (and a function with a dead-letter target) that needs it is
// written, and on destroy every invoke config is deleted before its policy.
func TestStacks(t *testing.T) {
	for _, c := range stackCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(repoRoot, c.dir)
			proj, err := plan.LoadProject(plan.Options{Dir: dir})
			require.NoError(t, err)
			program := c.program(filepath.Join(dir, "handler"))

			// What the program registers, per the mocks: the engine must
			// create the same number of resources (plus the stack).
			mocked, err := asyncroutetest.Run(program, asyncroutetest.Project(proj.Name))
			require.NoError(t, err)
			want := len(mocked.Resources) + 1

			w := newWorld(t, proj.Name, program)
			if len(c.seed) > 0 {
				require.NoError(t, fakeaws.Seed(w.state, c.seed...))
			}

			// The first preview runs under the compiled policy pack: every
			// stack built with the components passes every rule.
			pre, err := w.preview(optpreview.PolicyPacks(policyPack.build(t)))
			require.NoError(t, err)
			assert.NotContains(t, pre.StdOut, "async0", "no policy violation reported")
			assert.Equal(t, map[apitype.OpType]int{apitype.OpCreate: want}, pre.ChangeSummary, "first preview")
			assert.Empty(t, w.ops(0), "a preview writes nothing")

			up, err := w.up()
			require.NoError(t, err)
			require.NotNil(t, up.Summary.ResourceChanges)
			assert.Equal(t, map[string]int{"create": want}, *up.Summary.ResourceChanges, "up")
			if c.name == "root" {
				checkRootOutputs(t, up.Outputs)
			}
			created := w.ops(0)
			for _, op := range created {
				assert.Equal(t, "create", op.Op, "%s %s", op.Op, op.URN)
				assert.Empty(t, op.Error, "%s %s", op.Op, op.URN)
			}
			custom := countCustom(mocked)
			assert.Len(t, created, custom, "one provider create per custom resource")
			assert.Len(t, w.providerState().Live(), custom)
			checkCreateOrder(t, created)

			w.checkCleanThenDestroy(t, want)
		})
	}
}

// countCustom is the number of custom resources a program registered.
func countCustom(s *asyncroutetest.Stack) int {
	n := 0
	for _, r := range s.Resources {
		if r.Custom {
			n++
		}
	}
	return n
}

// checkCleanThenDestroy ends the life of a deployed stack of want
// resources (the stack included): the checker finds nothing in its
// export; a second preview reports no changes; destroy deletes all of
// them, each invoke config before its grant policy, and leaves nothing in
// the provider or the stack's state.
func (w *world) checkCleanThenDestroy(t *testing.T, want int) {
	t.Helper()
	findings, code := w.check(t)
	assert.Empty(t, findings, "asyncroute-check on the stack export")
	assert.Equal(t, 0, code)

	again, err := w.preview(optpreview.ExpectNoChanges(), optpreview.Diff())
	require.NoError(t, err, "second preview must report no changes")
	assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: want}, again.ChangeSummary, "second preview")

	n := w.logLen()
	down := w.destroy()
	require.NotNil(t, down.Summary.ResourceChanges)
	assert.Equal(t, map[string]int{"delete": want}, *down.Summary.ResourceChanges, "destroy")
	checkDeleteOrder(t, w.ops(n))
	assert.Empty(t, w.providerState().Live(), "destroy leaves nothing behind in the provider")
	_, d := w.export()
	assert.Empty(t, d.Resources, "destroy leaves nothing in the stack's state")
}

// checkCreateOrder asserts that each component's grant policy was stored
// before its invoke config, before its function when that has a
// dead-letter target, and before its event source mapping.
func checkCreateOrder(t *testing.T, ops []fakeaws.Op) {
	t.Helper()
	checked := 0
	for _, op := range ops {
		var component string
		switch {
		case op.Op == "create" && op.Type == tInvokeConfig:
			component = strings.TrimSuffix(op.Name(), "-async-config")
		case op.Op == "create" && op.Type == tFunction && deadLetterTarget(op) != "":
			component = op.Name()
		case op.Op == "create" && op.Type == tMapping:
			if policy, ok := find(ops, "create", tRolePolicy, op.Name()+"-mapping-grants"); ok {
				before(t, policy, op, "grant policy before event source mapping")
				checked++
			}
			continue
		default:
			continue
		}
		policy, ok := find(ops, "create", tRolePolicy, component+"-async-grants")
		if !ok {
			continue
		}
		before(t, policy, op, "grant policy before "+op.Type)
		checked++
	}
	require.NotZero(t, checked, "no grant policy / invoke config pair found in the provider log")
}

// checkDeleteOrder asserts that each invoke config was deleted before its
// component's grant policy.
func checkDeleteOrder(t *testing.T, ops []fakeaws.Op) {
	t.Helper()
	checked := 0
	for _, op := range ops {
		if op.Op != "delete" || op.Type != tInvokeConfig {
			continue
		}
		policy, ok := find(ops, "delete", tRolePolicy, strings.TrimSuffix(op.Name(), "-async-config")+"-async-grants")
		if !ok {
			continue
		}
		before(t, op, policy, "invoke config deleted before its grant policy")
		checked++
	}
	require.NotZero(t, checked, "no invoke config / grant policy deletes found in the provider log")
}

func deadLetterTarget(op fakeaws.Op) string {
	dlc, _ := op.Inputs["deadLetterConfig"].(map[string]any)
	s, _ := dlc["targetArn"].(string)
	return s
}

// checkRootOutputs asserts the root stack's outputs as the engine reports
// them after up: the function, the queue, the topic and a command that
// invokes the function asynchronously.
func checkRootOutputs(t *testing.T, outs auto.OutputMap) {
	t.Helper()
	fn, _ := outs["functionName"].Value.(string)
	assert.Regexp(t, `^order-processor-[0-9a-f]{7}$`, fn)
	assert.Regexp(t, `^https://sqs\.us-east-1\.amazonaws\.com/123456789012/orders-processed-[0-9a-f]{7}$`, outs["queueUrl"].Value)
	assert.Regexp(t, `^arn:aws:sns:us-east-1:123456789012:orders-failed-[0-9a-f]{7}$`, outs["topicArn"].Value)
	cmd, _ := outs["invokeCommand"].Value.(string)
	assert.Contains(t, cmd, "aws lambda invoke --function-name "+fn+" --invocation-type Event ")
	assert.Contains(t, cmd, `"order_id":`)
}
