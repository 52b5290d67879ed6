// Command sdkgen writes the TypeScript and Python SDKs of the asyncroute
// package from its schema (provider/schema.json), with the code generators
// of github.com/pulumi/pulumi/pkg/v3 (codegen/nodejs and codegen/python).
// `pulumi package gen-sdk` does the same through the language plugins
// (pulumi-language-nodejs, -python), which cannot be had here; the
// generators themselves ship in pkg/v3.
//
// It is a module of its own so that pkg/v3 enters neither the library's
// nor the provider's go.mod; scripts/build-sdks.sh builds it with the
// flags of scripts/build-pulumi-cli.sh, so that pkg/v3's packages compiled
// for the CLI are reused from the Go build cache.
//
// The schema is bound with validation (the Pulumi package metaschema and
// the binder's checks); any diagnostic fails the run.
//
// Usage: sdkgen -schema provider/schema.json -out DIR   (writes DIR/nodejs and DIR/python)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "asyncroute-sdkgen"

func main() {
	schemaPath := flag.String("schema", "provider/schema.json", "the package schema")
	out := flag.String("out", "", "the folder to write nodejs/ and python/ into (emptied first)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "sdkgen: -out is required")
		os.Exit(2)
	}
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

// noPackages is the loader of other packages' schemas: the asyncroute
// schema refers to none (destinations are ARNs, not AWS resources), so
// any request is a mistake in the schema.
type noPackages struct{}

func (noPackages) refuse(name string) error {
	return fmt.Errorf("the schema refers to package %q; it must refer to none", name)
}

func (l noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

// bind reads and validates the schema. Each generator gets its own bound
// package: generators record their language info in it.
func bind(path string) (*schema.Package, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("binding %s: %w", path, err)
	}
	if len(diags) > 0 {
		return nil, fmt.Errorf("%s: %s", path, diags.Error())
	}
	return pkg, nil
}

func run(schemaPath, out string) error {
	gens := []struct {
		dir string
		gen func(*schema.Package) (map[string][]byte, error)
	}{
		{"nodejs", func(p *schema.Package) (map[string][]byte, error) {
			return nodejs.GeneratePackage(tool, p, nil, nil, false, noPackages{})
		}},
		{"python", func(p *schema.Package) (map[string][]byte, error) {
			return python.GeneratePackage(tool, p, nil, noPackages{})
		}},
	}
	for _, g := range gens {
		pkg, err := bind(schemaPath)
		if err != nil {
			return err
		}
		files, err := g.gen(pkg)
		if err != nil {
			return fmt.Errorf("%s: %w", g.dir, err)
		}
		dir := filepath.Join(out, g.dir)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		names := make([]string, 0, len(files))
		for name := range files {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, files[name], 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s: %d files in %s\n", g.dir, len(names), dir)
	}
	return nil
}
