//go:build engine

package engine

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of this file change deployed stacks when the provider
// misbehaves (issue 20): a role swap together with a destination switch,
// writes that fail before or after they are stored (fakeaws.InjectFaults),
// an interrupted `pulumi up`, and a grant removed outside Pulumi. Each
// asserts what the double recorded: no delivery-time window, the writes
// in the log, no grant policy left in the double that the stack does not
// know of.

// splitWords are the words of the refusal of a role change made with a
// route the config stops using.
const splitWords = "split the change into two deployments"

// swapBase is the program every role-swap case starts from and changes:
// queues a, b, c, topic t, the brought role, OnFailure on queue a.
func swapBase() shape {
	return shape{queues: []string{"a", "b", "c"}, topics: []string{"t"}, roles: []string{"brought"}, onFailure: "queue:a", retries: 1}
}

// TestRoleSwapWithRouteChanges deploys every combination of a role swap
// (created -> ExistingRole and back) with a change of the invoke config's
// route (none, queue a -> queue b, queue a -> topic t) and of the
// dead-letter queue (none, added, removed), in one deployment. A change
// whose config stops using a route while the role changes is refused
// before anything is written (no provider write at all), with a message
// that says to split it; the two deployments it asks for (the routes,
// then the role) go through. Every other combination goes through in one
// deployment. No window is ever recorded, and a preview after the last
// step shows no change.
func TestRoleSwapWithRouteChanges(t *testing.T) {
	type route struct {
		name      string
		onFailure string // the new OnFailure
		refused   bool   // the config stops using queue a
	}
	routes := []route{{"route kept", "queue:a", false}, {"queue a to queue b", "queue:b", true}, {"queue a to topic", "topic:t", true}}
	type dlq struct{ name, from, to string }
	dlqs := []dlq{{"no dead-letter queue", "", ""}, {"dead-letter queue added", "", "queue:c"}, {"dead-letter queue removed", "queue:c", ""}}
	type swap struct{ name, from, to string }
	swaps := []swap{{"created role to ExistingRole", "", "brought"}, {"ExistingRole to created role", "brought", ""}}
	for _, sw := range swaps {
		for _, r := range routes {
			for _, d := range dlqs {
				from := swapBase()
				from.role, from.deadLetter = sw.from, d.from
				to := from
				to.role, to.onFailure, to.deadLetter = sw.to, r.onFailure, d.to
				t.Run(sw.name+"/"+r.name+"/"+d.name, func(t *testing.T) {
					t.Parallel()
					w := newWorld(t, "asyncroute-swap", from.program())
					w.upTo(from, "first deployment")
					seen := w.assertNoWindows("first deployment", 0)
					if !r.refused {
						w.upTo(to, "role and routes changed")
						w.assertNoWindows("role and routes changed", seen)
					} else {
						n := w.logLen()
						w.setProgram(to.program())
						err := w.upErr()
						require.Error(t, err, "a role swap with a route switch in one deployment")
						assert.Contains(t, err.Error(), splitWords)
						assert.Contains(t, err.Error(), `Function "router": Role: the execution role changes`)
						assert.Empty(t, opNames(w.ops(n)), "refused before anything is written")
						seen = w.assertNoWindows("refused", seen)
						// The two deployments the message asks for.
						routesFirst := to
						routesFirst.role = from.role
						w.upTo(routesFirst, "routes changed, role kept")
						seen = w.assertNoWindows("routes changed, role kept", seen)
						w.upTo(to, "role changed")
						w.assertNoWindows("role changed", seen)
					}
					_, err := w.preview(optpreview.ExpectNoChanges())
					require.NoError(t, err, "no changes after the last step")
					w.assertNoOrphans("end")
				})
			}
		}
	}
}

// faultPoint is a write the double fails in a change scenario.
type faultPoint struct {
	name string
	op   string // create, update, delete
	// target is the logical name or type token of fakeaws.Fault.
	target string
}

