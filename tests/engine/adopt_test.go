//go:build engine

package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of this file move deployed functions under
// asyncroute.NewFunction (issue 21; the guide is docs/adopting.md): from
// raw resources of the same stack (Adopt's aliases), from another stack
// (`pulumi state move`), and from resources no stack manages (`pulumi
// import`, then Adopt), and check that the rewrite replaces no function,
// role or invoke config and opens no window.

// The raw stack's logical names and the function's name.
const (
	rawFunction, rawRole, rawPolicy, rawConfig, rawAlias = "adopt", "adopt-role", "adopt-grants", "adopt-config", "adopt-live"
	adoptedName                                          = "adopt-fn"
	adopter                                              = "adopt-router"
)

const lambdaTrustJSON = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// rawRouting is a function routed by hand, as people write it without the
// library: queue adopt-failures, role adopt-role, inline policy
// adopt-grants, function adopt (named adopt-fn), invoke config
// adopt-config naming the function by its ARN with no qualifier, one
// retry; with alias the function is published and the config is on alias
// live (adopt-live).
func rawRouting(alias bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		queue, err := sqs.NewQueue(ctx, "adopt-failures", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		role, err := iam.NewRole(ctx, rawRole, &iam.RoleArgs{
			AssumeRolePolicy:  pulumi.String(lambdaTrustJSON),
			ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
		})
		if err != nil {
			return err
		}
		policy, err := iam.NewRolePolicy(ctx, rawPolicy, &iam.RolePolicyArgs{Role: role.Name,
			Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, queue.Arn)})
		if err != nil {
			return err
		}
		args := pythonFunction()
		args.Name, args.Role, args.Publish = pulumi.String(adoptedName), role.Arn, pulumi.Bool(alias)
		fn, err := lambda.NewFunction(ctx, rawFunction, &args)
		if err != nil {
			return err
		}
		config := &lambda.FunctionEventInvokeConfigArgs{FunctionName: fn.Arn, MaximumRetryAttempts: pulumi.Int(1),
			DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
				OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: queue.Arn}}}
		if alias {
			a, err := lambda.NewAlias(ctx, rawAlias, &lambda.AliasArgs{Name: pulumi.String("live"), FunctionName: fn.Name, FunctionVersion: fn.Version})
			if err != nil {
				return err
			}
			config.Qualifier = a.Name
		}
		_, err = lambda.NewFunctionEventInvokeConfig(ctx, rawConfig, config, pulumi.DependsOn([]pulumi.Resource{policy}))
		return err
	}
}

// adoptedRouting is rawRouting rewritten with asyncroute.NewFunction
// adopt-router (the same queue, function name, retries and alias) taking
// over the raw resources Adopt names (nil: none).
func adoptedRouting(alias bool, adopt *asyncroute.Adopt) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		queue, err := sqs.NewQueue(ctx, "adopt-failures", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		args := &asyncroute.FunctionArgs{Function: pythonFunction(), OnFailure: asyncroute.SQSQueue{Queue: queue},
			MaxRetries: pulumi.IntRef(1), Adopt: adopt}
		args.Function.Name = pulumi.String(adoptedName)
		if alias {
			args.Alias = "live"
		}
		_, err = asyncroute.NewFunction(ctx, adopter, args)
		return err
	}
}

// adoptAll names every raw resource.
func adoptAll(alias bool) *asyncroute.Adopt {
	a := &asyncroute.Adopt{Function: rawFunction, Role: rawRole, Policy: rawPolicy, InvokeConfig: rawConfig}
	if alias {
		a.Alias = rawAlias
	}
	return a
}

// keptAcrossAdoption are the types an adoption updates in place.
var keptAcrossAdoption = map[string]bool{tFunction: true, tRole: true, tInvokeConfig: true, "aws:lambda/alias:Alias": true}

