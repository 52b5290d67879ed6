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
	"sync"
	"testing"

	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tool builds a command of this repository once per test run into the
// temporary bin folder and returns its path.
type tool struct {
	pkg    string // the package, relative to module
	module string // the module's folder under the repository root; "" the root module
	out    string // the binary's path under the bin folder; default the package's base name
	// prebuilt names an environment variable that may give the path of a
	// binary already built from the same source; it is then linked to out
	// instead of being built again.
	prebuilt string
	once     sync.Once
	path     string
	err      error
}

var (
	checker    = &tool{pkg: "./cmd/asyncroute-check"}
	policyPack = &tool{pkg: "./policypack"}
)

func (b *tool) build(t *testing.T) string {
	t.Helper()
	b.once.Do(func() { b.path, b.err = b.make() })
	require.NoError(t, b.err)
	return b.path
}

func (b *tool) make() (string, error) {
	out := filepath.Join(fakeBinDir, filepath.Base(b.pkg))
	if b.out != "" {
		out = filepath.Join(fakeBinDir, b.out)
	}
	if bin := os.Getenv(b.prebuilt); b.prebuilt != "" && bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("%s=%q: %w", b.prebuilt, bin, err)
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return "", err
		}
		return out, os.Symlink(bin, out)
	}
	cmd := exec.Command("go", "build", "-o", out, b.pkg)
	cmd.Dir = filepath.Join(repoRoot, b.module)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s (in %s): %v\n%s", b.pkg, cmd.Dir, err, msg)
	}
	return out, nil
}

// finding is one entry of `asyncroute-check --format json`.
type finding struct {
	RuleID  string `json:"ruleId"`
	Level   string `json:"level"`
	Name    string `json:"name"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// check exports the stack as `pulumi stack export` does and runs the
// checker command on the file.
func (w *world) check(t *testing.T) ([]finding, int) {
	t.Helper()
	raw, _ := w.export()
	b, err := json.MarshalIndent(raw, "", "  ")
	require.NoError(t, err)
	file := filepath.Join(w.dir, "stack-export.json")
	require.NoError(t, os.WriteFile(file, b, 0o600))

	report, code := runChecker(t, file)
	require.Equal(t, "stack export", report.Format)
	return report.Findings, code
}

// checkReport is the output of `asyncroute-check --format json`.
type checkReport struct {
	Format   string    `json:"format"`
	Findings []finding `json:"findings"`
}

// runChecker runs asyncroute-check --format json on a file (a stack export
// or a preview) and returns its report and exit code.
func runChecker(t *testing.T, path string) (checkReport, int) {
	t.Helper()
	cmd := exec.Command(checker.build(t), "--format", "json", path)
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	var report checkReport
	require.NoError(t, json.Unmarshal(out, &report), "%s", out)
	return report, code
}

// checkFile runs asyncroute-check --format json on a file and returns its
// findings and exit code.
func checkFile(t *testing.T, path string) ([]finding, int) {
	t.Helper()
	report, code := runChecker(t, path)
	return report.Findings, code
}

// brokenProgram is a raw stack (no asyncroute components) that deploys,
// since Lambda does not check these at write time, but is wrong: the
// failure queue is encrypted with a customer key the role may not use,
// the role may publish to every topic, a second function has no
// failure path, and no alarm watches either config's delivery failures.
func brokenProgram(ctx *pulumi.Context) error {
	key, err := kms.NewKey(ctx, "raw-key", &kms.KeyArgs{})
	if err != nil {
		return err
	}
	failures, err := sqs.NewQueue(ctx, "raw-failures", &sqs.QueueArgs{KmsMasterKeyId: key.Arn})
	if err != nil {
		return err
	}
	results, err := sns.NewTopic(ctx, "raw-results", &sns.TopicArgs{})
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, "raw-role", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		return err
	}
	grants, err := iam.NewRolePolicy(ctx, "raw-grants", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[`+
			`{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"},`+
			`{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}`, failures.Arn),
	})
	if err != nil {
		return err
	}
	after := pulumi.DependsOn([]pulumi.Resource{grants})
	for _, name := range []string{"raw-fn", "raw-nofailure"} {
		fn, err := lambda.NewFunction(ctx, name, &lambda.FunctionArgs{
			Role: role.Arn, Runtime: pulumi.String("python3.12"), Handler: pulumi.String("handler.handler"), Code: handlerCode(),
		})
		if err != nil {
			return err
		}
		dest := &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnSuccess: &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: results.Arn},
		}
		if name == "raw-fn" {
			dest.OnFailure = &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: failures.Arn}
		}
		if _, err := lambda.NewFunctionEventInvokeConfig(ctx, name+"-config", &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: fn.Name, DestinationConfig: dest,
		}, after); err != nil {
			return err
		}
	}
	return nil
}