// faultPoints are the three writes of a change that issue 20 failed:
// the new grant policy's create, the invoke config's update and the old
// grant policy's delete.
var faultPoints = []faultPoint{
	{"new policy create", "create", tRolePolicy},
	{"config update", "update", component + "-async-config"},
	{"old policy delete", "delete", tRolePolicy},
}

// TestFaultsDuringChanges runs every change scenario of
// TestChangesLoseNoRecord with one of the three writes failing, before
// the double stores it (refused) or after (the answer is lost), in the
// step that makes the change. Each fault point runs on every scenario;
// before and after alternate from scenario to scenario, so each is run on
// half of them. The failed `up` opens no window; the next `up`, with the
// program unchanged, converges; a preview then shows no change; and the
// double holds no grant policy (or any other record) that the stack does
// not know of. A fault whose write the step does not make (a role swap
// updates no config) does not fire, and the step then succeeds.
func TestFaultsDuringChanges(t *testing.T) {
	for i, c := range changeCases() {
		for j, f := range faultPoints {
			when := fakeaws.Before
			if (i+j)%2 == 1 {
				when = fakeaws.After
			}
			c, f := c, f
			t.Run(c.name+"/"+f.name+" "+when, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, "asyncroute-fault", c.steps[0].program())
				w.upTo(c.steps[0], "first deployment")
				seen := w.assertNoWindows("first deployment", 0)
				// The fault goes into the last step (the only one of most
				// scenarios); earlier steps run clean.
				last := len(c.steps) - 1
				for k := 1; k < last; k++ {
					w.upTo(c.steps[k], c.labels[k-1])
					seen = w.assertNoWindows(c.labels[k-1], seen)
				}
				fault := fakeaws.Fault{Op: f.op, Target: f.target, When: when}
				require.NoError(t, fakeaws.InjectFaults(w.state, fault))
				step := c.labels[last-1] + " with " + fault.Rule()
				n := w.logLen()
				w.setProgram(c.steps[last].program())
				err := w.upErr()
				fired := w.fired(fault)
				if fired == "" {
					require.NoError(t, err, "%s: the fault did not fire, so the step succeeds", step)
				} else {
					require.Error(t, err, "%s: the fault fired on %s", step, fired)
					assert.Contains(t, err.Error(), fault.Rule(), "the up reports the failed write")
					failedWrites := 0
					for _, op := range w.ops(n) {
						if op.Error != "" {
							failedWrites++
							assert.Contains(t, op.Error, fault.Rule())
						}
					}
					assert.Equal(t, 1, failedWrites, "one write failed: %v", opNames(w.ops(n)))
				}
				seen = w.assertNoWindows(step, seen)
				w.upTo(c.steps[last], "recovery")
				w.assertNoWindows("recovery", seen)
				_, err = w.preview(optpreview.ExpectNoChanges())
				require.NoError(t, err, "no changes after the recovery")
				w.assertNoOrphans("after the recovery")
			})
		}
	}
}

// fired returns the URN a fault fired on, "" when it has not fired.
func (w *world) fired(f fakeaws.Fault) string {
	w.t.Helper()
	faults, err := fakeaws.Faults(w.state)
	require.NoError(w.t, err)
	for _, got := range faults {
		if got.Rule() == f.Rule() && got.Fired != nil {
			return got.FiredOn
		}
	}
	return ""
}

