package lambdafacts

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
)

// InvokePermissionSource is where the facts of Lambda permissions per
// qualifier come from.
const InvokePermissionSource = "Lambda API Reference, AddPermission (a permission applies to the ARN used to invoke the function: unqualified, or a version's or alias's); Lambda Developer Guide, Using Lambda aliases in event sources and permissions policies"

// The service principals that invoke a function asynchronously for a
// trigger: an EventBridge rule's target, an SNS subscription, an S3
// bucket notification.
const (
	PrincipalEvents = "events.amazonaws.com"
	PrincipalSNS    = "sns.amazonaws.com"
	PrincipalS3     = "s3.amazonaws.com"
)

// InvokeAction is the action a trigger's service needs on the function.
const InvokeAction = "lambda:InvokeFunction"

// InvokePermission is a Lambda permission (AddPermission, a
// lambda.Permission) as the decision reads it: a statement of the
// function's resource-based policy, kept per qualifier.
type InvokePermission struct {
	// Principal and Action as written (Action "" is lambda:InvokeFunction).
	Principal, Action string
	// Qualifier is the version or alias the permission is added to: its
	// qualifier, or the one its function reference carries; "" for the
	// unqualified function, which covers invocations of the unqualified ARN
	// ($LATEST) only.
	Qualifier string
	// SourceARN and SourceAccount are its conditions ("" when not set).
	SourceARN, SourceAccount string
	// Unknown says its principal, action or qualifier is not known until
	// deploy; ConditionUnknown says its source ARN or account is not.
	Unknown, ConditionUnknown bool
}

// PermittedARN is the ARN a permission on qualifier q covers: the
// function's ARN fn, or fn:q.
func PermittedARN(fn, q string) string {
	if q == "" {
		return fn
	}
	return fn + ":" + q
}

// InvokedARN is the ARN a trigger invoking qualifier q uses: fn for
// $LATEST (the unqualified ARN), fn:q otherwise.
func InvokedARN(fn, q string) string {
	if q == "" || q == Latest {
		return fn
	}
	return fn + ":" + q
}

// Statement is the permission as the statement AddPermission writes into
// the function fn's policy; nil when a field that decides it is unknown.
func (p InvokePermission) Statement(fn string) *iampolicy.Statement {
	if p.Unknown {
		return nil
	}
	action := p.Action
	if action == "" {
		action = InvokeAction
	}
	pr := &iampolicy.Principals{}
	switch {
	case p.Principal == "*":
		pr.Any = true
	case strings.HasSuffix(p.Principal, ".amazonaws.com"):
		pr.Service = []string{p.Principal}
	default:
		pr.AWS = []string{p.Principal}
	}
	s := &iampolicy.Statement{Effect: "Allow", Principals: pr, Action: []string{action}, Resource: []string{PermittedARN(fn, p.Qualifier)}}
	if p.SourceARN != "" {
		s.Conditions = append(s.Conditions, iampolicy.Condition{Operator: "ArnLike", Key: "AWS:SourceArn", Values: []string{p.SourceARN}})
	}
	if p.SourceAccount != "" {
		s.Conditions = append(s.Conditions, iampolicy.Condition{Operator: "StringEquals", Key: "AWS:SourceAccount", Values: []string{p.SourceAccount}})
	}
	s.HasCondition = len(s.Conditions) > 0
	if p.ConditionUnknown {
		s.HasCondition, s.Conditions = true, nil // a condition the decision cannot read
	}
	return s
}

// Invoker is a trigger that invokes a function: its service principal,
// the resource it acts for (a rule's, topic's or bucket's ARN; "" when not
// known) and the qualifier it invokes ($LATEST for the unqualified ARN).
type Invoker struct {
	Principal, SourceARN, Qualifier string
}

// InvokeDecision is whether the function's permissions let an invoker
// invoke the qualifier it invokes.
type InvokeDecision struct {
	Decision iampolicy.Decision
	// By is the index of the permission that allows it (Allowed), -1
	// otherwise.
	By int
}

// DecideInvoke decides, from the function's permissions (all of them, of
// any principal and qualifier), whether inv may invoke the function. fn is
// any ARN standing for the function (the permissions and the invoker name
// the same function).
func DecideInvoke(fn string, inv Invoker, perms []InvokePermission) InvokeDecision {
	req := iampolicy.Request{Caller: iampolicy.Caller{Service: inv.Principal, SourceARN: inv.SourceARN},
		Action: InvokeAction, Resource: InvokedARN(fn, inv.Qualifier)}
	var docs []*iampolicy.Document
	for _, p := range perms {
		s := p.Statement(fn)
		if s == nil {
			docs = append(docs, nil)
			continue
		}
		docs = append(docs, &iampolicy.Document{Version: iampolicy.Version, Statements: []iampolicy.Statement{*s}})
	}
	res := iampolicy.Authorize(req, iampolicy.Policies{Resource: docs})
	out := InvokeDecision{Decision: res.Decision, By: -1}
	if res.Decision == iampolicy.Allowed {
		for i, d := range docs {
			if d == nil {
				continue
			}
			one := iampolicy.Authorize(req, iampolicy.Policies{Resource: []*iampolicy.Document{d}})
			if one.Decision == iampolicy.Allowed {
				out.By = i
				break
			}
		}
	}
	return out
}

// QualifierWord names a qualifier for messages: "the unqualified function
// ($LATEST only)" for "", qualifier "q" otherwise.
func QualifierWord(q string) string {
	if q == "" {
		return "the unqualified function (which covers $LATEST only)"
	}
	return fmt.Sprintf("qualifier %q", q)
}

// InvokeNotPermitted is the problem of a trigger that the function's
// permissions do not let invoke what it invokes: principal is the
// trigger's service, invoked the ARN (or function and qualifier) it
// invokes, perms the permissions for that service ("<label> on
// <qualifier>").
func InvokeNotPermitted(principal, invoked string, perms []string) string {
	return fmt.Sprintf("%s invokes %s, but the function's Lambda permissions for %s are %s, and a permission covers only the ARN it names (the unqualified one covers $LATEST only), so Lambda refuses every invocation",
		principal, invoked, principal, strings.Join(perms, " and "))
}

// InvokePermissionFix is the fix of [InvokeNotPermitted]: a permission on
// the invoked qualifier q ("" for the unqualified ARN).
func InvokePermissionFix(principal, invoked, q string) string {
	if q == "" {
		return fmt.Sprintf("give the Lambda permission for %s no qualifier and the unqualified function, so that it covers %s", principal, invoked)
	}
	return fmt.Sprintf("set qualifier %q on the Lambda permission for %s (or give it the qualified ARN as its function), so that it covers %s", q, principal, invoked)
}

// InvokeAlsoPermit is what ASYNC006's fix adds when it moves a trigger to
// qualifier q: the trigger's permission must move with it.
func InvokeAlsoPermit(q string) string {
	return fmt.Sprintf("and give the trigger's Lambda permission qualifier %q (a permission on the unqualified function covers $LATEST only)", q)
}
