//go:build engine

package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/asyncroute/asyncroute/tests/offline"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The YAML tests run Pulumi YAML programs (runtime: yaml) that use the
// asyncroute component provider, through the same CLI, Automation API and
// test-double AWS provider as the Go stacks, with a local (non-inline)
// workspace. They need two more plugins on PATH, put into the tests' bin
// folder: the provider, built here from ./provider (its own module) unless
// ASYNCROUTE_PROVIDER_BIN gives the binary scripts/build-provider.sh
// built, and the YAML language host, built by scripts/build-pulumi-yaml.sh,
// whose path ASYNCROUTE_PULUMI_YAML gives; without it they are skipped:
//
//	ASYNCROUTE_PULUMI_YAML=$(scripts/build-pulumi-yaml.sh) go test -tags engine -run 'YAML|Fixtures' ./tests/engine/

var (
	yamlHost struct {
		once sync.Once
		err  error
	}
	componentProvider = &tool{pkg: "./cmd/pulumi-resource-asyncroute", module: "provider", prebuilt: "ASYNCROUTE_PROVIDER_BIN"}
)

// needYAMLPlugins links the YAML host and builds (or links) the provider
// into the bin folder on PATH, once per test run.
func needYAMLPlugins(t *testing.T) {
	t.Helper()
	if os.Getenv("ASYNCROUTE_PULUMI_YAML") == "" {
		t.Skip("ASYNCROUTE_PULUMI_YAML is not set: the YAML tests need the YAML language host; " +
			"ASYNCROUTE_PULUMI_YAML=$(scripts/build-pulumi-yaml.sh) runs them (.ci/run does)")
	}
	yamlHost.once.Do(func() {
		host := os.Getenv("ASYNCROUTE_PULUMI_YAML")
		if _, err := os.Stat(host); err != nil {
			yamlHost.err = fmt.Errorf("no YAML language host at ASYNCROUTE_PULUMI_YAML=%q: run scripts/build-pulumi-yaml.sh, which prints its path", host)
			return
		}
		yamlHost.err = os.Symlink(host, filepath.Join(fakeBinDir, "pulumi-language-yaml"))
	})
	require.NoError(t, yamlHost.err)
	componentProvider.build(t)
}

// yamlWorld is a world whose program is a Pulumi YAML project (or, from
// newTSWorld, a TypeScript one) in a folder of its own (a local workspace).
type yamlWorld struct {
	*world
	proj string            // the project folder
	env  map[string]string // the environment of every CLI command
}

// yamlOptions say which project to copy and how to make its stack.
type yamlOptions struct {
	testdata string // folder under tests/engine/testdata holding Pulumi.yaml
	project  string // the project's name, as in its Pulumi.yaml (default "orders")
	stack    string // default "test"
	region   string // default the tests' region
	code     string // folder the root stack's handler is copied to (default "handler")
	seed     []fakeaws.Record
}

// newYAMLWorld copies a YAML project from testdata, with the root stack's
// handler next to it, and makes a stack of it in a local workspace.
func newYAMLWorld(t *testing.T, o yamlOptions) *yamlWorld {
	t.Helper()
	needYAMLPlugins(t)
	return newLocalWorld(t, o, func(y *yamlWorld) { y.useProgram(o.testdata) })
}

// newLocalWorld makes a stack of a project folder in a local workspace:
// write puts the program into y.proj (o.testdata is write's business),
// then the root stack's handler is copied next to it.
func newLocalWorld(t *testing.T, o yamlOptions, write func(y *yamlWorld)) *yamlWorld {
	t.Helper()
	if o.project == "" {
		o.project = "orders"
	}
	if o.stack == "" {
		o.stack = "test"
	}
	if o.region == "" {
		o.region = region
	}
	if o.code == "" {
		o.code = "handler"
	}
	w := newWorldDir(t, o.project, "backend", "home", "project")
	dir := w.dir
	y := &yamlWorld{world: w, proj: filepath.Join(dir, "project")}
	write(y)
	require.NoError(t, os.CopyFS(filepath.Join(y.proj, o.code), os.DirFS(filepath.Join(repoRoot, "handler"))))
	if len(o.seed) > 0 {
		require.NoError(t, fakeaws.Seed(w.state, o.seed...))
	}
	y.env = w.baseEnv()
	st, err := offline.LocalStack(w.ctx, cli, w.workspace(), y.proj, o.stack, o.region, y.env)
	require.NoError(t, err)
	w.stack = st.Stack
	return y
}