// assertNoOrphans fails when the double holds a record of the stack that
// the stack's state does not have (a grant policy written by a retried
// or interrupted write, say), or the state has a resource the double does
// not hold. Records seeded as existing outside the stack are left out.
func (w *world) assertNoOrphans(step string) {
	w.t.Helper()
	_, d := w.export()
	inState := map[string]bool{}
	for _, r := range d.Resources {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			inState[r.Type+" "+r.ID] = true
		}
	}
	stored := map[string]bool{}
	var orphans []string
	for _, r := range w.providerState().Live() {
		key := r.Type + " " + r.ID
		stored[key] = true
		if !inState[key] {
			orphans = append(orphans, key+" ("+r.URN+")")
		}
	}
	var missing []string
	for key := range inState {
		if !stored[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(orphans)
	sort.Strings(missing)
	assert.Empty(w.t, orphans, "%s: records the stack does not know of", step)
	assert.Empty(w.t, missing, "%s: resources of the stack the double does not hold", step)
}

// changeCases are the change scenarios of TestChangesLoseNoRecord and
// TestFaultsDuringChanges.
func changeCases() []changeCase {
	base := shape{queues: []string{"a", "b"}, retries: 1}
	with := func(f func(*shape)) shape {
		s := base
		s.queues = append([]string{}, base.queues...)
		f(&s)
		return s
	}
	return []changeCase{
		{"remove a destination",
			[]shape{
				with(func(s *shape) { s.onSuccess, s.onFailure = "queue:a", "queue:b" }),
				with(func(s *shape) { s.onFailure = "queue:b" }),
			}, []string{"OnSuccess dropped, OnFailure kept"}},
		{"switch a destination",
			[]shape{
				with(func(s *shape) { s.onFailure = "queue:a" }),
				with(func(s *shape) { s.onFailure = "queue:b" }),
			}, []string{"OnFailure queue a -> queue b"}},
		{"remove a destination with its queue",
			[]shape{
				with(func(s *shape) { s.onSuccess, s.onFailure = "queue:a", "queue:b" }),
				with(func(s *shape) { s.queues, s.onFailure = []string{"b"}, "queue:b" }),
			}, []string{"OnSuccess and its queue removed"}},
		{"switch roles created to existing and back",
			[]shape{
				with(func(s *shape) { s.roles, s.onFailure = []string{"brought"}, "queue:a" }),
				with(func(s *shape) { s.roles, s.onFailure, s.role = []string{"brought"}, "queue:a", "brought" }),
				with(func(s *shape) { s.roles, s.onFailure = []string{"brought"}, "queue:a" }),
			}, []string{"created role -> ExistingRole", "ExistingRole -> created role"}},
		{"switch OnFailure queue to topic",
			[]shape{
				with(func(s *shape) { s.onFailure = "queue:a" }),
				with(func(s *shape) { s.queues, s.topics, s.onFailure = nil, []string{"t"}, "topic:t" }),
			}, []string{"OnFailure queue -> topic (the queue leaves the program)"}},
		{"add and remove a dead-letter queue",
			[]shape{
				with(func(s *shape) { s.onFailure = "queue:a" }),
				with(func(s *shape) { s.onFailure, s.deadLetter = "queue:a", "queue:b" }),
				with(func(s *shape) { s.onFailure = "queue:a" }),
			}, []string{"DeadLetter added", "DeadLetter removed"}},
		{"add and remove a customer KMS key on a destination queue",
			[]shape{
				with(func(s *shape) { s.keys, s.onFailure = []string{"key"}, "newqueue" }),
				with(func(s *shape) { s.keys, s.onFailure = []string{"key"}, "newqueue:key" }),
				with(func(s *shape) { s.keys, s.onFailure = []string{"key"}, "newqueue" }),
			}, []string{"KmsKey added to the NewQueue", "KmsKey removed"}},
	}
}

// TestFailedGrantDuringRoleSwapEndsAtOnce: during a role swap the new
// grant policy's create fails, or the create of a new destination queue
// the grants name fails. The deployment ends with that failure as its
// error, and the function is never updated: its role input waited for
// the grants, so no hook was left waiting for a policy that will not come
// (before, the hook waited out its 15 minutes and blamed a slow policy).
// The next `up` converges. Asserted on the op log and the error, not on
// the clock.
func TestFailedGrantDuringRoleSwapEndsAtOnce(t *testing.T) {
	from := shape{queues: []string{"a"}, roles: []string{"brought"}, onFailure: "queue:a", retries: 1}
	cases := []struct {
		name  string
		to    shape
		fault fakeaws.Fault
	}{
		{"grant policy create fails", func() shape { s := from; s.role = "brought"; return s }(),
			fakeaws.Fault{Op: "create", Target: component + "-async-grants", When: fakeaws.Before}},
		{"new destination queue create fails", func() shape {
			s := from
			s.queues, s.role, s.deadLetter = []string{"a", "new"}, "brought", "queue:new"
			return s
		}(), fakeaws.Fault{Op: "create", Target: "q-new", When: fakeaws.Before}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "asyncroute-swap-fail", from.program())
			w.upTo(from, "first deployment")
			require.NoError(t, fakeaws.InjectFaults(w.state, c.fault))
			n := w.logLen()
			w.setProgram(c.to.program())
			err := w.upErr()
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.fault.Rule(), "the error is the failed write's")
			assert.NotContains(t, err.Error(), "still not created after", "no hook waited for the policy")
			assert.NotContains(t, err.Error(), "before hook", "no hook failed")
			ops := w.ops(n)
			assert.Equal(t, []string{"create " + stringsAfterColon(c.fault.Target)}, failedOps(ops), "the one failed write")
			_, updated := find(ops, "update", tFunction, component)
			assert.False(t, updated, "the function keeps its role: %v", opNames(ops))
			w.assertNoWindows("failed role swap", 0)
			w.upTo(c.to, "recovery")
			w.assertNoWindows("recovery", 0)
			_, err = w.preview(optpreview.ExpectNoChanges())
			require.NoError(t, err)
			w.assertNoOrphans("after the recovery")
		})
	}
}

