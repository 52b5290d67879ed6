// Package engine holds the engine tests: the root stack and every example
// run through the real Pulumi CLI (v3.274.1, built from the Go module proxy
// by scripts/build-pulumi-cli.sh) and the Automation API with inline
// programs, against the test-double AWS provider of package
// tests/fakeaws. They also feed `pulumi stack export` to
// cmd/asyncroute-check and run the compiled policy pack (./policypack)
// inside the engine (`--policy-pack <executable>`). The tests are behind the build tag "engine", so that
// `go test ./...` does not need the CLI:
//
//	scripts/build-pulumi-cli.sh                 # ~7 min the first time
//	go test -vet=off -tags engine -timeout 30m ./tests/engine/...
//
// ASYNCROUTE_PULUMI_CLI overrides the CLI's path (default
// .tools/pulumi/v3.274.1/bin/pulumi in the repository). The YAML and
// TypeScript programs that use the component provider run when
// ASYNCROUTE_PULUMI_YAML and ASYNCROUTE_TYPESCRIPT say so (yaml_test.go,
// typescript_test.go).
package engine
