package iampolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The pages the cases of TestAuthorize follow.
const (
	srcEval      = "IAM User Guide, Policy evaluation logic (How AWS enforcement code logic evaluates requests)"
	srcSame      = "IAM User Guide, Policy evaluation for requests within a single account"
	srcCross     = "IAM User Guide, Cross-account policy evaluation logic"
	srcBoundary  = "IAM User Guide, Permissions boundaries for IAM entities"
	srcPrincipal = "IAM User Guide, AWS JSON policy elements: Principal"
	srcCondition = "IAM User Guide, IAM JSON policy elements: Condition operators"
	srcKMS       = "KMS Developer Guide, Key policies in AWS KMS (Default key policy; Allows access to the AWS account and enables IAM policies)"
	srcAdd       = "Lambda API Reference, AddPermission (a qualifier's permission needs the invoker to use that version's or alias's ARN)"
	srcAliases   = "Lambda Developer Guide, Using Lambda aliases in event sources and permissions policies"
)

const (
	acctA   = "111111111111"
	acctB   = "222222222222"
	roleA   = "arn:aws:iam::" + acctA + ":role/orders-role"
	queueA  = "arn:aws:sqs:us-east-1:" + acctA + ":failures"
	queueB  = "arn:aws:sqs:us-east-1:" + acctB + ":failures"
	keyA    = "arn:aws:kms:us-east-1:" + acctA + ":key/k"
	fnA     = "arn:aws:lambda:us-east-1:" + acctA + ":function:orders"
	ruleA   = "arn:aws:events:us-east-1:" + acctA + ":rule/nightly"
	allowSQ = `{"Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`
	logs    = `{"Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`
)

func parsed(t *testing.T, doc string) *iampolicy.Document {
	t.Helper()
	if doc == "" {
		return nil // a policy that cannot be read
	}
	d, err := iampolicy.Parse(doc)
	require.NoError(t, err, doc)
	return &d
}

