//go:build engine

package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainProgram is testdata/yaml-chain in Go (switched: yaml-chain-switched):
// components that take each other's outputs.
func chainProgram(handlerDir string, switched bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		fn := func() lambda.FunctionArgs {
			return lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("handler.handler"), Code: pulumi.NewFileArchive(handlerDir)}
		}
		mailer, err := asyncroute.NewFunction(ctx, "mailer", &asyncroute.FunctionArgs{Function: fn(), Alias: "live", OnFailure: asyncroute.NewQueue{}})
		if err != nil {
			return err
		}
		var onSuccess asyncroute.Destination = asyncroute.ARN{Arn: mailer.FunctionArn, Kind: asyncroute.KindLambda}
		if switched {
			onSuccess = asyncroute.NewTopic{}
		}
		renderer, err := asyncroute.NewFunction(ctx, "renderer", &asyncroute.FunctionArgs{Function: fn(), OnSuccess: onSuccess, OnFailure: asyncroute.NewQueue{}},
			pulumi.DependsOn([]pulumi.Resource{mailer}))
		if err != nil {
			return err
		}
		ingest, err := asyncroute.NewFunction(ctx, "ingest", &asyncroute.FunctionArgs{Function: fn(), Alias: "live",
			OnSuccess: asyncroute.ResponseOnly{FunctionArn: renderer.FunctionArn}, OnFailure: asyncroute.NewQueue{}, MaxRetries: pulumi.IntRef(0)})
		if err != nil {
			return err
		}
		if _, err := asyncroute.NewAsyncInvoke(ctx, "mailer-latest", &asyncroute.AsyncInvokeArgs{
			FunctionName: mailer.FunctionName, Role: &asyncroute.ExistingRole{Arn: mailer.RoleArn},
			OnFailure: asyncroute.DefaultEventBus{}, MaxEventAge: asyncroute.EventAge(10 * time.Minute),
		}); err != nil {
			return err
		}
		if _, err := asyncroute.NewEventSourceMapping(ctx, "redrive", &asyncroute.EventSourceMappingArgs{
			EventSourceArn: renderer.OnFailureArn.Elem(), Source: asyncroute.SourceSQS,
			FunctionName: mailer.FunctionName, Role: &asyncroute.ExistingRole{Arn: mailer.RoleArn},
			Mapping: lambda.EventSourceMappingArgs{BatchSize: pulumi.IntPtr(5)},
		}); err != nil {
			return err
		}
		ctx.Export("mailerArn", mailer.FunctionArn)
		ctx.Export("rendererArn", renderer.FunctionArn)
		ctx.Export("ingestArn", ingest.QualifiedArn)
		return nil
	}
}

// tryYAML runs scripts/try-yaml.sh on the world's project, in the world's
// folder, as a user would (the CLI, YAML host and provider the tests use,
// named by the variables the script reads), and returns what it printed.
func (y *yamlWorld) tryYAML(command string) string {
	y.t.Helper()
	cmd := exec.CommandContext(y.ctx, filepath.Join(repoRoot, "scripts", "try-yaml.sh"), y.proj, command)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(),
		"TRY_YAML_STATE="+y.dir, "TRY_YAML_STACK="+y.stack.Name(),
		"ASYNCROUTE_PULUMI_CLI="+cliPath,
		"ASYNCROUTE_PULUMI_YAML="+os.Getenv("ASYNCROUTE_PULUMI_YAML"),
		"ASYNCROUTE_PROVIDER_BIN="+componentProvider.build(y.t),
		fakeaws.EnvRolePolicyDelay+"="+policyDelay,
	)
	out, err := cmd.CombinedOutput()
	require.NoError(y.t, err, "scripts/try-yaml.sh %s:\n%s", command, out)
	return string(out)
}

