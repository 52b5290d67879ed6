package mockmonitor

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/asyncroute/asyncroute/internal/awstypes"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Fixed identity the monitor reports, like a real account would.
const (
	Account       = "123456789012"
	DefaultRegion = "us-east-1" // when the stack config sets no aws:region
)

// Defaults of [Run].
const (
	DefaultProject = "asyncroute"
	DefaultStack   = "dev"
)

// providerType is the type token of an explicit AWS provider.
const providerType = "pulumi:providers:aws"

// Monitor is a pulumi.MockResourceMonitor that records every resource.
// Set its fields before the program runs; [Run] does that for you.
type Monitor struct {
	// Preview makes values that AWS assigns (ARNs, URLs, ids) unknown, as
	// in `pulumi preview` of a new stack.
	Preview bool
	Project string
	Stack   string
	// Config is the stack configuration, keyed "namespace:key"; the default
	// provider's region is "aws:region".
	Config map[string]string

	mu        sync.Mutex
	resources []*stackgraph.Resource
	regions   map[string]string // explicit provider URN -> region
	accounts  map[string]string // explicit provider URN -> the account it states
}

var _ pulumi.MockResourceMonitor = (*Monitor)(nil)

// Resources returns the recorded resources in registration order.
func (m *Monitor) Resources() []*stackgraph.Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*stackgraph.Resource(nil), m.resources...)
}

// Graph returns the recorded resources as a graph.
func (m *Monitor) Graph() *stackgraph.Graph {
	g := stackgraph.New(m.Resources())
	g.DefaultRegion = m.DefaultProviderRegion()
	return g
}

// DefaultProviderRegion is the region of the default AWS provider: the
// `aws:region` stack config, or [DefaultRegion].
func (m *Monitor) DefaultProviderRegion() string { return ConfiguredRegion(m.Config) }

// ConfiguredRegion returns config's `aws:region`, or [DefaultRegion].
func ConfiguredRegion(config map[string]string) string {
	if r := strings.TrimSpace(config["aws:region"]); r != "" {
		return r
	}
	return DefaultRegion
}

// accountOf returns the account of the provider a resource or invoke uses:
// the one an explicit provider states (allowedAccountIds with one account,
// or the account of the role it assumes), else [Account].
func (m *Monitor) accountOf(providerRef string) string {
	urn := providerRef
	if i := strings.LastIndex(providerRef, "::"); i >= 0 {
		urn = providerRef[:i]
	}
	m.mu.Lock()
	a, ok := m.accounts[urn]
	m.mu.Unlock()
	if ok && a != "" {
		return a
	}
	return Account
}

// statedAccount is the account a provider's inputs state, or "".
func statedAccount(in map[string]any) string {
	if ids, ok := in["allowedAccountIds"].([]any); ok && len(ids) == 1 {
		if s, ok := ids[0].(string); ok {
			return s
		}
	}
	roles := []any{in["assumeRole"]}
	if list, ok := in["assumeRoles"].([]any); ok {
		roles = list
	}
	for _, r := range roles {
		if m, ok := r.(map[string]any); ok {
			if arn, ok := m["roleArn"].(string); ok {
				if parts := strings.Split(arn, ":"); len(parts) > 4 {
					return parts[4]
				}
			}
		}
	}
	return ""
}

// regionOf returns the region of the provider a resource or invoke uses,
// given its provider reference ("<urn>::<id>"; "" for the default one).
func (m *Monitor) regionOf(providerRef string) string {
	if providerRef != "" {
		urn := providerRef
		if i := strings.LastIndex(providerRef, "::"); i >= 0 {
			urn = providerRef[:i]
		}
		m.mu.Lock()
		r, ok := m.regions[urn]
		m.mu.Unlock()
		if ok {
			return r
		}
	}
	return m.DefaultProviderRegion()
}

