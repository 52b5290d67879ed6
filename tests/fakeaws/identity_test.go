package fakeaws

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The double refuses or merges what AWS refuses or merges where a
// replacement or a rewrite of a stack would otherwise pass silently.

// TestNamesAreUnique: a role's name is taken in the account, in every
// region and whatever its case (EntityAlreadyExists); a function's name in
// the account and region (ResourceConflictException).
func TestNamesAreUnique(t *testing.T) {
	tp := newTestProvider(t, "")
	tp.create(t, typeRole, "r", map[string]any{"name": "Shared-Role"})

	_, _, err := tp.tryCreate(t, typeRole, "r2", map[string]any{"name": "shared-role"})
	require.Error(t, err, "role names are case-insensitive")
	assert.Contains(t, err.Error(), "creating IAM Role (shared-role): operation error IAM: CreateRole, https response error StatusCode: 409")
	assert.Contains(t, err.Error(), "EntityAlreadyExists: Role with name shared-role already exists.")
	tp.p.setPlace("eu-west-1", "")
	_, _, err = tp.tryCreate(t, typeRole, "r3", map[string]any{"name": "SHARED-ROLE"})
	require.Error(t, err, "role names are global: another region's provider cannot take one")
	assert.Contains(t, err.Error(), "EntityAlreadyExists: Role with name SHARED-ROLE already exists.")
	tp.p.setPlace("", "")
	assert.Len(t, tp.records(t, typeRole), 1)

	tp.create(t, typeFunction, "f", map[string]any{"name": "fn", "role": roleArn("/", "Shared-Role")})
	_, _, err = tp.tryCreate(t, typeFunction, "f2", map[string]any{"name": "fn", "role": roleArn("/", "Shared-Role")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "creating Lambda Function (fn): operation error Lambda: CreateFunction, https response error StatusCode: 409")
	assert.Contains(t, err.Error(), "ResourceConflictException: Function already exist: fn")
	assert.Len(t, tp.records(t, typeFunction), 1)
}

func TestQueueAndTopicCreatesReturnTheExistingOne(t *testing.T) {
	tp := newTestProvider(t, "")
	first, _, err := tp.tryCreate(t, typeQueue, "a", map[string]any{"name": "jobs", "visibilityTimeoutSeconds": 30.0})
	require.NoError(t, err)
	same, _, err := tp.tryCreate(t, typeQueue, "b", map[string]any{"name": "jobs"})
	require.NoError(t, err, "the same attributes (30 s is the default): the existing queue")
	assert.Equal(t, first, same)
	assert.Len(t, tp.records(t, typeQueue), 1, "one queue for both resources")

	_, _, err = tp.tryCreate(t, typeQueue, "c", map[string]any{"name": "jobs", "messageRetentionSeconds": 60.0})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "creating SQS Queue (jobs): operation error SQS: CreateQueue, https response error StatusCode: 400")
	assert.Contains(t, err.Error(), "QueueAlreadyExists: A queue already exists with the same name and a different value for attribute MessageRetentionPeriod")

	tp.delete(t, typeQueue, testURN(typeQueue, "b"), same)
	assert.Empty(t, tp.records(t, typeQueue), "deleting either resource deletes the shared queue")

	t1, _, err := tp.tryCreate(t, typeTopic, "t1", map[string]any{"name": "alerts"})
	require.NoError(t, err)
	t2, _, err := tp.tryCreate(t, typeTopic, "t2", map[string]any{"name": "alerts"})
	require.NoError(t, err)
	assert.Equal(t, t1, t2)
	assert.Len(t, tp.records(t, typeTopic), 1)
}

// TestOneInvokeConfigPerFunctionAndQualifier: a create puts the config
// (overwriting another resource's), a delete removes it whoever asks, and
// a function's delete removes its configs.
func TestOneInvokeConfigPerFunctionAndQualifier(t *testing.T) {
	tp := newTestProvider(t, "")
	tp.create(t, typeRole, "r", map[string]any{"name": "r"})
	tp.create(t, typeRolePolicy, "p", map[string]any{"role": "r", "name": "p", "policy": policyJSON(sqsSend)})
	tp.create(t, typeFunction, "f", map[string]any{"name": "fn", "role": roleArn("/", "r")})
	dest := map[string]any{"onFailure": map[string]any{"destination": qArn("q")}}

	old, _, err := tp.tryCreate(t, typeInvokeConfig, "old", map[string]any{"functionName": "fn", "destinationConfig": dest})
	require.NoError(t, err)
	assert.Equal(t, "fn", old)
	// The same object named another way: the ARN and an explicit $LATEST.
	id, _, err := tp.tryCreate(t, typeInvokeConfig, "new", map[string]any{"functionName": fnArn("fn"), "qualifier": "$LATEST", "maximumRetryAttempts": 1.0})
	require.NoError(t, err)
	configs := tp.records(t, typeInvokeConfig)
	require.Len(t, configs, 1, "the put overwrote the other resource's config")
	assert.Equal(t, testURN(typeInvokeConfig, "new"), configs[0].URN)
	assert.Nil(t, configs[0].Inputs["destinationConfig"], "settings left out are gone (Put replaces the whole config)")

	tp.delete(t, typeInvokeConfig, testURN(typeInvokeConfig, "old"), old)
	assert.Empty(t, tp.records(t, typeInvokeConfig), "deleting the old resource deleted the only config there is")

	_, _, err = tp.tryCreate(t, typeInvokeConfig, "live", map[string]any{"functionName": "fn:live"})
	require.NoError(t, err)
	_, _, err = tp.tryCreate(t, typeInvokeConfig, "latest", map[string]any{"functionName": "fn"})
	require.NoError(t, err)
	assert.Len(t, tp.records(t, typeInvokeConfig), 2, "one config per qualifier")
	tp.delete(t, typeFunction, testURN(typeFunction, "f"), "fn")
	assert.Empty(t, tp.records(t, typeInvokeConfig), "a function's configs go with it")
	_ = id
}

