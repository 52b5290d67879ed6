// Package offline runs a Pulumi program offline: the real Pulumi CLI and
// engine, a file backend, and the test-double AWS provider (package
// tests/fakeaws) in place of AWS. scripts/try-yaml.sh (through the
// try-yaml command beside this package) runs a user's own YAML program
// with it, and the engine tests make their stacks with it, so the two
// cannot drift apart.
//
// A Workspace is a folder that keeps everything one offline program has:
// the backend, the Pulumi home, and the double's state and operation log.
// The plugins (pulumi-resource-aws, the double; pulumi-resource-asyncroute,
// the component provider; pulumi-language-yaml) are found on PATH: put
// their folder first (Workspace.Env's binDir).
package offline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// Passphrase is the secrets passphrase of offline stacks; they hold no
// real secret.
const Passphrase = "asyncroute-offline"

// Workspace is the folder of one offline program's state.
type Workspace struct {
	Dir string
}

// Backend is the file backend's folder.
func (w Workspace) Backend() string { return filepath.Join(w.Dir, "backend") }

// Home is PULUMI_HOME: the plugin cache and credentials, empty here.
func (w Workspace) Home() string { return filepath.Join(w.Dir, "home") }

// State is the double's state file (what it has "deployed").
func (w Workspace) State() string { return filepath.Join(w.Dir, "fakeaws-state.json") }

// Log is the double's operation log.
func (w Workspace) Log() string { return filepath.Join(w.Dir, "fakeaws-log.jsonl") }

// Make creates the workspace's folders.
func (w Workspace) Make() error {
	for _, d := range []string{w.Backend(), w.Home()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// Env is the environment of every CLI command of the workspace: the CLI's
// settings for an offline run (no update check, no plugin downloads or
// registry lookups, the plugins on PATH first), the file backend, the
// Pulumi home, and the double's state and log. binDir, when not empty, is
// put first on PATH. extra is added last (the double's delays, say).
func (w Workspace) Env(binDir string, extra map[string]string) map[string]string {
	env := map[string]string{
		"PULUMI_CONFIG_PASSPHRASE": Passphrase,
		"PULUMI_SKIP_UPDATE_CHECK": "true",
		// Deterministic plugin resolution: ambient plugins on (the double
		// is first on PATH), no downloads, an empty plugin cache in
		// PULUMI_HOME.
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "false",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_DISABLE_REGISTRY_RESOLVE":             "true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING":        "true",
		"PULUMI_BACKEND_URL":                          "file://" + w.Backend(),
		"PULUMI_HOME":                                 w.Home(),
		fakeaws.EnvState:                              w.State(),
		fakeaws.EnvLog:                                w.Log(),
	}
	if binDir != "" {
		env["PATH"] = binDir + string(os.PathListSeparator) + os.Getenv("PATH")
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// Stack is an offline stack of a program in a project folder (a local
// workspace: Pulumi.yaml and the program's files in projectDir).
type Stack struct {
	auto.Stack
	Workspace Workspace
	Env       map[string]string
}

// LocalStack selects or creates the stack of the program in projectDir and
// sets aws:region to region when the stack has none.
func LocalStack(ctx context.Context, cli auto.PulumiCommand, w Workspace, projectDir, stack, region string, env map[string]string) (*Stack, error) {
	if err := w.Make(); err != nil {
		return nil, err
	}
	st, err := auto.UpsertStackLocalSource(ctx, stack, projectDir,
		auto.Pulumi(cli),
		auto.PulumiHome(w.Home()),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(env),
	)
	if err != nil {
		return nil, fmt.Errorf("offline: stack %s of %s: %w", stack, projectDir, err)
	}
	if _, err := st.GetConfig(ctx, "aws:region"); err != nil {
		if err := st.SetConfig(ctx, "aws:region", auto.ConfigValue{Value: region}); err != nil {
			return nil, err
		}
	}
	return &Stack{Stack: st, Workspace: w, Env: env}, nil
}