// TestAdoptRawStack deploys rawRouting, then adoptedRouting with Adopt
// naming every raw resource, on $LATEST and on an alias. The preview of
// the rewrite replaces no function, role, alias or config (the grant
// policy is replaced: its name is its document's); the up updates them in
// place (the config keeps the raw config's way of naming its function and
// qualifier, which the provider would otherwise replace, and a
// replacement of the one config of a function and qualifier deletes it),
// writes the new grant policy before the config and deletes the adopted
// one after it, and opens no window; the config is there after; a second
// preview shows no change.
func TestAdoptRawStack(t *testing.T) {
	for _, alias := range []bool{false, true} {
		name := "$LATEST"
		if alias {
			name = "alias"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "asyncroute-adopt", rawRouting(alias))
			_, err := w.up()
			require.NoError(t, err, "the raw stack")
			w.assertNoWindows("raw stack", 0)
			was := keptRecords(w.providerState())

			w.setProgram(adoptedRouting(alias, adoptAll(alias)))
			steps := w.previewSteps()
			for _, s := range steps {
				if keptAcrossAdoption[s.typ] {
					assert.Contains(t, []string{"update", "same"}, s.op, "the preview of the adoption: %s %s", s.op, s.urn)
				}
			}
			assert.Contains(t, opsOf(steps), "replace "+tRolePolicy, "the grant policy is replaced")

			n := w.logLen()
			_, err = w.up()
			require.NoError(t, err, "the adoption")
			ops := w.ops(n)
			for _, op := range ops {
				require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
				if keptAcrossAdoption[op.Type] {
					assert.Equal(t, "update", op.Op, "%s %s: updated in place, not replaced", op.Op, op.URN)
				}
			}
			after := keptRecords(w.providerState())
			assert.Equal(t, keysOf(was), keysOf(after), "the same functions, roles and configs")
			w.assertNoWindows("adoption", 0)

			qualifier := "$LATEST"
			if alias {
				qualifier = "live"
			}
			configs := w.configsOf(adoptedName)
			require.Len(t, configs, 1, "the function has its config")
			assert.Equal(t, qualifier, configs[0])
			newPolicy := opWhere(t, ops, "the new grant policy", is("create", tRolePolicy, adopter+"-async-grants"))
			oldPolicy := opWhere(t, ops, "the adopted policy's delete", is("delete", tRolePolicy, rawPolicy))
			if update, ok := find(ops, "update", tInvokeConfig, adopter+"-async-config"); ok {
				before(t, newPolicy, update, "the new grants before the config's update")
				before(t, update, oldPolicy, "the config's update before the old grants go")
			}
			before(t, newPolicy, oldPolicy, "the new grants before the old ones go")
			_, err = w.preview(optpreview.ExpectNoChanges())
			require.NoError(t, err, "no change after the adoption")
			w.assertNoOrphans("after the adoption")
		})
	}
}

// TestUnadoptedRewriteFails: the same rewrite without Adopt plans to
// create a new function of the name the raw one holds (and delete the raw
// resources after). AWS refuses the create (ResourceConflictException),
// and so does the double: the up fails half-way instead of passing, and
// the raw config, which the rewrite would have overwritten and then
// deleted, still routes.
func TestUnadoptedRewriteFails(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-unadopted", rawRouting(false))
	_, err := w.up()
	require.NoError(t, err)
	w.setProgram(adoptedRouting(false, nil))
	err = w.upErr()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceConflictException: Function already exist: "+adoptedName)
	assert.Equal(t, []string{"$LATEST"}, w.configsOf(adoptedName), "the raw config is untouched")
	w.assertNoWindows("the failed rewrite", 0)
}