// useProgram replaces the project's Pulumi.yaml with the one in testdata.
func (y *yamlWorld) useProgram(testdata string) {
	y.t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "tests", "engine", "testdata", testdata, "Pulumi.yaml"))
	require.NoError(y.t, err)
	require.NoError(y.t, os.WriteFile(filepath.Join(y.proj, "Pulumi.yaml"), src, 0o644))
}

// previewJSON runs `pulumi preview --json` (and args) on the stack, as a
// user would, and returns what the CLI printed on stdout.
func (y *yamlWorld) previewJSON(args ...string) []byte {
	y.t.Helper()
	var env []string
	for k, v := range y.env {
		env = append(env, k+"="+v)
	}
	stdout, stderr, code, err := cli.Run(y.ctx, y.proj, nil, nil, nil, env,
		append([]string{"preview", "--json", "--stack", y.stack.Name(), "--non-interactive"}, args...)...)
	require.NoError(y.t, err, "pulumi preview --json (exit %d):\n%s", code, stderr)
	return []byte(stdout)
}

// sameAsYAML is the YAML program written in Go: the component with the
// same arguments, targets created by it.
func sameAsYAML(handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		hour := time.Hour
		fn, err := asyncroute.NewFunction(ctx, "order-processor", &asyncroute.FunctionArgs{
			Function: lambda.FunctionArgs{
				Runtime:     pulumi.String("python3.12"),
				Handler:     pulumi.String("handler.handler"),
				Code:        pulumi.NewFileArchive(handlerDir),
				Timeout:     pulumi.Int(10),
				MemorySize:  pulumi.Int(128),
				Description: pulumi.String("Processes orders invoked asynchronously"),
			},
			OnSuccess:   asyncroute.NewQueue{RetentionPeriod: 4 * 24 * time.Hour},
			OnFailure:   asyncroute.NewTopic{},
			MaxRetries:  pulumi.IntRef(1),
			MaxEventAge: &hour,
			Tags:        pulumi.StringMap{"app": pulumi.String("orders")},
		})
		if err != nil {
			return err
		}
		ctx.Export("functionName", fn.FunctionName)
		ctx.Export("qualifiedArn", fn.QualifiedArn)
		ctx.Export("queueArn", fn.OnSuccessArn)
		ctx.Export("topicArn", fn.OnFailureArn)
		return nil
	}
}

// TestYAMLOrderProcessor deploys the order processor from Pulumi YAML:
// preview, up, a preview with no changes, destroy. It must create what the
// Go program creates: the same resources with the same inputs (the grant
// policy, the invoke config, the function, the role, the queue and the
// topic), the same dependencies in the stack's state and the same order of
// writes; and the same four children, grant and config as the Go root
// stack, whose queue and topic are its own resources.
func TestYAMLOrderProcessor(t *testing.T) {
	checkOrderProcessor(t, newYAMLWorld(t, yamlOptions{testdata: "yaml-orders"}))
}

