//go:build engine

package engine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The TypeScript tests run TypeScript programs (runtime: nodejs) that use
// the asyncroute component provider through the SDK generated from
// provider/schema.json, with the same CLI, test-double AWS provider and
// local workspaces as the YAML tests. The released Node.js language host
// cannot be fetched here, so the tests build a test-only one
// (tests/nodehost) into the tests' bin folder: it runs JavaScript with the
// program runner of the @pulumi/pulumi npm package. Each program's
// node_modules is a folder, made once per test run, that links
// @asyncroute/asyncroute to the generated SDK compiled by
// scripts/build-sdks.sh (provider/sdkcheck/sdk/nodejs/bin) and everything
// else to provider/sdkcheck/node_modules (@pulumi/pulumi 3.270.0,
// @pulumi/aws 6.83.4, typescript); the test compiles the program (index.ts)
// with that tsc into the project's bin/, package.json's main.
//
// scripts/build-sdks.sh writes the SDK and installs node_modules; the tests
// run when ASYNCROUTE_TYPESCRIPT=1 and fail if those are missing, and are
// skipped otherwise:
//
//	scripts/build-sdks.sh && ASYNCROUTE_TYPESCRIPT=1 go test -tags engine -run TestTypeScript ./tests/engine/

var (
	nodeHost = &tool{pkg: "./tests/nodehost/cmd/pulumi-language-nodejs"}
	// tsModules is the node_modules folder the programs share.
	tsModules struct {
		once sync.Once
		dir  string
		err  error
	}
)

// sdkcheck is provider/sdkcheck, where scripts/build-sdks.sh writes the
// SDK and installs the npm packages.
func sdkcheck(elem ...string) string {
	return filepath.Join(append([]string{repoRoot, "provider", "sdkcheck"}, elem...)...)
}

// needTypeScript skips the test unless ASYNCROUTE_TYPESCRIPT=1, checks
// that node, the generated SDK and the npm packages are there, and builds
// the language host, the provider and the shared node_modules folder once
// per test run.
func needTypeScript(t *testing.T) {
	t.Helper()
	if os.Getenv("ASYNCROUTE_TYPESCRIPT") != "1" {
		t.Skip("ASYNCROUTE_TYPESCRIPT is not set: the TypeScript tests need node and scripts/build-sdks.sh's output; " +
			"scripts/build-sdks.sh && ASYNCROUTE_TYPESCRIPT=1 runs them (.ci/run does)")
	}
	_, err := exec.LookPath("node")
	require.NoError(t, err, "the TypeScript tests run node (.ci/run installs Debian's nodejs)")
	for _, f := range []string{sdkcheck("sdk", "nodejs", "bin", "index.js"), sdkcheck("node_modules", "typescript", "bin", "tsc"),
		sdkcheck("node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js")} {
		_, err := os.Stat(f)
		require.NoError(t, err, "scripts/build-sdks.sh writes the SDK and installs provider/sdkcheck/node_modules")
	}
	nodeHost.build(t)
	componentProvider.build(t)
	tsModules.once.Do(func() { tsModules.dir, tsModules.err = makeNodeModules() })
	require.NoError(t, tsModules.err)
}

// makeNodeModules makes the node_modules folder of the test programs next
// to the bin folder: a link to each entry of provider/sdkcheck/node_modules
// and @asyncroute/asyncroute, a link to the compiled SDK. Node.js resolves
// links to their targets, so the program and the SDK load the same
// @pulumi/pulumi (the SDK's from provider/sdkcheck/sdk/nodejs/bin up).
func makeNodeModules() (string, error) {
	dir := filepath.Join(filepath.Dir(fakeBinDir), "node_modules")
	entries, err := os.ReadDir(sdkcheck("node_modules"))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "@asyncroute"), 0o755); err != nil {
		return "", err
	}
	for _, e := range entries {
		if err := os.Symlink(sdkcheck("node_modules", e.Name()), filepath.Join(dir, e.Name())); err != nil {
			return "", err
		}
	}
	return dir, os.Symlink(sdkcheck("sdk", "nodejs", "bin"), filepath.Join(dir, "@asyncroute", "asyncroute"))
}

