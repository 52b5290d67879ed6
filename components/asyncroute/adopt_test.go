package asyncroute_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

// An Adopt that would change the adopted function's role, or names what
// the component does not create, is refused at preview.
func TestAdoptBadInput(t *testing.T) {
	build := func(adopt *asyncroute.Adopt, role bool, alias string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			args := &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), MaxRetries: pulumi.IntRef(1), Alias: alias, Adopt: adopt}
			if role {
				args.Role = &asyncroute.ExistingRole{Role: newRole(ctx, "brought")}
			}
			_, err := asyncroute.NewFunction(ctx, "orders", args)
			return err
		}
	}
	for _, tc := range []struct {
		name  string
		build func(ctx *pulumi.Context) error
		want  string
		users int
	}{
		{"function without its role", build(&asyncroute.Adopt{Function: "raw-fn"}, false, ""),
			fPrefix + "Adopt.Role: is empty while Adopt.Function is set and the component creates the role: the adopted function would change role in the deployment that adopts it; allowed: the function's deployed role (its logical name or URN), or Role naming it", 0},
		{"role with a brought role", build(&asyncroute.Adopt{Function: "raw-fn", Role: "raw-role"}, true, ""),
			fPrefix + "Adopt.Role: is set with Role: the component creates no role to adopt it with; allowed: one of them", 1},
		{"alias without Alias", build(&asyncroute.Adopt{Function: "raw-fn", Role: "raw-role", Alias: "raw-live"}, false, ""),
			fPrefix + "Adopt.Alias: is set without Alias: the component creates no alias to adopt it with; allowed: Alias, the adopted alias's name", 0},
		{"role without the function", build(&asyncroute.Adopt{Role: "raw-role"}, false, ""),
			fPrefix + "Adopt.Function: is empty while Adopt.Role or Adopt.Alias is set: they belong to the adopted function; allowed: the deployed function's logical name or URN", 0},
		{"a bad URN", build(&asyncroute.Adopt{InvokeConfig: "urn:aws:raw-config"}, false, ""),
			fPrefix + `Adopt.InvokeConfig: "urn:aws:raw-config" is not a resource URN; allowed: urn:pulumi:<stack>::<project>::<type>::<name>, or the resource's logical name`, 0},
		{"an AsyncInvoke adopts no function", func(ctx *pulumi.Context) error {
			_, err := asyncroute.NewAsyncInvoke(ctx, "orders", &asyncroute.AsyncInvokeArgs{FunctionName: pulumi.String("raw-fn"),
				SkipGrants: true, MaxRetries: pulumi.IntRef(1), Adopt: &asyncroute.Adopt{Function: "raw-fn", InvokeConfig: "raw-config"}})
			return err
		}, `asyncroute: AsyncInvoke "orders": Adopt.Function: is set: an AsyncInvoke creates no function, role or alias to adopt it with; allowed: Adopt.Policy and Adopt.InvokeConfig`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) { rejects(t, tc.build, tc.want, "orders", tc.users) })
	}
}

// A valid Adopt changes nothing the component registers but the aliases
// (which the engine tests follow): the same children, the same inputs.
func TestAdoptKeepsTheChildren(t *testing.T) {
	plain := run(t, adoptingFunction("orders", nil))
	adopted := run(t, adoptingFunction("orders", &asyncroute.Adopt{Function: "raw-fn", Role: "raw-role", Policy: "raw-grants", InvokeConfig: "raw-config"}))
	assert.ElementsMatch(t, names(plain), names(adopted), "the same children (registered as their inputs resolve)")
	for _, typ := range []string{roleType, lambdaType, configType} {
		assert.Equal(t, find(t, plain, typ, nameOf(typ)).Inputs, find(t, adopted, typ, nameOf(typ)).Inputs, typ)
	}
}

func adoptingFunction(name string, adopt *asyncroute.Adopt) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, name, &asyncroute.FunctionArgs{Function: lambdaArgs(name),
			OnFailure: asyncroute.SQSQueue{Queue: newQueue(ctx, "failed", nil)}, Adopt: adopt})
		return err
	}
}

func nameOf(typ string) string {
	switch typ {
	case roleType:
		return "orders-role"
	case configType:
		return "orders-async-config"
	}
	return "orders"
}
