package lambdafacts

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
)

// BoundarySource is where the facts of permissions boundaries come from.
const BoundarySource = "IAM User Guide, Permissions boundaries for IAM entities (the effective permissions are what both the identity-based policies and the boundary allow)"

// BoundaryBlocks decides which of needs a role bounded by boundary (its
// document) may not use, whatever its identity-based policies allow:
// blocked are those the boundary does not allow, denied those it denies
// (each "<action> on <resource>"), open those a condition of it leaves
// undecided.
func BoundaryBlocks(boundary iampolicy.Document, needs []Permission) (blocked, denied, open []string) {
	grant := iampolicy.Grant(needs)
	for _, n := range needs {
		// The request as the role makes it once its own policies allow it:
		// within its account, so that only the boundary decides.
		r := iampolicy.Authorize(iampolicy.Request{Caller: iampolicy.Caller{Account: "000000000000"}, Action: n.Action, Resource: n.Resource, ResourceAccount: "000000000000"},
			iampolicy.Policies{Identity: []*iampolicy.Document{&grant}, Bounded: true, Boundary: &boundary})
		p := n.Action + " on " + n.Resource
		switch r.Decision {
		case iampolicy.NotAllowed:
			blocked = append(blocked, p)
		case iampolicy.Denied:
			denied = append(denied, p)
		case iampolicy.Undecided:
			open = append(open, p)
		}
	}
	return blocked, denied, open
}

// BoundaryProblem says that a role's permissions boundary (named by
// boundary) does not allow (or denies, when deny is set) what a
// destination needs: "has permissions boundary <boundary>, which ...".
func BoundaryProblem(boundary string, what []string, deny bool) string {
	verb := "does not allow"
	if deny {
		verb = "denies"
	}
	return fmt.Sprintf("has permissions boundary %s, which %s %s (a role may do only what both its policies and its permissions boundary allow)", boundary, verb, strings.Join(what, ", "))
}

// BoundaryFix is the fix of [BoundaryProblem].
func BoundaryFix(boundary string, what []string) string {
	return fmt.Sprintf("allow %s in the permissions boundary %s, or bound the role with a policy that allows it", strings.Join(what, ", "), boundary)
}
