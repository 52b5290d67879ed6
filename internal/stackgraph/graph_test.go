package stackgraph_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const prefix = "urn:pulumi:dev::shop::"

// chain is a component "orders" with a role, a policy and a config that
// depends on the policy, which depends on the role; the key is outside
// the component and nothing depends on it.
func chain() []*stackgraph.Resource {
	comp := &stackgraph.Resource{URN: prefix + "asyncroute:lambda:Function::orders", Type: "asyncroute:lambda:Function", Name: "orders"}
	role := &stackgraph.Resource{URN: prefix + "asyncroute:lambda:Function$aws:iam/role:Role::orders-role", Parent: comp.URN, Custom: true}
	policy := &stackgraph.Resource{URN: prefix + "asyncroute:lambda:Function$aws:iam/rolePolicy:RolePolicy::orders-async-grants",
		Parent: comp.URN, Custom: true, Dependencies: []string{role.URN}}
	cfg := &stackgraph.Resource{URN: prefix + "asyncroute:lambda:Function$aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::orders-async-config",
		Parent: comp.URN, Custom: true, Dependencies: []string{prefix + "aws:sqs/queue:Queue::outside", policy.URN}}
	key := &stackgraph.Resource{URN: prefix + "aws:kms/key:Key::key", Type: "aws:kms/key:Key", Name: "key", Custom: true}
	return []*stackgraph.Resource{comp, role, policy, nil, cfg, key}
}

func TestIndexes(t *testing.T) {
	literal := &stackgraph.Graph{Resources: chain()}
	indexed := stackgraph.New(chain())
	require.Len(t, indexed.Resources, 5, "nil entries are left out")
	for name, g := range map[string]*stackgraph.Graph{"indexed": indexed, "literal": literal} {
		t.Run(name, func(t *testing.T) {
			comp := g.Find("asyncroute:lambda:Function", "orders")
			require.NotNil(t, comp)
			role := g.ByURN(prefix + "asyncroute:lambda:Function$aws:iam/role:Role::orders-role")
			require.NotNil(t, role)
			if name == "indexed" {
				assert.Equal(t, "orders-role", role.Name, "New fills the name from the URN")
				assert.Equal(t, "aws:iam/role:Role", role.Type, "and the type, the last of the qualified type")
			}
			policy := g.Find("aws:iam/rolePolicy:RolePolicy", "orders-async-grants")
			cfg := g.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "orders-async-config")
			key := g.Find("aws:kms/key:Key", "key")
			if name == "literal" {
				assert.Nil(t, policy, "a literal graph is not completed")
				return
			}
			require.NotNil(t, policy)
			require.NotNil(t, cfg)

			assert.Nil(t, g.Find("aws:kms/key:Key", "other"))
			assert.Nil(t, g.ByURN(""))
			assert.Equal(t, []*stackgraph.Resource{key}, g.OfType("aws:kms/key:Key"))
			assert.Equal(t, []*stackgraph.Resource{role, policy, cfg}, g.Children(comp))
			assert.Empty(t, g.Children(key))

			assert.Equal(t, []string{
				"aws:iam/rolePolicy:RolePolicy/orders-async-grants",
				"urn:pulumi:dev::shop::aws:sqs/queue:Queue::outside",
			}, g.Dependencies(cfg), "sorted; a URN outside the stack as it is")
			assert.Empty(t, g.Dependencies(key))

			assert.True(t, g.DependsOn(cfg, policy))
			assert.True(t, g.DependsOn(cfg, role), "through the policy")
			assert.False(t, g.DependsOn(role, cfg))
			assert.False(t, g.DependsOn(cfg, key))
			assert.False(t, g.DependsOn(nil, key))
		})
	}
}

func TestDependsOnTerminatesOnCycles(t *testing.T) {
	a := &stackgraph.Resource{URN: prefix + "t:m:A::a", Dependencies: []string{prefix + "t:m:B::b"}}
	b := &stackgraph.Resource{URN: prefix + "t:m:B::b", Dependencies: []string{a.URN}}
	c := &stackgraph.Resource{URN: prefix + "t:m:C::c"}
	g := stackgraph.New([]*stackgraph.Resource{a, b, c})
	assert.True(t, g.DependsOn(a, a))
	assert.False(t, g.DependsOn(a, c))
}

func TestAddKeepsTheIndex(t *testing.T) {
	g := &stackgraph.Graph{Resources: chain()[:1]}
	r := &stackgraph.Resource{URN: prefix + "aws:sqs/queue:Queue::q"}
	g.Add(r)
	g.Add(nil)
	assert.Len(t, g.Resources, 2)
	assert.Same(t, r, g.ByURN(r.URN))
	assert.NotNil(t, g.ByURN(prefix+"asyncroute:lambda:Function::orders"), "resources of the literal are indexed too")
	assert.Equal(t, "aws:sqs/queue:Queue/q", r.Key())
	var h stackgraph.Holder = g
	assert.Same(t, g, h.StackGraph())
}

func TestLookupListsWhatExists(t *testing.T) {
	g := stackgraph.New(chain())
	_, err := g.Lookup("aws:iam/role:Role", "order-role")
	assert.EqualError(t, err, `no aws:iam/role:Role named "order-role"; the stack has these of that type: orders-role`)
	_, err = g.Lookup("aws:sqs/queue:Queue", "jobs")
	assert.EqualError(t, err, `no aws:sqs/queue:Queue named "jobs"; the stack has none of that type, only: `+
		"asyncroute:lambda:Function/orders, aws:iam/role:Role/orders-role, aws:iam/rolePolicy:RolePolicy/orders-async-grants, "+
		"aws:kms/key:Key/key, aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig/orders-async-config")
	_, err = stackgraph.New(nil).Lookup("aws:sqs/queue:Queue", "jobs")
	assert.EqualError(t, err, `no aws:sqs/queue:Queue named "jobs"; the stack is empty`)
	r, err := g.Lookup("aws:kms/key:Key", "key")
	require.NoError(t, err)
	assert.Equal(t, "key", r.Name)
}

func TestURNParts(t *testing.T) {
	u := prefix + "asyncroute:lambda:Function$aws:iam/role:Role::orders-role"
	assert.Equal(t, "orders-role", stackgraph.NameFromURN(u))
	assert.Equal(t, "aws:iam/role:Role", stackgraph.TypeFromURN(u))
	assert.Equal(t, "", stackgraph.TypeFromURN("not-a-urn"))
	assert.Equal(t, "not-a-urn", stackgraph.NameFromURN("not-a-urn"))
}
