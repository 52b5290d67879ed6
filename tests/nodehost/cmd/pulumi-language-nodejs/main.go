// Command pulumi-language-nodejs is a TEST-ONLY Node.js language host (see
// package nodehost): it runs JavaScript programs with the runner of the
// @pulumi/pulumi npm package. It is built only by the engine tests, into a
// temporary folder that is put on PATH for those tests; never install it.
package main

import (
	"fmt"
	"os"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/asyncroute/asyncroute/tests/nodehost"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	args := os.Args[1:]
	host := &nodehost.Host{Engine: fakeaws.EngineAddress(args)}
	err := fakeaws.ServePlugin(args, func(srv *grpc.Server) { pulumirpc.RegisterLanguageRuntimeServer(srv, host) })
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (asyncroute test host): %v\n", err)
		os.Exit(1)
	}
}