func TestAuthorize(t *testing.T) {
	role := iampolicy.Caller{RoleARN: roleA, Account: acctA}
	send := func(resource, account string) iampolicy.Request {
		return iampolicy.Request{Caller: role, Action: "sqs:SendMessage", Resource: resource, ResourceAccount: account}
	}
	events := func(invoked, source string) iampolicy.Request {
		return iampolicy.Request{Caller: iampolicy.Caller{Service: "events.amazonaws.com", SourceARN: source, SourceAccount: acctA},
			Action: "lambda:InvokeFunction", Resource: invoked, ResourceAccount: acctA}
	}
	// permission is a Lambda permission's statement as AddPermission
	// writes it.
	permission := func(resource, source string) string {
		cond := ""
		if source != "" {
			cond = `,"Condition":{"ArnLike":{"AWS:SourceArn":"` + source + `"}}`
		}
		return `{"Statement":[{"Sid":"from-events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + resource + `"` + cond + `}]}`
	}
	type docs struct {
		identity []string
		boundary *string
		resource []string
		key      bool
	}
	str := func(s string) *string { return &s }
	unread := str("")
	cases := []struct {
		name, source string
		req          iampolicy.Request
		docs         docs
		want         iampolicy.Decision
		deny         *iampolicy.Where
		missing      []iampolicy.Part
		accountOpen  bool
	}{
		{name: "identity allows, no resource policy", source: srcSame, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}}, want: iampolicy.Allowed},
		{name: "nothing allows", source: srcEval, req: send(queueA, acctA),
			docs: docs{identity: []string{logs}}, want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartIdentity}},
		{name: "same account: the resource policy alone allows the role", source: srcSame, req: send(queueA, acctA),
			docs: docs{resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleA + `"},"Action":"sqs:SendMessage","Resource":"` + queueA + `"}]}`}}, want: iampolicy.Allowed},
		{name: "same account: a resource policy for another account does not take the identity's allow away", source: srcSame, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acctB + `"},"Action":"sqs:SendMessage","Resource":"` + queueA + `"}]}`}}, want: iampolicy.Allowed},
		{name: "an explicit Deny for the role in the resource policy", source: srcEval, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Sid":"NoOrders","Effect":"Deny","Principal":{"AWS":["` + roleA + `"]},"Action":"sqs:*","Resource":"` + queueA + `"}]}`}},
			want: iampolicy.Denied, deny: &iampolicy.Where{Part: iampolicy.PartResource, Policy: 0, Statement: 0}},
		{name: "an explicit Deny for everyone", source: srcPrincipal, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`}},
			want: iampolicy.Denied, deny: &iampolicy.Where{Part: iampolicy.PartResource, Policy: 0, Statement: 1}},
		{name: "a Deny for the account denies its roles", source: srcPrincipal, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"sqs:SendMessage","Resource":"*"}]}`}},
			want: iampolicy.Denied, deny: &iampolicy.Where{Part: iampolicy.PartResource, Policy: 0, Statement: 0}},
		{name: "a Deny with NotPrincipal that excludes the role", source: srcPrincipal, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"` + roleA + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`}},
			want: iampolicy.Allowed},
		{name: "a Deny for everyone but the role, with aws:PrincipalArn", source: srcCondition, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"` + roleA + `"}}}]}`}},
			want: iampolicy.Allowed},
		{name: "a Deny for other accounts, with aws:PrincipalAccount", source: srcCondition, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"` + acctA + `"}}}]}`}},
			want: iampolicy.Allowed},
		{name: "a Deny that depends on the VPC endpoint", source: srcCondition, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`}},
			want: iampolicy.Undecided},
		{name: "cross account: the identity's allow is not enough", source: srcCross, req: send(queueB, acctB),
			docs: docs{identity: []string{allowSQ}}, want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartResource}},
		{name: "cross account: the resource policy allows the caller's account", source: srcCross, req: send(queueB, acctB),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"sqs:SendMessage","Resource":"` + queueB + `"}]}`}}, want: iampolicy.Allowed},
		{name: "cross account: the resource policy allows only a third account", source: srcCross, req: send(queueB, acctB),
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"sqs:SendMessage","Resource":"` + queueB + `"}]}`}},
			want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartResource}},
		{name: "cross account: the resource policy alone is not enough", source: srcCross, req: send(queueB, acctB),
			docs: docs{identity: []string{logs}, resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleA + `"},"Action":"sqs:SendMessage","Resource":"` + queueB + `"}]}`}},
			want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartIdentity}},
		{name: "cross account: a resource policy that cannot be read", source: srcCross, req: send(queueB, acctB),
			docs: docs{identity: []string{allowSQ}, resource: []string{""}}, want: iampolicy.Undecided},
		{name: "a boundary that allows only logs", source: srcBoundary, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, boundary: str(logs)}, want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartBoundary}},
		{name: "a boundary that allows the action", source: srcBoundary, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, boundary: str(`{"Statement":[{"Effect":"Allow","Action":["sqs:*","logs:*"],"Resource":"*"}]}`)}, want: iampolicy.Allowed},
		{name: "a boundary does not grant", source: srcBoundary, req: send(queueA, acctA),
			docs: docs{identity: []string{logs}, boundary: str(allowSQ)}, want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartIdentity}},
		{name: "a boundary's explicit Deny", source: srcBoundary, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, boundary: str(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*"}]}`)},
			want: iampolicy.Denied, deny: &iampolicy.Where{Part: iampolicy.PartBoundary, Policy: 0, Statement: 1}},
		{name: "a boundary that cannot be read", source: srcBoundary, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, boundary: unread}, want: iampolicy.Undecided},
		{name: "a boundary limits a resource policy's grant to the role's ARN", source: srcBoundary, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, boundary: str(logs), resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleA + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`}},
			want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartBoundary}},
		{name: "under a boundary that does not allow it, a grant to anyone decides nothing", source: srcBoundary, req: send(queueA, acctA),
			docs: docs{identity: []string{allowSQ}, boundary: str(logs), resource: []string{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`}},
			want: iampolicy.Undecided},
		{name: "a key policy that enables IAM policies (the default key policy)", source: srcKMS,
			req:  iampolicy.Request{Caller: role, Action: "kms:GenerateDataKey", Resource: keyA, ResourceAccount: acctA},
			docs: docs{key: true, identity: []string{`{"Statement":[{"Effect":"Allow","Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"` + keyA + `"}]}`}, resource: []string{`{"Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"kms:*","Resource":"*"}]}`}},
			want: iampolicy.Allowed},
		{name: "a key policy with neither the role nor the account", source: srcKMS,
			req:  iampolicy.Request{Caller: role, Action: "kms:GenerateDataKey", Resource: keyA, ResourceAccount: acctA},
			docs: docs{key: true, identity: []string{`{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"` + keyA + `"}]}`}, resource: []string{`{"Statement":[{"Sid":"Admins","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:role/admin"},"Action":"kms:*","Resource":"*"}]}`}},
			want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartResource}},
		{name: "a key policy that allows the role needs no identity-based grant", source: srcKMS,
			req:  iampolicy.Request{Caller: role, Action: "kms:Decrypt", Resource: keyA, ResourceAccount: acctA},
			docs: docs{key: true, identity: []string{logs}, resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleA + `"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`}},
			want: iampolicy.Allowed},
		{name: "a key policy that enables IAM policies still needs one", source: srcKMS,
			req:  iampolicy.Request{Caller: role, Action: "kms:Decrypt", Resource: keyA, ResourceAccount: acctA},
			docs: docs{key: true, identity: []string{logs}, resource: []string{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acctA + `"},"Action":"kms:*","Resource":"*"}]}`}},
			want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartIdentity}},
		{name: "EventBridge invokes the alias it has a permission on", source: srcAliases, req: events(fnA+":live", ruleA),
			docs: docs{resource: []string{permission(fnA+":live", ruleA)}}, want: iampolicy.Allowed},
		{name: "a permission on the function does not cover its alias", source: srcAdd, req: events(fnA+":live", ruleA),
			docs: docs{resource: []string{permission(fnA, ruleA)}}, want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartResource}},
		{name: "a permission on the alias does not cover the function", source: srcAliases, req: events(fnA, ruleA),
			docs: docs{resource: []string{permission(fnA+":live", ruleA)}}, want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartResource}},
		{name: "a permission for another rule", source: srcAdd, req: events(fnA, ruleA),
			docs: docs{resource: []string{permission(fnA, ruleA+"-2")}}, want: iampolicy.NotAllowed, missing: []iampolicy.Part{iampolicy.PartResource}},
		{name: "a permission for a rule whose ARN is not known", source: srcAdd,
			req:  iampolicy.Request{Caller: iampolicy.Caller{Service: "events.amazonaws.com"}, Action: "lambda:InvokeFunction", Resource: fnA, ResourceAccount: acctA},
			docs: docs{resource: []string{permission(fnA, ruleA)}}, want: iampolicy.Undecided},
		{name: "whether the role is in the resource's account is not known", source: srcCross,
			req:  iampolicy.Request{Caller: iampolicy.Caller{}, Action: "sqs:SendMessage", Resource: queueB, ResourceAccount: acctB},
			docs: docs{identity: []string{allowSQ}}, want: iampolicy.Undecided, accountOpen: true},
		{name: "a Deny for a role whose ARN is not known", source: srcPrincipal,
			req:  iampolicy.Request{Caller: iampolicy.Caller{Account: acctA}, Action: "sqs:SendMessage", Resource: queueA, ResourceAccount: acctA},
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Deny","Principal":{"AWS":"` + roleA + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`}},
			want: iampolicy.Undecided},
		{name: "a Deny for a role of another account than the caller's", source: srcPrincipal,
			req:  iampolicy.Request{Caller: iampolicy.Caller{Account: acctB}, Action: "sqs:SendMessage", Resource: queueB, ResourceAccount: acctB},
			docs: docs{identity: []string{allowSQ}, resource: []string{`{"Statement":[{"Effect":"Deny","Principal":{"AWS":"` + roleA + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`}},
			want: iampolicy.Allowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p iampolicy.Policies
			for _, d := range c.docs.identity {
				p.Identity = append(p.Identity, parsed(t, d))
			}
			if c.docs.boundary != nil {
				p.Bounded, p.Boundary = true, parsed(t, *c.docs.boundary)
			}
			for _, d := range c.docs.resource {
				p.Resource = append(p.Resource, parsed(t, d))
			}
			p.KeyPolicy = c.docs.key
			got := iampolicy.Authorize(c.req, p)
			assert.Equal(t, c.want.String(), got.Decision.String(), c.source)
			assert.Equal(t, c.deny, got.Deny, c.source)
			assert.Equal(t, c.missing, got.Missing, c.source)
			assert.Equal(t, c.accountOpen, got.AccountUnknown, c.source)
			if c.want == iampolicy.Undecided {
				assert.True(t, len(got.Open) > 0 || got.AccountUnknown, "an undecided request says what is open (%s)", c.source)
			}
		})
	}
}

func TestParsePrincipalsAndConditions(t *testing.T) {
	d, err := iampolicy.Parse(`{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":["111111111111","*"],"Service":"sns.amazonaws.com","Federated":"cognito-identity.amazonaws.com"},"Action":"sqs:*","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:role/r"},"Action":"sqs:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]},"Bool":{"aws:SecureTransport":false}}},
		{"Effect":"Deny","Principal":5,"Action":"sqs:*","Resource":"*","Condition":"x"}]}`)
	require.NoError(t, err)
	s := d.Statements
	assert.Equal(t, &iampolicy.Principals{Any: true}, s[0].Principals)
	assert.Equal(t, &iampolicy.Principals{Any: true, AWS: []string{"111111111111"}, Service: []string{"sns.amazonaws.com"}, Other: []string{"Federated:cognito-identity.amazonaws.com"}}, s[1].Principals)
	assert.Nil(t, s[2].Principals)
	assert.Equal(t, &iampolicy.Principals{AWS: []string{"arn:aws:iam::111111111111:role/r"}}, s[2].NotPrincipals)
	assert.Equal(t, []iampolicy.Condition{{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}}, {Operator: "StringNotEquals", Key: "aws:SourceVpce", Values: []string{"vpce-1", "vpce-2"}}}, s[2].Conditions)
	assert.Equal(t, &iampolicy.Principals{Unreadable: true}, s[3].Principals)
	assert.True(t, s[3].HasCondition)
	assert.Nil(t, s[3].Conditions, "a Condition that cannot be read")
}
