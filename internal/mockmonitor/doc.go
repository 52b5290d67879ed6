// Package mockmonitor runs a Pulumi Go program in-process under a
// recording mock resource monitor and returns what it registered as a
// [stackgraph.Graph]: no cloud account, no credentials, no Pulumi CLI.
// The offline planner (package plan) and the test helper (package
// asyncroutetest) are built on it.
//
//	g, err := mockmonitor.Run(program, mockmonitor.Preview(), mockmonitor.Config(map[string]string{"aws:region": "eu-west-1"}))
//
// The monitor answers like AWS would: ARNs, names, URLs and key ids in the
// real formats, in account [Account], in the region of the provider each
// resource or invoke uses (the `aws:region` stack config for the default
// provider, an explicit aws.Provider's `region` input), so that
// destinations and grants see realistic values.
//
// # Preview
//
// Under [Preview] the program runs as `pulumi preview` of a new stack does:
// the values AWS assigns at creation (ARNs, URLs, ids, key ids, versions)
// are unknown, and so is everything computed from them. The graph records
// every such value as [stackgraph.Unknown], in inputs and outputs and
// wherever it sits (a field of a nested object, an element of a list, a
// policy document that embeds an unknown ARN). The Go SDK leaves unknown
// values out of the inputs it hands a mock, so the monitor reads them from
// the registration request itself.
package mockmonitor
