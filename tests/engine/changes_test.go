//go:build engine

package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The change scenarios deploy a program, change it, run up again and check
// with the provider's delivery-time view (fakeaws.Windows) that no route
// was ever unable to deliver: no record is lost while a stack changes.
// They assert invariants (zero windows, the order of the provider's
// writes), not how the components reach them (a grant policy updated in
// place or replaced).

// component is the name of the asyncroute.Function under test; its
// children are router-role, router-async-grants, router (the function),
// router-async-config and router-<alias>.
const component = "router"

// shape is one version of a change scenario's program: the queues,
// topics, KMS keys and roles it declares (logical names q-<name>,
// t-<name>, k-<name>, r-<name>) and the component's arguments.
type shape struct {
	queues, topics, keys, roles []string
	// Destinations: "queue:<name>", "topic:<name>", "newqueue" or
	// "newqueue:<key>" (asyncroute.NewQueue with that KMS key); "" none.
	onSuccess, onFailure, deadLetter string
	// role is "" for a role the component creates, "<name>" for the
	// program's iam.Role r-<name> (asyncroute.ExistingRole{Role: ...}), or
	// "missing" for a role that exists nowhere (by name and ARN).
	role string
	// name is Function.Name ("" auto-named); alias is FunctionArgs.Alias.
	name, alias string
	retries     int // MaxRetries
}

