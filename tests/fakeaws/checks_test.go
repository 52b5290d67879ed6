package fakeaws

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteTimeChecks drives Lambda's write-time checks through the
// provider's Create and Update RPCs.
func TestWriteTimeChecks(t *testing.T) {
	tp := newTestProvider(t, "")
	tp.create(t, typeRole, "r", map[string]any{"name": "r"})
	tp.create(t, typeQueue, "q", map[string]any{"name": "q"})
	tp.create(t, typeTopic, "t", map[string]any{"name": "t"})

	// A function needs an existing role.
	_, _, err := tp.tryCreate(t, typeFunction, "nope", map[string]any{"name": "nope", "role": roleArn("/", "missing")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "creating Lambda Function (nope): operation error Lambda: CreateFunction")
	assert.Contains(t, err.Error(), "InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda.")

	// A dead-letter target needs its grant.
	_, _, err = tp.tryCreate(t, typeFunction, "f", map[string]any{"name": "f", "role": roleArn("/", "r"),
		"deadLetterConfig": map[string]any{"targetArn": tArn("t")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidParameterValueException: The function's execution role does not have permissions to call Publish on "+tArn("t"))

	tp.create(t, typeFunction, "f", map[string]any{"name": "f", "role": roleArn("/", "r")})

	// An invoke config for an unknown function.
	_, _, err = tp.tryCreate(t, typeInvokeConfig, "other-config", map[string]any{"functionName": "other"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceNotFoundException: Function not found: "+fnArn("other"))

	// An invoke config whose destination is not granted.
	config := map[string]any{"functionName": "f", "qualifier": "$LATEST",
		"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": qArn("q")}}}
	_, _, err = tp.tryCreate(t, typeInvokeConfig, "f-async-config", config)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "creating Lambda Function Event Invoke Config (f:$LATEST): operation error Lambda: PutFunctionEventInvokeConfig")
	assert.Contains(t, err.Error(), "InvalidParameterValueException: The function's execution role does not have permissions to call SendMessage on "+qArn("q"))

	// A role policy needs its role.
	_, _, err = tp.tryCreate(t, typeRolePolicy, "p", map[string]any{"role": "missing", "name": "p", "policy": policyJSON(sqsSend)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchEntity: The role with name missing cannot be found.")

	// Granted, the config is written.
	tp.create(t, typeRolePolicy, "p", map[string]any{"role": "r", "name": "p", "policy": policyJSON(sqsSend)})
	id, _, err := tp.tryCreate(t, typeInvokeConfig, "f-async-config", config)
	require.NoError(t, err)
	assert.Equal(t, "f:$LATEST", id)

	// An update to an ungranted destination fails like Lambda's update.
	next := map[string]any{"functionName": "f", "qualifier": "$LATEST",
		"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": tArn("t")}}}
	err = tp.update(t, typeInvokeConfig, "f-async-config", id, config, next)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "updating Lambda Function Event Invoke Config (f:$LATEST): operation error Lambda: UpdateFunctionEventInvokeConfig")
	assert.Contains(t, err.Error(), "does not have permissions to call Publish on "+tArn("t"))

	// An SQS event source needs the poller's read actions.
	_, _, err = tp.tryCreate(t, typeMapping, "m", map[string]any{"functionName": "f", "eventSourceArn": qArn("q")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidParameterValueException: The provided execution role does not have permissions to call ReceiveMessage on SQS")

	// No delivery-time window: every route was granted when it was live.
	ws, err := Windows(tp.state)
	require.NoError(t, err)
	assert.Empty(t, ws)
}

// TestWriteTimeCheckIgnoresKMS: Lambda's write-time check does not look at
// the queue's key, but the delivery-time view does.
func TestWriteTimeCheckIgnoresKMS(t *testing.T) {
	tp := newTestProvider(t, "")
	tp.create(t, typeRole, "r", map[string]any{"name": "r"})
	tp.create(t, typeQueue, "q", map[string]any{"name": "q", "kmsMasterKeyId": "k1"})
	tp.create(t, typeFunction, "f", map[string]any{"name": "f", "role": roleArn("/", "r")})
	tp.create(t, typeRolePolicy, "p", map[string]any{"role": "r", "name": "p", "policy": policyJSON(sqsSend)})
	urn := tp.create(t, typeInvokeConfig, "f-async-config", map[string]any{"functionName": "f",
		"destinationConfig": map[string]any{"onSuccess": map[string]any{"destination": qArn("q")}}})

	ws, err := Windows(tp.state)
	require.NoError(t, err)
	require.Len(t, ws, 1)
	w := ws[0]
	assert.Equal(t, typeInvokeConfig, w.OwnerType)
	assert.Equal(t, urn, w.OwnerURN)
	assert.Equal(t, "f", w.OwnerID)
	assert.Equal(t, onSuccess, w.Field)
	assert.Equal(t, qArn("q"), w.Target)
	assert.Equal(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, w.Missing)
	assert.Equal(t, roleArn("/", "r"), w.Role)
	assert.True(t, w.Open())
	assert.Equal(t, "create "+typeInvokeConfig+" "+urn, w.OpenedBy)

	// Deleting the config closes the window.
	tp.delete(t, typeInvokeConfig, urn, "f")
	ws, err = Windows(tp.state)
	require.NoError(t, err)
	require.Len(t, ws, 1)
	assert.False(t, ws[0].Open())
	assert.Equal(t, "delete "+typeInvokeConfig+" "+urn, ws[0].ClosedBy)
	assert.False(t, ws[0].End.Before(ws[0].Start))
}
