package provider

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// This file is a stand-in for the engine, just enough to call the
// provider's Construct in-process: a resource monitor that answers with
// package asyncroutetest's mocks (the same AWS-shaped outputs the Go
// package's own tests see) and records every registration, and an engine
// service for the root resource and log messages.

const (
	testProject = "asyncroute"
	testStack   = "test"
)

var stackURN = string(resource.NewURN(testStack, testProject, "", resource.RootStackType, testProject+"-"+testStack))

type fakeMonitor struct {
	pulumirpc.UnimplementedResourceMonitorServer
	mocks *asyncroutetest.Mocks

	mu         sync.Mutex
	hooks      []string // resource hook names, in the order they were registered
	errorHooks []string // error hook names, likewise
}

func (m *fakeMonitor) SupportsFeature(_ context.Context, req *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	// As the SDK's own mock monitor: no output values, so that recorded
	// inputs are plain values.
	return &pulumirpc.SupportsFeatureResponse{HasSupport: req.GetId() != "outputValues"}, nil
}

func (m *fakeMonitor) Invoke(_ context.Context, req *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(req.GetArgs(), plugin.MarshalOptions{KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	out, err := m.mocks.Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args, Provider: req.GetProvider()})
	if err != nil {
		return nil, err
	}
	ret, err := plugin.MarshalProperties(out, plugin.MarshalOptions{KeepSecrets: true})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ResourceInvokeResponse{Return: ret}, nil
}

func (m *fakeMonitor) RegisterResource(_ context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	// What the engine refuses (pkg/v3 resource/deploy source_eval.go):
	// a dependency that is not a URN, and hooks it does not know.
	for _, dep := range req.GetDependencies() {
		if _, err := resource.ParseURN(dep); err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "invalid dependency URN: %v", err)
		}
	}
	for _, deps := range req.GetPropertyDependencies() {
		for _, dep := range deps.GetUrns() {
			if _, err := resource.ParseURN(dep); err != nil {
				return nil, status.Errorf(codes.InvalidArgument, "invalid property dependency URN: %v", err)
			}
		}
	}
	if b := req.GetHooks(); b != nil {
		for _, name := range b.GetBeforeUpdate() {
			if !m.hasHook(name) {
				return nil, status.Errorf(codes.InvalidArgument, "resource hook %q is not registered", name)
			}
		}
	}
	// Unknown values are dropped, as the SDK's mock monitor drops them.
	inputs, err := plugin.UnmarshalProperties(req.GetObject(), plugin.MarshalOptions{KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	id, state, err := m.mocks.NewResource(pulumi.MockResourceArgs{
		TypeToken: req.GetType(), Name: req.GetName(), Inputs: inputs, Provider: req.GetProvider(),
		Custom: req.GetCustom(), RegisterRPC: req,
	})
	if err != nil {
		return nil, err
	}
	parentType := tokens.Type("")
	if p := resource.URN(req.GetParent()); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	urn := resource.NewURN(testStack, testProject, parentType, tokens.Type(req.GetType()), req.GetName())
	obj, err := plugin.MarshalProperties(state, plugin.MarshalOptions{KeepSecrets: true, KeepResources: true, KeepUnknowns: true})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.RegisterResourceResponse{Urn: string(urn), Id: id, Object: obj}, nil
}

func (m *fakeMonitor) RegisterResourceOutputs(context.Context, *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// RegisterResourceHook refuses a second hook of one name, as the engine
// does (pkg/v3 resource/deploy resource_hooks.go) for one deployment.
func (m *fakeMonitor) RegisterResourceHook(_ context.Context, req *pulumirpc.RegisterResourceHookRequest) (*emptypb.Empty, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, h := range m.hooks {
		if h == req.GetName() {
			return nil, fmt.Errorf("resource hook already registered for name %q", h)
		}
	}
	m.hooks = append(m.hooks, req.GetName())
	return &emptypb.Empty{}, nil
}

// RegisterErrorHook refuses a second error hook of one name, as the engine
// does for resource hooks.
func (m *fakeMonitor) RegisterErrorHook(_ context.Context, req *pulumirpc.RegisterErrorHookRequest) (*emptypb.Empty, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, h := range m.errorHooks {
		if h == req.GetName() {
			return nil, fmt.Errorf("error hook already registered for name %q", h)
		}
	}
	m.errorHooks = append(m.errorHooks, req.GetName())
	return &emptypb.Empty{}, nil
}

func (m *fakeMonitor) hasHook(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.hooks, name)
}

func (m *fakeMonitor) hookNames() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(slices.Values(m.hooks))
}