func TestRoleWithInlinePoliciesIsNotDeleted(t *testing.T) {
	tp := newTestProvider(t, "")
	tp.create(t, typeRole, "r", map[string]any{"name": "r"})
	tp.create(t, typeRolePolicy, "p", map[string]any{"role": "r", "name": "p", "policy": policyJSON(sqsSend)})
	_, err := tp.p.Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: testURN(typeRole, "r"), Type: typeRole, Id: "r"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deleting IAM Role (r): operation error IAM: DeleteRole, https response error StatusCode: 409")
	assert.Contains(t, err.Error(), "DeleteConflict: Cannot delete entity, must delete policies first.")
	assert.Len(t, tp.records(t, typeRole), 1)

	tp.delete(t, typeRolePolicy, testURN(typeRolePolicy, "p"), "r:p")
	tp.delete(t, typeRole, testURN(typeRole, "r"), "r")
	assert.Empty(t, tp.records(t, typeRole))

	tp.create(t, typeRole, "forced", map[string]any{"name": "forced", "forceDetachPolicies": true})
	tp.create(t, typeRolePolicy, "fp", map[string]any{"role": "forced", "name": "fp", "policy": policyJSON(sqsSend)})
	tp.delete(t, typeRole, testURN(typeRole, "forced"), "forced")
	assert.Empty(t, tp.records(t, typeRolePolicy), "forceDetachPolicies deletes the inline policies")
}

// TestReadReturnsWhatIsStored: a refresh sees an out-of-band change (and
// keeps what agrees, assets included), an import gets the stored record,
// a deleted resource is gone.
func TestReadReturnsWhatIsStored(t *testing.T) {
	tp := newTestProvider(t, "")
	tp.create(t, typeRole, "r", map[string]any{"name": "r"})
	doc := policyJSON(sqsSend)
	tp.create(t, typeRolePolicy, "p", map[string]any{"role": "r", "name": "p", "policy": doc})

	read := func(id string, state, inputs resource.PropertyMap) *pulumirpc.ReadResponse {
		resp, err := tp.p.Read(context.Background(), &pulumirpc.ReadRequest{Urn: testURN(typeRolePolicy, "p"), Type: typeRolePolicy, Id: id,
			Properties: props(t, state.Mappable()), Inputs: props(t, inputs.Mappable())})
		require.NoError(t, err)
		return resp
	}
	engineState := resource.PropertyMap{"role": resource.NewStringProperty("r"), "name": resource.NewStringProperty("p"),
		"policy": resource.NewStringProperty(doc), "namePrefix": resource.NewStringProperty("")}
	resp := read("r:p", engineState, engineState)
	assert.Equal(t, "r:p", resp.GetId())
	got, err := unmarshal(resp.GetInputs())
	require.NoError(t, err)
	assert.Equal(t, doc, got["policy"].StringValue())

	other := policyJSON([2]string{"sns:Publish", tArn("t")})
	require.NoError(t, EditOutOfBand(tp.state, "console edit", func(s *State) error {
		s.Find(typeRolePolicy, "r:p").Inputs["policy"] = other
		s.Find(typeRolePolicy, "r:p").Outputs["policy"] = other
		return nil
	}))
	resp = read("r:p", engineState, engineState)
	got, err = unmarshal(resp.GetProperties())
	require.NoError(t, err)
	assert.Equal(t, other, got["policy"].StringValue(), "the refresh sees the console's edit")

	resp = read("r:p", resource.PropertyMap{}, resource.PropertyMap{})
	got, err = unmarshal(resp.GetInputs())
	require.NoError(t, err)
	assert.Equal(t, "r", got["role"].StringValue(), "an import gets the stored inputs")

	require.NoError(t, EditOutOfBand(tp.state, "console delete", func(s *State) error {
		require.True(t, s.Remove(typeRolePolicy, "r:p"))
		return nil
	}))
	resp = read("r:p", engineState, engineState)
	assert.Empty(t, resp.GetId(), "gone")
}
