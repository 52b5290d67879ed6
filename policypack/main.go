// Command policypack is a Pulumi policy pack (Go, policyx) that runs the
// asyncpolicy rules on a stack during `pulumi preview` and `pulumi up`:
//
//	go build -o bin/asyncroute-policy ./policypack
//	pulumi preview --policy-pack ./bin/asyncroute-policy
//
// or, with the Go language host installed, `--policy-pack ./policypack`
// (PulumiPolicy.yaml has runtime: go). Each rule is one stack policy named
// after it ("async001-destination-permission", ...), so its enforcement
// level can be changed with `--policy-pack-config` like any other policy:
//
//	{"async003-failure-path-required": {"enforcementLevel": "mandatory"}}
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

func main() {
	if err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) { return NewPack() }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
