package asyncpolicy

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// permModel is a lambda.Permission of the stack on a function of it.
type permModel struct {
	res  *Resource
	perm lambdafacts.InvokePermission
}

// label names the permission and the qualifier it is on.
func (p permModel) label() string {
	if p.perm.Unknown {
		return labelOf(p.res)
	}
	return labelOf(p.res) + " on " + lambdafacts.QualifierWord(p.perm.Qualifier)
}

// permissionsOf are the stack's Lambda permissions on f: by its function
// input (a name or ARN, qualified or not, or an alias of the stack) and
// its qualifier input.
func (m *model) permissionsOf(f *fnModel) []permModel {
	var out []permModel
	for _, r := range m.ix.byType[tPermission] {
		rf := m.ix.functionRef(r, "function")
		p := lambdafacts.InvokePermission{}
		switch {
		case rf.res != nil && rf.value != "":
			if fr, err := lambdafacts.ParseFunctionRef(functionARNInURI(rf.value)); err == nil {
				p.Qualifier = fr.Qualifier
			}
		case rf.res != nil:
			// Known by its dependency only: which qualifier its value
			// carries is not known.
			p.Unknown = true
		default:
			al := m.aliasRef(r, "function")
			if al == nil {
				continue
			}
			rf.res, p.Qualifier = al.fn, al.name
		}
		if m.byRes[rf.res] != f {
			continue
		}
		q := valueOf(r, "qualifier")
		switch q.st {
		case known:
			if s, ok := q.str(); ok && s != "" {
				p.Qualifier = s
			}
		case unknown:
			p.Unknown = true
		}
		for key, into := range map[string]*string{"principal": &p.Principal, "action": &p.Action} {
			v := valueOf(r, key)
			s, ok := v.str()
			if !ok {
				p.Unknown = true
			}
			*into = s
		}
		for key, into := range map[string]*string{"sourceArn": &p.SourceARN, "sourceAccount": &p.SourceAccount} {
			v := valueOf(r, key)
			switch v.st {
			case known:
				*into, _ = v.str()
			case unknown:
				p.ConditionUnknown = true
			}
		}
		out = append(out, permModel{res: r, perm: p})
	}
	return out
}

// principalOfTrigger is the service principal that invokes a function for
// an asynchronous trigger.
func principalOfTrigger(r *Resource) string {
	switch r.Type {
	case tEventTarget:
		return lambdafacts.PrincipalEvents
	case tTopicSubscription:
		return lambdafacts.PrincipalSNS
	case tBucketNotification:
		return lambdafacts.PrincipalS3
	}
	return ""
}

// sourceOfTrigger is the ARN of the resource a trigger's service acts for
// (a target's rule, a subscription's topic, a notification's bucket); ""
// when it is not known.
func (m *model) sourceOfTrigger(r *Resource) string {
	switch r.Type {
	case tEventTarget:
		var rule *Resource
		if name, ok := valueOf(r, "rule").str(); ok {
			for _, ru := range m.ix.byType[tEventRule] {
				if physicalName(ru) == name {
					if rule != nil {
						return "" // two rules of that name (on two buses)
					}
					rule = ru
				}
			}
		} else if c := m.ix.depsOfType(r, "rule", tEventRule); len(c) == 1 {
			rule = c[0]
		}
		if rule != nil {
			return knownARN(rule)
		}
	case tTopicSubscription:
		s, _ := valueOf(r, "topic").str()
		return s
	case tBucketNotification:
		if name, ok := valueOf(r, "bucket").str(); ok {
			for _, b := range m.ix.ofType(tBucket, tBucketV2) {
				if n, ok := valueOf(b, "bucket").str(); ok && n == name {
					return knownARN(b)
				}
			}
		}
	}
	return ""
}

// stand is the ARN that stands for a function in a decision: its own when
// known, one made of its name otherwise (the permissions and the invoker
// name the same function).
func (f *fnModel) stand() string {
	if f.arn != "" {
		return f.arn
	}
	return "arn:aws:lambda:us-east-1:000000000000:function:" + f.name
}

