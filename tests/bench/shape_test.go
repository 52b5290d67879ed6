package bench

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chain is the longest dependency path between resources of one stack,
// counted in resources (a → b → c is 3).
func chain(st *asyncroutetest.Stack, keep func(*asyncroutetest.Resource) bool) int {
	memo := map[string]int{}
	var depth func(r *asyncroutetest.Resource) int
	depth = func(r *asyncroutetest.Resource) int {
		if d, ok := memo[r.URN]; ok {
			return d
		}
		best := 0
		for _, u := range r.Dependencies {
			if d := st.ByURN(u); d != nil && keep(d) {
				if x := depth(d); x > best {
					best = x
				}
			}
		}
		memo[r.URN] = best + 1
		return best + 1
	}
	longest := 0
	for _, r := range st.Resources {
		if keep(r) {
			if d := depth(r); d > longest {
				longest = d
			}
		}
	}
	return longest
}

// TestShapeAgainstCDK compares the construct's resources per function with
// what CDK 2.276 synthesizes for a function with destinations: role,
// policy, function, invoke config (4), chained role → policy → function →
// config (4 deep). The construct must not need more of either.
func TestShapeAgainstCDK(t *testing.T) {
	const n = 3
	st, err := asyncroutetest.Run(Construct(n))
	require.NoError(t, err)
	perFunction := map[string]int{}
	for _, r := range st.Resources {
		if r.Custom && r.Type != "aws:sqs/queue:Queue" && r.Type != "aws:sns/topic:Topic" {
			perFunction[r.Parent]++
		}
	}
	require.Len(t, perFunction, n)
	for parent, count := range perFunction {
		assert.LessOrEqual(t, count, 4, "resources of %s", parent)
	}
	ours := chain(st, func(r *asyncroutetest.Resource) bool {
		return r.Custom && r.Type != "aws:sqs/queue:Queue" && r.Type != "aws:sns/topic:Topic"
	})
	assert.LessOrEqual(t, ours, 4, "CDK's chain is role → policy → function → config")
	t.Logf("construct: %v resources per function, dependency chain %d (CDK: 4 and 4)", perFunction, ours)

	raw, err := asyncroutetest.Run(Raw(n))
	require.NoError(t, err)
	assert.Equal(t, len(raw.Resources), len(st.Resources)-n, "the construct adds only its component resource per function")
}