// TestImportThenAdopt: a function routed by hand exists in AWS with no
// stack managing it (made in the console, by SAM or CloudFormation and
// retained, or by Terraform and removed from its state; fakeaws.Routing).
// A program that declares its function, role, inline policy, queue and
// config as raw resources with the `import` option (ids: the function's
// name, the role's name, role:policy, the queue's URL, the function's
// name for the config) and the inputs they have imports them with no
// write; the program then names them in Adopt and `up` updates them in
// place, with no window and nothing left over. (`pulumi import` does the
// first step from the command line; it needs the program's language host,
// which the engine tests do not have.)
func TestImportThenAdopt(t *testing.T) {
	t.Parallel()
	const fn = "legacy"
	records := fakeaws.Routing(region, fn, 1)
	byType := map[string]fakeaws.Record{}
	for _, r := range records {
		byType[r.Type] = r
	}
	str := func(typ, key string) pulumi.String { return pulumi.String(fmt.Sprint(byType[typ].Inputs[key])) }
	imported := func(typ string) pulumi.ResourceOption { return pulumi.Import(pulumi.ID(byType[typ].ID)) }
	importing := func(ctx *pulumi.Context) error {
		if _, err := sqs.NewQueue(ctx, fn+"-failures", &sqs.QueueArgs{Name: str(tQueue, "name")}, imported(tQueue)); err != nil {
			return err
		}
		if _, err := iam.NewRole(ctx, fn+"-role", &iam.RoleArgs{Name: str(tRole, "name"), Path: str(tRole, "path"),
			AssumeRolePolicy: str(tRole, "assumeRolePolicy")}, imported(tRole)); err != nil {
			return err
		}
		if _, err := iam.NewRolePolicy(ctx, fn+"-grants", &iam.RolePolicyArgs{Role: str(tRolePolicy, "role"), Name: str(tRolePolicy, "name"),
			Policy: str(tRolePolicy, "policy")}, imported(tRolePolicy)); err != nil {
			return err
		}
		if _, err := lambda.NewFunction(ctx, fn, &lambda.FunctionArgs{Name: str(tFunction, "name"), Role: str(tFunction, "role"),
			Runtime: str(tFunction, "runtime"), Handler: str(tFunction, "handler")}, imported(tFunction)); err != nil {
			return err
		}
		queueArn := fmt.Sprint(byType[tQueue].Outputs["arn"])
		_, err := lambda.NewFunctionEventInvokeConfig(ctx, fn+"-config", &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: str(tInvokeConfig, "functionName"), MaximumRetryAttempts: pulumi.Int(1),
			DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
				OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: pulumi.String(queueArn)}},
		}, imported(tInvokeConfig))
		return err
	}
	adopting := func(ctx *pulumi.Context) error {
		queue, err := sqs.NewQueue(ctx, fn+"-failures", &sqs.QueueArgs{Name: pulumi.String(fn + "-failures")})
		if err != nil {
			return err
		}
		args := &asyncroute.FunctionArgs{Function: pythonFunction(), OnFailure: asyncroute.SQSQueue{Queue: queue}, MaxRetries: pulumi.IntRef(1),
			Adopt: &asyncroute.Adopt{Function: fn, Role: fn + "-role", Policy: fn + "-grants", InvokeConfig: fn + "-config"}}
		args.Function.Name = pulumi.String(fn)
		_, err = asyncroute.NewFunction(ctx, fn+"-router", args)
		return err
	}
	w := newWorld(t, "asyncroute-import", importing)
	require.NoError(t, fakeaws.SeedUnmanaged(w.state, records...))
	res, err := w.up()
	require.NoError(t, err, "the import")
	assert.Equal(t, len(records), (*res.Summary.ResourceChanges)["import"], "every resource imported: %s", summaryOf(*res.Summary.ResourceChanges))
	assert.Empty(t, opNames(w.ops(0)), "the import writes nothing")

	w.setProgram(adopting)
	_, err = w.up()
	require.NoError(t, err, "the adoption of the imported resources")
	for _, op := range w.ops(0) {
		require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
		if keptAcrossAdoption[op.Type] {
			assert.Equal(t, "update", op.Op, "%s %s: updated in place", op.Op, op.URN)
		}
	}
	assert.Equal(t, []string{"$LATEST"}, w.configsOf(fn))
	w.assertNoWindows("import and adoption", 0)
	_, err = w.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err)
	w.assertNoOrphans("after the adoption")
}

// TestStateMoveThenAdopt: the raw routing is deployed by another stack of
// the project; `pulumi state move` moves its resources into this stack
// (the same backend), and adoptedRouting with Adopt updates them in
// place, with no window.
func TestStateMoveThenAdopt(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-move", adoptedRouting(false, adoptAll(false)))
	source := w.otherStack("legacy", rawRouting(false))
	var out bytes.Buffer
	_, err := source.Up(w.ctx)
	require.NoError(t, err, "the source stack")
	raw, err := source.Export(w.ctx)
	require.NoError(t, err)
	var d deployment
	require.NoError(t, json.Unmarshal(raw.Deployment, &d))
	var urns []string
	for _, r := range d.Resources {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			urns = append(urns, r.URN)
		}
	}
	require.Len(t, urns, 5)
	args := append([]string{"state", "move", "--source", "legacy", "--dest", "test", "--yes"}, urns...)
	stdout, stderr, code, err := cli.Run(w.ctx, filepath.Join(w.dir, "work"), nil, nil, nil, envList(w.baseEnv()), args...)
	require.NoError(t, err, "pulumi state move (exit %d):\n%s\n%s", code, stdout, stderr)
	was := keptRecords(w.providerState())

	n := w.logLen()
	_, err = w.up()
	require.NoError(t, err, "the adoption in the destination stack:\n%s", out.String())
	for _, op := range w.ops(n) {
		require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
		if keptAcrossAdoption[op.Type] {
			assert.Equal(t, "update", op.Op, "%s %s: updated in place", op.Op, op.URN)
		}
	}
	assert.Equal(t, keysOf(was), keysOf(keptRecords(w.providerState())))
	assert.Equal(t, []string{"$LATEST"}, w.configsOf(adoptedName))
	w.assertNoWindows("state move and adoption", 0)
	_, err = w.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err)
}

