package asyncroute

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// This file holds the rules that keep every record deliverable while a
// deployed stack changes (see the package documentation, "Changing a
// deployed stack"): the grant policies' names and replacement, and what a
// Function does when its execution role changes.

// grantPolicyOptions are a grant policy's options. A policy is replaced,
// not updated, whenever its document changes, because its name does (see
// policyName) and the provider replaces an inline policy whose name
// changes: the engine creates the new policy before it updates the
// resources that depend on it, and deletes the old one only at the end of
// the deployment, after every invoke config, function and mapping has
// stopped using what only the old one granted. A document changed outside
// Pulumi (seen by a refresh) keeps the name the program's document gives,
// so the policy is written back in place: a replacement under the same
// name would write it and then delete it.
func grantPolicyOptions(parent pulumi.Resource, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(parent)}, extra...)
}

// maxPolicyName is IAM's limit on an inline policy's name.
const maxPolicyName = 128

var notInPolicyName = regexp.MustCompile(`[^\w+=,.@-]`)

// policyName is a grant policy's name in IAM: the policy's Pulumi name
// (made unique in the program run, see configSet.policyBase) and a hash of
// its document. The same document gets the same name whatever deployment
// writes it, so a write that is retried after its answer was lost, or
// after an interrupted `pulumi up`, overwrites the policy instead of
// leaving a second one on the role; a new document gets a new name, so
// the replacement and the policy it replaces exist side by side.
func policyName(base, doc string) string {
	sum := sha256.Sum256([]byte(doc))
	suffix := "-" + hex.EncodeToString(sum[:])[:12]
	base = notInPolicyName.ReplaceAllString(base, "-")
	if len(base) > maxPolicyName-len(suffix) {
		base = base[:maxPolicyName-len(suffix)]
	}
	return base + suffix
}

// roleChangeWait bounds how long a function waits for the grant policies
// on its new role. It runs out only when the policies wait for this
// function (two functions that route to each other and both change roles
// in one deployment, when one of them names the other by an ARN the
// component cannot follow; see waitGraph for the cases it sees).
const roleChangeWait = 15 * time.Minute

// A Function's execution role may change between deployments (a created
// role for a brought one, or back). Between the function's update and its
// invoke config's, Lambda delivers on the config's old routes with the new
// role, so the new role must already grant them; and the function must
// not run under the new role before its grants exist on it. The
// component handles it in three places:
//
//   - it records what it routes to and which role it uses, as far as the
//     program shows them (identity.go), as inputs of the component, and a
//     BeforeUpdate hook on the component (componentHook) compares the
//     deployed ones with the new ones before any child of the component is
//     registered: a role change together with a route the config stops
//     using is refused, with a message that says to split it into two
//     deployments; a role change alone is noted (roleChange);
//   - the function's role input waits, when the role changes, until every
//     grant policy of the component exists (gatedRole): the function's
//     update is not even sent before, so a failed grant, or any other
//     failure the grants depend on, ends the deployment at once with its
//     own message, and no step waits for something that will not come;
//   - the function's BeforeUpdate hook (functionHook) sees the deployed
//     and the new role ARNs: a change the component could not see (a role
//     given by a value known only at deploy time, a role resource
//     replaced under the same name) waits there for the grant policies as
//     it did before this design, learning of a failed policy write from
//     the policy's error hook; an adopted function may not change role.

// roleChange is what one Function knows, in one program run, about a
// change of its execution role. The component's hook fills it before any
// child is registered.
type roleChange struct {
	mu sync.Mutex
	// changes: the component's hook saw the role's identity change (and
	// no route stop being used).
	changes bool
	// shrinks: the component's hook saw a route of the invoke config go,
	// so the role may not change in this deployment.
	shrinks bool
	// adopted: the function takes over a deployed one (Adopt.Function);
	// its role may not change in the adopting deployment.
	adopted bool
}

func (r *roleChange) read() (changes, shrinks, adopted bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changes, r.shrinks, r.adopted
}