// checkOrderProcessor runs the order processor of another language (the
// stack y, not yet deployed) through its life as TestYAMLOrderProcessor
// says, and compares it with the Go program sameAsYAML and with the Go
// root stack.
func checkOrderProcessor(t *testing.T, y *yamlWorld) {
	t.Helper()
	handlerDir := filepath.Join(repoRoot, "handler")

	// What the Go program registers, per the mocks.
	mocked, err := asyncroutetest.Run(sameAsYAML(handlerDir), asyncroutetest.Project("orders"))
	require.NoError(t, err)
	custom := countCustom(mocked)
	want := len(mocked.Resources) + 1 // and the stack

	pre, err := y.preview()
	require.NoError(t, err)
	assert.Equal(t, map[apitype.OpType]int{apitype.OpCreate: want}, pre.ChangeSummary, "first preview")
	assert.Empty(t, y.ops(0), "a preview writes nothing")

	up, err := y.up()
	require.NoError(t, err)
	require.NotNil(t, up.Summary.ResourceChanges)
	assert.Equal(t, map[string]int{"create": want}, *up.Summary.ResourceChanges, "up")
	progOps := y.ops(0)
	require.Len(t, progOps, custom, "one provider create per custom resource")
	for _, op := range progOps {
		assert.Equal(t, "create", op.Op, op.URN)
		assert.Empty(t, op.Error, op.URN)
	}
	checkCreateOrder(t, progOps)
	assert.Regexp(t, `^arn:aws:sqs:us-east-1:123456789012:order-processor-on-success-[0-9a-f]{7}$`, up.Outputs["queueArn"].Value)
	assert.Regexp(t, `^arn:aws:sns:us-east-1:123456789012:order-processor-on-failure-[0-9a-f]{7}$`, up.Outputs["topicArn"].Value)
	assert.Regexp(t, `^arn:aws:lambda:us-east-1:123456789012:function:order-processor-[0-9a-f]{7}:\$LATEST$`, up.Outputs["qualifiedArn"].Value)

	// The same program in Go, through the same engine.
	g := newWorld(t, "orders", sameAsYAML(handlerDir))
	_, err = g.up()
	require.NoError(t, err)
	goOps := g.ops(0)
	assert.Equal(t, opSummary(goOps, nil), opSummary(progOps, nil), "the provider saw the same writes")
	assert.Equal(t, writeOrder(goOps, nil), writeOrder(progOps, nil), "the same writes waited for the same writes")
	assert.Equal(t, stateSummary(t, g, nil), stateSummary(t, y.world, nil), "the same resources and dependencies in the stack's state")

	// The Go root stack: its queue and topic are its own resources
	// (orders-processed, orders-failed); the component's children, their
	// inputs, dependencies and order are the same.
	r := newWorld(t, "orders", orders.NewProgram(handlerDir))
	_, err = r.up()
	require.NoError(t, err)
	rootOps := r.ops(0)
	targets := map[string]string{
		"orders-processed": "<on-success queue>", "order-processor-on-success": "<on-success queue>",
		"orders-failed": "<on-failure topic>", "order-processor-on-failure": "<on-failure topic>",
	}
	children := func(op fakeaws.Op) bool {
		return strings.Contains(op.URN, "asyncroute:lambda:Function$") && targets[op.Name()] == ""
	}
	assert.Equal(t, opSummary(rootOps, targets, children), opSummary(progOps, targets, children),
		"the component's children have the root stack's inputs: grant policy, invoke config, function, role")
	assert.Equal(t, writeOrder(rootOps, targets), writeOrder(progOps, targets), "the root stack's writes waited for the same writes")
	childNotTarget := func(r stateResource) bool { return isChild(r) && renameURN(r.URN, targets) == r.URN }
	assert.Equal(t, stateSummary(t, r, targets, childNotTarget), stateSummary(t, y.world, targets, childNotTarget),
		"the component's children depend on the same resources as in the root stack")

	// The checker finds nothing on the stack either; no changes; destroy.
	y.checkCleanThenDestroy(t, want)
}

// TestYAMLRootStackTwin declares the root stack in YAML resource for
// resource (queue and topic in the program, passed by ARN) and checks that
// the engine and the provider see exactly what they see for the Go root
// stack: every write with the same inputs, the same dependencies in the
// stack's state, the same order.
func TestYAMLRootStackTwin(t *testing.T) {
	needYAMLPlugins(t)
	y := newYAMLWorld(t, yamlOptions{testdata: "yaml-orders-twin"})
	_, err := y.up()
	require.NoError(t, err)
	yamlOps := y.ops(0)

	r := newWorld(t, "orders", orders.NewProgram(filepath.Join(repoRoot, "handler")))
	_, err = r.up()
	require.NoError(t, err)
	rootOps := r.ops(0)

	assert.Equal(t, opSummary(rootOps, nil), opSummary(yamlOps, nil), "the provider saw the same writes")
	assert.Equal(t, writeOrder(rootOps, nil), writeOrder(yamlOps, nil), "the same writes waited for the same writes")
	assert.Equal(t, stateSummary(t, r, nil), stateSummary(t, y.world, nil), "the same resources and dependencies in the stack's state")
	checkCreateOrder(t, yamlOps)

	n := y.logLen()
	y.destroy()
	checkDeleteOrder(t, y.ops(n))
	assert.Empty(t, y.providerState().Live())
}

