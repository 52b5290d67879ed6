package main

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// startAnalyzer serves the pack the way the engine launches it (policyx.Main
// prints the port it listens on) and returns a client.
func startAnalyzer(t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	go func() {
		_ = policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) { return NewPack() })
	}()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- s
	}()
	var port string
	select {
	case port = <-line:
	case <-time.After(20 * time.Second):
		t.Fatal("the analyzer did not print its port")
	}
	os.Stdout = stdout
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

func marshal(t *testing.T, m map[string]any) *pulumirpc.AnalyzerResource {
	t.Helper()
	props := resource.NewPropertyMapFromMap(m)
	for k, v := range props {
		if s, ok := v.V.(string); ok && s == "<computed>" {
			props[k] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	}
	st, err := plugin.MarshalProperties(props, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
	require.NoError(t, err)
	return &pulumirpc.AnalyzerResource{Properties: st}
}

// The pack speaks the analyzer protocol: the engine's handshake, stack
// configuration, policy listing and AnalyzeStack.
func TestAnalyzerProtocol(t *testing.T) {
	client := startAnalyzer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	root := t.TempDir()
	_, err := client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &root})
	require.NoError(t, err)
	_, err = client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "dev", Project: "shop", DryRun: true})
	require.NoError(t, err)

	info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, "asyncroute", info.GetName())
	require.Len(t, info.GetPolicies(), 10)
	assert.Equal(t, "async001-destination-permission", info.GetPolicies()[0].GetName())
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, info.GetPolicies()[0].GetEnforcementLevel())

	const p = "urn:pulumi:dev::shop::"
	res := func(urn, typ string, props map[string]any, pdeps map[string][]string) *pulumirpc.AnalyzerResource {
		r := marshal(t, props)
		r.Urn, r.Type, r.Name = p+urn, typ, urn[strings.LastIndex(urn, "::")+2:]
		for k, v := range pdeps {
			r.PropertyDependencies = map[string]*pulumirpc.AnalyzerPropertyDependencies{k: {Urns: v}}
		}
		return r
	}
	resources := []*pulumirpc.AnalyzerResource{
		res("aws:iam/role:Role::orders-role", "aws:iam/role:Role", map[string]any{"name": "orders-role", "arn": "<computed>"}, nil),
		res("aws:sqs/queue:Queue::jobs", "aws:sqs/queue:Queue", map[string]any{"name": "jobs.fifo", "fifoQueue": true, "arn": "<computed>"}, nil),
		res("aws:lambda/function:Function::orders", "aws:lambda/function:Function", map[string]any{"name": "orders", "role": "<computed>", "arn": "<computed>"},
			map[string][]string{"role": {p + "aws:iam/role:Role::orders-role"}}),
		res("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::orders-async", "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
			map[string]any{"functionName": "orders", "destinationConfig": map[string]any{"onFailure": map[string]any{"destination": "arn:aws:sqs:eu-west-1:210987654321:jobs.fifo"}}},
			map[string][]string{"destinationConfig": {p + "aws:sqs/queue:Queue::jobs"}}),
	}
	resp, err := client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: resources})
	require.NoError(t, err)
	// The role has no policy at all: the grant is missing (ASYNC001), and
	// the queue is FIFO (ASYNC002); no alarm watches the config's delivery
	// failures (ASYNC007, advisory).
	require.Len(t, resp.GetDiagnostics(), 3)
	assert.Equal(t, "async007-delivery-failures-alarm", resp.GetDiagnostics()[2].GetPolicyName())
	assert.Equal(t, pulumirpc.EnforcementLevel_ADVISORY, resp.GetDiagnostics()[2].GetEnforcementLevel())
	for i, want := range []struct{ policy, text string }{
		{"async001-destination-permission", `does not allow sqs:SendMessage on arn:aws:sqs:eu-west-1:210987654321:jobs.fifo`},
		{"async002-destination-validity", `field destinationConfig.onFailure.destination: SQS queue "jobs" is FIFO; allowed: a standard SQS queue or SNS topic`},
	} {
		d := resp.GetDiagnostics()[i]
		assert.Equal(t, want.policy, d.GetPolicyName())
		assert.Equal(t, "asyncroute", d.GetPolicyPackName())
		assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, d.GetEnforcementLevel())
		assert.Equal(t, p+"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::orders-async", d.GetUrn())
		assert.Contains(t, d.GetMessage(), want.text)
	}

	// Configured as the engine does from --policy-pack-config: a policy
	// turned off is not run, another one's level changes.
	_, err = client.Configure(ctx, &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: map[string]*pulumirpc.PolicyConfig{
		"async001-destination-permission":  {EnforcementLevel: pulumirpc.EnforcementLevel_DISABLED},
		"async002-destination-validity":    {EnforcementLevel: pulumirpc.EnforcementLevel_ADVISORY},
		"async007-delivery-failures-alarm": {EnforcementLevel: pulumirpc.EnforcementLevel_DISABLED},
	}})
	require.NoError(t, err)
	resp, err = client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: resources})
	require.NoError(t, err)
	require.Len(t, resp.GetDiagnostics(), 1)
	assert.Equal(t, "async002-destination-validity", resp.GetDiagnostics()[0].GetPolicyName())
	assert.Equal(t, pulumirpc.EnforcementLevel_ADVISORY, resp.GetDiagnostics()[0].GetEnforcementLevel())
}