// tsc runs provider/sdkcheck's TypeScript compiler.
func tsc(args ...string) error {
	cmd := exec.Command("node", append([]string{sdkcheck("node_modules", "typescript", "bin", "tsc")}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("tsc %v: %v\n%s", args, err, out)
	}
	return nil
}

// newTSWorld makes a stack of a TypeScript project: the files of dirs
// (folders under the repository root; a later one's file replaces an
// earlier one's), node_modules linked to the shared folder, index.ts
// compiled to bin/index.js, the root stack's handler next to it. o is
// newYAMLWorld's but for o.testdata, which dirs replace.
func newTSWorld(t *testing.T, o yamlOptions, dirs ...string) *yamlWorld {
	t.Helper()
	needTypeScript(t)
	return newLocalWorld(t, o, func(y *yamlWorld) {
		for _, d := range dirs {
			src := filepath.Join(repoRoot, d)
			entries, err := os.ReadDir(src)
			require.NoError(t, err)
			for _, e := range entries {
				if e.Type().IsRegular() {
					b, err := os.ReadFile(filepath.Join(src, e.Name()))
					require.NoError(t, err)
					require.NoError(t, os.WriteFile(filepath.Join(y.proj, e.Name()), b, 0o644))
				}
			}
		}
		require.NoError(t, os.Symlink(tsModules.dir, filepath.Join(y.proj, "node_modules")))
		require.NoError(t, tsc("-p", filepath.Join(y.proj, "tsconfig.json")))
	})
}

// TestTypeScriptOrderProcessor deploys the order processor from
// TypeScript (testdata/ts-orders, the YAML program of yaml-orders line for
// line) on the engine with the test-only Node.js language host, and checks
// it as TestYAMLOrderProcessor checks the YAML program: preview, up, a
// preview with no changes, destroy; the same writes with the same inputs,
// dependencies and order as the Go program, and the same children as the
// Go root stack.
func TestTypeScriptOrderProcessor(t *testing.T) {
	y := newTSWorld(t, yamlOptions{}, "tests/engine/testdata/ts-orders")
	_, err := os.Stat(filepath.Join(y.proj, "bin", "index.js"))
	require.NoError(t, err, "tsc compiled the program")
	checkOrderProcessor(t, y)
}

// TestTypeScriptSDKCheckProgram runs the TypeScript program CI type-checks
// (provider/sdkcheck/typescript/index.ts: a queue of its own from
// @pulumi/aws passed by ARN, a Function, and an AsyncInvoke on a function
// deployed elsewhere, seeded in the double) and its Go twin: the same
// writes, order and state; then destroy deletes everything the program
// created and leaves the outside function alone.
func TestTypeScriptSDKCheckProgram(t *testing.T) {
	seed := fakeaws.ExistingFunction(region, "legacy-billing", "legacy-billing-role")
	y := newTSWorld(t, yamlOptions{project: "orders-ts", seed: seed},
		"tests/engine/testdata/ts-orders", "provider/sdkcheck/typescript")
	up, err := y.up()
	require.NoError(t, err)
	tsOps := y.ops(0)
	checkCreateOrder(t, tsOps)
	assert.Regexp(t, `^arn:aws:sqs:us-east-1:123456789012:legacy-billing-on-failure-[0-9a-f]{7}$`, up.Outputs["legacyFailures"].Value)
	assert.Regexp(t, `^arn:aws:sns:us-east-1:123456789012:order-processor-on-failure-[0-9a-f]{7}$`, up.Outputs["topicArn"].Value)

	g := newWorld(t, "orders-ts", sdkCheckTwin(filepath.Join(repoRoot, "handler")))
	require.NoError(t, fakeaws.Seed(g.state, seed...))
	_, err = g.up()
	require.NoError(t, err)
	goOps := g.ops(0)
	assert.Equal(t, opSummary(goOps, nil), opSummary(tsOps, nil), "the provider saw the same writes")
	// The order within each component and its targets (how the two
	// components' writes interleave is the engine's scheduling).
	for _, names := range [][]string{{"order-processor", "orders-processed"}, {"legacy-billing"}} {
		assert.Equal(t, writeOrder(opsNamed(goOps, names...), nil), writeOrder(opsNamed(tsOps, names...), nil),
			"%s's writes waited for the same writes", names[0])
	}
	assert.Equal(t, stateSummary(t, g, nil), stateSummary(t, y.world, nil), "the same resources and dependencies in the stack's state")

	n := y.logLen()
	y.destroy()
	checkDeleteOrder(t, y.ops(n))
	assert.Empty(t, y.providerState().Live(), "destroy deletes everything the program created")
	var outside []string
	for _, r := range y.providerState().Resources {
		outside = append(outside, r.Type+" "+r.ID)
	}
	assert.ElementsMatch(t, []string{tRole + " legacy-billing-role", tFunction + " legacy-billing"}, outside,
		"the function deployed elsewhere and its role are left alone")
}

// opsNamed keeps the ops on resources whose logical name starts with one
// of prefixes.
func opsNamed(ops []fakeaws.Op, prefixes ...string) []fakeaws.Op {
	var out []fakeaws.Op
	for _, op := range ops {
		for _, p := range prefixes {
			if strings.HasPrefix(op.Name(), p) {
				out = append(out, op)
				break
			}
		}
	}
	return out
}

// sdkCheckTwin is provider/sdkcheck/typescript/index.ts written in Go.
func sdkCheckTwin(handlerDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		processed, err := sqs.NewQueue(ctx, "orders-processed", &sqs.QueueArgs{
			MessageRetentionSeconds: pulumi.Int(4 * 24 * 3600),
			SqsManagedSseEnabled:    pulumi.Bool(true),
		})
		if err != nil {
			return err
		}
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
			OnSuccess:   asyncroute.ARN{Arn: processed.Arn, Kind: asyncroute.KindSQS},
			OnFailure:   asyncroute.NewTopic{},
			MaxRetries:  pulumi.IntRef(1),
			MaxEventAge: &hour,
			Tags:        pulumi.StringMap{"app": pulumi.String("orders")},
		})
		if err != nil {
			return err
		}
		legacy, err := asyncroute.NewAsyncInvoke(ctx, "legacy-billing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("legacy-billing"),
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("legacy-billing-role")},
			OnFailure:    asyncroute.NewQueue{RetentionPeriod: 7 * 24 * time.Hour},
			MaxRetries:   pulumi.IntRef(0),
		})
		if err != nil {
			return err
		}
		ctx.Export("functionName", fn.FunctionName)
		ctx.Export("qualifiedArn", fn.QualifiedArn)
		ctx.Export("topicArn", fn.OnFailureArn)
		ctx.Export("legacyFailures", legacy.OnFailureArn)
		return nil
	}
}