// NewResource implements pulumi.MockResourceMonitor.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := &stackgraph.Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Provider: args.Provider}
	inputs := args.Inputs
	exact := false // inputs hold the unknowns the program sent
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		sort.Strings(r.Dependencies)
		r.PropertyDependencies = map[string][]string{}
		for k, v := range rpc.GetPropertyDependencies() {
			r.PropertyDependencies[k] = append([]string(nil), v.GetUrns()...)
		}
		r.Protect = rpc.GetProtect()
		r.Aliases = len(rpc.GetAliases())
		// The SDK's mock unmarshals the request without its unknowns;
		// read them from the request.
		if obj := rpc.GetObject(); obj != nil {
			pm, err := plugin.UnmarshalProperties(obj, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
			if err == nil {
				inputs, exact = pm, true
			}
		}
	} else if rpc := args.ReadRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		sort.Strings(r.Dependencies)
		r.ID = args.ID
	}
	if inputs == nil {
		inputs = resource.PropertyMap{}
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	r.Inputs = stackgraph.FromPropertyMap(inputs)
	if !m.Preview {
		exact = true // nothing is unknown outside a preview
	}
	if !exact {
		restoreDropped(r.Inputs, r.PropertyDependencies)
	}

	region := m.regionOf(r.Provider)
	if r.Type == providerType {
		if s, ok := r.Inputs["region"].(string); ok && s != "" {
			region = s
		}
		m.mu.Lock()
		if m.regions == nil {
			m.regions, m.accounts = map[string]string{}, map[string]string{}
		}
		m.regions[r.URN] = region
		m.accounts[r.URN] = statedAccount(r.Inputs)
		m.mu.Unlock()
	}

	state := inputs.Copy()
	if args.Custom {
		id, computed, t := fake(r, region, m.accountOf(r.Provider))
		for k, v := range computed {
			if m.Preview && t.IsComputed(k) {
				state[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewProperty(""))
				continue
			}
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
		if m.Preview {
			id = ""
		}
		r.ID = id
	}
	r.Outputs = stackgraph.FromPropertyMap(state)
	if !exact {
		restoreDropped(r.Outputs, r.PropertyDependencies)
	}

	m.mu.Lock()
	r.Seq = len(m.resources)
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return r.ID, state, nil
}

// Call implements pulumi.MockResourceMonitor for the invokes the library
// uses: the caller's account, region and partition, answered for the
// provider the invoke goes to.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	region := m.regionOf(args.Provider)
	var out map[string]any
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		account := m.accountOf(args.Provider)
		p := awstypes.PlaceIn(account, region)
		out = map[string]any{"accountId": account, "arn": "arn:" + p.Partition + ":iam::" + account + ":user/test", "userId": "AIDATEST", "id": account}
	case "aws:index/getRegion:getRegion":
		if v, ok := args.Args["name"]; ok && v.IsString() && v.StringValue() != "" {
			region = v.StringValue()
		}
		p := awstypes.PlaceIn(Account, region)
		out = map[string]any{"name": region, "id": region, "endpoint": "ec2." + region + "." + p.DNSSuffix, "description": regionDescription(region)}
	case "aws:index/getPartition:getPartition":
		p := awstypes.PlaceIn(Account, region)
		out = map[string]any{"partition": p.Partition, "dnsSuffix": p.DNSSuffix, "id": p.Partition, "reverseDnsPrefix": p.ReverseDNSPrefix}
	default:
		return nil, fmt.Errorf("mockmonitor: no mock for invoke %s", args.Token)
	}
	return resource.NewPropertyMapFromMap(out), nil
}

func (m *Monitor) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.Stack), tokens.PackageName(m.Project), parentType, tokens.Type(typ), name))
}

// restoreDropped marks as unknown what a preview left out of a map that
// did not come with its unknowns (a resource read rather than registered):
// an input that depends on other resources but is missing, or an object of
// it that came out empty, was unknown.
func restoreDropped(m map[string]any, deps map[string][]string) {
	for key, urns := range deps {
		if len(urns) == 0 {
			continue
		}
		v, ok := m[key]
		if !ok || v == nil {
			m[key] = stackgraph.Unknown{}
			continue
		}
		m[key] = emptyToUnknown(v)
	}
}

func emptyToUnknown(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return stackgraph.Unknown{}
		}
		for k, e := range x {
			x[k] = emptyToUnknown(e)
		}
	case []any:
		for i, e := range x {
			x[i] = emptyToUnknown(e)
		}
	}
	return v
}
