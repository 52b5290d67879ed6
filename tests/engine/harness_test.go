//go:build engine

package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/asyncroute/asyncroute/tests/offline"
	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

const (
	cliVersion = "3.274.1"
	region     = "us-east-1"
	// policyDelay is how long the test-double provider takes to store a
	// role policy; long enough that a config written without waiting for
	// the policy always loses the race.
	policyDelay = "2s"
)

var (
	repoRoot   string
	cliPath    string // the pulumi binary
	cli        auto.PulumiCommand
	fakeBinDir string
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "engine tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	wd, err := os.Getwd()
	if err != nil {
		return 0, err
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	if _, err := os.Stat(filepath.Join(repoRoot, "go.mod")); err != nil {
		return 0, fmt.Errorf("repository root not found from %s", wd)
	}

	cliPath = os.Getenv("ASYNCROUTE_PULUMI_CLI")
	if cliPath == "" {
		cliPath = filepath.Join(repoRoot, ".tools", "pulumi", "v"+cliVersion, "bin", "pulumi")
	}
	if _, err := os.Stat(cliPath); err != nil {
		return 0, fmt.Errorf("no Pulumi CLI at %s: run scripts/build-pulumi-cli.sh first (about 7 minutes the first time)", cliPath)
	}
	cli, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root:    filepath.Dir(filepath.Dir(cliPath)),
		Version: semver.MustParse(cliVersion),
	})
	if err != nil {
		return 0, err
	}

	tmp, err := os.MkdirTemp("", "asyncroute-engine-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)

	// The test-double provider, found by the engine as pulumi-resource-aws
	// on PATH; only this test process (and the CLI it starts) sees it.
	fakeBinDir = filepath.Join(tmp, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(fakeBinDir, "pulumi-resource-aws"), "./tests/fakeaws/cmd/pulumi-resource-aws")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("building the fakeaws provider: %v\n%s", err, out)
	}
	if err := os.Setenv("PATH", fakeBinDir+string(os.PathListSeparator)+os.Getenv("PATH")); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

// world is one stack under test with its own backend, Pulumi home and
// test-double provider state and log.
type world struct {
	t       *testing.T
	ctx     context.Context
	dir     string
	state   string // fakeaws state file
	log     string // fakeaws operation log
	project string
	stack   auto.Stack
}

func newWorld(t *testing.T, project string, program pulumi.RunFunc) *world {
	t.Helper()
	w := newWorldDir(t, project, "backend", "home", "work")
	dir := w.dir
	st, err := auto.UpsertStackInlineSource(w.ctx, "test", project, program,
		auto.Pulumi(cli),
		auto.WorkDir(filepath.Join(dir, "work")),
		auto.PulumiHome(w.workspace().Home()),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + w.workspace().Backend()},
		}),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(w.baseEnv()),
	)
	require.NoError(t, err)
	require.NoError(t, st.SetConfig(w.ctx, "aws:region", auto.ConfigValue{Value: region}))
	w.stack = st
	return w
}

// newWorldDir makes a world without its stack: a fresh temporary folder
// with the given subfolders, the provider's state and log in it, and a
// context that ends 30 s before the test's deadline.
func newWorldDir(t *testing.T, project string, subdirs ...string) *world {
	t.Helper()
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-30*time.Second))
		t.Cleanup(cancel)
	}
	dir := t.TempDir()
	for _, d := range subdirs {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, d), 0o755))
	}
	ws := offline.Workspace{Dir: dir}
	return &world{t: t, ctx: ctx, dir: dir, project: project, state: ws.State(), log: ws.Log()}
}

// baseEnv is the environment of the world's CLI commands: package
// offline's (the one scripts/try-yaml.sh uses) for the world's folder,
// with the double's role-policy delay.
func (w *world) baseEnv() map[string]string {
	return w.workspace().Env("", map[string]string{fakeaws.EnvRolePolicyDelay: policyDelay})
}