// TestTypeScriptBadInput: a TypeScript program with three retries and an
// S3 bucket on success fails the preview with the component's messages,
// through the runner's own report (the host adds no "exit code" message
// of its own), and creates nothing.
func TestTypeScriptBadInput(t *testing.T) {
	y := newTSWorld(t, yamlOptions{}, "tests/engine/testdata/ts-orders", "tests/engine/testdata/ts-orders-bad")
	pre, err := y.preview()
	require.Error(t, err, "preview must fail")
	assert.Contains(t, err.Error(), `asyncroute:lambda:Function resource 'order-processor' has a problem:`)
	assert.Contains(t, err.Error(), `3 is out of range; allowed: 0, 1 or 2`)
	assert.Contains(t, err.Error(), `arn:aws:s3:::orders-archive can receive failure records only`)
	assert.NotContains(t, err.Error(), "Program exited with non-zero exit code", "the runner reported the failure (exit code 32: Bail)")
	assert.Empty(t, pre.ChangeSummary[apitype.OpCreate], "the preview plans no create")
	assert.Empty(t, y.ops(0), "nothing was written to the provider")
}

// TestTypeScriptCheckScript runs scripts/check-ts.sh, which type-checks a
// user's TypeScript program against the generated SDK: provider/sdkcheck's
// program (no tsconfig.json) and testdata/ts-orders (its own tsconfig.json)
// pass with no output; a copy of the first with a string for maxRetries
// and a misspelt destination kind fails with exactly tsc's two errors,
// positioned on the two properties.
func TestTypeScriptCheckScript(t *testing.T) {
	needTypeScript(t)
	script := filepath.Join(repoRoot, "scripts", "check-ts.sh")
	run := func(dir, program string) (string, int) {
		cmd := exec.Command(script, program)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			require.NoError(t, err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}

	for _, program := range []string{"provider/sdkcheck/typescript", "tests/engine/testdata/ts-orders"} {
		out, code := run(repoRoot, program)
		assert.Equal(t, "", out, program)
		assert.Equal(t, 0, code, program)
	}

	src, err := os.ReadFile(sdkcheck("typescript", "index.ts"))
	require.NoError(t, err)
	broken := string(src)
	mistakes := []struct{ from, to, property, message string }{
		{"maxRetries: 1,", `maxRetries: "1",`, "maxRetries",
			"error TS2322: Type 'string' is not assignable to type 'number'."},
		{`kind: "newQueue"`, `kind: "newQeue"`, "kind",
			`error TS2820: Type '"newQeue"' is not assignable to type 'DestinationKind | undefined'. Did you mean '"newQueue"'?`},
	}
	var want []string
	for _, m := range mistakes {
		require.Equal(t, 1, strings.Count(broken, m.from), "provider/sdkcheck/typescript/index.ts has %s once", m.from)
		broken = strings.Replace(broken, m.from, m.to, 1)
		before := broken[:strings.Index(broken, m.to)]
		line := strings.Count(before, "\n") + 1
		col := len(before) - strings.LastIndex(before, "\n")
		want = append(want, fmt.Sprintf("broken/index.ts(%d,%d): %s", line, col+strings.Index(m.to, m.property), m.message))
	}
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "broken"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken", "index.ts"), []byte(broken), 0o644))
	out, code := run(dir, "broken")
	assert.Equal(t, strings.Join(want, "\n")+"\n", out)
	assert.Equal(t, 2, code, "tsc's status: errors, nothing emitted")
}
