package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		file      string
		code      int
		stdout    []string
		stderrHas string
	}{
		{"export-ok.json", 0, []string{"export-ok.json (stack export, 8 resources): no findings"}, ""},
		{"export-advisory.json", 0, []string{"ASYNC003 advisory: ", "1 finding, 0 mandatory, 1 advisory"}, ""},
		{"export-violations.json", 1, []string{"ASYNC001 mandatory: ", "ASYNC002 mandatory: ", "ASYNC007 advisory: ", "5 findings, 4 mandatory, 1 advisory"}, ""},
		{"preview-captured.json", 1, []string{`field deadLetterConfig.targetArn: SQS queue "dead-letters" is FIFO; allowed: a standard SQS queue or SNS topic`, "ASYNC007 advisory: ", "preview-captured.json (preview, 6 resources): 2 findings, 1 mandatory, 1 advisory"}, ""},
		{"preview-empty.json", 0, []string{"(preview, 0 resources): no findings"}, ""},

		{"empty.json", 2, nil, "the file is empty"},
		{"not-json.txt", 2, nil, "the file is not a JSON object"},
		{"array.json", 2, nil, "the file is not a JSON object"},
		{"truncated.json", 2, nil, "the file is not valid JSON: unexpected EOF"},
		{"resources-not-a-list.json", 2, nil, "deployment.resources: expected a list of resources"},
		{"resource-without-urn.json", 2, nil, `deployment.resources[1]: the resource has no "urn"`},
		{"inputs-not-an-object.json", 2, nil, "deployment.resources[0]: json: cannot unmarshal string"},
		{"unknown-shape.json", 2, nil, `neither "deployment" (pulumi stack export), "steps" (pulumi preview --json) nor "resources" and "creationOrder" (go run . plan -json); its keys are description, name, runtime`},
		{"step-without-op.json", 2, nil, `steps[0]: the step has no "op"`},
		{"streamed-events.json", 2, nil, "more than one JSON value (streamed engine events?)"},
		{"does-not-exist.json", 2, nil, "cannot read testdata/does-not-exist.json: no such file or directory"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", filepath.Join("testdata", c.file))
			assert.Equal(t, c.code, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			for _, s := range c.stdout {
				assert.Contains(t, out, s)
			}
			if c.stderrHas != "" {
				assert.Contains(t, errOut, c.stderrHas)
				assert.Empty(t, out, "nothing on stdout for bad input")
			} else {
				assert.Empty(t, errOut)
			}
		})
	}
}

func TestJSONFormat(t *testing.T) {
	code, out, errOut := runCmd(t, "", "--format", "json", "testdata/export-violations.json")
	require.Equal(t, 1, code, errOut)
	var rep struct {
		File      string                `json:"file"`
		Format    string                `json:"format"`
		Resources int                   `json:"resources"`
		Findings  []asyncpolicy.Finding `json:"findings"`
		Mandatory int                   `json:"mandatory"`
		Advisory  int                   `json:"advisory"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, "stack export", rep.Format)
	assert.Equal(t, 7, rep.Resources)
	assert.Equal(t, 4, rep.Mandatory)
	assert.Equal(t, 1, rep.Advisory)
	require.Len(t, rep.Findings, 5)
	var rules, fields []string
	for _, f := range rep.Findings {
		rules = append(rules, f.RuleID)
		fields = append(fields, f.Field)
		assert.Equal(t, "urn:pulumi:dev::shop::aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::orders-async", f.URN)
		assert.Equal(t, "orders-async", f.Name)
	}
	assert.Equal(t, []string{"ASYNC001", "ASYNC001", "ASYNC002", "ASYNC002", "ASYNC007"}, rules)
	assert.Equal(t, []string{"destinationConfig.onFailure.destination", "destinationConfig.onSuccess.destination", "destinationConfig.onSuccess.destination", "maximumRetryAttempts", "destinationConfig"}, fields)

	code, out, _ = runCmd(t, "", "--format=json", "testdata/export-ok.json")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, `"findings": []`)
}

func TestLevelsAndFlags(t *testing.T) {
	code, out, _ := runCmd(t, "", "testdata/export-advisory.json", "--level", "ASYNC003=mandatory")
	assert.Equal(t, 1, code, "flags after the file work too")
	assert.Contains(t, out, "ASYNC003 mandatory: ")

	code, out, _ = runCmd(t, "", "--level", "async003=disabled", "testdata/export-advisory.json")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "no findings")

	for _, bad := range [][]string{
		{"--level", "ASYNC003", "testdata/export-ok.json"},
		{"--level", "ASYNC999=advisory", "testdata/export-ok.json"},
		{"--level", "ASYNC003=warn", "testdata/export-ok.json"},
		{"--format", "yaml", "testdata/export-ok.json"},
		{"--bogus", "testdata/export-ok.json"},
		{},
		{"testdata/export-ok.json", "testdata/preview-captured.json"},
	} {
		code, out, errOut := runCmd(t, "", bad...)
		assert.Equal(t, 2, code, "%v", bad)
		assert.Empty(t, out, "%v", bad)
		assert.NotEmpty(t, errOut, "%v", bad)
	}

	code, out, _ = runCmd(t, "", "--rules")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "ASYNC005  broad-destination-grant")
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile("testdata/export-violations.json")
	require.NoError(t, err)
	code, out, _ := runCmd(t, string(data), "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "- (stack export, 7 resources): 5 findings")
}

// Any prefix of a valid file is either rejected with exit status 2 and a
// message, or (never here) accepted: no panic.
func TestTruncatedInputNeverPanics(t *testing.T) {
	for _, name := range []string{"export-ok.json", "preview-captured.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		for n := 0; n < len(data)-2; n += 97 {
			code, out, errOut := runCmd(t, string(data[:n]), "-")
			require.Equal(t, 2, code, "%s[:%d]: %s", name, n, out)
			require.NotEmpty(t, errOut)
		}
	}
}
