package asyncpolicy

import (
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// checkQuotas is the ASYNC002 part for AWS's quantitative limits
// (lambdafacts' quotas table), in the components' words: function names,
// tags of the resources that route records, the inline policies of a
// role together, a FIFO source's batch size, and the key spec of a
// customer-managed key that encrypts a queue or topic.
func checkQuotas(m *model, emit emitFunc) {
	ix := m.ix
	for _, f := range ix.byType[tFunction] {
		if n, ok := inputOf(f, "name").str(); ok && n != "" {
			report(emit, f, "name", lambdafacts.CheckFunctionName(n))
		}
	}
	for _, t := range []string{tFunction, tRole, tQueue, tTopic, tEventRule} {
		for _, r := range ix.byType[t] {
			if tags, ok := inputOf(r, "tags").v.(map[string]any); ok {
				keys := make([]string, 0, len(tags))
				for k := range tags {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				report(emit, r, "tags", lambdafacts.CheckTags(keys))
			}
		}
	}
	for _, role := range ix.byType[tRole] {
		checkRolePolicySize(m, role, emit)
	}
	for _, mm := range m.mappings {
		src, _ := valueOf(mm.res, "eventSourceArn").str()
		if !strings.HasSuffix(src, ".fifo") {
			if q := ix.depsOfType(mm.res, "eventSourceArn", tQueue); len(q) != 1 || !boolInput(q[0], "fifoQueue") {
				continue
			}
		}
		if n, ok := inputOf(mm.res, "batchSize").num(); ok {
			report(emit, mm.res, "batchSize", lambdafacts.CheckFIFOBatchSize(int(n)))
		}
	}
	for _, t := range []string{tQueue, tTopic} {
		for _, r := range ix.byType[t] {
			_, key := m.customerKey(r)
			if key == nil {
				continue
			}
			spec, _ := inputOf(key, "customerMasterKeySpec").str()
			report(emit, r, "kmsMasterKeyId", lambdafacts.CheckSymmetricKey(lambdafacts.Describe(kindOfType(r.Type).Label, r.Name), spec))
		}
	}
}

// checkRolePolicySize sums the inline policies a role gets: its own
// inlinePolicies and the RolePolicy resources on it.
func checkRolePolicySize(m *model, role *Resource, emit emitFunc) {
	sizes := map[string]int{}
	if list, ok := inputOf(role, "inlinePolicies").list(); ok {
		for _, e := range list {
			if p, ok := e.(map[string]any); ok {
				if doc, ok := p["policy"].(string); ok {
					name, _ := p["name"].(string)
					sizes[name] = lambdafacts.PolicySize(doc)
				}
			}
		}
	}
	for _, rp := range m.ix.byType[tRolePolicy] {
		if attachedTo(m.ix, rp, "role", role) != yes {
			continue
		}
		if doc, ok := valueOf(rp, "policy").str(); ok {
			sizes[rp.Name] = lambdafacts.PolicySize(doc)
		}
	}
	if len(sizes) == 0 {
		return
	}
	report(emit, role, "inlinePolicies", lambdafacts.CheckRolePolicies(physicalName(role), sizes, false))
}

func boolInput(r *Resource, key string) bool {
	b, _ := inputOf(r, key).boolean()
	return b
}
