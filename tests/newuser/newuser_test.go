// Package newuser keeps docs/your-own-stack.md ("Add it to your project")
// and docs/plan-and-ci.md ("CI gate without the Pulumi CLI") true: it writes
// the files the first shows into a new Go module outside this repository (depending on it through a replace
// directive, as the section says), plans the program with `go run . plan`
// and runs its test with `go test`, the way a new user would; then it
// plants the mistake the second shows and checks that the gate fails: the
// built binary's plan exits 3, `go run . plan` fails, and asyncroute-check
// on the plan's JSON reports the same finding.
package newuser

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	block         = regexp.MustCompile("(?s)<!-- newuser:([^ ]+) -->\n```[a-z]*\n(.*?)```")
	mistakeBlock  = regexp.MustCompile("(?s)<!-- newuser-mistake -->\n```go\n(.*?)```")
	mistakeOutput = regexp.MustCompile("(?s)<!-- newuser-mistake-output -->\n```\n(.*?)```")
)

// The pages that show the project and the planted mistake, relative to the
// repository's root.
var (
	projectPage = filepath.Join("docs", "your-own-stack.md")
	gatePage    = filepath.Join("docs", "plan-and-ci.md")
)

func page(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", name))
	require.NoError(t, err)
	return string(data)
}

// files returns the files docs/your-own-stack.md shows for a new user's
// project.
func files(t *testing.T, root string) map[string]string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(root, projectPage))
	require.NoError(t, err)
	out := map[string]string{}
	for _, m := range block.FindAllStringSubmatch(string(text), -1) {
		out[m[1]] = m[2]
	}
	require.Contains(t, out, "main.go", "docs/your-own-stack.md shows main.go for a new project")
	require.Contains(t, out, "main_test.go")
	require.Contains(t, out, "Pulumi.yaml")
	return out
}

func goCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// newProject writes the page's project into a temporary module outside
// the repository and returns its folder.
func newProject(t *testing.T, extra map[string]string) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	dir := t.TempDir()
	for name, content := range files(t, root) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	for name, content := range extra {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	mod := fmt.Sprintf("module example.com/thumbs\n\ngo 1.26.6\n\nrequire github.com/asyncroute/asyncroute v0.0.0\n\nreplace github.com/asyncroute/asyncroute => %s\n", root)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
	out, err := goCmd(t, dir, "mod", "tidy")
	require.NoError(t, err, "go mod tidy:\n%s", out)
	return dir
}

func TestReadmeProjectPlansAndTests(t *testing.T) {
	dir := newProject(t, nil)

	out, err := goCmd(t, dir, "run", ".", "plan")
	require.NoError(t, err, "go run . plan exits 0 on the project as shown:\n%s", out)
	require.Contains(t, out, "Policy findings (asyncpolicy rules):\n  none\n")
	require.Regexp(t, `Stack outputs \(ctx.Export\):\n  invokeArn: arn:aws:lambda:us-east-1:123456789012:function:resize-[0-9a-f]+:live\n`, out)
	for _, want := range []string{
		"asyncroute:lambda:Function",
		"resize-async-config",
		"resize-on-failure",
		"thumbnails",
	} {
		require.Contains(t, out, want, "the plan shows %s", want)
	}
	require.Regexp(t, `qualifier[":]+ *"?live`, out, "the config is on the alias")

	out, err = goCmd(t, dir, "test", "-vet=off", "./...")
	require.NoError(t, err, "go test:\n%s", out)
	require.Contains(t, out, "ok  \texample.com/thumbs")
}

// run runs a built binary and returns its exit status and output.
func run(t *testing.T, dir, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, bin), args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

func TestReadmeCIGateFailsOnPlantedMistake(t *testing.T) {
	text := page(t, gatePage)
	m := mistakeBlock.FindStringSubmatch(text)
	require.NotNil(t, m, "docs/plan-and-ci.md shows the planted mistake in a <!-- newuser-mistake --> block")
	shown := mistakeOutput.FindStringSubmatch(text)
	require.NotNil(t, shown, "docs/plan-and-ci.md shows the failing gate's output in a <!-- newuser-mistake-output --> block")

	// The mistake goes into program, before its return nil, as the page says.
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	mainGo := files(t, root)["main.go"]
	const end = "\treturn nil\n}\n"
	require.Equal(t, 1, strings.Count(mainGo, end), "main.go's program ends with the only return nil")
	dir := newProject(t, map[string]string{"main.go": strings.Replace(mainGo, end, m[1]+end, 1)})

	out, err := goCmd(t, dir, "build", "-o", "stack", ".")
	require.NoError(t, err, "go build:\n%s", out)

	code, stdout, stderr := run(t, dir, "stack", "plan")
	require.Equal(t, 3, code, "the plan fails on the mandatory finding:\n%s\n%s", stdout, stderr)
	all := stdout + stderr
	for _, line := range strings.Split(strings.TrimRight(shown[1], "\n"), "\n") {
		if prefix, abridged := strings.CutSuffix(line, "…"); abridged {
			require.Contains(t, all, prefix, "the page's output line %q", line)
		} else {
			require.Contains(t, all, line+"\n", "the page's output line %q", line)
		}
	}
	require.Contains(t, stdout, `ASYNC001 [mandatory] aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "resize-latest", field destinationConfig.onFailure.destination: `)
	require.Equal(t, "plan: 1 mandatory finding fails the plan (-fail-on mandatory)\n", stderr)

	code, _, stderr = run(t, dir, "stack", "plan", "-fail-on", "none")
	require.Equal(t, 0, code, stderr)

	// go run collapses the status to 1 and says which it was.
	out, err = goCmd(t, dir, "run", ".", "plan")
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "go run . plan fails:\n%s", out)
	require.Equal(t, 1, exit.ExitCode())
	require.Contains(t, out, "plan: 1 mandatory finding fails the plan (-fail-on mandatory)\nexit status 3\n")

	// The checker on the plan's JSON: the same finding, status 1.
	code, stdout, stderr = run(t, dir, "stack", "plan", "-json", "-fail-on", "none")
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), []byte(stdout), 0o644))
	out, err = goCmd(t, dir, "run", "github.com/asyncroute/asyncroute/cmd/asyncroute-check", "plan.json")
	require.ErrorAs(t, err, &exit, "asyncroute-check fails:\n%s", out)
	require.Contains(t, out, "ASYNC001 mandatory: ")
	require.Contains(t, out, "urn: urn:pulumi:dev::thumbs::aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::resize-latest\n")
	// The raw config has a destination and no alarm: ASYNC007 (advisory) too.
	require.Regexp(t, `plan.json \(plan, \d+ resources\): 2 findings, 1 mandatory, 1 advisory\n`, out)
}