// TestYAMLChain deploys YAML components that depend on each other (issue
// 17: the second component of a chain failed at `pulumi up` with "invalid
// dependency URN: missing required URN"): a Lambda destination on another
// component's functionArn, a response-only link, dependsOn on a component,
// and an AsyncInvoke and an EventSourceMapping on a Function component's
// outputs. Preview and up run through scripts/try-yaml.sh, as a user
// would; then the writes are compared with the Go twin's, a preview shows
// no change, an update switches the chain's destination with no
// unpermitted window, and destroy (through the script again) leaves
// nothing.
func TestYAMLChain(t *testing.T) {
	handlerDir := filepath.Join(repoRoot, "handler")
	y := newYAMLWorld(t, yamlOptions{testdata: "yaml-chain", project: "chain"})

	out := y.tryYAML("preview")
	assert.Contains(t, out, "Planned steps (")
	for _, c := range []string{"mailer", "renderer", "ingest", "mailer-latest", "redrive"} {
		assert.Regexp(t, `(?m)^  create +asyncroute:lambda:[A-Za-z]+ +`+c+`$`, out, "the preview plans component %s", c)
	}
	assert.Empty(t, y.ops(0), "a preview writes nothing")

	out = y.tryYAML("up")
	yamlOps := y.ops(0)
	require.NotEmpty(t, yamlOps)
	for _, op := range yamlOps {
		assert.Equal(t, "create", op.Op, op.URN)
		assert.Empty(t, op.Error, op.URN)
	}
	checkCreateOrder(t, yamlOps)
	for _, route := range []string{
		"renderer --on success $LATEST--> mailer (granted)",
		"renderer --on failure $LATEST--> renderer-on-failure (granted)",
		"mailer --on failure live--> mailer-on-failure (granted)",
		"mailer --on failure $LATEST--> arn:aws:events:us-east-1:123456789012:event-bus/default (granted)",
		"ingest --on failure live--> ingest-on-failure (granted)",
		"ingest-on-success-response --invokes $LATEST--> renderer",
		"renderer-on-failure --polled by--> redrive",
		"redrive --invokes--> mailer",
	} {
		assert.Contains(t, out, "  "+route+"\n", "try-yaml shows the route")
	}
	assert.Contains(t, out, "Findings (asyncpolicy rules):\n  none\n")
	assert.Zero(t, strings.Count(out, "error:"), out)

	// The same program in Go, through the same engine: the same writes,
	// the same resources with the same dependencies (a dependency on
	// another component's output is on that component's child in Go and
	// on the component itself through the provider, which the engine
	// orders after all of its children: compared as "component X"), and
	// every write after the writes of what it depends on.
	g := newWorld(t, "chain", chainProgram(handlerDir, false))
	_, err := g.up()
	require.NoError(t, err)
	goOps := g.ops(0)
	assert.Equal(t, opSummary(goOps, nil), opSummary(yamlOps, nil), "the provider saw the same writes")
	assert.Equal(t, componentDeps(t, g), componentDeps(t, y.world), "the same resources and dependencies in the stack's state")
	writesAfterDependencies(t, y.world, yamlOps)

	// No change.
	again, err := y.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err, "a second preview must report no changes")
	assert.Zero(t, again.ChangeSummary[apitype.OpUpdate]+again.ChangeSummary[apitype.OpCreate]+again.ChangeSummary[apitype.OpDelete]+again.ChangeSummary[apitype.OpReplace])

	// Switch the chain's destination: renderer's on-success leaves mailer
	// for a topic of its own. No route is ever without its grant.
	n, gn := y.logLen(), g.logLen()
	y.useProgram("yaml-chain-switched")
	_, err = y.up()
	require.NoError(t, err)
	y.assertNoWindows("switch renderer's on-success from mailer to a topic", 0)
	g.setProgram(chainProgram(handlerDir, true))
	_, err = g.up()
	require.NoError(t, err)
	g.assertNoWindows("switch (Go)", 0)
	assert.Equal(t, opSummary(g.ops(gn), nil), opSummary(y.ops(n), nil), "the update made the same writes")

	out = y.tryYAML("destroy")
	assert.Contains(t, out, "In the test double (0 resources):")
	assert.Empty(t, y.providerState().Live())
	g.destroy()
}

// componentDeps renders the custom resources of the stack's state as
// "URN parent=P deps=D1,D2 inputs=I", with each dependency outside the
// resource's own component named by the component it belongs to.
func componentDeps(t *testing.T, w *world) []string {
	t.Helper()
	res := exportedResources(t, w)
	parent, typ := map[string]string{}, map[string]string{}
	for _, r := range res {
		parent[r.URN], typ[r.URN] = r.Parent, r.Type
	}
	componentOf := func(urn string) string {
		for urn != "" && !strings.HasPrefix(typ[urn], "asyncroute:lambda:") {
			urn = parent[urn]
		}
		return urn
	}
	var out []string
	for _, r := range res {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		own := componentOf(r.URN)
		set := map[string]bool{}
		for _, d := range r.Dependencies {
			if c := componentOf(d); c != "" && c != own {
				set["component "+fakeaws.Op{URN: c}.Name()] = true
			} else {
				set[d] = true
			}
		}
		deps := make([]string, 0, len(set))
		for d := range set {
			deps = append(deps, d)
		}
		sort.Strings(deps)
		in, _ := json.Marshal(normalize(r.Inputs, nil))
		out = append(out, fmt.Sprintf("%s parent=%s deps=%s inputs=%s", r.URN, r.Parent, strings.Join(deps, ","), in))
	}
	sort.Strings(out)
	return out
}

func exportedResources(t *testing.T, w *world) []stateResource {
	t.Helper()
	raw, _ := w.export()
	var d struct {
		Resources []stateResource `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(raw.Deployment, &d))
	return d.Resources
}

// writesAfterDependencies asserts that each write started after every
// write of a custom resource it depends on in the stack's state (directly,
// or through a component: all of that component's custom resources) had
// ended.
func writesAfterDependencies(t *testing.T, w *world, ops []fakeaws.Op) {
	t.Helper()
	res := exportedResources(t, w)
	children := map[string][]string{}
	deps := map[string][]string{}
	for _, r := range res {
		children[r.Parent] = append(children[r.Parent], r.URN)
		deps[r.URN] = r.Dependencies
	}
	var expand func(urn string) []string
	expand = func(urn string) []string {
		if len(children[urn]) == 0 {
			return []string{urn}
		}
		out := []string{urn}
		for _, c := range children[urn] {
			out = append(out, expand(c)...)
		}
		return out
	}
	byURN := map[string]fakeaws.Op{}
	for _, op := range ops {
		byURN[op.URN] = op
	}
	checked := 0
	for _, b := range ops {
		for _, d := range deps[b.URN] {
			for _, u := range expand(d) {
				if a, ok := byURN[u]; ok {
					before(t, a, b, "a write after what it depends on")
					checked++
				}
			}
		}
	}
	assert.Positive(t, checked)
}
