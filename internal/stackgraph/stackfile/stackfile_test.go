package stackfile_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/asyncroute/asyncroute/internal/stackgraph/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValuesOfAnExport(t *testing.T) {
	g, f, err := stackfile.Decode([]byte(`{"version": 3, "deployment": {"resources": [
	  {"urn": "urn:pulumi:dev::shop::aws:lambda/function:Function::orders", "type": "aws:lambda/function:Function",
	   "inputs": {"name": "orders"},
	   "outputs": {
	     "plain": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": "{\"a\":[1,\"x\"]}"},
	     "hidden": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"},
	     "ref": {"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::shop::aws:iam/role:Role::r", "id": "r-123"},
	     "component": {"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::shop::my:index:C::c"},
	     "out": {"4dabf18193072939515e22adb298388d": "d0e6a833031e9bbcd3f4e8bde6ca49a4", "value": "known"},
	     "outUnknown": {"4dabf18193072939515e22adb298388d": "d0e6a833031e9bbcd3f4e8bde6ca49a4"},
	     "unknowns": ["04da6b54-80e4-46f7-96ec-b56ff0331ba9", "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "[secret]"],
	     "n": 3,
	     "nested": {"destinationConfig": {"onFailure": {"destination": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}, "gone": null},
	     "code": {"4dabf18193072939515e22adb298388d": "0def7320c3a5731c473e5ecbe6d01bc7", "path": "./handler", "hash": "abc"},
	     "file": {"4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", "uri": "https://example.com/a.txt"},
	     "secretOut": {"4dabf18193072939515e22adb298388d": "d0e6a833031e9bbcd3f4e8bde6ca49a4", "value": "s", "secret": true}
	   },
	   "custom": true, "id": "orders", "provider": "urn:pulumi:dev::shop::pulumi:providers:aws::default::abc", "protect": true},
	  {"urn": "urn:pulumi:dev::shop::aws:sqs/queue:Queue::old", "type": "aws:sqs/queue:Queue", "delete": true}
	]}}`))
	require.NoError(t, err)
	assert.Equal(t, stackfile.StackExport, f)
	require.Len(t, g.Resources, 1, "resources pending deletion are left out")
	r := g.Resources[0]
	assert.Equal(t, "orders", r.Name)
	out := r.Outputs
	assert.Equal(t, map[string]any{"a": []any{1.0, "x"}}, out["plain"])
	assert.Equal(t, stackgraph.Unknown{}, out["hidden"])
	assert.Equal(t, "urn:pulumi:dev::shop::aws:iam/role:Role::r", out["ref"], "a reference is its URN, as in every graph")
	assert.Equal(t, "urn:pulumi:dev::shop::my:index:C::c", out["component"])
	assert.Equal(t, "known", out["out"])
	assert.Equal(t, stackgraph.Unknown{}, out["outUnknown"])
	assert.Equal(t, []any{stackgraph.Unknown{}, stackgraph.Unknown{}, stackgraph.Unknown{}}, out["unknowns"])
	assert.Equal(t, 3.0, out["n"])
	assert.Equal(t, map[string]any{"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": stackgraph.Unknown{}}}}, out["nested"],
		"unknowns nested in objects; null fields are left out")
	assert.Equal(t, "archive:./handler", out["code"])
	assert.Equal(t, "asset:https://example.com/a.txt", out["file"])
	assert.Equal(t, "s", out["secretOut"])
	assert.Equal(t, map[string]any{"name": "orders"}, r.Inputs)
	assert.True(t, r.Custom)
	assert.True(t, r.Protect)
	assert.Equal(t, "orders", r.ID)
	assert.Equal(t, "urn:pulumi:dev::shop::pulumi:providers:aws::default::abc", r.Provider)
	assert.Same(t, r, g.ByURN(r.URN), "the graph is indexed")
}