// componentHook returns the BeforeUpdate hook of a Function component (nil
// during a preview, when the engine runs no hook): it compares the
// deployed and the new identities of the role and the routes (the
// component's inputs roleIdentity and routeIdentities) and refuses a role
// change together with a route the invoke config stops using.
//
// Its name, "asyncroute-role-and-routes:<type>:<name>" made unique in the
// program run, is returned as the component's key.
func componentHook(ctx *pulumi.Context, typ, name, component string, rc *roleChange) (*pulumi.ResourceHook, string, error) {
	if ctx.DryRun() {
		return nil, "", nil
	}
	hookName := configsOf(ctx).hookName(fmt.Sprintf("asyncroute-role-and-routes:%s:%s", typ, name))
	hook, err := ctx.RegisterResourceHook(hookName, func(args *pulumi.ResourceHookArgs) error {
		return rc.decide(component, identitiesOf(args.OldInputs), identitiesOf(args.NewInputs))
	}, nil)
	return hook, hookName, err
}

// identities are a component's recorded role and route identities.
type identities struct {
	role   string
	routes map[string]string // onSuccess, onFailure, deadLetter -> identity
}

func identitiesOf(m resource.PropertyMap) identities {
	id := identities{routes: map[string]string{}}
	if v, ok := m[inputRoleIdentity]; ok && v.IsString() {
		id.role = v.StringValue()
	}
	if v, ok := m[inputRouteIdentities]; ok && v.IsObject() {
		for k, r := range v.ObjectValue() {
			if r.IsString() {
				id.routes[string(k)] = r.StringValue()
			}
		}
	}
	return id
}

// configRoutes are the routes of the invoke config, in the order they are
// named in messages; the dead-letter target is the function's own and
// changes with its role, in one write.
var configRoutes = []struct{ key, field string }{{"onSuccess", "OnSuccess"}, {"onFailure", "OnFailure"}}

// decide compares the deployed identities with the new ones.
func (r *roleChange) decide(component string, was, now identities) error {
	if was.role == "" {
		return nil // deployed by a version that recorded none: see functionHook
	}
	roleChanges := was.role != now.role && !atDeploy(was.role) && !atDeploy(now.role)
	kept := map[string]bool{}
	for _, id := range now.routes {
		if !atDeploy(id) {
			kept[id] = true
		}
	}
	var gone, fields []string
	for _, c := range configRoutes {
		if id := was.routes[c.key]; id != "" && !kept[id] {
			gone = append(gone, id)
			fields = append(fields, doors.Field(c.field))
		}
	}
	r.mu.Lock()
	r.changes, r.shrinks = roleChanges && len(gone) == 0, len(gone) > 0
	r.mu.Unlock()
	if roleChanges && len(gone) > 0 {
		return newInputError(component, "Role", splitMessage(was.role, now.role, gone, fields))
	}
	return nil
}

// splitMessage is the refusal of a role change together with routes the
// invoke config stops using.
func splitMessage(was, now string, gone, fields []string) string {
	return fmt.Sprintf("the execution role changes (%s -> %s) in the deployment in which the invoke config stops routing to %s: "+
		"between the function's update and the config's, Lambda would deliver there with the new role, which is not granted it, and records would be lost; "+
		"allowed: split the change into two deployments, one that changes %s and one that changes %s (either first); nothing was changed",
		was, now, strings.Join(gone, " and "), doors.Field("Role"), strings.Join(fields, " and "))
}

// gatedRole is the role ARN the function takes: at once, unless the
// component's hook saw the role change in this update; then once every
// grant policy of the component exists (see waitGraph for two functions
// waiting for each other). A preview and a first deployment never wait.
// key identifies the component in the program run (its hook's name).
func gatedRole(ctx *pulumi.Context, component pulumi.Resource, key, label string, arn pulumi.StringOutput, rc *roleChange, policies []*iam.RolePolicy) pulumi.StringOutput {
	if ctx.DryRun() || len(policies) == 0 {
		return arn
	}
	urn := component.URN()
	ids := make([]pulumi.IDOutput, len(policies))
	for i, p := range policies {
		ids[i] = p.ID()
	}
	graph := configsOf(ctx).waits
	return arn.ApplyT(func(a string) (string, error) {
		// The component's URN comes back once its step, and its hook,
		// have run; the URN is awaited, not depended on, so the
		// function does not depend on its own component.
		if _, err := internals.UnsafeAwaitOutput(ctx.Context(), urn); err != nil {
			return "", err
		}
		if changes, _, _ := rc.read(); !changes {
			return a, nil
		}
		done, err := graph.wait(key)
		defer done()
		if err == nil {
			for _, id := range ids {
				if err = awaitWithin(ctx.Context(), id, roleChangeWait); err != nil {
					break
				}
			}
		}
		if err != nil {
			return "", newInputError(label, "Role", fmt.Sprintf(
				"the function's new execution role did not get its grant policies (%v); the function keeps its old role", err))
		}
		return a, nil
	}).(pulumi.StringOutput)
}

