package simulate_test

import (
	"context"
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/simulate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pyModule = `import json

def ok(event, context):
    print("got", json.dumps(event))
    return {"seen": event, "request": context.aws_request_id, "arn": context.invoked_function_arn,
            "left": context.get_remaining_time_in_millis() > 0}

def boom(event, context):
    helper(event)

def helper(event):
    raise KeyError("no " + event["want"])

def not_json(event, context):
    return {1, 2}

def nothing(event, context):
    return None
`

func pythonDir(t *testing.T) string {
	t.Helper()
	_, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 runs the Python handlers (.ci/run installs it)")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.py"), []byte(pyModule), 0o644))
	return dir
}

func invoke(t *testing.T, h simulate.Handler, event string) (json.RawMessage, string, error) {
	t.Helper()
	var logs strings.Builder
	ctx := context.Background()
	info := simulate.Info{RequestID: "req-1", FunctionName: "fn", InvokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:fn:$LATEST",
		Version: "$LATEST", Attempt: 1, Async: true, Timeout: 3e9, Log: &logs}
	ctx = simulate.WithInfo(ctx, info)
	out, err := h.Invoke(ctx, json.RawMessage(event))
	return out, logs.String(), err
}

func TestPythonHandlerRunsAsTheRuntimeCallsIt(t *testing.T) {
	dir := pythonDir(t)
	out, logs, err := invoke(t, simulate.Python(dir, "app.ok"), `{"a":1}`)
	require.NoError(t, err)
	assert.JSONEq(t, `{"seen":{"a":1},"request":"req-1","arn":"arn:aws:lambda:eu-west-1:123456789012:function:fn:$LATEST","left":true}`, string(out))
	assert.Equal(t, "got {\"a\": 1}\n", logs, "what the handler prints is its log, not its response")

	out, _, err = invoke(t, simulate.Python(dir, "app.nothing"), `{}`)
	require.NoError(t, err)
	assert.Equal(t, "null", string(out))

	_, _, err = invoke(t, simulate.Python(dir, "app.boom"), `{"want":"x"}`)
	var fe *simulate.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "KeyError", fe.Type)
	assert.Equal(t, "'no x'", fe.Message)
	var payload struct {
		ErrorMessage, ErrorType, RequestID string
		StackTrace                         []string
	}
	require.NoError(t, json.Unmarshal(fe.Payload, &payload))
	assert.Equal(t, "req-1", payload.RequestID)
	require.Len(t, payload.StackTrace, 2, "the handler's frames only, not the runtime's")
	assert.Contains(t, payload.StackTrace[0], `File "/var/task/app.py", line 9, in boom`)
	assert.Contains(t, payload.StackTrace[1], `File "/var/task/app.py", line 12, in helper`)

	for spec, want := range map[string]string{
		"app.not_json": "Runtime.MarshalError: Unable to marshal response: Object of type set is not JSON serializable",
		"app.missing":  "Runtime.HandlerNotFound: Handler 'missing' missing on module 'app'",
		"nope.handler": "Runtime.ImportModuleError: Unable to import module 'nope': No module named 'nope'",
	} {
		_, _, err := invoke(t, simulate.Python(dir, spec), `{}`)
		assert.EqualError(t, err, want, spec)
	}
}

func TestCommandHandler(t *testing.T) {
	_, err := exec.LookPath("sh")
	require.NoError(t, err)
	out, logs, err := invoke(t, simulate.Command("", "sh", "-c", `cat; echo "ran $ASYNCROUTE_SIMULATE_REQUEST_ID in $AWS_REGION" >&2`), `{"x":true}`)
	require.NoError(t, err)
	assert.Equal(t, `{"x":true}`, string(out))
	assert.Equal(t, "ran req-1 in eu-west-1\n", logs)

	_, _, err = invoke(t, simulate.Command("", "sh", "-c", `echo 'disk full' >&2; exit 3`), `{}`)
	assert.EqualError(t, err, "Runtime.ExitError: disk full (exit status 3)")
	_, _, err = invoke(t, simulate.Command("", "sh", "-c", `echo '{"errorMessage":"bad","errorType":"Custom"}'; exit 1`), `{}`)
	var fe *simulate.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Custom", fe.Type)
	_, _, err = invoke(t, simulate.Command("", "sh", "-c", `echo not json`), `{}`)
	assert.EqualError(t, err, "Runtime.InvalidResponse: the handler's output is not JSON: not json")
	_, _, err = invoke(t, simulate.Command("", "/no/such/command"), `{}`)
	var setup *simulate.SetupError
	assert.ErrorAs(t, err, &setup)
}

// TestNoPulumiAWS keeps the package Pulumi-light: it reads graphs, and
// must not pull pulumi-aws into the programs and tools that import it.
func TestNoPulumiAWS(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			assert.False(t, strings.HasPrefix(p, "github.com/pulumi/pulumi-aws/"), "%s imports %s", f, p)
			assert.False(t, strings.HasPrefix(p, "github.com/asyncroute/asyncroute/components/asyncroute"), "%s imports %s", f, p)
		}
	}
}
