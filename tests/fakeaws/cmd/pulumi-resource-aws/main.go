// Command pulumi-resource-aws is a TEST DOUBLE of the Pulumi AWS provider
// plugin (see package fakeaws). It is built only by the engine tests, into a
// temporary folder that is put on PATH for those tests; never install it.
package main

import (
	"fmt"
	"os"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
)

func main() {
	if err := fakeaws.Serve(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-aws (fakeaws test double): %v\n", err)
		os.Exit(1)
	}
}