// awaitWithin waits for an output for at most limit.
func awaitWithin(ctx context.Context, out pulumi.Output, limit time.Duration) error {
	got := make(chan error, 1)
	go func() {
		_, err := internals.UnsafeAwaitOutput(ctx, out)
		got <- err
	}()
	select {
	case err := <-got:
		return err
	case <-time.After(limit):
		return fmt.Errorf("still not created after %s", limit)
	}
}

// waitGraph sees two Functions of a program whose role changes would wait
// for each other: each one's grants name the other's function (a Lambda
// destination), so neither grant policy can be written before the other
// function is, and neither function before its own grants. The one that
// closes the cycle fails at once, and with its function the other's
// grants; no deployment waits out roleChangeWait for it.
type waitGraph struct {
	mu      sync.Mutex
	label   map[string]string             // component key -> its label, for messages
	owner   map[*lambda.Function]string   // function -> its component's key
	needs   map[string][]*lambda.Function // component key -> the functions its grants name
	waiting map[string]bool               // components whose function waits for its grants
}

func newWaitGraph() *waitGraph {
	return &waitGraph{label: map[string]string{}, owner: map[*lambda.Function]string{},
		needs: map[string][]*lambda.Function{}, waiting: map[string]bool{}}
}

// add records a component's function and the functions its grants name.
func (g *waitGraph) add(key, label string, fn *lambda.Function, needs []*lambda.Function) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.label[key], g.owner[fn], g.needs[key] = label, key, needs
}

// wait marks the component as waiting for its grants, or returns why it
// must not: it would close a cycle of waiting components. done unmarks
// it.
func (g *waitGraph) wait(key string) (done func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	done = func() {
		g.mu.Lock()
		delete(g.waiting, key)
		g.mu.Unlock()
	}
	if cycle := g.cycleFrom(key); cycle != nil {
		names := make([]string, 0, len(cycle)-2)
		for _, k := range cycle[1 : len(cycle)-1] {
			names = append(names, g.label[k])
		}
		return func() {}, fmt.Errorf("its grants name %s, whose role changes in this deployment too and whose grants wait for this function "+
			"(allowed: change the role of one of them per deployment)", strings.Join(names, ", which waits for "))
	}
	g.waiting[key] = true
	return done, nil
}

// cycleFrom returns a path from key through waiting components back to
// key (key first and last), nil when there is none.
func (g *waitGraph) cycleFrom(key string) []string {
	path := []string{key}
	seen := map[string]bool{}
	var visit func(string) bool
	visit = func(c string) bool {
		for _, fn := range g.needs[c] {
			next, ok := g.owner[fn]
			switch {
			case !ok:
			case next == key:
				path = append(path, next)
				return true
			case g.waiting[next] && !seen[next]:
				seen[next] = true
				path = append(path, next)
				if visit(next) {
					return true
				}
				path = path[:len(path)-1]
			}
		}
		return false
	}
	if visit(key) {
		return path
	}
	return nil
}