// step is one step of a preview.
type step struct{ op, urn, typ string }

// previewSteps previews the world's program and returns its steps. A
// preview that fails ends the test at once: the Automation API closes the
// event stream only if the CLI opened it, which a CLI that cannot load
// the project (a Pulumi.yaml it cannot parse) never does.
func (w *world) previewSteps() []step {
	w.t.Helper()
	ch := make(chan events.EngineEvent)
	var steps []step
	done := make(chan struct{})
	go func() {
		for e := range ch {
			if e.ResourcePreEvent != nil {
				m := e.ResourcePreEvent.Metadata
				steps = append(steps, step{op: string(m.Op), urn: m.URN, typ: m.Type})
			}
		}
		close(done)
	}()
	_, err := w.preview(optpreview.EventStreams(ch))
	require.NoError(w.t, err)
	<-done
	return steps
}

func opsOf(steps []step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.op+" "+s.typ)
	}
	return out
}

// configsOf returns the qualifiers the double holds an invoke config for,
// of the function of this name.
func (w *world) configsOf(function string) []string {
	w.t.Helper()
	var out []string
	for _, r := range w.providerState().Resources {
		if r.Type != tInvokeConfig {
			continue
		}
		name, q, _ := strings.Cut(fmt.Sprint(r.Inputs["functionName"]), ":function:")
		if q != "" {
			name = q
		}
		name, refQ, _ := strings.Cut(name, ":")
		if name != function {
			continue
		}
		qualifier, _ := r.Inputs["qualifier"].(string)
		if qualifier == "" {
			qualifier = refQ
		}
		if qualifier == "" {
			qualifier = "$LATEST"
		}
		out = append(out, qualifier)
	}
	sort.Strings(out)
	return out
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// otherStack makes another stack of the world's project, in its backend.
func (w *world) otherStack(name string, program pulumi.RunFunc) auto.Stack {
	w.t.Helper()
	st, err := auto.UpsertStackInlineSource(w.ctx, name, w.project, program,
		auto.Pulumi(cli),
		auto.WorkDir(filepath.Join(w.dir, "work")),
		auto.PulumiHome(w.workspace().Home()),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(w.project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + w.workspace().Backend()},
		}),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(w.baseEnv()),
	)
	require.NoError(w.t, err)
	require.NoError(w.t, st.SetConfig(w.ctx, "aws:region", auto.ConfigValue{Value: region}))
	return st
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return append(out, "PATH="+os.Getenv("PATH"))
}

