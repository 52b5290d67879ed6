package plan_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/plan"
	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const validOrder = `{"order_id":"o-1001","items":[{"sku":"book","qty":2,"price":12.5}]}`

func simulateMain(t *testing.T, program pulumi.RunFunc, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := plan.SimulateMain(args, &out, &errOut, program)
	return code, out.String(), errOut.String()
}

// TestSimulateRootStack runs `go run . simulate` on the root stack with its
// Python handler, and checks that docs/simulator-and-records.md shows exactly
// that output.
func TestSimulateRootStack(t *testing.T) {
	code, out, errOut := simulateMain(t, orders.Program, "-dir", "../..", "-payload", validOrder)
	require.Equal(t, plan.ExitOK, code, errOut)
	assert.Empty(t, errOut)
	for _, want := range []string{
		"== async: invoke order-processor asynchronously with the payload\n",
		"order-processor  on success → SQS queue orders-processed: record Success (approximateInvokeCount 1) delivered",
		"order-processor  attempt 2 of 2: failed: SimulatedFailure: failure forced by -scenario fail; retries exhausted (MaximumRetryAttempts 1)\n",
		"order-processor  on failure → SNS topic orders-failed: record RetriesExhausted (approximateInvokeCount 2) delivered",
		"order-processor  on failure → SNS topic orders-failed: record EventAgeExceeded (approximateInvokeCount 0) delivered",
		"order-processor  synchronous invocation: no record and no dead letter (destinations are for asynchronous invocations only): on success → SQS queue orders-processed, on failure → SNS topic orders-failed get nothing\n",
		"== what arrived\nSQS queue orders-processed  1 record Success\nSNS topic orders-failed     1 record RetriesExhausted, 1 record EventAgeExceeded\n",
	} {
		assert.Contains(t, out, want)
	}

	assert.Equal(t, out, readmeBlock(t, "orders", "go run . simulate -payload '"+validOrder+"'"), "docs/simulator-and-records.md's simulate output is the real one")
}

// readmeBlock returns the output docs/simulator-and-records.md shows for a
// command, in the console block after <!-- simulate:name -->.
func readmeBlock(t *testing.T, name, command string) string {
	t.Helper()
	readme, err := os.ReadFile("../../docs/simulator-and-records.md")
	require.NoError(t, err)
	marker := "<!-- simulate:" + name + " -->\n```console\n$ " + command + "\n"
	i := strings.Index(string(readme), marker)
	require.GreaterOrEqual(t, i, 0, "docs/simulator-and-records.md shows the output after %q", marker)
	shown := string(readme)[i+len(marker):]
	return shown[:strings.Index(shown, "```")]
}

func TestSimulateRootStackRealFailure(t *testing.T) {
	code, out, errOut := simulateMain(t, orders.Program, "-dir", "../..", "-payload", `{"items":[]}`, "-scenario", "async")
	require.Equal(t, plan.ExitOK, code, errOut)
	assert.Contains(t, out, "order-processor  attempt 1 of 2: failed: ValueError: order_id is required; retry in 1m\n")
	assert.Contains(t, out, "00:01:00.000  order-processor  on failure → SNS topic orders-failed: record RetriesExhausted (approximateInvokeCount 2) delivered")
	assert.NotContains(t, out, "== fail")
	assert.Equal(t, out, readmeBlock(t, "orders-failure", `go run . simulate -payload '{"items":[]}' -scenario async`))
}

func TestSimulateJSONTrace(t *testing.T) {
	code, out, errOut := simulateMain(t, orders.Program, "-dir", "../..", "-payload", validOrder, "-sync", "-json")
	require.Equal(t, plan.ExitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3)
	var last simulate.Event
	require.NoError(t, json.Unmarshal([]byte(lines[2]), &last))
	assert.Equal(t, simulate.StepSync, last.Step)
	assert.Equal(t, simulate.OutcomeNotUsed, last.Outcome)
	assert.Equal(t, "order-processor", last.Function)
}

func TestSimulateListAndBadInput(t *testing.T) {
	code, out, _ := simulateMain(t, orders.Program, "-dir", "../..", "-list")
	assert.Equal(t, plan.ExitOK, code)
	assert.Equal(t, "order-processor (python3 handler.handler in ../../handler; invoke config on $LATEST)\n", out)

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-function", "nope"}, `simulate: no function "nope"; the stack has: order-processor (order-processor-`},
		{[]string{"-payload", "{"}, "simulate: -payload: not JSON: {"},
		{[]string{"-payload", "@/no/such/file"}, "simulate: -payload: open /no/such/file"},
		{[]string{"-scenario", "later"}, `simulate: -scenario: "later": allowed: async, fail, expired, sync, tour`},
		{[]string{"extra"}, `simulate: unexpected argument "extra"; flags only`},
		{[]string{"-function", "order-processor:live"}, `simulate: function order-processor has no alias "live" in the stack`},
	} {
		code, _, errOut := simulateMain(t, orders.Program, append([]string{"-dir", "../.."}, c.args...)...)
		assert.Equal(t, plan.ExitUsage, code, c.args)
		assert.Contains(t, errOut, c.msg, c.args)
	}

	code, _, errOut := simulateMain(t, func(*pulumi.Context) error { return assert.AnError }, "-dir", "../..")
	assert.Equal(t, plan.ExitProgramError, code)
	assert.Contains(t, errOut, "error: ")
}

// TestSimulateMissingGrantExitCode: a raw stack whose role may not send to
// its on-failure queue exits with ExitNotDelivered and says why.
func TestSimulateMissingGrantExitCode(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: nogrant\nruntime: go\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "code"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "code", "app.py"), []byte("def handler(event, context):\n    raise RuntimeError('always')\n"), 0o644))
	program := func(ctx *pulumi.Context) error {
		q, err := sqs.NewQueue(ctx, "failures", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		role, err := iam.NewRole(ctx, "role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
		if err != nil {
			return err
		}
		fn, err := lambda.NewFunction(ctx, "job", &lambda.FunctionArgs{Role: role.Arn, Runtime: pulumi.String("python3.12"),
			Handler: pulumi.String("app.handler"), Code: pulumi.NewFileArchive("./code")})
		if err != nil {
			return err
		}
		_, err = lambda.NewFunctionEventInvokeConfig(ctx, "job-config", &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: fn.Name, MaximumRetryAttempts: pulumi.Int(0),
			DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
				OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: q.Arn},
			},
		})
		return err
	}
	code, out, errOut := simulateMain(t, program, "-dir", dir, "-scenario", "async")
	assert.Equal(t, plan.ExitNotDelivered, code)
	assert.Contains(t, out, "job  attempt 1 of 1: failed: RuntimeError: always; retries exhausted (MaximumRetryAttempts 0)\n")
	assert.Contains(t, out, "== what arrived\nnothing\n")
	assert.Contains(t, errOut, "simulate: 1 thing(s) did not arrive where the stack routes them:\n")
	assert.Contains(t, errOut, "job  on failure → SQS queue failures: record RetriesExhausted (approximateInvokeCount 1) NOT delivered: the execution role is not allowed sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:failures-")
}