func stringsAfterColon(s string) string { return s[strings.LastIndex(s, ":")+1:] }

// failedOps names the failed writes of a log: "op name".
func failedOps(ops []fakeaws.Op) []string {
	var out []string
	for _, op := range ops {
		if op.Error != "" {
			out = append(out, op.Op+" "+op.Name())
		}
	}
	return out
}

// TestLostAnswerLeavesNoExtraPolicy: the answer to the grant policy's
// create is lost (the double stores the policy, the engine gets an
// error), on a first deployment and on a destination switch. The next
// `up` writes the policy again under the same name (it is named after
// its document), so the role holds exactly the policies of the state:
// before, the retry added a second, auto-named policy that no state knew.
func TestLostAnswerLeavesNoExtraPolicy(t *testing.T) {
	t.Parallel()
	v1 := shape{queues: []string{"a", "b"}, onFailure: "queue:a", retries: 1}
	v2 := v1
	v2.onFailure = "queue:b"
	w := newWorld(t, "asyncroute-lost-answer", v1.program())
	lost := fakeaws.Fault{Op: "create", Target: component + "-async-grants", When: fakeaws.After}
	for i, s := range []shape{v1, v2} {
		require.NoError(t, fakeaws.InjectFaults(w.state, lost))
		w.setProgram(s.program())
		err := w.upErr()
		require.Error(t, err, "step %d: the lost answer fails the up", i)
		assert.Contains(t, err.Error(), "after the write was stored")
		n := w.logLen()
		w.upTo(s, "retry")
		policies := w.policiesOnRole()
		require.Len(t, policies, 1, "step %d: one grant policy on the role: %v", i, policies)
		created := opWhere(t, w.ops(n), "the retried create", is("create", tRolePolicy, component+"-async-grants"))
		assert.Equal(t, policies[0], created.ID, "the retry wrote the policy the lost answer had stored")
		w.assertNoOrphans(fmt.Sprintf("step %d", i))
	}
	w.assertNoWindows("lost answers", 0)
}

