// Package nodehost is a TEST-ONLY Pulumi language host for `runtime:
// nodejs` projects. The released host (pulumi-language-nodejs) cannot be
// fetched where this repository is tested, but the Node.js SDK on npm
// (@pulumi/pulumi) carries the program runner that host starts:
// node_modules/@pulumi/pulumi/cmd/run. This host answers the engine's
// language-runtime RPCs and, for Run, starts
//
//	node <node_modules>/@pulumi/pulumi/cmd/run --monitor=... --engine=... \
//	    --project=... --stack=... --organization=... --root-directory=... \
//	    --pwd=<program directory> --parallel=N [--dry-run] <entry point> [args...]
//
// with the stack's configuration in PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS (JSON), as the runner reads them.
//
// It runs JavaScript only: compile a TypeScript program with tsc first
// (the released host runs TypeScript through ts-node). It reports no
// required plugins, so the engine finds the providers on PATH or in the
// plugin cache when the program registers their resources, and it installs
// no dependencies. The engine tests build ./cmd/pulumi-language-nodejs
// into the temporary folder they put on PATH; never install it.
package nodehost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Version is the version the host reports in GetPluginInfo.
const Version = "0.1.0"

// BailExitCode is the exit code of the runner when the program failed and
// the runner has already reported why to the engine (cmd/run's
// nodeJSProcessExitedAfterLoggingUserActionableMessage): Run then answers
// with Bail and no message of its own.
const BailExitCode = 32

// runnerPath is the runner's folder inside node_modules.
var runnerPath = filepath.Join("node_modules", "@pulumi", "pulumi", "cmd", "run")

// Host implements the language-runtime RPCs the Pulumi CLI (v3.274.1)
// calls for a preview, an update or a destroy of a Node.js project:
// GetPluginInfo, GetRequiredPackages (and the older GetRequiredPlugins),
// About, Run and InstallDependencies. The others answer Unimplemented
// (the CLI calls Handshake only on a host it attaches to, not on one it
// starts).
type Host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	// Engine is the engine's address, given to the runner as --engine (the
	// program's log messages go there).
	Engine string
	// Node is the node executable; "" looks up "node" on PATH.
	Node string
}

// GetPluginInfo reports the host's Version.
func (h *Host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// GetRequiredPackages reports none: the engine loads each provider when
// the program first registers a resource of its package.
func (h *Host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GetRequiredPlugins reports none, as GetRequiredPackages does.
func (h *Host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// InstallDependencies does nothing: the program's node_modules must be in
// place already.
func (h *Host) InstallDependencies(*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil
}

// About reports the node executable and its version (`node --version`
// without the leading v), which the CLI records in an update's metadata.
func (h *Host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := h.node()
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", node, err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v")}, nil
}

// Run runs the program with the runner of the @pulumi/pulumi package
// found in node_modules in the program's folder or one above it, and waits
// for it. Exit code 0 is success, BailExitCode a failure the runner has
// reported (Bail), any other the message "Program exited with non-zero
// exit code: N". The node process is killed when the engine cancels the
// call.
func (h *Host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := h.node()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args, env, err := h.Command(req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = programDir(req)
	// What the program prints goes to the engine as the host's output.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == BailExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		return &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: " + strconv.Itoa(exit.ExitCode())}, nil
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("running %s: %v", node, err)}, nil
}

// Command returns the arguments of the node process Run starts (the
// runner's path first) and the variables it adds to the host's
// environment: PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS, and
// PULUMI_NODEJS_TYPESCRIPT=false (the runner must not load ts-node).
func (h *Host) Command(req *pulumirpc.RunRequest) (args, env []string, err error) {
	dir := programDir(req)
	runner, err := findRunner(dir)
	if err != nil {
		return nil, nil, err
	}
	args = []string{runner,
		"--monitor=" + req.GetMonitorAddress(),
		"--engine=" + h.Engine,
		"--project=" + req.GetProject(),
		"--stack=" + req.GetStack(),
		"--organization=" + req.GetOrganization(),
		"--pwd=" + dir,
		"--parallel=" + strconv.Itoa(int(req.GetParallel())),
	}
	if root := req.GetInfo().GetRootDirectory(); root != "" {
		args = append(args, "--root-directory="+root)
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	entry := req.GetInfo().GetEntryPoint()
	if entry == "" {
		entry = "." // the program's folder: the runner reads package.json's main
	}
	args = append(append(args, entry), req.GetArgs()...)

	config, err := json.Marshal(orEmpty(req.GetConfig()))
	if err != nil {
		return nil, nil, err
	}
	keys := append([]string{}, req.GetConfigSecretKeys()...)
	sort.Strings(keys)
	secret, err := json.Marshal(keys)
	if err != nil {
		return nil, nil, err
	}
	env = []string{
		"PULUMI_CONFIG=" + string(config),
		"PULUMI_CONFIG_SECRET_KEYS=" + string(secret),
		"PULUMI_NODEJS_TYPESCRIPT=false",
	}
	return args, env, nil
}

func (h *Host) node() (string, error) {
	if h.Node != "" {
		return h.Node, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return "", errors.New("node is not on PATH: the Node.js language host runs programs with Node.js")
	}
	return node, nil
}

// programDir is the program's folder: ProgramInfo's, else the request's
// working directory.
func programDir(req *pulumirpc.RunRequest) string {
	if dir := req.GetInfo().GetProgramDirectory(); dir != "" {
		return dir
	}
	return req.GetPwd()
}

// findRunner looks for node_modules/@pulumi/pulumi/cmd/run in dir and the
// folders above it, as Node.js resolves a package.
func findRunner(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		runner := filepath.Join(d, runnerPath)
		if _, err := os.Stat(filepath.Join(runner, "index.js")); err == nil {
			return runner, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("the Pulumi Node.js SDK is not installed: no %s in %s or a folder above it (npm install @pulumi/pulumi)", runnerPath, abs)
		}
	}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