// functionHook returns the function's BeforeUpdate hook (nil during a
// preview): when the update changes the function's execution role, it
// lets through a change the component saw (the function's role input
// waited for the grants), refuses one of an adopted function or one made
// with a route the config stops using, and otherwise waits for the grant
// policies on the new role, as before the component could see role
// changes. A create does not wait (no invoke config uses the function
// yet; a function with a dead-letter target depends on its policy
// anyway), so first deployments stay as parallel as raw resources.
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
func functionHook(ctx *pulumi.Context, typ, name, component string, rc *roleChange, ready *policyReady) (*pulumi.ResourceHook, error) {
	if ctx.DryRun() {
		return nil, nil
	}
	hookName := configsOf(ctx).hookName(fmt.Sprintf("asyncroute-grants-before-role-change:%s:%s", typ, name))
	return ctx.RegisterResourceHook(hookName, func(args *pulumi.ResourceHookArgs) error {
		was, now := args.OldInputs["role"], args.NewInputs["role"]
		if was.DeepEquals(now) {
			return nil
		}
		changes, shrinks, adopted := rc.read()
		switch {
		case adopted:
			return newInputError(component, "Role", fmt.Sprintf(
				"the adopted function's execution role would change (%s -> %s) in the deployment that adopts it; allowed: keep its role while it is adopted (%s naming the role it has, or %s), and change the role in a later deployment; the function keeps its old role",
				propertyText(was), propertyText(now), doors.Field("Adopt.Role"), doors.Field("Role")))
		case changes:
			return nil // the role input waited for the grants
		case shrinks:
			return newInputError(component, "Role", fmt.Sprintf(
				"the execution role changes (%s -> %s) in the deployment in which the invoke config stops routing to a target; allowed: split the change into two deployments, one that changes %s and one that changes the destinations (either first); the function keeps its old role",
				propertyText(was), propertyText(now), doors.Field("Role")))
		}
		if err := ready.wait(roleChangeWait); err != nil {
			return newInputError(component, "Role", fmt.Sprintf(
				"the function's new execution role did not get its grant policies (%v); the function keeps its old role", err))
		}
		return nil
	}, nil)
}

func propertyText(v resource.PropertyValue) string {
	if v.IsString() {
		return v.StringValue()
	}
	return v.String()
}

// policyReady says when a component's grant policies have been created,
// or that one of them failed to be. A hook holds this and not the
// policies: the callback server keeps every hook until the program exits,
// and a hook that held the policies' outputs held the component's whole
// resource tree with them.
type policyReady struct {
	once sync.Once
	done chan struct{}
	err  error
}

func newPolicyReady() *policyReady { return &policyReady{done: make(chan struct{})} }

// watch starts watching the policies' ids in the background; the program
// never waits for them (only a hook does, and only on a role change the
// component could not see).
func (r *policyReady) watch(policies []*iam.RolePolicy) {
	ids := make([]pulumi.IDOutput, len(policies))
	for i, p := range policies {
		ids[i] = p.ID()
	}
	go func() {
		for _, id := range ids {
			if _, err := internals.UnsafeAwaitOutput(context.Background(), id); err != nil {
				r.finish(err)
				return
			}
		}
		r.finish(nil)
	}()
}

func (r *policyReady) finish(err error) {
	r.once.Do(func() {
		r.err = err
		close(r.done)
	})
}

// wait returns once the policies exist, with the error of one that could
// not be written, or with an error after limit.
func (r *policyReady) wait(limit time.Duration) error {
	select {
	case <-r.done:
		return r.err
	case <-time.After(limit):
		return fmt.Errorf("still not created after %s", limit)
	}
}

// policyFailedHook returns the error hook of a component's grant policies
// (nil during a preview): when the engine fails a policy's create or
// update, it tells the function's hook at once, with the provider's
// message, instead of letting it wait for a policy that will not come.
func policyFailedHook(ctx *pulumi.Context, typ, name string, ready *policyReady) (*pulumi.ErrorHook, error) {
	if ctx.DryRun() {
		return nil, nil
	}
	hookName := configsOf(ctx).hookName(fmt.Sprintf("asyncroute-grant-failed:%s:%s", typ, name))
	return ctx.RegisterErrorHook(hookName, func(args *pulumi.ErrorHookArgs) (bool, error) {
		if args.FailedOperation != "delete" && len(args.Errors) > 0 {
			ready.finish(fmt.Errorf("%s of grant policy %q failed: %s", args.FailedOperation, args.Name, args.Errors[0]))
		}
		return false, nil
	})
}