// policiesOnRole returns the ids of the role policies the double holds on
// the component's created role.
func (w *world) policiesOnRole() []string {
	w.t.Helper()
	var out []string
	for _, r := range w.providerState().Live() {
		if r.Type == tRolePolicy && strings.HasPrefix(r.ID, component+"-role-") {
			out = append(out, r.ID)
		}
	}
	sort.Strings(out)
	return out
}

// TestDriftShowsAfterRefresh changes the component's grant policy outside
// Pulumi, as a console user would: deletes it, or edits its document so
// that it grants another queue. Records are lost from that moment (the
// double opens a window); `pulumi preview` and the checker on `pulumi
// stack export` see nothing, since Pulumi's state still has the grant.
// After `pulumi refresh` the export has what AWS has and the checker
// reports the missing grant (exit status 1), which is the recipe of
// docs/changing-a-stack.md for CI; `pulumi up` then writes the policy
// again (the deleted one created, the edited one updated in place, never
// replaced under its own name), writes nothing else (the refresh keeps the
// function's code archive as the engine has it), and the window closes.
func TestDriftShowsAfterRefresh(t *testing.T) {
	policyWrite := map[string]string{"deleted": "create", "edited": "update"}
	edits := map[string]func(s *fakeaws.State, id string) error{
		"deleted": func(s *fakeaws.State, id string) error {
			if !s.Remove(tRolePolicy, id) {
				return fmt.Errorf("no policy %s", id)
			}
			return nil
		},
		"edited": func(s *fakeaws.State, id string) error {
			r := s.Find(tRolePolicy, id)
			if r == nil {
				return fmt.Errorf("no policy %s", id)
			}
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:elsewhere"}]}`
			r.Inputs["policy"], r.Outputs["policy"] = doc, doc
			return nil
		},
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := shape{queues: []string{"a"}, onFailure: "queue:a", retries: 1}
			w := newWorld(t, "asyncroute-drift", s.program())
			w.upTo(s, "first deployment")
			w.assertNoWindows("first deployment", 0)
			var policyID string
			for _, r := range w.providerState().Live() {
				if r.Type == tRolePolicy {
					policyID = r.ID
				}
			}
			require.NotEmpty(t, policyID)
			require.NoError(t, fakeaws.EditOutOfBand(w.state, "console: grant "+name, func(s *fakeaws.State) error { return edit(s, policyID) }))
			ws := w.windows()
			require.Len(t, ws, 1, "the console's change opens a window")
			assert.True(t, ws[0].Open())

			_, err := w.preview(optpreview.ExpectNoChanges())
			require.NoError(t, err, "a preview does not see the drift")
			fs, code := w.check(t)
			assert.Empty(t, summarize(fs), "the checker on the unrefreshed export sees nothing")
			assert.Equal(t, 0, code)

			_, err = w.stack.Refresh(w.ctx)
			require.NoError(t, err)
			fs, code = w.check(t)
			assert.Equal(t, []string{"ASYNC001 mandatory " + component + "-async-config destinationConfig.onFailure.destination"}, summarize(fs),
				"the checker on the refreshed export reports the missing grant")
			assert.Equal(t, 1, code)

			n := w.logLen()
			w.upTo(s, "up after the refresh")
			var policyWrites []string
			for _, op := range w.ops(n) {
				if op.Type == tRolePolicy {
					policyWrites = append(policyWrites, op.Op+" "+op.Name())
					continue
				}
				t.Errorf("the up after the refresh also wrote: %s %s (inputs changed: %v)", op.Op, op.Name(), changedKeys(op.OldInputs, op.Inputs))
			}
			assert.Equal(t, []string{policyWrite[name] + " " + component + "-async-grants"}, policyWrites,
				"the up writes the policy back, once, and deletes no policy")
			ws = w.windows()
			require.Len(t, ws, 1)
			assert.False(t, ws[0].Open(), "the up closed the window: %s", ws[0])
			fs, code = w.check(t)
			assert.Empty(t, summarize(fs))
			assert.Equal(t, 0, code)
		})
	}
}
