package main

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/components/plan"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/asyncroute/asyncroute/internal/samples"
	"github.com/asyncroute/asyncroute/internal/stackgraph/stackfile"
	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command reports on a stack export or preview file exactly what the
// library reports on the stack the mocks recorded.
func TestCommandAgreesWithLibrary(t *testing.T) {
	programs := map[string]pulumi.RunFunc{"mixed": samples.Mixed, "clean": samples.Clean}
	for name, program := range programs {
		for _, preview := range []bool{false, true} {
			var opts []asyncroutetest.Option
			if preview {
				opts = append(opts, asyncroutetest.Preview())
			}
			st, err := asyncroutetest.Run(program, opts...)
			require.NoError(t, err)
			g := asyncpolicy.FromStack(st)
			want := asyncpolicy.Check(g, asyncpolicy.Config{})
			if name == "mixed" {
				require.NotEmpty(t, want)
			} else {
				require.Empty(t, want)
			}

			write := samples.StackExport
			if preview {
				write = samples.PreviewJSON
			}
			data, err := write(g)
			require.NoError(t, err)
			code, out, errOut := runCmd(t, string(data), "--format", "json", "-")
			require.Empty(t, errOut)
			var rep struct {
				Findings []asyncpolicy.Finding `json:"findings"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			if len(want) == 0 {
				want = []asyncpolicy.Finding{}
			}
			assert.Equal(t, want, rep.Findings, "%s preview=%v", name, preview)
			wantCode := 0
			if asyncpolicy.HasMandatory(want) {
				wantCode = 1
			}
			assert.Equal(t, wantCode, code)
		}
	}
}

// Every rule fires on the mixed sample once it is deployed.
func TestMixedSampleCoversEveryRule(t *testing.T) {
	st, err := asyncroutetest.Run(samples.Mixed)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, f := range asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}) {
		seen[f.RuleID] = true
	}
	for _, r := range asyncpolicy.Rules() {
		assert.True(t, seen[r.ID], r.ID)
	}
}

// planJSON returns `go run . plan -json` of program for project "shop",
// stack "dev", as package plan writes it.
func planJSON(t *testing.T, program pulumi.RunFunc, preview bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, plan.Plan(&buf, program, plan.Options{Project: "shop", Dir: t.TempDir(), JSON: true, Preview: preview}))
	return buf.Bytes()
}

// The command reports on the offline plan's JSON exactly what the library
// reports on the same program run under the mocks, and the plan's JSON
// gives it the resources the mocks recorded.
func TestPlanJSONAgreesWithLibrary(t *testing.T) {
	programs := map[string]pulumi.RunFunc{"mixed": samples.Mixed, "clean": samples.Clean, "orders": orders.Program, "planted": planted}
	for _, name := range []string{"mixed", "clean", "orders", "planted"} {
		for _, preview := range []bool{false, true} {
			opts := []mockmonitor.Option{mockmonitor.Project("shop"), mockmonitor.StackName("dev")}
			if preview {
				opts = append(opts, mockmonitor.Preview())
			}
			rec, err := mockmonitor.Run(programs[name], opts...)
			g := rec.Graph
			require.NoError(t, err)
			want := asyncpolicy.Check(asyncpolicy.FromStack(g), asyncpolicy.Config{})
			if want == nil {
				want = []asyncpolicy.Finding{}
			}
			switch {
			case name == "clean" || name == "orders":
				require.Empty(t, want, name)
			case !preview:
				require.True(t, asyncpolicy.HasMandatory(want), name)
			}

			data := planJSON(t, programs[name], preview)
			code, out, errOut := runCmd(t, string(data), "--format", "json", "-")
			require.Empty(t, errOut)
			var rep struct {
				Format    string                `json:"format"`
				Resources int                   `json:"resources"`
				Findings  []asyncpolicy.Finding `json:"findings"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			assert.Equal(t, "plan", rep.Format)
			assert.Equal(t, len(g.Resources), rep.Resources)
			assert.Equal(t, want, rep.Findings, "%s preview=%v", name, preview)
			wantCode := 0
			if asyncpolicy.HasMandatory(want) {
				wantCode = 1
			}
			assert.Equal(t, wantCode, code, "%s preview=%v", name, preview)

			// What the rules read survives the plan's JSON: type, name,
			// custom, id, inputs, outputs, dependencies and property
			// dependencies (the plan leaves out those that are empty and a
			// component's outputs; the parent of a child of the stack is "").
			read, format, err := stackfile.Decode(data)
			require.NoError(t, err)
			assert.Equal(t, stackfile.Plan, format)
			require.Len(t, read.Resources, len(g.Resources))
			for _, r := range g.Resources {
				got := read.ByURN(r.URN)
				require.NotNil(t, got, r.URN)
				assert.Equal(t, r.Type, got.Type)
				assert.Equal(t, r.Name, got.Name)
				assert.Equal(t, r.Custom, got.Custom)
				assert.Equal(t, r.ID, got.ID)
				assert.Equal(t, r.Inputs, got.Inputs, "%s inputs", r.URN)
				if r.Custom {
					assert.Equal(t, r.Outputs, got.Outputs, "%s outputs", r.URN)
				}
				assert.Equal(t, r.Dependencies, got.Dependencies, r.URN)
				deps := map[string][]string{}
				for k, v := range r.PropertyDependencies {
					if len(v) > 0 {
						deps[k] = append([]string(nil), v...)
						sort.Strings(deps[k])
					}
				}
				if len(deps) == 0 {
					deps = nil
				}
				assert.Equal(t, deps, got.PropertyDependencies, r.URN)
				if g.ByURN(r.Parent) != nil {
					assert.Equal(t, r.Parent, got.Parent)
				} else {
					assert.Equal(t, "", got.Parent)
				}
			}
		}
	}
}

// planted is docs/your-own-stack.md's new-user project with a mistake planted: a
// hand-written invoke config on $LATEST whose on-failure queue the
// function's role may not write to.
func planted(ctx *pulumi.Context) error {
	thumbs, err := sqs.NewQueue(ctx, "thumbnails", &sqs.QueueArgs{SqsManagedSseEnabled: pulumi.Bool(true)})
	if err != nil {
		return err
	}
	fn, err := asyncroute.NewFunction(ctx, "resize", &asyncroute.FunctionArgs{
		Function: lambda.FunctionArgs{
			Runtime: pulumi.String("python3.12"),
			Handler: pulumi.String("resize.handler"),
			Code:    pulumi.NewAssetArchive(map[string]interface{}{"resize.py": pulumi.NewStringAsset("def handler(e, c):\n    return e\n")}),
		},
		OnSuccess:  asyncroute.SQSQueue{Queue: thumbs},
		OnFailure:  asyncroute.NewQueue{},
		MaxRetries: pulumi.IntRef(1),
		Alias:      "live",
	})
	if err != nil {
		return err
	}
	audit, err := sqs.NewQueue(ctx, "audit", &sqs.QueueArgs{SqsManagedSseEnabled: pulumi.Bool(true)})
	if err != nil {
		return err
	}
	_, err = lambda.NewFunctionEventInvokeConfig(ctx, "resize-latest", &lambda.FunctionEventInvokeConfigArgs{
		FunctionName: fn.FunctionName,
		Qualifier:    pulumi.String("$LATEST"),
		DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: audit.Arn},
		},
	})
	return err
}

// The golden plan of the root stack, as committed, reads as a plan with
// no findings.
func TestGoldenPlanOfRootStack(t *testing.T) {
	code, out, errOut := runCmd(t, "", "../../tests/golden/testdata/orders.json")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, "../../tests/golden/testdata/orders.json (plan, 7 resources): no findings\n", out)
}
