//go:build engine

package engine

import (
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
// program runner of the @pulumi/pulumi npm package. They compile, with the
// TypeScript compiler of provider/sdkcheck/node_modules:
//
//   - the generated SDK (provider/sdkcheck/sdk/nodejs) into a package
//     @asyncroute/asyncroute, once per test run, in a node_modules folder
//     that links everything else from provider/sdkcheck/node_modules
//     (@pulumi/pulumi 3.270.0, @pulumi/aws 6.83.4, typescript);
//   - each program (index.ts) into its project's bin/, package.json's main.
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
	for _, f := range []string{sdkcheck("sdk", "nodejs", "index.ts"), sdkcheck("node_modules", "typescript", "bin", "tsc"),
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
// and the generated SDK compiled to JavaScript (with its declarations) as
// @asyncroute/asyncroute. Node.js resolves links to their targets, so the
// program and the SDK load the same @pulumi/pulumi.
func makeNodeModules() (string, error) {
	dir := filepath.Join(filepath.Dir(fakeBinDir), "node_modules")
	entries, err := os.ReadDir(sdkcheck("node_modules"))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, e := range entries {
		if err := os.Symlink(sdkcheck("node_modules", e.Name()), filepath.Join(dir, e.Name())); err != nil {
			return "", err
		}
	}
	pkg := filepath.Join(dir, "@asyncroute", "asyncroute")
	if err := tsc("-p", sdkcheck("sdk", "nodejs", "tsconfig.json"), "--outDir", pkg); err != nil {
		return "", err
	}
	manifest, err := os.ReadFile(sdkcheck("sdk", "nodejs", "package.json"))
	if err != nil {
		return "", err
	}
	// The SDK reads its version from its package.json.
	return dir, os.WriteFile(filepath.Join(pkg, "package.json"), manifest, 0o644)
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
// compiled to bin/index.js, the root stack's handler next to it.
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
