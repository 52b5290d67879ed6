package nodehost

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/emptypb"
)

// project makes a program folder below a node_modules that holds the
// runner, as npm installs it one level up (a workspace).
func project(t *testing.T) (root, prog, runner string) {
	t.Helper()
	root = t.TempDir()
	runner = filepath.Join(root, "node_modules", "@pulumi", "pulumi", "cmd", "run")
	require.NoError(t, os.MkdirAll(runner, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(runner, "index.js"), nil, 0o644))
	prog = filepath.Join(root, "app")
	require.NoError(t, os.MkdirAll(prog, 0o755))
	return root, prog, runner
}

func request(root, prog string, dryRun bool) *pulumirpc.RunRequest {
	return &pulumirpc.RunRequest{
		MonitorAddress:   "127.0.0.1:4001",
		Project:          "orders",
		Stack:            "dev",
		Organization:     "organization",
		Pwd:              prog,
		Parallel:         16,
		DryRun:           dryRun,
		Args:             []string{"a", "b"},
		Config:           map[string]string{"aws:region": "us-east-1", "orders:key": "s3cr3t"},
		ConfigSecretKeys: []string{"orders:key"},
		Info:             &pulumirpc.ProgramInfo{RootDirectory: root, ProgramDirectory: prog, EntryPoint: "bin/index.js"},
	}
}

func TestCommand(t *testing.T) {
	root, prog, runner := project(t)
	h := &Host{Engine: "127.0.0.1:4000"}

	args, env, err := h.Command(request(root, prog, true))
	require.NoError(t, err)
	assert.Equal(t, []string{runner,
		"--monitor=127.0.0.1:4001", "--engine=127.0.0.1:4000", "--project=orders", "--stack=dev",
		"--organization=organization", "--pwd=" + prog, "--parallel=16", "--root-directory=" + root, "--dry-run",
		"bin/index.js", "a", "b"}, args)
	assert.Equal(t, []string{
		`PULUMI_CONFIG={"aws:region":"us-east-1","orders:key":"s3cr3t"}`,
		`PULUMI_CONFIG_SECRET_KEYS=["orders:key"]`,
		"PULUMI_NODEJS_TYPESCRIPT=false",
	}, env)

	// An update, no ProgramInfo: the request's pwd, the entry point ".";
	// empty config is an empty object.
	req := &pulumirpc.RunRequest{MonitorAddress: "m", Pwd: prog}
	args, env, err = h.Command(req)
	require.NoError(t, err)
	assert.Equal(t, []string{runner, "--monitor=m", "--engine=127.0.0.1:4000", "--project=", "--stack=",
		"--organization=", "--pwd=" + prog, "--parallel=0", "."}, args)
	assert.Equal(t, []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]", "PULUMI_NODEJS_TYPESCRIPT=false"}, env)
}

func TestCommandWithoutSDK(t *testing.T) {
	dir := t.TempDir()
	want := "the Pulumi Node.js SDK is not installed: no node_modules/@pulumi/pulumi/cmd/run in " + dir +
		" or a folder above it (npm install @pulumi/pulumi)"
	_, _, err := (&Host{}).Command(&pulumirpc.RunRequest{Pwd: dir})
	require.Error(t, err)
	assert.Equal(t, want, err.Error())

	res, err := (&Host{Node: filepath.Join(dir, "node")}).Run(context.Background(), &pulumirpc.RunRequest{Pwd: dir})
	require.NoError(t, err, "a program that cannot start is the program's error, not the RPC's")
	assert.Equal(t, want, res.GetError())
	assert.False(t, res.GetBail())
}

// fakeNode writes a shell script standing in for node: it records its
// arguments, working directory and PULUMI_CONFIG in a file and exits with
// code.
func fakeNode(t *testing.T, code string) (node, record string) {
	t.Helper()
	dir := t.TempDir()
	record = filepath.Join(dir, "record")
	node = filepath.Join(dir, "node")
	script := "#!/bin/sh\n{ pwd; echo \"$PULUMI_CONFIG\"; for a in \"$@\"; do echo \"$a\"; done; } > '" + record + "'\nexit " + code + "\n"
	require.NoError(t, os.WriteFile(node, []byte(script), 0o755))
	return node, record
}

func TestRun(t *testing.T) {
	root, prog, runner := project(t)
	for _, tc := range []struct {
		code  string
		want  *pulumirpc.RunResponse
		about string
	}{
		{"0", &pulumirpc.RunResponse{}, "success"},
		{"32", &pulumirpc.RunResponse{Bail: true}, "the runner reported the failure"},
		{"1", &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: 1"}, "any other exit code"},
	} {
		node, record := fakeNode(t, tc.code)
		h := &Host{Engine: "e", Node: node}
		res, err := h.Run(context.Background(), request(root, prog, false))
		require.NoError(t, err)
		assert.Equal(t, tc.want.GetBail(), res.GetBail(), tc.about)
		assert.Equal(t, tc.want.GetError(), res.GetError(), tc.about)

		b, err := os.ReadFile(record)
		require.NoError(t, err)
		assert.Equal(t, strings.Join([]string{prog, `{"aws:region":"us-east-1","orders:key":"s3cr3t"}`, runner,
			"--monitor=127.0.0.1:4001", "--engine=e", "--project=orders", "--stack=dev", "--organization=organization",
			"--pwd=" + prog, "--parallel=16", "--root-directory=" + root, "bin/index.js", "a", "b"}, "\n")+"\n", string(b), tc.about)
	}
}

func TestPluginInfoAndAbout(t *testing.T) {
	info, err := (&Host{}).GetPluginInfo(context.Background(), &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, Version, info.GetVersion())

	pkgs, err := (&Host{}).GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{})
	require.NoError(t, err)
	assert.Empty(t, pkgs.GetPackages())

	dir := t.TempDir()
	node := filepath.Join(dir, "node")
	require.NoError(t, os.WriteFile(node, []byte("#!/bin/sh\necho v20.20.2\n"), 0o755))
	about, err := (&Host{Node: node}).About(context.Background(), &pulumirpc.AboutRequest{})
	require.NoError(t, err)
	assert.Equal(t, node, about.GetExecutable())
	assert.Equal(t, "20.20.2", about.GetVersion())
}
