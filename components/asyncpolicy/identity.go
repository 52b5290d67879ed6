package asyncpolicy

import (
	"encoding/json"
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// A function is its full ARN: partition, account, region and name (see
// lambdafacts.FunctionID). A name or partial ARN in a resource's input is
// resolved in the place of the provider that resource is registered
// under; two functions are the same only when every part is known and
// equal, or taken from one provider.

// providerURN is the provider URN of a resource's provider reference
// ("<urn>::<id>"); "" for the default provider of a program under mocks.
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 && strings.HasPrefix(ref, "urn:") {
		return ref[:i]
	}
	return ref
}

// placeOf is where r's provider deploys: the provider's URN, and the region
// and account its inputs state (allowedAccountIds with one account, or an
// assumed role's ARN), with the partition of the region. A part the stack
// does not state is "".
//
// What the provider's inputs do not state is read from the ARNs AWS gave
// the resources registered under it (every resource of one provider is in
// its account and region): a regional ARN gives the partition, region and
// account, an IAM ARN the partition and account. Values that disagree
// leave the part unknown.
func (ix *index) placeOf(r *Resource) lambdafacts.Place {
	if r == nil {
		return lambdafacts.Place{}
	}
	key := providerURN(r.Provider)
	if ix.places == nil {
		ix.places = map[string]lambdafacts.Place{}
	}
	if p, ok := ix.places[key]; ok {
		return p
	}
	p := lambdafacts.Place{Provider: key}
	if pr := ix.byURN[key]; pr != nil {
		p.Region, _ = valueOf(pr, "region").str()
		p.Account = providerAccount(pr)
	} else if key == "" {
		p.Region = ix.defaultRegion
	}
	p.Partition = lambdafacts.PartitionOfRegion(p.Region)
	seen := map[string]map[string]bool{"partition": {}, "region": {}, "account": {}}
	for _, o := range ix.all {
		if providerURN(o.Provider) != key {
			continue
		}
		a, ok := parseARN(knownARN(o))
		if !ok {
			continue
		}
		seen["partition"][a.Partition] = true
		if a.Account != "" {
			seen["account"][a.Account] = true
		}
		if a.Region != "" {
			seen["region"][a.Region] = true
		}
	}
	only := func(set map[string]bool) string {
		if len(set) != 1 {
			return ""
		}
		for v := range set {
			return v
		}
		return ""
	}
	if p.Region == "" {
		p.Region = only(seen["region"])
	}
	if p.Account == "" {
		p.Account = only(seen["account"])
	}
	if p.Partition == "" {
		p.Partition = only(seen["partition"])
		if p.Partition == "" {
			p.Partition = lambdafacts.PartitionOfRegion(p.Region)
		}
	}
	ix.places[key] = p
	return p
}

// providerAccount is the account an AWS provider's inputs state: one
// allowed account id, or the account of the role it assumes.
func providerAccount(pr *Resource) string {
	if ids := stringList(valueOf(pr, "allowedAccountIds")); len(ids) == 1 {
		return ids[0]
	}
	for _, key := range []string{"assumeRole", "assumeRoles"} {
		v := valueOf(pr, key)
		if !v.known() {
			continue
		}
		var roles []any
		switch x := decodeJSON(v.v).(type) {
		case map[string]any:
			roles = []any{x}
		case []any:
			roles = x
		}
		if len(roles) == 1 {
			if m, ok := roles[0].(map[string]any); ok {
				if arn, ok := m["roleArn"].(string); ok {
					if a, err := lambdafacts.ParseARN(arn); err == nil {
						return a.Account
					}
				}
			}
		}
	}
	return ""
}

// stringList reads a list of strings (or a JSON-encoded one, as provider
// inputs are in a stack's state).
func stringList(v val) []string {
	if !v.known() {
		return nil
	}
	list, _ := decodeJSON(v.v).([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// decodeJSON decodes a JSON string (providers' object inputs are stored
// encoded); anything else is returned as it is.
func decodeJSON(v any) any {
	s, ok := v.(string)
	if !ok || (!strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "{")) {
		return v
	}
	var out any
	if json.Unmarshal([]byte(s), &out) != nil {
		return v
	}
	return out
}

// identityOf is a function resource's identity.
func (ix *index) identityOf(f *Resource) lambdafacts.FunctionID {
	return lambdafacts.Deployed(physicalName(f), ix.placeOf(f), knownARN(f))
}

// refIdentity resolves a function reference written in from's inputs.
func (ix *index) refIdentity(from *Resource, ref lambdafacts.FunctionRef) lambdafacts.FunctionID {
	return ref.In(ix.placeOf(from))
}
