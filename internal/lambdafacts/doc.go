// Package lambdafacts is what asyncroute knows about AWS Lambda's
// asynchronous invocation and its destinations, written once and read by
// every door: the components (package asyncroute) check their input with
// it at preview, the policy rules (package asyncpolicy) check raw stacks
// with it, and the offline planner draws routes with it. It imports no
// Pulumi package.
//
// It holds:
//
//   - ARNs: [ParseARN] and the mistakes people make where an ARN is needed
//     (a queue URL, a bare name, a malformed ARN, wildcards, a missing
//     region or account);
//   - destination kinds ([Kind], [KindSpec]): their ARN shapes, where they
//     may go ([Slot]: on success, on failure, dead letter, an event source
//     mapping's on failure), FIFO, what Lambda checks that the execution
//     role may do ([KindSpec.Needs]) and what a grant gives
//     ([KindSpec.Grants]);
//   - event sources of mappings ([SourceKind], [SourceSpec]);
//   - customer-managed KMS keys ([KeyNeeds], [CheckKeyRef], [KeyARN]);
//   - function references and qualifiers ([ParseFunctionRef]);
//   - the limits of an invoke config and of a mapping's error handling.
//
// Every check returns the problem as text that names the value and the
// allowed values; each door adds where it found it (a component's field,
// a resource's property), so the same mistake reads the same everywhere.
package lambdafacts

import "github.com/asyncroute/asyncroute/internal/iampolicy"

// Permission is one IAM action on one resource that an execution role
// needs.
type Permission = iampolicy.Permission

// ActionsOn lists the same actions on one resource.
func ActionsOn(resource string, actions ...string) []Permission {
	out := make([]Permission, len(actions))
	for i, a := range actions {
		out[i] = Permission{Action: a, Resource: resource}
	}
	return out
}