// TestYAMLBadInput: a YAML program with three retries and an S3 bucket on
// success fails the preview, and the update, with the Go package's facts
// in the schema's words (maxRetries, onSuccess), and nothing is created.
func TestYAMLBadInput(t *testing.T) {
	// The messages the Go constructor gives for the same arguments.
	var goErr error
	_, _ = asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, goErr = asyncroute.NewFunction(ctx, "order-processor", &asyncroute.FunctionArgs{
			Function: lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("handler.handler"),
				Code: pulumi.NewFileArchive(filepath.Join(repoRoot, "handler"))},
			OnSuccess:  asyncroute.ARN{Arn: pulumi.String("arn:aws:s3:::orders-archive"), Kind: asyncroute.KindS3},
			OnFailure:  asyncroute.NewTopic{},
			MaxRetries: pulumi.IntRef(3),
		})
		return goErr
	}, asyncroutetest.Preview())
	require.Error(t, goErr)
	msgs := strings.Split(goErr.Error(), "\n")
	require.Len(t, msgs, 2)
	assert.Equal(t, `asyncroute: Function "order-processor": MaxRetries: 3 is out of range; allowed: 0, 1 or 2`, msgs[0])
	assert.Contains(t, msgs[1], `asyncroute: Function "order-processor": OnSuccess: S3 bucket arn:aws:s3:::orders-archive can receive failure records only`)

	// The same facts in the schema's words: the YAML program wrote
	// maxRetries and onSuccess.
	yamlMsgs := []string{
		`asyncroute: Function "order-processor": maxRetries: 3 is out of range; allowed: 0, 1 or 2`,
		strings.Replace(msgs[1], `"order-processor": OnSuccess: `, `"order-processor": onSuccess: `, 1),
	}
	y := newYAMLWorld(t, yamlOptions{testdata: "yaml-orders-bad"})
	pre, err := y.preview()
	require.Error(t, err, "preview must fail")
	for _, m := range yamlMsgs {
		assert.Contains(t, err.Error(), m, "the preview shows the fact in the schema's words")
	}
	assert.NotContains(t, err.Error(), "MaxRetries", "no Go field name")
	assert.Empty(t, pre.ChangeSummary[apitype.OpCreate], "the preview plans no create")

	err = y.upErr()
	require.Error(t, err, "up must fail")
	for _, m := range yamlMsgs {
		assert.Contains(t, err.Error(), m, "the update shows the fact in the schema's words")
	}
	assert.Empty(t, y.ops(0), "nothing was written to the provider")
	_, d := y.export()
	for _, res := range d.Resources {
		assert.Contains(t, []string{"pulumi:pulumi:Stack", "pulumi:providers:aws", "pulumi:providers:asyncroute"}, res.Type,
			"only the stack and providers are in the state: %s", res.URN)
	}
}

// autoSuffix is the random suffix Pulumi appends to an auto-named
// resource's physical name.
var autoSuffix = regexp.MustCompile(`-[0-9a-f]{7}\b`)

// documentHash is the hash a grant policy's name ends with (a hash of its
// document, which holds the targets' auto-named ARNs: it differs between
// two deployments as their suffixes do).
var documentHash = regexp.MustCompile(`-grants-[0-9a-f]{12}\b`)

// normalize makes a value comparable between two deployments: auto-name
// suffixes become -*******, an archive's path (relative in YAML, absolute
// in Go) is dropped (its hash is kept) or cut to its last element, and the
// physical names of targets
// become their role (targets maps a target's logical name to it).
func normalize(v any, targets map[string]string) any {
	switch x := v.(type) {
	case string:
		if kind, path, ok := strings.Cut(x, ":"); ok && (kind == "archive" || kind == "asset") && !strings.Contains(path, ":") {
			return kind + ":" + filepath.Base(path) // the double's plain form of an archive
		}
		for name, role := range targets {
			x = regexp.MustCompile(`[a-z0-9:./_-]*`+regexp.QuoteMeta(name)+`-[0-9a-f]{7}`).ReplaceAllString(x, role)
		}
		if strings.HasPrefix(x, "{") {
			var doc any
			if json.Unmarshal([]byte(x), &doc) == nil {
				b, _ := json.Marshal(normalize(doc, targets))
				return string(b)
			}
		}
		return documentHash.ReplaceAllString(autoSuffix.ReplaceAllString(x, "-*******"), "-grants-************")
	case map[string]any:
		out := map[string]any{}
		_, hashed := x["hash"]
		for k, e := range x {
			if k == "path" && hashed {
				continue // an asset or archive (in the log or the state)
			}
			out[k] = normalize(e, targets)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e, targets)
		}
		return out
	}
	return v
}

