package asyncroute

import (
	"runtime"
	"strconv"
	"sync"
	"weak"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/asyncroute/asyncroute/internal/programscope"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// configRegistry remembers, per program run, which function and qualifier
// already have an invoke config from a component, since Lambda keeps one
// config per function and qualifier and a second one would overwrite the
// first at deploy time, and which resource hook names the program's
// components have registered (the engine refuses a second hook of one
// name).
//
// A Go program is one Context: its entry is keyed by a weak pointer and
// dropped when the context is collected, so long-lived processes that run
// many programs do not leak. Through the component provider every
// component has a Context of its own, marked with the deployment it belongs
// to (package internal/programscope): those are keyed by that mark, so the
// components of one YAML or TypeScript program share one entry, as the
// components of one Go program do. A provider process serves one
// deployment, so those entries live as long as it.
var (
	configRegistry  sync.Map // weak.Pointer[pulumi.Context] -> *configSet
	programRegistry sync.Map // programscope key -> *configSet
)

type configSet struct {
	mu       sync.Mutex
	claims   []configClaim                                // who configures which function and qualifier
	hooks    map[string]bool                              // resource hook names registered so far
	asked    map[string]func() (lambdafacts.Place, error) // providers asked for their place (preview)
	policies map[string]bool                              // grant policies' names (before the hash) so far
	waits    *waitGraph                                   // functions waiting for their grants on a role change
	// roleDocs are the sizes of the grant policies the program's
	// components write, by role name and policy.
	roleDocs map[string]map[string]int
	// nodes and flows are the routes between functions (see loops.go).
	nodes []*loopNode
	flows []loopFlow
}

// functionKey identifies a function: by its resource (the key holds the
// resource, so no other resource can take its address while the program
// runs) or by its identity.
type functionKey struct {
	res pulumi.Resource
	id  *lambdafacts.FunctionID
}

// configClaim is one component's config of one function and qualifier.
type configClaim struct {
	fn        functionKey
	qualifier string
	owner     string
}

func newConfigSet() *configSet {
	return &configSet{hooks: map[string]bool{}, policies: map[string]bool{}, waits: newWaitGraph()}
}

// same says whether two keys name one function.
func (k functionKey) same(o functionKey) bool {
	if k.res != nil && k.res == o.res {
		return true
	}
	return k.id != nil && o.id != nil && k.id.Same(*o.id)
}

func configsOf(ctx *pulumi.Context) *configSet {
	if id, ok := programscope.Key(ctx); ok {
		v, _ := programRegistry.LoadOrStore(id, newConfigSet())
		return v.(*configSet)
	}
	key := weak.Make(ctx)
	v, loaded := configRegistry.LoadOrStore(key, newConfigSet())
	if !loaded {
		runtime.AddCleanup(ctx, func(k weak.Pointer[pulumi.Context]) { configRegistry.Delete(k) }, key)
	}
	return v.(*configSet)
}

// functionKeys identifies a function by its resource and, when known, by its
// identity; either may match another component's.
func functionKeys(res pulumi.Resource, id *lambdafacts.FunctionID) []functionKey {
	var keys []functionKey
	if res != nil {
		keys = append(keys, functionKey{res: res})
	}
	if id != nil && id.Name != "" {
		keys = append(keys, functionKey{id: id})
	}
	return keys
}

// claim records the config for component, or returns the component that
// already owns one of the keys for the qualifier. A component may claim
// its own keys again (at deploy time, with the names it now knows).
func (s *configSet) claim(keys []functionKey, qualifier, component string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.ownerOf(keys, qualifier, component); !ok {
		return prev, false
	}
	for _, k := range keys {
		s.claims = append(s.claims, configClaim{fn: k, qualifier: qualifier, owner: component})
	}
	return "", true
}

// check is claim without recording.
func (s *configSet) check(keys []functionKey, qualifier, component string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ownerOf(keys, qualifier, component)
}

func (s *configSet) ownerOf(keys []functionKey, qualifier, component string) (string, bool) {
	for _, c := range s.claims {
		if c.qualifier != qualifier || c.owner == component {
			continue
		}
		for _, k := range keys {
			if k.same(c.fn) {
				return c.owner, false
			}
		}
	}
	return "", true
}

// hookName reserves a resource hook name for the program run: base, or
// base#2, base#3, ... when components of the same name (under different
// parents) asked for it first.
func (s *configSet) hookName(base string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := base
	for n := 2; s.hooks[name]; n++ {
		name = base + "#" + strconv.Itoa(n)
	}
	s.hooks[name] = true
	return name
}

// policyBase reserves the first part of a grant policy's name (see
// policyName) for the program run: the policy's Pulumi name, or name-2,
// name-3, ... when components of the same name (under different parents)
// asked for it first, so two policies of one program never share a name
// on one role.
func (s *configSet) policyBase(base string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := base
	for n := 2; s.policies[name]; n++ {
		name = base + "-" + strconv.Itoa(n)
	}
	s.policies[name] = true
	return name
}

// claimAtDeploy claims the config's function and qualifier once both are
// known (at deploy time for values that are outputs during an update):
// the returned function name feeds the invoke config, so a second config
// for the same function and qualifier fails before it is written, with the
// message a preview gives.
func claimAtDeploy(ctx *pulumi.Context, component, field string, fn pulumi.StringInput, qualifier pulumi.StringInput, place deployPlace, own bool, extraKeys []functionKey) pulumi.StringOutput {
	configs := configsOf(ctx)
	return pulumi.All(fn, qualifier, place.partition, place.region, place.account).ApplyT(func(v []any) (string, error) {
		ref, q := v[0].(string), v[1].(string)
		fn, err := lambdafacts.ParseFunctionRef(ref)
		if err != nil {
			return "", inputErrorOf(component, "FunctionName", err)
		}
		name := fn.Name
		if name == "" {
			return ref, nil
		}
		at := lambdafacts.Place{Provider: place.provider, Partition: v[2].(string), Region: v[3].(string), Account: v[4].(string)}
		id := fn.In(at)
		if own {
			id = lambdafacts.Deployed(name, at, "")
		}
		keys := append(functionKeys(nil, &id), extraKeys...)
		if prev, ok := configs.claim(keys, q, component); !ok {
			return "", newInputError(component, field, duplicateConfig(name, q, prev))
		}
		return ref, nil
	}).(pulumi.StringOutput)
}

// deployPlace is where a component deploys, as the provider says at deploy
// time: provider is placeNow's key, so that a component's claims while the
// program runs and at deploy time are claims of one place.
type deployPlace struct {
	provider                   string
	partition, region, account pulumi.StringOutput
}

func duplicateConfig(name, qualifier, prev string) string {
	return lambdafacts.DuplicateConfig(name, qualifier, prev).Error()
}

// addRoleDocument records the size of a grant policy the program writes to
// role and checks the role's inline policies together (see
// lambdafacts.CheckRolePolicies). The last of a role's documents to be
// known is checked with all of them.
func (s *configSet) addRoleDocument(role, policy string, size int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roleDocs == nil {
		s.roleDocs = map[string]map[string]int{}
	}
	if s.roleDocs[role] == nil {
		s.roleDocs[role] = map[string]int{}
	}
	s.roleDocs[role][policy] = size
	return lambdafacts.CheckRolePolicies(role, s.roleDocs[role], true)
}