func (s shape) program() pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		queues := map[string]*sqs.Queue{}
		topics := map[string]*sns.Topic{}
		keys := map[string]*kms.Key{}
		roles := map[string]*iam.Role{}
		for _, k := range s.keys {
			key, err := kms.NewKey(ctx, "k-"+k, &kms.KeyArgs{DeletionWindowInDays: pulumi.Int(7)})
			if err != nil {
				return err
			}
			keys[k] = key
		}
		for _, q := range s.queues {
			queue, err := sqs.NewQueue(ctx, "q-"+q, &sqs.QueueArgs{})
			if err != nil {
				return err
			}
			queues[q] = queue
		}
		for _, n := range s.topics {
			topic, err := sns.NewTopic(ctx, "t-"+n, &sns.TopicArgs{})
			if err != nil {
				return err
			}
			topics[n] = topic
		}
		for _, r := range s.roles {
			role, err := iam.NewRole(ctx, "r-"+r, &iam.RoleArgs{
				AssumeRolePolicy:  pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`),
				ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
			})
			if err != nil {
				return err
			}
			roles[r] = role
		}
		dest := func(spec string) (asyncroute.Destination, error) {
			kind, name, _ := strings.Cut(spec, ":")
			switch {
			case spec == "":
				return nil, nil
			case kind == "queue" && queues[name] != nil:
				return asyncroute.SQSQueue{Queue: queues[name]}, nil
			case kind == "topic" && topics[name] != nil:
				return asyncroute.SNSTopic{Topic: topics[name]}, nil
			case spec == "newqueue":
				return asyncroute.NewQueue{}, nil
			case kind == "newqueue" && keys[name] != nil:
				return asyncroute.NewQueue{KmsKey: keys[name]}, nil
			}
			return nil, fmt.Errorf("test program: destination %q is not declared", spec)
		}
		args := &asyncroute.FunctionArgs{Function: pythonFunction(), Alias: s.alias, MaxRetries: pulumi.IntRef(s.retries)}
		if s.name != "" {
			args.Function.Name = pulumi.String(s.name)
		}
		var err error
		if args.OnSuccess, err = dest(s.onSuccess); err != nil {
			return err
		}
		if args.OnFailure, err = dest(s.onFailure); err != nil {
			return err
		}
		if args.DeadLetter, err = dest(s.deadLetter); err != nil {
			return err
		}
		switch {
		case s.role == "missing":
			args.Role = &asyncroute.ExistingRole{Name: pulumi.String("missing-role"),
				Arn: pulumi.String("arn:aws:iam::" + fakeaws.Account + ":role/missing-role")}
		case s.role != "":
			if roles[s.role] == nil {
				return fmt.Errorf("test program: role %q is not declared", s.role)
			}
			args.Role = &asyncroute.ExistingRole{Role: roles[s.role]}
		}
		_, err = asyncroute.NewFunction(ctx, component, args)
		return err
	}
}

// upTo deploys a shape; every provider write must succeed.
func (w *world) upTo(s shape, step string) []fakeaws.Op {
	w.t.Helper()
	n := w.logLen()
	w.setProgram(s.program())
	_, err := w.up()
	require.NoError(w.t, err, "up: %s", step)
	ops := w.ops(n)
	for _, op := range ops {
		require.Empty(w.t, op.Error, "%s: %s %s", step, op.Op, op.URN)
	}
	return ops
}

// windows returns the delivery-time windows recorded so far.
func (w *world) windows() []fakeaws.Window {
	w.t.Helper()
	ws, err := fakeaws.Windows(w.state)
	require.NoError(w.t, err)
	return ws
}

// assertNoWindows fails with every window recorded (target, missing
// actions, duration) since the first `from` windows, if any, and returns
// how many windows are recorded now.
func (w *world) assertNoWindows(step string, from int) int {
	w.t.Helper()
	ws := w.windows()
	if len(ws) <= from {
		return len(ws)
	}
	lines := make([]string, 0, len(ws)-from)
	for _, win := range ws[from:] {
		lines = append(lines, "  "+win.String())
	}
	w.t.Errorf("%s: %d delivery-time window(s), records sent then would be lost:\n%s", step, len(lines), strings.Join(lines, "\n"))
	return len(ws)
}

// changeCase is a scenario: deploy steps[0], then each next shape in turn.
type changeCase struct {
	name  string
	steps []shape
	// labels name the steps after the first, for messages.
	labels []string
}

func TestChangesLoseNoRecord(t *testing.T) {
	cases := changeCases()
	for _, c := range cases {
		for _, timing := range changeTimings {
			t.Run(c.name+"/"+timing.name, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, "asyncroute-change", c.steps[0].program())
				w.stack.Workspace().SetEnvVar(fakeaws.EnvLatency, timing.latency)
				w.upTo(c.steps[0], "first deployment")
				seen := w.assertNoWindows("first deployment", 0)
				for i, s := range c.steps[1:] {
					w.upTo(s, c.labels[i])
					seen = w.assertNoWindows(c.labels[i], seen)
				}
				_, err := w.preview(optpreview.ExpectNoChanges())
				require.NoError(t, err, "no changes after the last step")
			})
		}
	}
}

// changeTimings are the provider timings each change scenario runs under,
// so that an order the dependencies do not enforce cannot pass by luck:
// with the defaults a role policy takes 2 s to be stored and every other
// write is instant (a route that starts using a target before its grant
// is stored shows); with slow updates every update but a role policy's
// takes 3 s, so a grant removed before the route stops using it shows.
var changeTimings = []struct{ name, latency string }{
	{"policies slow", ""},
	{"updates slow", "update=3s,update:" + tRolePolicy + "=0s"},
}

// opWhere returns the first successful op matching.
func opWhere(t *testing.T, ops []fakeaws.Op, what string, match func(fakeaws.Op) bool) fakeaws.Op {
	t.Helper()
	for _, op := range ops {
		if op.Error == "" && match(op) {
			return op
		}
	}
	var seen []string
	for _, op := range ops {
		seen = append(seen, fmt.Sprintf("%s %s %s", op.Op, op.Name(), op.ID))
	}
	require.Failf(t, "op not found", "%s; the provider saw:\n  %s", what, strings.Join(seen, "\n  "))
	return fakeaws.Op{}
}

func is(op, typ, name string) func(fakeaws.Op) bool {
	return func(o fakeaws.Op) bool { return o.Op == op && o.Type == typ && o.Name() == name }
}

func isID(op, typ, name, id string) func(fakeaws.Op) bool {
	return func(o fakeaws.Op) bool { return o.Op == op && o.Type == typ && o.Name() == name && o.ID == id }
}

// TestChangeRenameFunction changes Function.Name: the function and its
// config are replaced, the new ones created before the old ones go.
func TestChangeRenameFunction(t *testing.T) {
	t.Parallel()
	v1 := shape{queues: []string{"a"}, onFailure: "queue:a", name: "orders-v1", retries: 1}
	v2 := v1
	v2.name = "orders-v2"
	w := newWorld(t, "asyncroute-rename-fn", v1.program())
	w.upTo(v1, "first deployment")
	ops := w.upTo(v2, "rename")
	w.assertNoWindows("rename", 0)

	newFn := opWhere(t, ops, "new function created", isID("create", tFunction, component, "orders-v2"))
	newConfig := opWhere(t, ops, "new config created", isID("create", tInvokeConfig, component+"-async-config", "orders-v2:$LATEST"))
	oldFn := opWhere(t, ops, "old function deleted", isID("delete", tFunction, component, "orders-v1"))
	oldConfig := opWhere(t, ops, "old config deleted", isID("delete", tInvokeConfig, component+"-async-config", "orders-v1:$LATEST"))
	before(t, newFn, oldFn, "new function before the old function's delete")
	before(t, newFn, oldConfig, "new function before the old config's delete")
	before(t, newConfig, oldFn, "new config before the old function's delete")
	before(t, newConfig, oldConfig, "new config before the old config's delete")
}

// TestChangeAddAlias moves the config from $LATEST to a new alias: the
// alias's config exists before the $LATEST config is deleted.
func TestChangeAddAlias(t *testing.T) {
	t.Parallel()
	v1 := shape{queues: []string{"a"}, onFailure: "queue:a", name: "aliased", retries: 1}
	v2 := v1
	v2.alias = "live"
	w := newWorld(t, "asyncroute-add-alias", v1.program())
	w.upTo(v1, "first deployment")
	ops := w.upTo(v2, "alias added")
	w.assertNoWindows("alias added", 0)

	alias := opWhere(t, ops, "alias created", is("create", "aws:lambda/alias:Alias", component+"-live"))
	aliasConfig := opWhere(t, ops, "config on the alias created", isID("create", tInvokeConfig, component+"-async-config", "aliased:live"))
	latestConfig := opWhere(t, ops, "$LATEST config deleted", isID("delete", tInvokeConfig, component+"-async-config", "aliased:$LATEST"))
	before(t, alias, aliasConfig, "alias before its config")
	before(t, aliasConfig, latestConfig, "alias config before the $LATEST config's delete")
}

// TestChangeRetriesOnly changes MaxRetries: exactly one in-place update,
// of the invoke config.
func TestChangeRetriesOnly(t *testing.T) {
	t.Parallel()
	v1 := shape{queues: []string{"a"}, topics: []string{"t"}, onSuccess: "queue:a", onFailure: "topic:t", retries: 1}
	v2 := v1
	v2.retries = 2
	w := newWorld(t, "asyncroute-retries", v1.program())
	w.upTo(v1, "first deployment")
	ops := w.upTo(v2, "retries changed")
	w.assertNoWindows("retries changed", 0)

	require.Len(t, ops, 1, "one provider write: %v", opNames(ops))
	assert.Equal(t, "update", ops[0].Op)
	assert.Equal(t, tInvokeConfig, ops[0].Type)
	assert.Equal(t, component+"-async-config", ops[0].Name())
	assert.Equal(t, 2.0, ops[0].Inputs["maximumRetryAttempts"])
	assert.Equal(t, 1.0, ops[0].OldInputs["maximumRetryAttempts"])
}

func opNames(ops []fakeaws.Op) []string {
	out := make([]string, len(ops))
	for i, op := range ops {
		out[i] = op.Op + " " + op.Name()
	}
	return out
}

// TestChangeRecoverFromFailedCreate: a first deployment fails (the brought
// role does not exist); with the program fixed (a created role), up
// succeeds and leaves a stack that previews without changes.
func TestChangeRecoverFromFailedCreate(t *testing.T) {
	t.Parallel()
	broken := shape{queues: []string{"a"}, onFailure: "queue:a", role: "missing", retries: 1}
	fixed := broken
	fixed.role = ""
	w := newWorld(t, "asyncroute-recover", broken.program())
	err := w.upErr()
	require.Error(t, err, "a brought role that does not exist fails the deployment")
	var failed []string
	for _, op := range w.ops(0) {
		if op.Error != "" {
			failed = append(failed, op.Op+" "+op.Name())
		}
	}
	require.NotEmpty(t, failed, "the provider refused a write")

	n := w.logLen()
	w.setProgram(fixed.program())
	_, err = w.up()
	require.NoError(t, err, "up after the fix")
	for _, op := range w.ops(n) {
		assert.Empty(t, op.Error, "%s %s", op.Op, op.URN)
	}
	w.assertNoWindows("recovery", 0)
	_, err = w.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err, "no changes after the recovery")
	live := map[string]bool{}
	for _, r := range w.providerState().Live() {
		live[r.Type] = true
	}
	for _, typ := range []string{tRole, tRolePolicy, tFunction, tInvokeConfig, tQueue} {
		assert.True(t, live[typ], "%s deployed", typ)
	}
}

// TestChangeDestroyOrder destroys a routed function with a dead-letter
// queue: the config goes first, the grant policy and the function before
// the role, every target after what routes to it and after the policy
// granting it, and no route is ever left without its grant.
func TestChangeDestroyOrder(t *testing.T) {
	t.Parallel()
	s := shape{queues: []string{"ok", "dlq"}, topics: []string{"failed"}, onSuccess: "queue:ok", onFailure: "topic:failed", deadLetter: "queue:dlq", retries: 1}
	w := newWorld(t, "asyncroute-destroy", s.program())
	w.upTo(s, "first deployment")
	n := w.logLen()
	w.destroy()
	ops := w.ops(n)
	for _, op := range ops {
		require.Empty(t, op.Error, "%s %s", op.Op, op.URN)
		require.Equal(t, "delete", op.Op)
	}
	config := opWhere(t, ops, "config deleted", is("delete", tInvokeConfig, component+"-async-config"))
	policy := opWhere(t, ops, "grant policy deleted", is("delete", tRolePolicy, component+"-async-grants"))
	fn := opWhere(t, ops, "function deleted", is("delete", tFunction, component))
	role := opWhere(t, ops, "role deleted", is("delete", tRole, component+"-role"))
	before(t, config, policy, "config before the grant policy")
	before(t, config, fn, "config before the function")
	before(t, policy, role, "grant policy before the role")
	before(t, fn, role, "function before the role")
	for _, target := range []fakeaws.Op{
		opWhere(t, ops, "queue deleted", is("delete", tQueue, "q-ok")),
		opWhere(t, ops, "topic deleted", is("delete", tTopic, "t-failed")),
		opWhere(t, ops, "dead-letter queue deleted", is("delete", tQueue, "q-dlq")),
	} {
		before(t, config, target, "config before its targets")
		before(t, policy, target, "grant policy before the targets it grants")
	}
	before(t, fn, opWhere(t, ops, "dead-letter queue deleted", is("delete", tQueue, "q-dlq")), "function before its dead-letter queue")
	w.assertNoWindows("destroy", 0)
	assert.Empty(t, w.providerState().Live())
}
