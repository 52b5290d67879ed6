package fakeaws

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
)

// testProvider is a provider on a fresh state file, with no role-policy
// delay, driven through its RPCs.
type testProvider struct {
	p          *Provider
	state, log string
}

func newTestProvider(t *testing.T, latency string) *testProvider {
	t.Helper()
	dir := t.TempDir()
	tp := &testProvider{state: filepath.Join(dir, "state.json"), log: filepath.Join(dir, "log.jsonl")}
	t.Setenv(EnvState, tp.state)
	t.Setenv(EnvLog, tp.log)
	t.Setenv(EnvRolePolicyDelay, "0s")
	t.Setenv(EnvLatency, latency)
	p, err := NewProvider()
	require.NoError(t, err)
	tp.p = p
	return tp
}

func testURN(typ, name string) string {
	return "urn:pulumi:test::proj::" + typ + "::" + name
}

func props(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := marshal(resource.NewPropertyMapFromMap(m))
	require.NoError(t, err)
	return s
}

// tryCreate creates a resource and returns its id and state.
func (tp *testProvider) tryCreate(t *testing.T, typ, name string, in map[string]any) (string, map[string]any, error) {
	t.Helper()
	resp, err := tp.p.Create(context.Background(), &pulumirpc.CreateRequest{Urn: testURN(typ, name), Type: typ, Properties: props(t, in)})
	if err != nil {
		return "", nil, err
	}
	m, err := unmarshal(resp.GetProperties())
	require.NoError(t, err)
	return resp.GetId(), Plain(m), nil
}

// create creates a resource, which must succeed, and returns its URN.
func (tp *testProvider) create(t *testing.T, typ, name string, in map[string]any) string {
	t.Helper()
	_, _, err := tp.tryCreate(t, typ, name, in)
	require.NoError(t, err)
	return testURN(typ, name)
}

func (tp *testProvider) update(t *testing.T, typ, name, id string, olds, news map[string]any) error {
	t.Helper()
	_, err := tp.p.Update(context.Background(), &pulumirpc.UpdateRequest{Urn: testURN(typ, name), Type: typ, Id: id,
		Olds: props(t, olds), News: props(t, news), OldInputs: props(t, olds)})
	return err
}

func (tp *testProvider) delete(t *testing.T, typ, urn, id string) {
	t.Helper()
	_, err := tp.p.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: urn, Type: typ, Id: id})
	require.NoError(t, err)
}

// policyJSON renders an Allow statement per (action, resource) pair.
func policyJSON(pairs ...[2]string) string {
	var st []map[string]any
	for _, p := range pairs {
		st = append(st, map[string]any{"Effect": "Allow", "Action": []string{p[0]}, "Resource": []string{p[1]}})
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": st})
	return string(b)
}

// records returns the stored records of a type.
func (tp *testProvider) records(t *testing.T, typ string) []*Record {
	t.Helper()
	s, err := LoadState(tp.state)
	require.NoError(t, err)
	return s.OfType(typ)
}

// ops reads the provider's log.
func (tp *testProvider) ops(t *testing.T) []Op {
	t.Helper()
	ops, err := ReadLog(tp.log)
	require.NoError(t, err)
	return ops
}
