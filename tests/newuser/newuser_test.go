// Package newuser keeps README.md's "Use it in your own stack" true: it
// writes the files that section shows into a new Go module outside this
// repository (depending on it through a replace directive, as the section
// says), plans the program with `go run . plan` and runs its test with `go
// test`, the way a new user would.
package newuser

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

var block = regexp.MustCompile("(?s)<!-- newuser:([^ ]+) -->\n```[a-z]*\n(.*?)```")

// files returns the files README.md shows for a new user's project.
func files(t *testing.T, root string) map[string]string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, m := range block.FindAllStringSubmatch(string(readme), -1) {
		out[m[1]] = m[2]
	}
	require.Contains(t, out, "main.go", "README.md shows main.go for a new project")
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

// newProject writes the README's project into a temporary module outside
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
	require.NoError(t, err, "go run . plan:\n%s", out)
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
