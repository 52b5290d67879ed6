package provider

import (
	"context"
	"fmt"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/internal/programscope"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Server is the provider's gRPC service: GetSchema, Construct and the
// handshakes around them. It has no custom resources, so the engine never
// calls Check, Diff, Create, Update, Read or Delete on it.
type Server struct {
	pulumirpc.UnimplementedResourceProviderServer

	engine *grpc.ClientConn
	schema string
}

// NewServer makes the service; engine is the connection to the engine
// (the provider host's EngineConn), used for log messages.
func NewServer(engine *grpc.ClientConn) (*Server, error) {
	s, err := Schema()
	if err != nil {
		return nil, err
	}
	return &Server{engine: engine, schema: string(s)}, nil
}

// Main serves the provider; the binary's main calls it.
func Main() error {
	return pulumiprovider.Main(Name, func(host *pulumiprovider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return NewServer(host.EngineConn())
	})
}

// GetPluginInfo reports the provider's version.
func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// GetSchema returns the package schema (the same bytes as schema.json).
func (s *Server) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	if v := req.GetVersion(); v != 0 {
		return nil, fmt.Errorf("unsupported schema version %d", v)
	}
	return &pulumirpc.GetSchemaResponse{Schema: s.schema}, nil
}

// CheckConfig accepts the provider's (empty) configuration.
func (s *Server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig reports no change: the provider has no configuration.
func (s *Server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure accepts secrets, resource references and output values, so
// that a destination's ARN keeps its dependencies and secrecy.
func (s *Server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{
		AcceptSecrets:   true,
		SupportsPreview: true,
		AcceptResources: true,
		AcceptOutputs:   true,
	}, nil
}

// Attach connects an already running provider to the engine (debugging).
func (s *Server) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	host, err := pulumiprovider.NewHostClient(req.GetAddress())
	if err != nil {
		return nil, err
	}
	s.engine = host.EngineConn()
	return &emptypb.Empty{}, nil
}

// Cancel has nothing to stop.
func (s *Server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Construct builds one component by calling the Go package's constructor.
//
// The SDK gives every Construct call a Context of its own; the components
// of one program keep some state per program (one invoke config per
// function and qualifier, unique resource hook names), so each Context is
// marked with the deployment it belongs to: this server, the engine's
// resource monitor endpoint (which every Construct call of one deployment
// shares), the project, the stack and whether it is a preview.
func (s *Server) Construct(ctx context.Context, req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructResponse, error) {
	program := fmt.Sprintf("%p|%s|%s|%s|%t", s, req.GetMonitorEndpoint(), req.GetProject(), req.GetStack(), req.GetDryRun())
	resp, err := pulumiprovider.Construct(ctx, req, s.engine, func(pctx *pulumi.Context, typ, name string,
		inputs pulumiprovider.ConstructInputs, options pulumi.ResourceOption,
	) (*pulumiprovider.ConstructResult, error) {
		pctx = programscope.WithRender(programscope.With(pctx, program), func(err error) string { return schemaMessage(err).Error() })
		return construct(pctx, typ, name, inputs, options)
	})
	if err != nil {
		// A value checked at deploy time fails inside an output, which
		// the SDK reports while it waits for the component's children:
		// the same fault, in the schema's words.
		return nil, schemaMessage(err)
	}
	return resp, nil
}

// construct decodes the inputs into the schema's args struct, converts
// them to the Go package's and calls its constructor: the component it
// registers (type token asyncroute:lambda:<Name>) is the one the program
// asked for, and its pulumi-tagged outputs are the component's state.
func construct(ctx *pulumi.Context, typ, name string, inputs pulumiprovider.ConstructInputs,
	options pulumi.ResourceOption,
) (*pulumiprovider.ConstructResult, error) {
	var (
		res pulumi.ComponentResource
		err error
	)
	switch typ {
	case Token("Function"):
		var in FunctionArgs
		if err := inputs.CopyTo(&in); err != nil {
			return nil, fmt.Errorf("asyncroute: Function %q: reading the inputs: %w", name, err)
		}
		args, cerr := toFunctionArgs(name, &in)
		if cerr != nil {
			return nil, schemaMessage(cerr)
		}
		res, err = asyncroute.NewFunction(ctx, name, args, options)
	case Token("AsyncInvoke"):
		var in AsyncInvokeArgs
		if err := inputs.CopyTo(&in); err != nil {
			return nil, fmt.Errorf("asyncroute: AsyncInvoke %q: reading the inputs: %w", name, err)
		}
		args, cerr := toAsyncInvokeArgs(name, &in)
		if cerr != nil {
			return nil, schemaMessage(cerr)
		}
		res, err = asyncroute.NewAsyncInvoke(ctx, name, args, options)
	case Token("EventSourceMapping"):
		var in EventSourceMappingArgs
		if err := inputs.CopyTo(&in); err != nil {
			return nil, fmt.Errorf("asyncroute: EventSourceMapping %q: reading the inputs: %w", name, err)
		}
		args, cerr := toEventSourceMappingArgs(name, &in)
		if cerr != nil {
			return nil, schemaMessage(cerr)
		}
		res, err = asyncroute.NewEventSourceMapping(ctx, name, args, options)
	default:
		return nil, fmt.Errorf("asyncroute: unknown resource type %q; this provider constructs %s, %s and %s",
			typ, Token("Function"), Token("AsyncInvoke"), Token("EventSourceMapping"))
	}
	if err != nil {
		return nil, schemaMessage(err)
	}
	return pulumiprovider.NewConstructResult(res)
}
