package asyncroute

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// This file holds the rules that keep every record deliverable while a
// deployed stack changes (see the package documentation, "Changing a
// deployed stack").

// grantPolicyOptions makes a grant policy replaced, not updated, whenever
// its document changes: the engine creates the new policy (auto-named, so
// both exist side by side) before it updates the resources that depend on
// it, and deletes the old one only at the end of the deployment, after
// every invoke config, function and mapping has stopped using what only
// the old one granted.
func grantPolicyOptions(parent pulumi.Resource) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.ReplaceOnChanges([]string{"policy"})}
}

// roleChangeWait bounds how long a function's update waits for the grant
// policy on its new role; it only runs out when the policy cannot be
// created because it waits for this function (two functions that route to
// each other and both change roles in one deployment).
const roleChangeWait = 15 * time.Minute

// waitForGrantsOnRoleChange returns a resource hook for the function: when
// an update changes the function's execution role, the update waits until
// the grant policy on the new role exists, so the function never runs
// under a role that lacks its destinations' grants. A create does not wait
// (no invoke config uses the function yet; a function with a dead-letter
// target depends on its policy anyway), so first deployments stay as
// parallel as raw resources.
//
// A preview registers no hook (the engine runs BeforeUpdate hooks only
// when it updates): the program's callback server keeps every hook, and
// what it captures, until the program exits, which held each function's
// resource tree in memory for the whole of a large plan.
//
// The hook's name is the component's ("asyncroute-grants-before-role-change:
// <type>:<name>"), unique in the program run: the engine refuses a second
// hook of one name, and the components of a YAML or TypeScript program
// each run in a Context of their own (see configRegistry).
func waitForGrantsOnRoleChange(ctx *pulumi.Context, typ, name, component string, policy *iam.RolePolicy) (*pulumi.ResourceHook, error) {
	if ctx.DryRun() {
		return nil, nil
	}
	hookName := configsOf(ctx).hookName(fmt.Sprintf("asyncroute-grants-before-role-change:%s:%s", typ, name))
	ready := grantsReady(policy)
	return ctx.RegisterResourceHook(hookName, func(args *pulumi.ResourceHookArgs) error {
		if args.OldInputs["role"].DeepEquals(args.NewInputs["role"]) {
			return nil
		}
		err := ready.wait(roleChangeWait)
		if err != nil {
			return newInputError(component, "Role", fmt.Sprintf(
				"the function's new execution role did not get its grant policy (%v); the function keeps its old role", err))
		}
		return nil
	}, nil)
}

// policyReady says when a grant policy has been created (or failed to be).
// A hook holds this and not the policy: the callback server keeps every
// hook until the program exits, and a hook that held the policy's output
// held the component's whole resource tree with it.
type policyReady struct {
	done chan struct{}
	err  error
}

// grantsReady starts watching the policy's id in the background; the
// program never waits for it (only a hook does, and only on a role change).
func grantsReady(policy *iam.RolePolicy) *policyReady {
	r := &policyReady{done: make(chan struct{})}
	id := policy.ID().ToStringOutput()
	go func() {
		_, r.err = internals.UnsafeAwaitOutput(context.Background(), id)
		close(r.done)
	}()
	return r
}

// wait returns once the policy exists, with its error if it could not be
// created, or with an error after limit.
func (r *policyReady) wait(limit time.Duration) error {
	select {
	case <-r.done:
		return r.err
	case <-time.After(limit):
		return fmt.Errorf("still not created after %s", limit)
	}
}
