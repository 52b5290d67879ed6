package provider

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConstructAdopt: `adopt` reaches the components, so a program in
// another language takes over deployed resources as Go does: the function,
// role, grant policy and invoke config are registered with an alias each.
func TestConstructAdopt(t *testing.T) {
	w := newWorld(t, false)
	_, err := w.construct(Token("Function"), "orders", map[string]any{
		"function":  orderSettings(t),
		"onFailure": map[string]any{"kind": "newQueue"},
		"adopt":     map[string]any{"function": "raw-fn", "role": "raw-role", "policy": "raw-grants", "invokeConfig": "raw-config"},
	})
	require.NoError(t, err)
	aliased := map[string]int{}
	for _, r := range w.mocks.Resources() {
		aliased[r.Type] += r.Aliases
	}
	for _, typ := range []string{"aws:lambda/function:Function", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy",
		"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"} {
		assert.Equal(t, 1, aliased[typ], typ)
	}
	assert.Zero(t, aliased["aws:sqs/queue:Queue"], "the created queue adopts nothing")

	_, err = w.construct(Token("AsyncInvoke"), "routing", map[string]any{
		"functionName": "legacy", "skipGrants": true, "maxRetries": 1.0, "adopt": map[string]any{"function": "raw-fn"},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `asyncroute: AsyncInvoke "routing": adopt.function: is set: an AsyncInvoke creates no function, role or alias to adopt it with; allowed: adopt.policy and adopt.invokeConfig`)
}