func summarize(fs []finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID+" "+f.Level+" "+f.Name+" "+f.Field)
	}
	sort.Strings(out)
	return out
}

// TestCheckerOnStackExport feeds `pulumi stack export` of the deployed root
// stack to asyncroute-check (no findings), then that of a deliberately
// broken raw stack (the expected findings).
func TestCheckerOnStackExport(t *testing.T) {
	t.Parallel()
	t.Run("root", func(t *testing.T) {
		w := newWorld(t, "orders", orders.NewProgram(filepath.Join(repoRoot, "handler")))
		_, err := w.up()
		require.NoError(t, err)
		fs, code := w.check(t)
		assert.Empty(t, summarize(fs), "findings on the deployed root stack")
		assert.Equal(t, 0, code)
		w.destroy()
	})
	t.Run("broken", func(t *testing.T) {
		w := newWorld(t, "asyncroute-broken", brokenProgram)
		_, err := w.up()
		require.NoError(t, err, "the broken stack deploys: Lambda does not check KMS or broad grants")
		fs, code := w.check(t)
		assert.Equal(t, []string{
			"ASYNC001 mandatory raw-fn-config destinationConfig.onFailure.destination",
			"ASYNC003 advisory raw-nofailure-config destinationConfig.onFailure.destination",
			"ASYNC005 mandatory raw-grants policy",
			"ASYNC007 advisory raw-fn-config destinationConfig",
			"ASYNC007 advisory raw-nofailure-config destinationConfig",
		}, summarize(fs))
		assert.Equal(t, 1, code, "exit status 1: mandatory rules are violated")
		for _, f := range fs {
			if f.RuleID == "ASYNC001" {
				assert.Contains(t, f.Message, "kms:GenerateDataKey")
			}
		}
		w.destroy()
	})
}

// TestPolicyPackInEngine runs the compiled Go policy pack inside the engine
// (`--policy-pack <executable>`, launched as an analyzer plugin without the
// Go language host): the root stack previews clean; the broken raw stack's
// preview fails on the mandatory violation with the rule's message.
func TestPolicyPackInEngine(t *testing.T) {
	t.Parallel()
	pack := policyPack.build(t)
	t.Run("root", func(t *testing.T) {
		w := newWorld(t, "orders", orders.NewProgram(filepath.Join(repoRoot, "handler")))
		res, err := w.preview(optpreview.PolicyPacks(pack))
		require.NoError(t, err, "first preview of the root stack under the pack")
		assert.NotContains(t, res.StdOut, "async0")
		_, err = w.up()
		require.NoError(t, err)
		res, err = w.preview(optpreview.PolicyPacks(pack), optpreview.ExpectNoChanges())
		require.NoError(t, err, "preview of the deployed root stack under the pack")
		assert.Contains(t, res.StdOut, "asyncroute@v0.1.0", "the pack ran")
		assert.NotContains(t, res.StdOut, "async0", "no violation reported")
		w.destroy()
	})
	t.Run("broken", func(t *testing.T) {
		w := newWorld(t, "asyncroute-broken", brokenProgram)
		_, err := w.up()
		require.NoError(t, err)
		fs, _ := w.check(t)
		var mandatory finding
		for _, f := range fs {
			if f.Level == "mandatory" {
				mandatory = f
			}
		}
		require.NotEmpty(t, mandatory.Message)

		_, err = w.preview(optpreview.PolicyPacks(pack))
		require.Error(t, err, "the mandatory violation fails the preview")
		out := strings.Join(strings.Fields(err.Error()), " ")
		assert.Contains(t, out, "async001-destination-permission")
		assert.Contains(t, out, strings.Join(strings.Fields(mandatory.Message), " "), "the rule's message")
		w.destroy()
	})
}