func (m *fakeMonitor) SignalAndWaitForShutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

type fakeEngine struct {
	pulumirpc.UnimplementedEngineServer
	mu   sync.Mutex
	logs []string
}

func (e *fakeEngine) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.logs = append(e.logs, req.GetSeverity().String()+": "+req.GetMessage())
	return &emptypb.Empty{}, nil
}

// logged is what the program logged so far, each "SEVERITY: message".
func (e *fakeEngine) logged() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.logs...)
}

func (e *fakeEngine) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	return &pulumirpc.GetRootResourceResponse{Urn: stackURN}, nil
}

func (e *fakeEngine) SetRootResource(context.Context, *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	return &pulumirpc.SetRootResourceResponse{}, nil
}

// world is one fake engine with its monitor and a provider server: one
// deployment of one program.
type world struct {
	t       *testing.T
	mocks   *asyncroutetest.Mocks
	engine  *fakeEngine
	fake    *fakeMonitor
	server  *Server
	monitor string // the monitor's address
	preview bool
}

func serve(t *testing.T, register func(*grpc.Server)) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	register(srv)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func newWorld(t *testing.T, preview bool) *world {
	t.Helper()
	w := &world{t: t, preview: preview, mocks: &asyncroutetest.Mocks{Project: testProject, Stack: testStack, Preview: preview}, engine: &fakeEngine{}}
	w.fake = &fakeMonitor{mocks: w.mocks}
	w.monitor = serve(t, func(s *grpc.Server) { pulumirpc.RegisterResourceMonitorServer(s, w.fake) })
	engineAddr := serve(t, func(s *grpc.Server) { pulumirpc.RegisterEngineServer(s, w.engine) })
	conn, err := grpc.NewClient(engineAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	w.server, err = NewServer(conn)
	require.NoError(t, err)
	return w
}

// construct calls the provider's Construct with plain inputs (values as
// a YAML program would send them: strings, float64 numbers, bools, maps,
// lists, resource.Archive).
func (w *world) construct(typ, name string, inputs map[string]any) (*pulumirpc.ConstructResponse, error) {
	w.t.Helper()
	return w.constructWith(typ, name, inputs, nil, nil)
}

// constructWith is construct with the dependencies a program sends: per
// input (what a YAML program's ${other.output} carries) and the
// resource's dependsOn.
func (w *world) constructWith(typ, name string, inputs map[string]any, inputDeps map[string][]string, dependsOn []string) (*pulumirpc.ConstructResponse, error) {
	w.t.Helper()
	props := resource.NewPropertyMapFromMap(inputs)
	st, err := plugin.MarshalProperties(props, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true})
	require.NoError(w.t, err)
	deps := map[string]*pulumirpc.ConstructRequest_PropertyDependencies{}
	for k, urns := range inputDeps {
		deps[k] = &pulumirpc.ConstructRequest_PropertyDependencies{Urns: urns}
	}
	return w.server.Construct(context.Background(), &pulumirpc.ConstructRequest{
		InputDependencies: deps,
		Dependencies:      dependsOn,
		Project:           testProject,
		Stack:             testStack,
		DryRun:            w.preview,
		Parallel:          4,
		MonitorEndpoint:   w.monitor,
		Type:              typ,
		Name:              name,
		Inputs:            st,
		// The engine gives a top-level component the stack as its parent.
		Parent: stackURN,
	})
}