func TestCheckpointFile(t *testing.T) {
	g, f, err := stackfile.Decode([]byte(`{"version": 3, "checkpoint": {"stack": "organization/shop/dev", "latest": {"resources": [
	  {"urn": "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev", "type": "pulumi:pulumi:Stack"}]}}}`))
	require.NoError(t, err)
	assert.Equal(t, stackfile.StackExport, f)
	assert.Len(t, g.Resources, 1)

	g, _, err = stackfile.Decode([]byte(`{"version": 3, "checkpoint": {"stack": "organization/shop/dev"}}`))
	require.NoError(t, err)
	assert.Empty(t, g.Resources, "a stack that was never deployed")
}

func TestPreviewSteps(t *testing.T) {
	const urn = "urn:pulumi:dev::shop::aws:sqs/queue:Queue::q"
	g, f, err := stackfile.Decode([]byte(`{"steps": [
	  {"op": "create-replacement", "urn": "` + urn + `", "newState": {"urn": "` + urn + `", "type": "aws:sqs/queue:Queue", "inputs": {"fifoQueue": true}}},
	  {"op": "replace", "urn": "` + urn + `", "oldState": {"urn": "` + urn + `", "type": "aws:sqs/queue:Queue"}, "newState": {"urn": "` + urn + `", "type": "aws:sqs/queue:Queue", "inputs": {"fifoQueue": true}}},
	  {"op": "delete-replaced", "urn": "` + urn + `", "oldState": {"urn": "` + urn + `", "type": "aws:sqs/queue:Queue"}},
	  {"op": "delete", "urn": "urn:pulumi:dev::shop::aws:sqs/queue:Queue::gone", "oldState": {"urn": "urn:pulumi:dev::shop::aws:sqs/queue:Queue::gone", "type": "aws:sqs/queue:Queue"}},
	  {"op": "same", "urn": "urn:pulumi:dev::shop::aws:sqs/queue:Queue::kept", "oldState": {"urn": "urn:pulumi:dev::shop::aws:sqs/queue:Queue::kept", "type": "aws:sqs/queue:Queue"}}
	]}`))
	require.NoError(t, err)
	assert.Equal(t, stackfile.Preview, f)
	require.Len(t, g.Resources, 2)
	assert.Equal(t, urn, g.Resources[0].URN)
	assert.Equal(t, true, g.Resources[0].Inputs["fifoQueue"], "the replacement's new state is kept")
	assert.Equal(t, "kept", g.Resources[1].Name, "a step with only an old state still describes the resource")

	_, _, err = stackfile.Decode([]byte(`{"steps": [{"op": "create", "urn": "urn:a::b", "newState": {"urn": "urn:c::d", "type": "t"}}]}`))
	assert.ErrorContains(t, err, `steps[0]: step urn "urn:a::b" and newState urn "urn:c::d" differ`)
	_, _, err = stackfile.Decode([]byte(`{"steps": {"op": "create"}}`))
	assert.ErrorContains(t, err, "steps: expected a list of steps")
	_, _, err = stackfile.Decode([]byte(`{"steps": [{"op": "create", "newState": {"urn": "urn:a::b"}}]}`))
	assert.ErrorContains(t, err, `steps[0].newState (urn:a::b): the resource has no "type"`)
}

