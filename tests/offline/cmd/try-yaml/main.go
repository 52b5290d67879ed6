// Command try-yaml runs a Pulumi YAML program offline, end to end: the
// real Pulumi CLI and engine, the asyncroute component provider, and the
// test-double AWS provider (tests/fakeaws) in place of AWS. After each
// command it prints what the double holds for the stack, the stack's
// asynchronous routing and the rules' findings.
//
// Run it through scripts/try-yaml.sh, which builds (or reuses) the CLI, the
// YAML language host, the component provider and the double first:
//
//	scripts/try-yaml.sh ./my-program up
//
// Usage:
//
//	try-yaml -cli PULUMI -bin PLUGINS [flags] PROGRAM_DIR preview|up|destroy|report
//
// Flags:
//
//	-cli PATH      the pulumi binary (v3.274.1)
//	-bin DIR       the folder holding pulumi-resource-aws (the double),
//	               pulumi-resource-asyncroute and pulumi-language-yaml
//	-stack NAME    the stack (default dev)
//	-region NAME   aws:region for a new stack (default us-east-1)
//	-state DIR     where the backend, Pulumi home and the double's state
//	               live (default PROGRAM_DIR/.asyncroute-offline)
//
// Exit status: 0 when the command succeeded, 1 when it failed (the CLI's
// message is printed), 2 when the command line is wrong.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/asyncroute/asyncroute/tests/offline"
	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// plugins are what -bin must hold.
var plugins = []string{"pulumi-resource-aws", "pulumi-resource-asyncroute", "pulumi-language-yaml"}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("try-yaml", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cliPath := fs.String("cli", "", "the pulumi binary")
	bin := fs.String("bin", "", "the folder of the plugins")
	stack := fs.String("stack", "dev", "the stack")
	region := fs.String("region", "us-east-1", "aws:region for a new stack")
	state := fs.String("state", "", "the offline state folder (default PROGRAM_DIR/.asyncroute-offline)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 || *cliPath == "" || *bin == "" {
		fmt.Fprintln(stderr, "usage: try-yaml -cli PULUMI -bin PLUGINS [-stack NAME] [-region NAME] [-state DIR] PROGRAM_DIR preview|up|destroy|report")
		return 2
	}
	dir, command := fs.Arg(0), fs.Arg(1)
	if err := runCommand(ctx, options{cli: *cliPath, bin: *bin, stack: *stack, region: *region, state: *state, dir: dir, command: command}, stdout); err != nil {
		var usage usageError
		if errors.As(err, &usage) {
			fmt.Fprintln(stderr, "try-yaml:", err)
			return 2
		}
		fmt.Fprintln(stderr, "try-yaml:", err)
		return 1
	}
	return 0
}

type usageError string

func (e usageError) Error() string { return string(e) }

type options struct {
	cli, bin, stack, region, state, dir, command string
}

func runCommand(ctx context.Context, o options, out io.Writer) error {
	switch o.command {
	case "preview", "up", "destroy", "report":
	default:
		return usageError(fmt.Sprintf("unknown command %q; allowed: preview, up, destroy, report", o.command))
	}
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err != nil {
		return usageError(fmt.Sprintf("%s has no Pulumi.yaml", o.dir))
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	for _, p := range plugins {
		if _, err := os.Stat(filepath.Join(bin, p)); err != nil {
			return usageError(fmt.Sprintf("-bin %s has no %s (scripts/try-yaml.sh puts the plugins there)", o.bin, p))
		}
	}
	if o.state == "" {
		o.state = filepath.Join(dir, ".asyncroute-offline")
	}
	state, err := filepath.Abs(o.state)
	if err != nil {
		return err
	}
	cliPath, err := filepath.Abs(o.cli)
	if err != nil {
		return err
	}
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root: filepath.Dir(filepath.Dir(cliPath)), Version: semver.MustParse("3.274.1"), SkipVersionCheck: true,
	})
	if err != nil {
		return err
	}
	w := offline.Workspace{Dir: state}
	env := w.Env(bin, nil)
	st, err := offline.LocalStack(ctx, cli, w, dir, o.stack, o.region, env)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Offline: project folder %s, stack %s, state in %s (no cloud, no credentials)\n\n", dir, o.stack, state)

	var data []byte
	switch o.command {
	case "preview":
		stdout, stderr, code, err := cli.Run(ctx, dir, nil, nil, nil, envList(env),
			"preview", "--json", "--stack", o.stack, "--non-interactive")
		if err != nil {
			return fmt.Errorf("pulumi preview failed (exit %d):\n%s%s", code, stderr, diagnostics(stdout))
		}
		data = []byte(stdout)
		printSteps(out, data)
	case "up":
		if _, err := st.Up(ctx, optup.ProgressStreams(out)); err != nil {
			return fmt.Errorf("pulumi up failed: %w", err)
		}
	case "destroy":
		if _, err := st.Destroy(ctx, optdestroy.ProgressStreams(out)); err != nil {
			return fmt.Errorf("pulumi destroy failed: %w", err)
		}
	}
	if o.command != "preview" {
		exported, err := st.Export(ctx)
		if err != nil {
			return err
		}
		if data, err = json.Marshal(exported); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)
	_, err = offline.Report(out, w, data)
	return err
}

func envList(env map[string]string) []string {
	var list []string
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// diagnostics picks the error diagnostics out of a failed preview's JSON.
func diagnostics(stdout string) string {
	var b strings.Builder
	for _, d := range previewDiagnostics([]byte(stdout)) {
		b.WriteString(d)
		b.WriteString("\n")
	}
	return b.String()
}

// preview is what try-yaml reads of `pulumi preview --json`.
type preview struct {
	Steps []struct {
		Op  string `json:"op"`
		URN string `json:"urn"`
	} `json:"steps"`
	Diagnostics []struct {
		Message  string `json:"message"`
		Severity string `json:"severity"`
	} `json:"diagnostics"`
}

// printSteps prints the planned steps, one line each: op, type, name.
func printSteps(out io.Writer, data []byte) {
	var p preview
	if err := json.Unmarshal(data, &p); err != nil {
		fmt.Fprintf(out, "(the preview's JSON could not be read: %v)\n", err)
		return
	}
	fmt.Fprintf(out, "Planned steps (%d):\n", len(p.Steps))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, s := range p.Steps {
		typ, name := urnParts(s.URN)
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Op, typ, name)
	}
	_ = tw.Flush()
}

// previewDiagnostics are the error messages of a preview's JSON.
func previewDiagnostics(data []byte) []string {
	var p preview
	if json.Unmarshal(data, &p) != nil {
		return nil
	}
	var out []string
	for _, d := range p.Diagnostics {
		if d.Severity == "error" {
			out = append(out, strings.TrimSpace(d.Message))
		}
	}
	return out
}

// urnParts is a URN's own type (the last of its type chain) and name.
func urnParts(urn string) (typ, name string) {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return "", urn
	}
	chain := strings.Split(parts[2], "$")
	return chain[len(chain)-1], strings.Join(parts[3:], "::")
}