// workspace is the world's folder as package offline lays it out: the
// backend, the Pulumi home, the double's state and log.
func (w *world) workspace() offline.Workspace { return offline.Workspace{Dir: w.dir} }

// setProgram replaces the program for the next operation.
func (w *world) setProgram(program pulumi.RunFunc) {
	w.stack.Workspace().(*auto.LocalWorkspace).SetProgram(program)
}

func (w *world) preview(opts ...optpreview.Option) (auto.PreviewResult, error) {
	w.t.Helper()
	var out bytes.Buffer
	res, err := w.stack.Preview(w.ctx, append(opts, optpreview.ProgressStreams(&out))...)
	if err != nil {
		w.t.Logf("preview output:\n%s", out.String())
	}
	return res, err
}

func (w *world) up(opts ...optup.Option) (auto.UpResult, error) {
	w.t.Helper()
	var out bytes.Buffer
	res, err := w.stack.Up(w.ctx, append(opts, optup.ProgressStreams(&out))...)
	if err != nil {
		w.t.Logf("up output:\n%s", out.String())
	}
	return res, err
}

// upErr runs an update that is expected to fail and returns its error.
func (w *world) upErr() error {
	w.t.Helper()
	_, err := w.stack.Up(w.ctx, optup.ProgressStreams(io.Discard))
	return err
}

func (w *world) destroy() auto.DestroyResult {
	w.t.Helper()
	var out bytes.Buffer
	res, err := w.stack.Destroy(w.ctx, optdestroy.ProgressStreams(&out))
	require.NoError(w.t, err, "destroy:\n%s", out.String())
	return res
}

// ops reads the provider's log; from is the number of entries to skip.
func (w *world) ops(from int) []fakeaws.Op {
	w.t.Helper()
	all, err := fakeaws.ReadLog(w.log)
	require.NoError(w.t, err)
	if from > len(all) {
		return nil
	}
	return all[from:]
}

func (w *world) logLen() int { return len(w.ops(0)) }

func (w *world) providerState() *fakeaws.State {
	w.t.Helper()
	s, err := fakeaws.LoadState(w.state)
	require.NoError(w.t, err)
	return s
}

// deployment is the stack's exported state.
type deployment struct {
	Resources []struct {
		URN     string         `json:"urn"`
		Type    string         `json:"type"`
		ID      string         `json:"id"`
		Custom  bool           `json:"custom"`
		Inputs  map[string]any `json:"inputs"`
		Outputs map[string]any `json:"outputs"`
	} `json:"resources"`
}

func (w *world) export() (apitype.UntypedDeployment, deployment) {
	w.t.Helper()
	raw, err := w.stack.Export(w.ctx)
	require.NoError(w.t, err)
	var d deployment
	require.NoError(w.t, json.Unmarshal(raw.Deployment, &d))
	return raw, d
}

// summaryOf renders a change summary as "create=5 same=2" for messages.
func summaryOf[K ~string](m map[K]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	return strings.Join(parts, " ")
}

// find returns the first op matching kind, type and logical name.
func find(ops []fakeaws.Op, op, typ, name string) (fakeaws.Op, bool) {
	for _, o := range ops {
		if o.Op == op && o.Type == typ && o.Name() == name && o.Error == "" {
			return o, true
		}
	}
	return fakeaws.Op{}, false
}

// before asserts that a finished before b started.
func before(t *testing.T, a, b fakeaws.Op, what string) {
	t.Helper()
	require.Falsef(t, a.End.After(b.Start), "%s: %s %s ended at %s, after %s %s started at %s",
		what, a.Op, a.Name(), a.End.Format(time.RFC3339Nano), b.Op, b.Name(), b.Start.Format(time.RFC3339Nano))
}

// Type tokens the tests look for.
const (
	tRole         = "aws:iam/role:Role"
	tRolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	tFunction     = "aws:lambda/function:Function"
	tInvokeConfig = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	tMapping      = "aws:lambda/eventSourceMapping:EventSourceMapping"
	tQueue        = "aws:sqs/queue:Queue"
	tTopic        = "aws:sns/topic:Topic"
)