func TestPlanJSON(t *testing.T) {
	const (
		comp   = "urn:pulumi:dev::shop::asyncroute:lambda:Function::orders"
		role   = "urn:pulumi:dev::shop::asyncroute:lambda:Function$aws:iam/role:Role::orders-role"
		policy = "urn:pulumi:dev::shop::asyncroute:lambda:Function$aws:iam/rolePolicy:RolePolicy::orders-async-grants"
	)
	g, f, err := stackfile.Decode([]byte(`{"project": "shop", "stack": "dev", "account": "123456789012", "region": "us-east-1",
	  "resources": [
	    {"urn": "` + comp + `", "type": "asyncroute:lambda:Function", "name": "orders", "component": true, "inputs": {"maxRetries": 1}, "dependencies": []},
	    {"urn": "` + role + `", "type": "aws:iam/role:Role", "name": "orders-role", "parent": "` + comp + `", "id": "orders-role-1",
	     "inputs": {"tags": {"app": "orders"}}, "outputs": {"arn": "arn:aws:iam::123456789012:role/orders-role-1", "name": "orders-role-1"}, "dependencies": []},
	    {"urn": "` + policy + `", "type": "aws:iam/rolePolicy:RolePolicy", "name": "orders-async-grants", "parent": "` + comp + `",
	     "inputs": {"policy": "<unknown until deploy>", "role": "orders-role-1", "list": ["a", "<unknown until deploy>", null], "nested": {"x": {"y": "<unknown until deploy>"}, "gone": null}},
	     "outputs": {"policy": "<unknown until deploy>"},
	     "dependencies": ["` + role + `"], "propertyDependencies": {"role": ["` + role + `"]}}
	  ],
	  "outputs": {"functionName": "<unknown until deploy>"}, "policies": [], "creationOrder": [], "routes": [], "findings": []}`))
	require.NoError(t, err)
	assert.Equal(t, stackfile.Plan, f)
	assert.Equal(t, "plan", string(f))
	require.Len(t, g.Resources, 3)

	c := g.ByURN(comp)
	require.NotNil(t, c)
	assert.False(t, c.Custom, "a component")
	assert.Equal(t, "", c.Parent, "a child of the stack")
	assert.Nil(t, c.Dependencies)
	assert.Nil(t, c.Outputs)
	assert.Equal(t, map[string]any{"maxRetries": 1.0}, c.Inputs)

	r := g.ByURN(role)
	assert.True(t, r.Custom)
	assert.Equal(t, comp, r.Parent)
	assert.Equal(t, "orders-role-1", r.ID)
	assert.Equal(t, "aws:iam/role:Role", r.Type)
	assert.Equal(t, "orders-role", r.Name)
	assert.Equal(t, map[string]any{"tags": map[string]any{"app": "orders"}}, r.Inputs)
	assert.Equal(t, "orders-role-1", r.Outputs["name"])

	p := g.ByURN(policy)
	assert.Equal(t, stackgraph.Unknown{}, p.Inputs["policy"], "the plan's unknown marker is read back")
	assert.Equal(t, []any{"a", stackgraph.Unknown{}, nil}, p.Inputs["list"])
	assert.Equal(t, map[string]any{"x": map[string]any{"y": stackgraph.Unknown{}}}, p.Inputs["nested"], "nulls of objects are left out")
	assert.Equal(t, stackgraph.Unknown{}, p.Outputs["policy"])
	assert.Equal(t, []string{role}, p.Dependencies)
	assert.Equal(t, map[string][]string{"role": {role}}, p.PropertyDependencies)
	assert.Equal(t, "", p.ID, "no id at preview")
	assert.True(t, g.DependsOn(p, r))

	g, f, err = stackfile.Decode([]byte(`{"resources": [], "creationOrder": []}`))
	require.NoError(t, err)
	assert.Equal(t, stackfile.Plan, f)
	assert.Empty(t, g.Resources)

	for in, want := range map[string]string{
		`{"resources": {}, "creationOrder": []}`:                                 "resources: expected a list of resources",
		`{"resources": [{"type": "t"}], "creationOrder": []}`:                    `resources[0]: the resource has no "urn"`,
		`{"resources": [{"urn": "urn:a::b"}], "creationOrder": []}`:              `resources[0] (urn:a::b): the resource has no "type"`,
		`{"resources": [{"urn": "urn:a::b", "inputs": 3}], "creationOrder": []}`: "resources[0]: json: cannot unmarshal number",
		`{"resources": []}`: `neither "deployment" (pulumi stack export), "steps" (pulumi preview --json) nor "resources" and "creationOrder" (go run . plan -json); its keys are resources`,
	} {
		_, _, err := stackfile.Decode([]byte(in))
		assert.ErrorContains(t, err, want, in)
	}
}
