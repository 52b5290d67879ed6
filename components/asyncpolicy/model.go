package asyncpolicy

import (
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// Type tokens of the resources the rules read.
const (
	tFunction             = awstypes.TokenFunction
	tAlias                = awstypes.TokenAlias
	tInvokeConfig         = awstypes.TokenInvokeConfig
	tPermission           = awstypes.TokenPermission
	tFunctionURL          = awstypes.TokenFunctionURL
	tRole                 = awstypes.TokenRole
	tRolePolicy           = awstypes.TokenRolePolicy
	tRolePolicyAttachment = awstypes.TokenRolePolicyAttachment
	tPolicyAttachment     = awstypes.TokenPolicyAttachment
	tPolicy               = awstypes.TokenPolicy
	tQueue                = awstypes.TokenQueue
	tTopic                = awstypes.TokenTopic
	tTopicSubscription    = awstypes.TokenTopicSubscription
	tBus                  = awstypes.TokenEventBus
	tEventTarget          = awstypes.TokenEventTarget
	tEventRule            = awstypes.TokenEventRule
	tBucket               = awstypes.TokenBucket
	tBucketV2             = awstypes.TokenBucketV2
	tBucketNotification   = awstypes.TokenBucketNotification
	tBucketEncryption     = awstypes.TokenBucketEncryption
	tKey                  = awstypes.TokenKey
	tKeyAlias             = awstypes.TokenKeyAlias
	tAPIGatewayIntegr     = awstypes.TokenAPIGatewayIntegration
	tAPIGatewayV2Integr   = awstypes.TokenAPIGatewayV2Integration
	tLBAttachment         = awstypes.TokenLBTargetGroupAttachment
	tALBAttachment        = awstypes.TokenALBTargetGroupAttachment
)

// kindOfType is the destination kind of a resource type, or nil.
func kindOfType(t string) *lambdafacts.KindSpec { return lambdafacts.KindOfResourceType(t) }

// destinationTypes are the resource types that can receive records.
var destinationTypes = func() []string {
	var out []string
	for _, k := range lambdafacts.Kinds() {
		out = append(out, k.ResourceTypes...)
	}
	return out
}()

// index finds resources by URN, type and ARN.
type index struct {
	all    []*Resource
	byURN  map[string]*Resource
	byType map[string][]*Resource
	byARN  map[string]*Resource
	// places caches each provider's place (see placeOf).
	places map[string]lambdafacts.Place
	// defaultRegion is the graph's DefaultRegion.
	defaultRegion string
}

// modelOf builds the routing model of g, which it does not change.
func modelOf(g Graph) *model { return buildModel(newIndex(g)) }

// newIndex indexes g's resources, which it does not change: a resource
// without a Name or Type (a hand-written graph) is indexed as a copy that
// has the ones its URN gives.
func newIndex(g Graph) *index {
	ix := &index{byURN: map[string]*Resource{}, byType: map[string][]*Resource{}, byARN: map[string]*Resource{}, defaultRegion: g.DefaultRegion}
	for _, r := range g.Resources {
		if r == nil {
			continue
		}
		if r.Name == "" || r.Type == "" {
			c := *r
			if c.Name == "" {
				c.Name = nameFromURN(c.URN)
			}
			if c.Type == "" {
				c.Type = typeFromURN(c.URN)
			}
			r = &c
		}
		ix.all = append(ix.all, r)
		ix.byURN[r.URN] = r
		ix.byType[r.Type] = append(ix.byType[r.Type], r)
		if a, ok := valueOf(r, "arn").str(); ok {
			if _, dup := ix.byARN[a]; !dup {
				ix.byARN[a] = r
			}
		}
	}
	return ix
}

func (ix *index) ofType(types ...string) []*Resource {
	var out []*Resource
	for _, t := range types {
		out = append(out, ix.byType[t]...)
	}
	return out
}

// depsOfType returns the resources of the given types that input key of r
// depends on.
func (ix *index) depsOfType(r *Resource, key string, types ...string) []*Resource {
	var out []*Resource
	seen := map[string]bool{}
	for _, u := range propDeps(r, key) {
		d := ix.byURN[u]
		if d == nil || seen[u] {
			continue
		}
		for _, t := range types {
			if d.Type == t {
				out = append(out, d)
				seen[u] = true
				break
			}
		}
	}
	return out
}

// ref is what an input that names another resource points at.
type ref struct {
	present bool      // the input is set (known or not)
	value   string    // the input's value when known
	res     *Resource // the resource it points at, when found in the stack
	unknown bool      // the value is unknown and no single dependency explains it
}

// resolve follows input path of r. A known value is matched with match; an
// unknown one is explained by the single property dependency of one of the
// given types.
func (ix *index) resolve(r *Resource, path []string, match func(string) *Resource, types ...string) ref {
	v := valueOf(r, path...)
	switch v.st {
	case absent:
		return ref{}
	case known:
		s, ok := v.str()
		if !ok {
			return ref{present: true, unknown: true}
		}
		return ref{present: true, value: s, res: match(s)}
	}
	c := ix.depsOfType(r, path[0], types...)
	switch {
	case len(c) == 1:
		return ref{present: true, res: c[0]}
	case len(c) == 0 && len(propDeps(r, path[0])) > 0:
		// The value comes from resources of other types: it does not
		// point at one of ours.
		return ref{present: true}
	}
	return ref{present: true, unknown: true}
}

// name of a resource: its `name` property, or the URN's name.
func physicalName(r *Resource) string {
	if n, ok := valueOf(r, "name").str(); ok {
		return n
	}
	return ""
}

func knownARN(r *Resource) string {
	s, _ := valueOf(r, "arn").str()
	return s
}

// function finds the Lambda function a name, ARN (qualified or not, alias
// ARNs included), partial ARN or API Gateway invoke ARN written in from's
// inputs refers to: the one function of the stack whose identity is the
// reference's, resolved in from's provider (nil when none, or more than
// one, is).
func (ix *index) function(from *Resource, refStr string) *Resource {
	s := functionARNInURI(refStr)
	var want lambdafacts.FunctionID
	if a, ok := parseARN(s); ok {
		ref, isFn := functionOf(a)
		if !isFn {
			return nil
		}
		want = ix.refIdentity(from, ref)
	} else {
		ref, err := lambdafacts.ParseFunctionRef(s)
		if err != nil {
			return nil
		}
		want = ix.refIdentity(from, ref)
	}
	var found *Resource
	for _, f := range ix.byType[tFunction] {
		if want.Same(ix.identityOf(f)) {
			if found != nil {
				return nil
			}
			found = f
		}
	}
	return found
}

// target finds the destination resource with this ARN, written in from's
// inputs.
func (ix *index) target(from *Resource, s string) *Resource {
	a, ok := parseARN(s)
	if !ok {
		return nil
	}
	if a.Service == "lambda" {
		return ix.function(from, s)
	}
	if r := ix.byARN[s]; r != nil && kindOfType(r.Type) != nil {
		return r
	}
	// A resource of the stack whose ARN is not known yet (a preview),
	// recognised by its name.
	nameKey := "name"
	if a.Service == "s3" {
		nameKey = "bucket"
	}
	name := a.Name()
	for _, t := range destinationTypes {
		for _, r := range ix.byType[t] {
			if string(kindOfType(t).Kind) != a.Service || knownARN(r) != "" {
				continue
			}
			if n, ok := valueOf(r, nameKey).str(); ok && n == name {
				return r
			}
		}
	}
	return nil
}

// roleFor finds the role a role ARN refers to.
func (ix *index) roleFor(s string) *Resource {
	if r := ix.byARN[s]; r != nil && r.Type == tRole {
		return r
	}
	a, ok := parseARN(s)
	if !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil
	}
	for _, r := range ix.byType[tRole] {
		if knownARN(r) == "" && physicalName(r) == a.Name() {
			return r
		}
	}
	return nil
}

// functionsRef resolves an input that names a function (name or ARN).
func (ix *index) functionRef(r *Resource, path ...string) ref {
	return ix.resolve(r, path, func(s string) *Resource { return ix.function(r, s) }, tFunction)
}