func renameURN(urn string, targets map[string]string) string {
	for name, role := range targets {
		if strings.HasSuffix(urn, "::"+name) {
			return role
		}
	}
	return urn
}

// opSummary renders the provider's log as comparable lines (op, URN,
// normalized inputs), sorted; keep filters the ops.
func opSummary(ops []fakeaws.Op, targets map[string]string, keep ...func(fakeaws.Op) bool) []string {
	var out []string
	for _, op := range ops {
		if len(keep) > 0 && !keep[0](op) {
			continue
		}
		b, _ := json.Marshal(normalize(op.Inputs, targets))
		out = append(out, fmt.Sprintf("%s %s %s %s", op.Op, renameURN(op.URN, targets), b, op.Error))
	}
	sort.Strings(out)
	return out
}

// writeOrder lists, for each write, the writes that had finished before it
// started and that it depends on in the component's contract: everything
// before the grant policy's end is the role and the targets; the config
// starts after the policy and the function.
func writeOrder(ops []fakeaws.Op, targets map[string]string) []string {
	name := func(op fakeaws.Op) string {
		if role, ok := targets[op.Name()]; ok {
			return role
		}
		return op.Name()
	}
	var out []string
	for _, b := range ops {
		var done []string
		for _, a := range ops {
			if a.URN != b.URN && !a.End.After(b.Start) && dependsInContract(b, a) {
				done = append(done, name(a))
			}
		}
		sort.Strings(done)
		out = append(out, name(b)+" after ["+strings.Join(done, " ")+"]")
	}
	sort.Strings(out)
	return out
}

// dependsInContract says b must wait for a by the component's guarantees.
func dependsInContract(b, a fakeaws.Op) bool {
	switch b.Type {
	case tRolePolicy:
		return a.Type == tRole || a.Type == tQueue || a.Type == tTopic
	case tFunction:
		return a.Type == tRole
	case tInvokeConfig:
		return a.Type == tRolePolicy || a.Type == tFunction || a.Type == tQueue || a.Type == tTopic
	}
	return false
}

// stateResource is a resource of `pulumi stack export` with what this test
// compares.
type stateResource struct {
	URN                  string              `json:"urn"`
	Type                 string              `json:"type"`
	Custom               bool                `json:"custom"`
	Parent               string              `json:"parent"`
	Inputs               map[string]any      `json:"inputs"`
	Dependencies         []string            `json:"dependencies"`
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
}

func isChild(r stateResource) bool { return strings.Contains(r.URN, "asyncroute:lambda:Function$") }

// stateSummary renders the custom resources of the stack's state with their
// parents, normalized inputs and dependencies (targets renamed as in
// normalize); keep filters them. Providers and the stack differ by
// language (YAML has the asyncroute provider) and are left out; so are the
// component's own inputs (YAML's arguments there, Go's summary).
func stateSummary(t *testing.T, w *world, targets map[string]string, keep ...func(stateResource) bool) []string {
	t.Helper()
	raw, _ := w.export()
	var d struct {
		Resources []stateResource `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(raw.Deployment, &d))
	var out []string
	for _, r := range d.Resources {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") || (len(keep) > 0 && !keep[0](r)) {
			continue
		}
		deps := map[string][]string{"": r.Dependencies}
		for k, v := range r.PropertyDependencies {
			deps[k] = v
		}
		var lines []string
		for k, v := range deps {
			var names []string
			for _, u := range v {
				names = append(names, renameURN(u, targets))
			}
			sort.Strings(names)
			lines = append(lines, k+"="+strings.Join(names, ","))
		}
		sort.Strings(lines)
		in, _ := json.Marshal(normalize(r.Inputs, targets))
		out = append(out, fmt.Sprintf("%s parent=%s deps{%s} inputs=%s", renameURN(r.URN, targets), r.Parent, strings.Join(lines, " "), in))
	}
	sort.Strings(out)
	return out
}
