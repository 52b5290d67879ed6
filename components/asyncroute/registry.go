package asyncroute

import (
	"fmt"
	"runtime"
	"sync"
	"weak"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// configRegistry remembers, per program run, which function and qualifier
// already have an invoke config from a component, since Lambda keeps one
// config per function and qualifier and a second one would overwrite the
// first at deploy time.
// Entries are keyed by a weak pointer and dropped when the context is
// collected, so long-lived processes that run many programs do not leak.
var configRegistry sync.Map // weak.Pointer[pulumi.Context] -> *configSet

type configSet struct {
	mu    sync.Mutex
	owner map[string]string // function key + qualifier -> owning component
}

func configsOf(ctx *pulumi.Context) *configSet {
	key := weak.Make(ctx)
	v, loaded := configRegistry.LoadOrStore(key, &configSet{owner: map[string]string{}})
	if !loaded {
		runtime.AddCleanup(ctx, func(k weak.Pointer[pulumi.Context]) { configRegistry.Delete(k) }, key)
	}
	return v.(*configSet)
}

// functionKeys identifies a function by its resource and, when known, by its
// name; either may match another component's.
func functionKeys(res pulumi.Resource, name string) []string {
	var keys []string
	if res != nil {
		keys = append(keys, fmt.Sprintf("resource:%p", res))
	}
	if name != "" {
		keys = append(keys, "name:"+name)
	}
	return keys
}

// claim records the config, or returns the component that already owns it.
func (s *configSet) claim(keys []string, qualifier, component string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if prev, ok := s.owner[k+"|"+qualifier]; ok {
			return prev, false
		}
	}
	for _, k := range keys {
		s.owner[k+"|"+qualifier] = component
	}
	return "", true
}

// check is claim without recording.
func (s *configSet) check(keys []string, qualifier string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if prev, ok := s.owner[k+"|"+qualifier]; ok {
			return prev, false
		}
	}
	return "", true
}
