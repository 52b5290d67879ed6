// Command pulumi-resource-asyncroute is the asyncroute component provider:
// it serves asyncroute:lambda:Function, asyncroute:lambda:AsyncInvoke and
// asyncroute:lambda:EventSourceMapping to Pulumi programs in YAML,
// TypeScript, Python and every other language, by calling the Go package
// github.com/asyncroute/asyncroute/components/asyncroute (see package
// github.com/asyncroute/asyncroute/provider).
//
// The engine starts it as a plugin: put the binary on PATH (or let
// `pulumi package add` build it from this folder's PulumiPlugin.yaml).
// `pulumi-resource-asyncroute -schema` prints the package schema.
package main

import (
	"fmt"
	"os"

	"github.com/asyncroute/asyncroute/provider"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-schema" {
		s, err := provider.Schema()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Stdout.Write(s)
		return
	}
	if err := provider.Main(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