// InvokeCheck is whether the stack's Lambda permissions let an
// asynchronous trigger (an EventBridge target, an SNS subscription, an S3
// notification) invoke the qualifier of the function it invokes.
type InvokeCheck struct {
	// Trigger is the trigger's URN, Function the invoked function's.
	Trigger, Function string
	// Principal is the trigger's service; Qualifier the qualifier it
	// invokes ($LATEST for the unqualified ARN); Invoked the ARN it
	// invokes.
	Principal, Qualifier, Invoked string
	// Decision is iampolicy.Allowed, NotAllowed, or Undecided when a
	// permission is not known until deploy, or when the stack has no
	// permission for the principal on the function (it may be added
	// outside the stack).
	Decision iampolicy.Decision
	// By is the permission that allows it (its label), when allowed.
	By string
	// Problem and Fix say why it is not allowed and what to change.
	Problem, Fix string

	by    *Resource
	field string
}

// InvokeChecks decides every asynchronous trigger of a function of the
// stack whose invoked qualifier is known, in the stack's order.
func (a *Analysis) InvokeChecks() []InvokeCheck {
	return a.m.invokeChecks(a.invokers())
}

func (m *model) invokeChecks(inv *invokers) []InvokeCheck {
	var out []InvokeCheck
	for _, f := range m.functions {
		if len(inv.at[f]) == 0 {
			continue
		}
		perms := m.permissionsOf(f)
		for _, i := range inv.at[f] {
			principal := principalOfTrigger(i.by)
			if i.qualifier == "" || principal == "" {
				continue
			}
			invoked := lambdafacts.InvokedARN(f.stand(), i.qualifier)
			if f.arn == "" {
				invoked = fmt.Sprintf("function %q at qualifier %q", f.name, i.qualifier)
			}
			c := InvokeCheck{Trigger: i.by.URN, Function: f.res.URN, Principal: principal, Qualifier: i.qualifier, Invoked: invoked, by: i.by, field: i.field}
			var mine []permModel
			all := make([]lambdafacts.InvokePermission, len(perms))
			for k, p := range perms {
				all[k] = p.perm
				if p.perm.Unknown || strings.EqualFold(p.perm.Principal, principal) {
					mine = append(mine, p)
				}
			}
			d := lambdafacts.DecideInvoke(f.stand(), lambdafacts.Invoker{Principal: principal, SourceARN: m.sourceOfTrigger(i.by), Qualifier: i.qualifier}, all)
			c.Decision = d.Decision
			switch {
			case d.Decision == iampolicy.Allowed && d.By >= 0:
				c.By = perms[d.By].label()
			case d.Decision == iampolicy.NotAllowed && len(mine) == 0:
				// None in the stack: it may be added outside it.
				c.Decision = iampolicy.Undecided
			case d.Decision == iampolicy.NotAllowed:
				labels := make([]string, len(mine))
				for k, p := range mine {
					labels[k] = p.label()
				}
				q := i.qualifier
				if q == lambdafacts.Latest {
					q = ""
				}
				c.Problem = lambdafacts.InvokeNotPermitted(principal, invoked, labels)
				c.Fix = lambdafacts.InvokePermissionFix(principal, invoked, q)
			}
			out = append(out, c)
		}
	}
	return out
}

// checkInvokePermissions is ASYNC006's second half: a trigger invokes a
// qualifier that no Lambda permission of the stack for its service
// covers, while the stack has permissions for that service on the
// function (on other qualifiers).
func checkInvokePermissions(m *model, inv *invokers, flagged map[*Resource]bool, emit emitFunc) {
	for _, c := range m.invokeChecks(inv) {
		if c.Decision != iampolicy.NotAllowed || flagged[c.by] {
			continue
		}
		emit(c.by, c.field, message(c.by, c.field, c.Problem, c.Fix))
	}
}
