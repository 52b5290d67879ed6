package asyncpolicy

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// destinationActions are the actions a destination grant consists of.
var destinationActions = []string{
	"sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction",
	"events:PutEvents", "s3:PutObject", "s3:ListBucket",
}

// scopedPatterns are the wildcard resources that still name one target:
// a function's versions and aliases (function:<name>:*) and a bucket's
// objects (<bucket>/*), the forms the components grant.
var scopedPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^arn:[a-z-]+:lambda:[a-z0-9-]+:[0-9]+:function:[A-Za-z0-9_-]+:\*$`),
	regexp.MustCompile(`^arn:[a-z-]+:s3:::[a-z0-9.-]+/\*$`),
}

// broadResource reports whether a statement's resource covers more than
// one destination: "*", any other wildcard, or a destination ARN without
// its region or account.
func broadResource(res string) bool {
	for _, p := range scopedPatterns {
		if p.MatchString(res) {
			return false
		}
	}
	if strings.ContainsAny(res, "*?") {
		return true
	}
	a, err := lambdafacts.ParseARN(res)
	if err != nil {
		return false
	}
	k, err := lambdafacts.KindOfARN(a)
	return err == nil && k.Kind != lambdafacts.KindS3 && (a.Region == "" || a.Account == "")
}

// checkBroadGrants is ASYNC005: an execution role of a function with
// destinations allows a destination action on more than one resource, so
// a mistake in a destination (or a compromised function) can send records
// anywhere the pattern reaches. The components never write such a grant;
// the rulebook refuses such a destination ARN (lambdafacts), and this is
// the same rule for grants.
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
			var actions, resources []string
			for _, a := range destinationActions {
				for _, s := range src.doc.Statements {
					if !s.Allows() || !s.MatchesAction(a) {
						continue
					}
					var broad []string
					for _, r := range s.Resource {
						if broadResource(r) {
							broad = append(broad, r)
						}
					}
					if len(broad) == 0 && len(s.NotResource) == 0 {
						continue
					}
					if len(s.NotResource) > 0 {
						broad = append(broad, "every resource but "+strings.Join(s.NotResource, ", "))
					}
					actions = append(actions, a)
					for _, b := range broad {
						if !contains(resources, b) {
							resources = append(resources, b)
						}
					}
					break
				}
			}
			if len(actions) == 0 {
				continue
			}
			where := "on " + quoted(resources)
			if len(resources) == 1 && resources[0] == "*" {
				where = `on every resource ("*")`
			}
			problem := fmt.Sprintf("%s allows %s %s to execution role %s, so the functions using it can send records to any target the pattern matches",
				src.label, strings.Join(actions, ", "), where, labelOf(role))
			fix := "scope these actions to the ARNs of the destinations and dead-letter targets (or detach the broad policy and grant them explicitly)"
			emit(src.res, src.field, message(src.res, src.field, problem, fix))
		}
	}
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
