//go:build engine

package engine

import (
	"bytes"
	"encoding/json"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/template"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUpgradeFromLastRelease deploys the root stack and every example with
// the code of upgradeBase, then runs `up` on the same stack with the code
// of this tree, as a user who upgrades the library under a deployed stack
// does. The upgrade must replace no Lambda function, execution role or
// invoke config (a replaced function loses its ARN's history and its
// in-flight events, a replaced config leaves the function without routing
// between the delete and the create) and open no delivery-time window;
// after it a preview reports no changes and destroy leaves nothing live.
//
// The old code cannot be imported next to the new one (one import path),
// so the test extracts upgradeBase's tree, writes a small driver program
// into it (upgradeDriver) that deploys one of the old programs with the
// Automation API, builds it there, and runs it on the world's folder: the
// same project, stack, file backend, PULUMI_HOME, passphrase and
// environment as the harness (newWorld), and the same test double (the
// fakeaws plugin this package builds, first on PATH), so the double's
// state, log and windows span both deployments.
//
// What changes between upgradeBase (4055105) and the code this test was
// written against (main at 4449b34), for a deployed stack:
//
//   - the role-change hook of every asyncroute.Function (a resource hook
//     on the function, BeforeUpdate; its name is stored in the function's
//     state) is named "asyncroute-grants-before-role-change:<type>:<name>"
//     (the component's type token and name) instead of
//     "asyncroute-grants-before-role-change-<n>" (numbered in registration
//     order);
//   - an ExistingRole given by ARN alone grants to the role the ARN names,
//     and the grant policy of an ExistingRole with both Name and Arn takes
//     its role name from an output that checks the two agree (same value);
//   - AsyncInvoke records its qualifier as a component input only when the
//     program gave it as literals;
//   - lambdafacts, iampolicy, stackgraph, mockmonitor and the policy
//     samples moved under internal/ (import paths only; no type token,
//     child name or parent changed);
//   - (issues 20 and 21) a grant policy is named after its document
//     instead of auto-named, so the upgrade replaces each grant policy
//     once, with the same document on the same role, the new one created
//     before the old one is deleted (checkGrantPoliciesRenamed); each
//     Function component records roleIdentity and routeIdentities as
//     inputs (an update of the component, no provider write) and carries
//     a BeforeUpdate hook, and its grant policies an error hook.
//
// No child's name, type or parent changed, so no alias is needed yet; when
// one changes, this test is what shows its alias works. Against 4449b34
// (before the grant policies' names changed) every stack's upgrade was
// "same" steps only (no provider write); the
// engine rebinds each function's BeforeUpdate hook to the new name in the
// state (checkHooksKept logs "...-1 -> ...:asyncroute:lambda:Function:<name>").
// A child renamed without an alias fails here (tried with the invoke
// config: the new config is created and the old one, with the same
// function and qualifier, deleted after it).
//
// Measured on 2 shared cores with warm Go caches: about 85 s, of which
// about 30 s extract upgradeBase and build the driver (the old tree's own
// packages compile afresh in their temporary folder; the SDKs come from
// the build cache) and about 10 s go to each stack. The engine step of
// .ci/run runs it with the other engine tests.
func TestUpgradeFromLastRelease(t *testing.T) {
	t.Parallel()
	old := extractCommit(t, upgradeBase)
	driver := buildUpgradeDriver(t, old)
	for _, c := range stackCases() {
		t.Run(c.name, func(t *testing.T) { upgradeStack(t, c, old, driver) })
	}
}

// upgradeBase is the commit whose programs are deployed before the
// upgrade: the last landed main (4055105, "asyncpolicy: lastSegment
// removed ..."), the code users have deployed. Move it forward to the
// commit of the last landed main whenever a release lands, and update
// oldPrograms and the list of changes above (TestUpgradeFromLastRelease)
// to what that commit has.
const upgradeBase = "4055105c795155bf0dbe2893feee948b3bf9543f"

// oldProgram is a program of upgradeBase: the package and the constructor
// that takes the handler's folder (func(string) pulumi.RunFunc).
type oldProgram struct {
	Import, Func string
}

// oldPrograms are upgradeBase's programs, by stackCases name. A case whose
// folder did not exist at upgradeBase is skipped (nothing to upgrade from).
var oldPrograms = map[string]oldProgram{
	"root":                {"github.com/asyncroute/asyncroute/stacks/orders", "NewProgram"},
	"pipeline":            {"github.com/asyncroute/asyncroute/examples/pipeline/stack", "NewProgram"},
	"eventbridge-archive": {"github.com/asyncroute/asyncroute/examples/eventbridge-archive/stack", "NewProgram"},
	"existing-function":   {"github.com/asyncroute/asyncroute/examples/existing-function/stack", "NewProgram"},
	"response-chain":      {"github.com/asyncroute/asyncroute/examples/response-chain/stack", "NewProgram"},
}

// Types the upgrade must not replace.
var keptTypes = map[string]bool{tFunction: true, tRole: true, tInvokeConfig: true}

// upgradeStack deploys one stack with the old driver, upgrades it with
// this tree's program and checks what the upgrade did.
func upgradeStack(t *testing.T, c stackCase, old, driver string) {
	oldDir := filepath.Join(old, c.dir)
	if _, err := os.Stat(oldDir); os.IsNotExist(err) {
		t.Skipf("%s did not exist at %s: nothing to upgrade from", c.dir, upgradeBase[:7])
	}
	if _, ok := oldPrograms[c.name]; !ok {
		t.Fatalf("no program of %s in oldPrograms for %s", upgradeBase[:7], c.name)
	}
	dir := filepath.Join(repoRoot, c.dir)
	project := projectName(t, dir)
	require.Equal(t, projectName(t, oldDir), project,
		"the project's name changed since %s: a deployed stack would not be found", upgradeBase[:7])

	w := newWorld(t, project, c.program(filepath.Join(dir, "handler")))
	if len(c.seed) > 0 {
		require.NoError(t, fakeaws.Seed(w.state, c.seed...))
	}

	// The old code deploys.
	oldSummary := w.runUpgradeDriver(driver, c.name, filepath.Join(oldDir, "handler"))
	for op := range oldSummary {
		assert.Equal(t, "create", op, "the old code's first deployment: %s", summaryOf(oldSummary))
	}
	deployed := w.ops(0)
	for _, op := range deployed {
		require.Empty(t, op.Error, "old deployment: %s %s", op.Op, op.URN)
	}
	seen := w.assertNoWindows("deployment by "+upgradeBase[:7], 0)
	before := keptRecords(w.providerState())
	require.NotEmpty(t, before, "the old deployment has functions, roles or invoke configs")
	rawOld, oldState := w.export()

	// This tree's code upgrades the same stack.
	n := w.logLen()
	up, err := w.up()
	require.NoError(t, err, "upgrade")
	require.NotNil(t, up.Summary.ResourceChanges)
	t.Logf("upgrade: %s", summaryOf(*up.Summary.ResourceChanges))
	upgradeOps := w.ops(n)
	grantsRenamed := checkGrantPoliciesRenamed(t, upgradeOps)
	assert.Equal(t, grantsRenamed, (*up.Summary.ResourceChanges)["replace"],
		"the upgrade replaces nothing but the grant policies it renames: %s", summaryOf(*up.Summary.ResourceChanges))
	for _, op := range upgradeOps {
		assert.Empty(t, op.Error, "upgrade: %s %s", op.Op, op.URN)
		if !keptTypes[op.Type] {
			t.Logf("upgrade: %s %s", op.Op, op.URN)
			continue
		}
		assert.Equal(t, "update", op.Op,
			"upgrade: %s %s (%s): upgrading an unchanged program creates or deletes no function, role or invoke config (this is a replacement, or a rename without an alias)", op.Op, op.URN, op.ID)
		if op.Op == "update" {
			t.Logf("upgrade: update %s: %s", op.URN, changedKeys(op.OldInputs, op.Inputs))
		}
	}
	after := keptRecords(w.providerState())
	for key, r := range before {
		_, ok := after[key]
		assert.True(t, ok, "%s %s (%s) is no longer live after the upgrade", r.Type, r.ID, r.URN)
	}
	for key, r := range after {
		_, ok := before[key]
		assert.True(t, ok, "%s %s (%s) is new after the upgrade: a replacement", r.Type, r.ID, r.URN)
	}
	w.assertNoWindows("upgrade", seen)
	rawNew, newState := w.export()
	logRenamed(t, oldState, newState)
	checkHooksKept(t, rawOld, rawNew)

	// The upgraded stack is this tree's: no change left, and it goes away
	// whole.
	want := 0
	for _, r := range newState.Resources {
		if !strings.HasPrefix(r.Type, "pulumi:providers:") {
			want++
		}
	}
	w.checkCleanThenDestroy(t, want)
}

// checkGrantPoliciesRenamed checks the one replacement the upgrade makes:
// a grant policy auto-named by upgradeBase's code is replaced by one named
// after its document (a retried write overwrites it instead of leaving
// another), the new one created before the old one is deleted, on the
// same role. It returns how many were replaced.
func checkGrantPoliciesRenamed(t *testing.T, ops []fakeaws.Op) int {
	t.Helper()
	created := map[string]fakeaws.Op{}
	for _, op := range ops {
		if op.Type == tRolePolicy && op.Op == "create" && op.Error == "" {
			created[op.URN] = op
		}
	}
	n := 0
	for _, op := range ops {
		if op.Type != tRolePolicy || op.Op != "delete" {
			continue
		}
		n++
		c, ok := created[op.URN]
		if !assert.True(t, ok, "upgrade: %s deleted without its replacement", op.URN) {
			continue
		}
		before(t, c, op, "the renamed grant policy before the old one's delete")
		assert.Equal(t, c.Inputs["role"], op.Inputs["role"], "on the same role")
		assert.Equal(t, c.Inputs["policy"], op.Inputs["policy"], "with the same document")
	}
	assert.Equal(t, len(created), n, "every new grant policy replaces an old one")
	return n
}

// keptRecords are the live functions, roles and invoke configs in the
// double, by type and physical id.
func keptRecords(s *fakeaws.State) map[string]*fakeaws.Record {
	out := map[string]*fakeaws.Record{}
	for _, r := range s.Live() {
		if keptTypes[r.Type] {
			out[r.Type+" "+r.ID] = r
		}
	}
	return out
}

// changedKeys names the top-level inputs an update changed, for the log.
func changedKeys(was, now map[string]any) string {
	var keys []string
	for k, v := range now {
		if !jsonEqual(was[k], v) {
			keys = append(keys, k)
		}
	}
	for k := range was {
		if _, ok := now[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func jsonEqual(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// logRenamed logs the resources whose URN the upgrade changed (moved by
// an alias): a URN in the old state that the new one lacks.
func logRenamed(t *testing.T, was, now deployment) {
	t.Helper()
	kept := map[string]bool{}
	for _, r := range now.Resources {
		kept[r.URN] = true
	}
	for _, r := range was.Resources {
		if !kept[r.URN] {
			t.Logf("upgrade: %s is not in the upgraded state (aliased or deleted)", r.URN)
		}
	}
}

// checkHooksKept asserts that every resource hook bound in the old state
// is still bound after the upgrade (resources matched by type and
// physical id, so a resource moved by an alias is followed): the engine
// takes a resource's hooks from the program's registration even when the
// resource is unchanged (a "same" step), and a function that lost its
// role-change hook would run under a new role before its grants exist at
// its next role change. It logs the renamed hooks.
func checkHooksKept(t *testing.T, was, now apitype.UntypedDeployment) {
	t.Helper()
	before, after := hooksOf(t, was), hooksOf(t, now)
	for res, kinds := range before {
		for kind, names := range kinds {
			got := after[res][kind]
			assert.Len(t, got, len(names), "%s hooks of %s after the upgrade: %v, before: %v", kind, res, got, names)
			if !slices.Equal(got, names) {
				t.Logf("upgrade: %s hooks of %s renamed %v -> %v", kind, res, names, got)
			}
		}
	}
}

// hooksOf reads the resource hooks the state binds to each resource:
// "<type> <id>" -> hook kind (BeforeUpdate, ...) -> hook names.
func hooksOf(t *testing.T, raw apitype.UntypedDeployment) map[string]map[string][]string {
	t.Helper()
	var d struct {
		Resources []struct {
			Type  string              `json:"type"`
			ID    string              `json:"id"`
			Hooks map[string][]string `json:"resourceHooks"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(raw.Deployment, &d))
	out := map[string]map[string][]string{}
	for _, r := range d.Resources {
		if len(r.Hooks) > 0 {
			out[r.Type+" "+r.ID] = r.Hooks
		}
	}
	return out
}

// projectName is the name in a project folder's Pulumi.yaml.
func projectName(t *testing.T, dir string) string {
	t.Helper()
	p, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	require.NoError(t, err)
	return string(p.Name)
}

// extractCommit writes the tree of a commit of the repository into a
// temporary folder and returns the folder.
func extractCommit(t *testing.T, commit string) string {
	t.Helper()
	if out, err := exec.Command("git", "-C", repoRoot, "cat-file", "-e", commit+"^{commit}").CombinedOutput(); err != nil {
		t.Fatalf("commit %s (upgradeBase, the last landed main) is not in the clone at %s (%v: %s): the upgrade test needs the repository's history; in a shallow clone run `git fetch --unshallow` (or clone without --depth)",
			commit, repoRoot, err, strings.TrimSpace(string(out)))
	}
	dir := t.TempDir()
	archive := filepath.Join(dir, "tree.tar")
	if out, err := exec.Command("git", "-C", repoRoot, "archive", "-o", archive, commit).CombinedOutput(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", commit, err, out)
	}
	tree := filepath.Join(dir, "tree")
	require.NoError(t, os.Mkdir(tree, 0o755))
	if out, err := exec.Command("tar", "-x", "-f", archive, "-C", tree).CombinedOutput(); err != nil {
		t.Fatalf("tar -x %s: %v\n%s", archive, err, out)
	}
	return tree
}

// upgradeDriver is the main package written into the old tree: it runs
// one of the old programs (-program, by stackCases name) with the
// Automation API on the stack a world made (-project, -stack, -workdir,
// -home, -backend; the passphrase and the double's settings come from the
// environment), and prints the update's change summary as JSON.
var upgradeDriver = template.Must(template.New("driver").Parse(`// Code generated by TestUpgradeFromLastRelease (tests/engine/upgrade_test.go). DO NOT EDIT.

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
{{range $i, $p := .}}
	p{{$i}} "{{$p.Import}}"{{end}}
)

var programs = map[string]func(string) pulumi.RunFunc{ {{range $i, $p := .}}
	{{printf "%q" $p.Name}}: p{{$i}}.{{$p.Func}},{{end}}
}

func main() {
	program := flag.String("program", "", "the program to deploy")
	handler := flag.String("handler", "", "the handler's folder")
	project := flag.String("project", "", "the project's name")
	stack := flag.String("stack", "", "the stack's name")
	workDir := flag.String("workdir", "", "the workspace's folder")
	home := flag.String("home", "", "PULUMI_HOME")
	backend := flag.String("backend", "", "the file backend's folder")
	cliPath := flag.String("cli", "", "the pulumi binary")
	cliVersion := flag.String("cli-version", "", "its version")
	flag.Parse()
	if err := run(*program, *handler, *project, *stack, *workDir, *home, *backend, *cliPath, *cliVersion); err != nil {
		fmt.Fprintln(os.Stderr, "upgrade driver:", err)
		os.Exit(1)
	}
}

func run(program, handler, project, stack, workDir, home, backend, cliPath, cliVersion string) error {
	newProgram, ok := programs[program]
	if !ok {
		return fmt.Errorf("no program %q", program)
	}
	ctx := context.Background()
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root:    filepath.Dir(filepath.Dir(cliPath)),
		Version: semver.MustParse(cliVersion),
	})
	if err != nil {
		return err
	}
	st, err := auto.UpsertStackInlineSource(ctx, stack, project, newProgram(handler),
		auto.Pulumi(cli),
		auto.WorkDir(workDir),
		auto.PulumiHome(home),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + backend},
		}),
		auto.SecretsProvider("passphrase"),
	)
	if err != nil {
		return err
	}
	res, err := st.Up(ctx, optup.ProgressStreams(os.Stderr))
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res.Summary.ResourceChanges)
}
`))

// buildUpgradeDriver writes the driver into the old tree and builds it
// there, with the old tree's go.mod (every dependency is in the module
// cache); it returns the binary.
func buildUpgradeDriver(t *testing.T, old string) string {
	t.Helper()
	type entry struct {
		Name string
		oldProgram
	}
	var entries []entry
	for _, c := range stackCases() {
		if p, ok := oldPrograms[c.name]; ok {
			entries = append(entries, entry{c.name, p})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, upgradeDriver.Execute(&buf, entries))
	src, err := format.Source(buf.Bytes())
	require.NoError(t, err, "the driver's source:\n%s", buf.String())
	pkg := filepath.Join(old, "upgradedriver")
	require.NoError(t, os.Mkdir(pkg, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "main.go"), src, 0o644))

	bin := filepath.Join(t.TempDir(), "upgrade-driver")
	build := exec.Command("go", "build", "-o", bin, "./upgradedriver")
	build.Dir = old
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod -buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the driver in %s's tree: %v\n%s\n%s", upgradeBase[:7], err, out, src)
	}
	return bin
}

// runUpgradeDriver deploys an old program (by stackCases name) on the
// world's stack with the old driver and returns the update's change
// summary.
func (w *world) runUpgradeDriver(driver, program, handler string) map[string]int {
	w.t.Helper()
	ws := w.workspace()
	cmd := exec.CommandContext(w.ctx, driver,
		"-program", program, "-handler", handler,
		"-project", w.project, "-stack", w.stack.Name(),
		"-workdir", filepath.Join(w.dir, "work"), "-home", ws.Home(), "-backend", ws.Backend(),
		"-cli", cliPath, "-cli-version", cliVersion)
	cmd.Env = os.Environ()
	for k, v := range w.baseEnv() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		w.t.Fatalf("deploying %s with %s's code: %v\n%s", program, upgradeBase[:7], err, stderr.String())
	}
	var summary map[string]int
	require.NoError(w.t, json.Unmarshal(stdout.Bytes(), &summary), "the driver's summary: %s", stdout.String())
	return summary
}
