package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/stackgraph/stackfile"
	"github.com/stretchr/testify/assert"
)

// summary is the last line of the text output.
var summary = regexp.MustCompile(`^- \((stack export|preview|plan), (\d+) resources\): (no findings|\d+ findings?, \d+ mandatory, \d+ advisory)$`)

// FuzzRun feeds arbitrary bytes to the checker on standard input, in
// both output formats: never a panic; exit status 2 with a message on
// stderr and nothing on stdout, or 0 or 1 with the report on stdout and
// nothing on stderr; both formats give the same status; the JSON report
// is valid, counts what the reader and the rules give and says 1 exactly
// when a finding is mandatory. Seeds: the small files in testdata (the
// large ones make each execution and each minimization slow) and
// testdata/fuzz/FuzzRun (the checker's examples without the properties
// no rule reads).
func FuzzRun(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 4096 {
			f.Add(data)
		}
	}
	f.Add([]byte(`not json`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out, errOut bytes.Buffer
		code := run([]string{"--format", "json", "-"}, bytes.NewReader(data), &out, &errOut)
		var textOut, textErr bytes.Buffer
		textCode := run([]string{"-"}, bytes.NewReader(data), &textOut, &textErr)
		if code != textCode {
			t.Fatalf("exit status %d with --format json, %d with text; stderr %q, %q", code, textCode, errOut.String(), textErr.String())
		}
		switch code {
		case exitBadInput:
			for _, o := range []*bytes.Buffer{&out, &textOut} {
				if o.Len() > 0 {
					t.Fatalf("exit status 2 with output %q", o.String())
				}
			}
			for _, e := range []*bytes.Buffer{&errOut, &textErr} {
				if !strings.HasPrefix(e.String(), "asyncroute-check: -: ") || !strings.HasSuffix(e.String(), "\n") {
					t.Fatalf("exit status 2 with the message %q", e.String())
				}
			}
			if _, _, err := stackfile.Decode(data); err == nil {
				t.Fatalf("exit status 2 for a file the reader reads: %q", errOut.String())
			}
			return
		case exitClean, exitMandatory:
		default:
			t.Fatalf("exit status %d", code)
		}
		if errOut.Len() > 0 || textErr.Len() > 0 {
			t.Fatalf("exit status %d with a message: %q %q", code, errOut.String(), textErr.String())
		}

		var r struct {
			File      string                `json:"file"`
			Format    string                `json:"format"`
			Resources int                   `json:"resources"`
			Findings  []asyncpolicy.Finding `json:"findings"`
			Mandatory int                   `json:"mandatory"`
			Advisory  int                   `json:"advisory"`
		}
		dec := json.NewDecoder(&out)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil || dec.More() {
			t.Fatalf("the JSON report does not read back (%v): %s", err, out.String())
		}
		g, format, err := stackfile.Decode(data)
		if err != nil {
			t.Fatalf("exit status %d for a file the reader refuses: %v", code, err)
		}
		findings := asyncpolicy.Check(*g, asyncpolicy.Config{})
		switch {
		case r.File != "-" || r.Format != string(format) || r.Resources != len(g.Resources):
			t.Fatalf("the report says %q, %q, %d resources; the reader: %q, %d", r.File, r.Format, r.Resources, format, len(g.Resources))
		case len(r.Findings) != len(findings) || r.Mandatory+r.Advisory != len(r.Findings):
			t.Fatalf("the report lists %d findings (%d mandatory, %d advisory); the rules give %d", len(r.Findings), r.Mandatory, r.Advisory, len(findings))
		case (r.Mandatory > 0) != (code == exitMandatory) || asyncpolicy.HasMandatory(findings) != (code == exitMandatory):
			t.Fatalf("exit status %d with %d mandatory findings", code, r.Mandatory)
		}
		for _, f := range r.Findings {
			if f.RuleID == "" || f.Message == "" {
				t.Fatalf("a finding without a rule or message: %#v", f)
			}
		}
		lines := strings.Split(strings.TrimSuffix(textOut.String(), "\n"), "\n")
		if m := summary.FindStringSubmatch(lines[len(lines)-1]); m == nil || m[1] != string(format) {
			t.Fatalf("the text report ends with %q", lines[len(lines)-1])
		}
	})
}

// The checker refuses deeply nested JSON and huge arrays with the reader's
// limits, as bad input (exit status 2).
func TestRunRefusesDeepAndHugeInput(t *testing.T) {
	wrap := func(v string) string {
		return `{"deployment":{"resources":[{"urn":"urn:pulumi:s::p::aws:sqs/queue:Queue::q","type":"aws:sqs/queue:Queue","inputs":{"a":` + v + `}}]}}`
	}
	for name, c := range map[string]struct{ in, want string }{
		"deeply nested":    {wrap(strings.Repeat("[", 100_000)), "the limit is 1000 (stackfile.MaxDepth)"},
		"deep objects":     {wrap(strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000)), "the limit is 1000 (stackfile.MaxDepth)"},
		"huge array":       {wrap("[" + strings.Repeat("0,", stackfile.MaxValues) + "0]"), "the limit is 4194304 (stackfile.MaxValues)"},
		"huge file":        {wrap(`"` + strings.Repeat("x", stackfile.MaxFileSize) + `"`), "the limit is 67108864 (64 MiB, stackfile.MaxFileSize)"},
		"many resources":   {`{"deployment":{"resources":[` + strings.Repeat(`{"urn":"u","type":"t"},`, stackfile.MaxValues/4) + `{}]}}`, "the limit is 4194304 (stackfile.MaxValues)"},
		"nested in a step": {`{"steps":[{"op":"create","newState":` + strings.Repeat("[", 5000) + `}]}`, "the limit is 1000 (stackfile.MaxDepth)"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCmd(t, c.in, "--format", "json", "-")
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(errOut, "asyncroute-check: -: "), errOut)
			assert.Contains(t, errOut, c.want)
		})
	}
}
