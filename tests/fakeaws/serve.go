package fakeaws

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Serve runs the provider as a Pulumi plugin: it listens on a free port,
// prints the port on stdout (the plugin protocol) and serves until the
// engine goes away or sends SIGINT. args are the command-line arguments
// after the program name: engine flags, then the engine's address.
func Serve(args []string) error {
	prov, err := NewProvider()
	if err != nil {
		return err
	}
	return ServeProvider(args, prov)
}

// ServeProvider serves prov as Serve serves the test double: for a
// program that wraps the Provider (one that adds a schema, say).
func ServeProvider(args []string, prov pulumirpc.ResourceProviderServer) error {
	return ServePlugin(args, func(srv *grpc.Server) { pulumirpc.RegisterResourceProviderServer(srv, prov) })
}

// ServePlugin runs a test plugin of any kind (a provider, a language
// host) under the plugin protocol: register adds its gRPC service; it
// listens on a free port, prints the port on stdout and serves until the
// engine whose address ends args stops answering or SIGINT arrives.
func ServePlugin(args []string, register func(*grpc.Server)) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if addr := EngineAddress(args); addr != "" {
		// Stop when the engine stops answering.
		if err := rpcutil.Healthcheck(ctx, addr, 5*time.Minute, cancel); err != nil {
			return fmt.Errorf("health check of the engine at %s: %w", addr, err)
		}
	}
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			register(srv)
			return nil
		},
	})
	if err != nil {
		return err
	}
	fmt.Printf("%d\n", handle.Port)
	return <-handle.Done
}

// EngineAddress picks the engine's address out of a plugin's arguments
// (flags such as -v=9, --logtostderr or --tracing URL come first).
func EngineAddress(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--tracing" || a == "-tracing" || a == "--root" || a == "-root":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return a
		}
	}
	return ""
}
