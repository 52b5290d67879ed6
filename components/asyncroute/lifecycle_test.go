package asyncroute

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyName(t *testing.T) {
	doc := `{"Version":"2012-10-17"}`
	a := policyName("orders-async-grants", doc)
	assert.Equal(t, a, policyName("orders-async-grants", doc), "the same document, the same name")
	assert.NotEqual(t, a, policyName("orders-async-grants", doc+" "), "another document, another name")
	assert.Regexp(t, `^orders-async-grants-[0-9a-f]{12}$`, a)

	long := policyName(strings.Repeat("x", 200)+"/odd name", doc)
	assert.Len(t, long, maxPolicyName, "IAM's limit")
	assert.Regexp(t, `^[\w+=,.@-]+$`, policyName("a/b c:d", doc), "IAM's characters only")
}

func idsOf(role string, routes map[string]string) resource.PropertyMap {
	m := resource.PropertyMap{}
	if role != "" {
		m[inputRoleIdentity] = resource.NewStringProperty(role)
	}
	r := resource.PropertyMap{}
	for k, v := range routes {
		r[resource.PropertyKey(k)] = resource.NewStringProperty(v)
	}
	m[inputRouteIdentities] = resource.NewObjectProperty(r)
	return m
}

// TestRoleChangeDecision: the component's hook lets a role change through
// when every route of the config stays, refuses it when one goes, and
// cannot tell a change of what it cannot see.
func TestRoleChangeDecision(t *testing.T) {
	const created, brought = "the role the component creates", `aws:iam/role:Role "r"`
	qa, qb, dl := `aws:sqs/queue:Queue "a"`, `aws:sqs/queue:Queue "b"`, `aws:sqs/queue:Queue "dlq"`
	for _, tc := range []struct {
		name             string
		was, now         resource.PropertyMap
		changes, shrinks bool
		refused, field   string
	}{
		{"nothing changes", idsOf(created, map[string]string{"onFailure": qa}), idsOf(created, map[string]string{"onFailure": qa}), false, false, "", ""},
		{"role only", idsOf(created, map[string]string{"onFailure": qa}), idsOf(brought, map[string]string{"onFailure": qa}), true, false, "", ""},
		{"role and a dead-letter queue added", idsOf(created, map[string]string{"onFailure": qa}), idsOf(brought, map[string]string{"onFailure": qa, "deadLetter": dl}), true, false, "", ""},
		{"role and a route added", idsOf(created, map[string]string{"onFailure": qa}), idsOf(brought, map[string]string{"onFailure": qa, "onSuccess": qb}), true, false, "", ""},
		{"role, and a route moves to the dead-letter slot", idsOf(created, map[string]string{"onFailure": qa}), idsOf(brought, map[string]string{"deadLetter": qa}), true, false, "", ""},
		{"role and a switch", idsOf(created, map[string]string{"onFailure": qa}), idsOf(brought, map[string]string{"onFailure": qb}), false, true,
			`the execution role changes (the role the component creates -> aws:iam/role:Role "r") in the deployment in which the invoke config stops routing to aws:sqs/queue:Queue "a"`, "OnFailure"},
		{"role and a removal", idsOf(brought, map[string]string{"onFailure": qa, "onSuccess": qb}), idsOf(created, map[string]string{"onFailure": qa}), false, true,
			`stops routing to aws:sqs/queue:Queue "b"`, "OnSuccess"},
		{"switch, same role", idsOf(created, map[string]string{"onFailure": qa}), idsOf(created, map[string]string{"onFailure": qb}), false, true, "", ""},
		{"a route known at deploy only does not stay", idsOf(created, map[string]string{"onFailure": knownAtDeploy}), idsOf(brought, map[string]string{"onFailure": knownAtDeploy}), false, true,
			"stops routing to " + knownAtDeploy, "OnFailure"},
		{"a role known at deploy only", idsOf(knownAtDeploy, map[string]string{"onFailure": qa}), idsOf(knownAtDeploy, map[string]string{"onFailure": qb}), false, true, "", ""},
		{"deployed without identities", idsOf("", nil), idsOf(brought, map[string]string{"onFailure": qb}), false, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := &roleChange{}
			err := rc.decide(`Function "f"`, identitiesOf(tc.was), identitiesOf(tc.now))
			changes, shrinks, _ := rc.read()
			assert.Equal(t, tc.changes, changes, "changes")
			assert.Equal(t, tc.shrinks, shrinks, "shrinks")
			if tc.refused == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), `asyncroute: Function "f": Role: the execution role changes (`), err.Error())
			assert.Contains(t, err.Error(), tc.refused)
			assert.Contains(t, err.Error(), "allowed: split the change into two deployments, one that changes Role and one that changes "+tc.field+" (either first); nothing was changed")
		})
	}
}

// TestWaitGraph: two functions whose grants name each other cannot both
// wait for their grants; the second to wait is told at once.
func TestWaitGraph(t *testing.T) {
	g := newWaitGraph()
	f1, f2, f3 := &lambda.Function{}, &lambda.Function{}, &lambda.Function{}
	g.add("k1", `Function "one"`, f1, []*lambda.Function{f2})
	g.add("k2", `Function "two"`, f2, []*lambda.Function{f3})
	g.add("k3", `Function "three"`, f3, []*lambda.Function{f1})

	done1, err := g.wait("k1")
	require.NoError(t, err)
	done2, err := g.wait("k2")
	require.NoError(t, err, "no cycle yet: three does not wait")
	_, err = g.wait("k3")
	require.Error(t, err, "three closes the cycle")
	assert.Contains(t, err.Error(), `its grants name Function "one", which waits for Function "two", whose role changes in this deployment too`)
	assert.Contains(t, err.Error(), "allowed: change the role of one of them per deployment")

	done2()
	done3, err := g.wait("k3")
	require.NoError(t, err, "two no longer waits")
	done3()
	done1()
}