// TestConfigNeverReplacedOntoItself: an AsyncInvoke on a function deployed
// elsewhere, whose program names the function one way after another
// (name, name:$LATEST, ARN, qualified ARN, name with Qualifier). The
// config is one object per function and qualifier in AWS, and in the
// double: a replacement writes it and then deletes it. The component
// names the function by name with the qualifier apart, so every step is
// an update in place (or nothing), and the config is there after each.
// The same respelling of a raw config is a replacement, and the double
// ends it with no config, as AWS does.
func TestConfigNeverReplacedOntoItself(t *testing.T) {
	const fn = "ext-fn"
	arn := "arn:aws:lambda:" + region + ":" + fakeaws.Account + ":function:" + fn
	type spelling struct{ name, qualifier string }
	spellings := []spelling{{fn, ""}, {fn + ":$LATEST", ""}, {arn, ""}, {arn + ":$LATEST", ""}, {fn, "$LATEST"}}
	program := func(s spelling, raw bool) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			q, err := sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{})
			if err != nil {
				return err
			}
			if raw {
				_, err = lambda.NewFunctionEventInvokeConfig(ctx, "raw-config", &lambda.FunctionEventInvokeConfigArgs{FunctionName: pulumi.String(s.name),
					MaximumRetryAttempts: pulumi.Int(0)})
				return err
			}
			args := &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String(s.name), Role: &asyncroute.ExistingRole{Name: pulumi.String(fn + "-role")},
				OnFailure: asyncroute.SQSQueue{Queue: q}, MaxRetries: pulumi.IntRef(1)}
			if s.qualifier != "" {
				args.Qualifier = pulumi.String(s.qualifier)
			}
			_, err = asyncroute.NewAsyncInvoke(ctx, "routing", args)
			return err
		}
	}
	t.Run("component", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, "asyncroute-config-identity", program(spellings[0], false))
		require.NoError(t, fakeaws.Seed(w.state, fakeaws.ExistingFunction(region, fn, fn+"-role")...))
		for i, s := range spellings {
			n := w.logLen()
			w.setProgram(program(s, false))
			_, err := w.up()
			require.NoError(t, err, "FunctionName %q, Qualifier %q", s.name, s.qualifier)
			for _, op := range w.ops(n) {
				if op.Type == tInvokeConfig && i > 0 {
					assert.Equal(t, "update", op.Op, "FunctionName %q: %s of the config", s.name, op.Op)
				}
			}
			assert.Equal(t, []string{"$LATEST"}, w.configsOf(fn), "FunctionName %q, Qualifier %q: the config is there", s.name, s.qualifier)
		}
		w.assertNoWindows("respellings", 0)
		_, err := w.preview(optpreview.ExpectNoChanges())
		require.NoError(t, err)
	})
	t.Run("raw config respelled", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, "asyncroute-config-identity-raw", program(spellings[0], true))
		require.NoError(t, fakeaws.Seed(w.state, fakeaws.ExistingFunction(region, fn, fn+"-role")...))
		_, err := w.up()
		require.NoError(t, err)
		require.Equal(t, []string{"$LATEST"}, w.configsOf(fn))
		n := w.logLen()
		w.setProgram(program(spellings[2], true))
		_, err = w.up()
		require.NoError(t, err, "the replacement succeeds")
		create := opWhere(t, w.ops(n), "the new config", is("create", tInvokeConfig, "raw-config"))
		del := opWhere(t, w.ops(n), "the old config", is("delete", tInvokeConfig, "raw-config"))
		before(t, create, del, "create before delete")
		assert.Empty(t, w.configsOf(fn), "the delete of the old resource deleted the only config there is")
	})
}

// TestOneConfigObjectThroughTheDoors: a component's invoke config and a
// raw one for the same function and qualifier. The double keeps one
// config (the second write overwrites the first), so deleting either
// resource would remove both. The checker on the stack export and the
// policy pack inside the engine report it (ASYNC002) in the same words as
// the components (package lambdafacts).
func TestOneConfigObjectThroughTheDoors(t *testing.T) {
	t.Parallel()
	const words = "Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both"
	program := func(ctx *pulumi.Context) error {
		q, err := sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		args := &asyncroute.FunctionArgs{Function: pythonFunction(), OnFailure: asyncroute.SQSQueue{Queue: q}, MaxRetries: pulumi.IntRef(1)}
		args.Function.Name = pulumi.String("shared-fn")
		f, err := asyncroute.NewFunction(ctx, component, args)
		if err != nil {
			return err
		}
		_, err = lambda.NewFunctionEventInvokeConfig(ctx, "zz-extra-config", &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: f.FunctionName, MaximumRetryAttempts: pulumi.Int(0)}, pulumi.DependsOn([]pulumi.Resource{f}))
		return err
	}
	w := newWorld(t, "asyncroute-one-config", program)
	_, err := w.up()
	require.NoError(t, err, "AWS takes both writes")
	assert.Equal(t, []string{"$LATEST"}, w.configsOf("shared-fn"), "one config object")

	fs, code := w.check(t)
	var dup finding
	for _, f := range fs {
		if f.Field == "functionName" {
			dup = f
		}
	}
	require.NotEmpty(t, dup.Message, "the checker's findings: %v", summarize(fs))
	assert.Equal(t, "ASYNC002", dup.RuleID)
	assert.Contains(t, dup.Message, words)
	assert.Equal(t, 1, code)

	_, err = w.preview(optpreview.PolicyPacks(policyPack.build(t)))
	require.Error(t, err, "the mandatory violation fails the preview")
	out := strings.Join(strings.Fields(err.Error()), " ")
	assert.Contains(t, out, "async002-destination-validity")
	assert.Contains(t, out, strings.Join(strings.Fields(dup.Message), " "), "the pack's message is the checker's")
}
