//go:build engine

// Command deploybench deploys one benchmark program (package deploybench)
// with `pulumi up` through the Automation API, like the engine tests do
// (inline program, local file:// backend, a fresh Pulumi home, the
// test-double provider tests/fakeaws found on PATH as pulumi-resource-aws),
// and prints the wall time of the up:
//
//	<scenario> <mode> <seconds> creates=<n>
//
// It is run by scripts/bench-deploy.sh, which builds the test double, puts
// it on PATH and alternates the modes; it asserts nothing about times.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/tests/deploybench"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const cliVersion = "3.274.1"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "deploybench:", err)
		os.Exit(1)
	}
}

func run() error {
	wd, _ := os.Getwd()
	scenario := flag.String("scenario", "chain", "chain (6 functions, each the next one's on-success destination, then a queue) or fan (20 functions, each with a queue and a topic)")
	mode := flag.String("mode", "construct", "construct (asyncroute.NewFunction) or raw (the same resources by hand)")
	cliPath := flag.String("cli", filepath.Join(wd, ".tools", "pulumi", "v"+cliVersion, "bin", "pulumi"), "the Pulumi CLI "+cliVersion)
	handler := flag.String("handler", filepath.Join(wd, "handler"), "the function code folder")
	latency := flag.String("latency", "create=1s", "value of "+fakeaws.EnvLatency)
	policyDelay := flag.String("policy-delay", "2s", "value of "+fakeaws.EnvRolePolicyDelay)
	keep := flag.Bool("keep", false, "keep the temporary folder (state, op log) and print its path")
	parallel := flag.Int("parallel", 0, "the engine's --parallel (0: the CLI's default, 4 per core)")
	flag.Parse()

	var program pulumi.RunFunc
	switch *scenario + "/" + *mode {
	case "chain/construct":
		program = deploybench.Chain(deploybench.ChainLength, *handler)
	case "chain/raw":
		program = deploybench.ChainRaw(deploybench.ChainLength, *handler)
	case "fan/construct":
		program = deploybench.Fan(deploybench.FanWidth, *handler)
	case "fan/raw":
		program = deploybench.FanRaw(deploybench.FanWidth, *handler)
	default:
		return fmt.Errorf("unknown -scenario %q or -mode %q", *scenario, *mode)
	}
	if _, err := fakeaws.ParseLatency(*latency); err != nil {
		return err
	}
	if p, err := exec.LookPath("pulumi-resource-aws"); err != nil {
		return fmt.Errorf("the fakeaws test double must be on PATH as pulumi-resource-aws (scripts/bench-deploy.sh builds it): %w", err)
	} else if !strings.Contains(p, "fakeaws") {
		return fmt.Errorf("pulumi-resource-aws on PATH is %s, not the fakeaws test double's build folder", p)
	}

	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root:    filepath.Dir(filepath.Dir(*cliPath)),
		Version: semver.MustParse(cliVersion),
	})
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "asyncroute-deploybench-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "deploybench: kept", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	for _, d := range []string{"backend", "home", "work"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	state, log := filepath.Join(dir, "fakeaws-state.json"), filepath.Join(dir, "fakeaws-log.jsonl")
	env := map[string]string{
		"PULUMI_CONFIG_PASSPHRASE":                    "deploybench",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "false",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_DISABLE_REGISTRY_RESOLVE":             "true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING":        "true",
		fakeaws.EnvState:                              state,
		fakeaws.EnvLog:                                log,
		fakeaws.EnvRolePolicyDelay:                    *policyDelay,
		fakeaws.EnvLatency:                            *latency,
	}
	ctx := context.Background()
	project := "deploybench-" + *scenario + "-" + *mode
	st, err := auto.UpsertStackInlineSource(ctx, "bench", project, program,
		auto.Pulumi(cli),
		auto.WorkDir(filepath.Join(dir, "work")),
		auto.PulumiHome(filepath.Join(dir, "home")),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + filepath.Join(dir, "backend")},
		}),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(env),
	)
	if err != nil {
		return err
	}
	if err := st.SetConfig(ctx, "aws:region", auto.ConfigValue{Value: fakeaws.DefaultRegion}); err != nil {
		return err
	}

	var out strings.Builder
	start := time.Now()
	upOpts := []optup.Option{optup.ProgressStreams(io.Writer(&out))}
	if *parallel > 0 {
		upOpts = append(upOpts, optup.Parallel(*parallel))
	}
	_, err = st.Up(ctx, upOpts...)
	wall := time.Since(start)
	if err != nil {
		return fmt.Errorf("up: %w\n%s", err, out.String())
	}
	ops, err := fakeaws.ReadLog(log)
	if err != nil {
		return err
	}
	creates := 0
	for _, op := range ops {
		if op.Error != "" {
			return fmt.Errorf("the provider failed %s %s: %s", op.Op, op.URN, op.Error)
		}
		if op.Op == "create" {
			creates++
		}
	}
	fmt.Printf("%s %s %.2f creates=%d\n", *scenario, *mode, wall.Seconds(), creates)
	return nil
}
