package asyncpolicy

import (
	"fmt"
	"strings"
)

// destinationActions are the actions a destination grant consists of.
var destinationActions = []string{
	"sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction",
	"events:PutEvents", "s3:PutObject", "s3:ListBucket",
}

// checkBroadGrants is ASYNC005: an execution role of a function with
// destinations allows a destination action on "*".
func checkBroadGrants(m *model, emit emitFunc) {
	done := map[*Resource]bool{}
	for _, f := range m.functions {
		role := f.role.res
		if role == nil || !(f.routes() || f.mappingRoutes()) || done[role] {
			continue
		}
		done[role] = true
		for _, src := range m.roleSources(role) {
			if src.doc == nil {
				continue
			}
			var actions []string
			for _, a := range destinationActions {
				for _, s := range src.doc.Statements {
					if s.Allows() && contains(s.Resource, "*") && s.MatchesAction(a) {
						actions = append(actions, a)
						break
					}
				}
			}
			if len(actions) == 0 {
				continue
			}
			problem := fmt.Sprintf("%s allows %s on every resource (\"*\") to execution role %s, so the functions using it can send records to any target in the account",
				src.label, strings.Join(actions, ", "), labelOf(role))
			fix := "scope these actions to the ARNs of the destinations and dead-letter targets (or detach the broad policy and grant them explicitly)"
			emit(src.res, src.field, message(src.res, src.field, problem, fix))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
