package asyncpolicy_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const successLoopWhy = `: each success invokes the loop again for as long as its functions succeed, and Lambda's recursive loop detection does not follow destinations or EventBridge rules; ` +
	`allowed: on-success routes that end (remove one route of the loop, or send it to a queue, topic or bus no function of the loop reads)`

// responseRule passes from's success records on the default bus to next,
// as ResponseOnly's rule does (pattern on the qualified ARN).
func responseRule(s stack, name string, from, next *lambda.Function) {
	pattern := from.Arn.ApplyT(func(arn string) string {
		return `{"source":["lambda"],"detail-type":["Lambda Function Invocation Result - Success"],"resources":["` + arn + `:$LATEST"]}`
	}).(pulumi.StringOutput)
	rule := must(cloudwatch.NewEventRule(s.ctx, name, &cloudwatch.EventRuleArgs{EventPattern: pattern}))
	must(cloudwatch.NewEventTarget(s.ctx, name, &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: next.Arn, InputPath: pulumi.String("$.detail.responsePayload")}))
}

const defaultBus = "arn:aws:events:us-east-1:123456789012:event-bus/default"

func TestSuccessLoop(t *testing.T) {
	t.Run("destinations", func(t *testing.T) {
		fs := of(findings(t, func(s stack) {
			a := s.fn("a", s.role("a-role"), nil)
			b := s.fn("b", s.role("b-role"), nil)
			s.config("a-config", a, b.Arn, nil)
			s.config("b-config", b, a.Arn, nil)
		}), asyncpolicy.RuleSuccessLoop)
		require.Len(t, fs, 1, dump(fs))
		assert.Equal(t, asyncpolicy.Mandatory, fs[0].Level)
		assert.Equal(t, `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "a-config", field destinationConfig.onSuccess.destination: `+
			`closes a loop of on-success routes (a -(on success)-> b -(on success)-> a)`+successLoopWhy, fs[0].Message)
	})
	t.Run("response rules", func(t *testing.T) {
		fs := of(findings(t, func(s stack) {
			a := s.fn("a", s.role("a-role"), nil)
			b := s.fn("b", s.role("b-role"), nil)
			s.config("a-config", a, pulumi.String(defaultBus), nil)
			s.config("b-config", b, pulumi.String(defaultBus), nil)
			responseRule(s, "a-to-b", a, b)
			responseRule(s, "b-to-a", b, a)
		}), asyncpolicy.RuleSuccessLoop)
		require.Len(t, fs, 1, dump(fs))
		assert.Equal(t, `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "a-config", field destinationConfig.onSuccess.destination: `+
			`closes a loop of on-success routes (a -(on success)-> a-to-b -(rule target)-> b -(on success)-> b-to-a -(rule target)-> a)`+successLoopWhy, fs[0].Message)
	})
}

// TestNoLoopInChains: chains of destinations and of response rules on one
// bus (each rule matching one function's records) are no loops; a rule
// whose pattern the rules cannot decide is not a success loop (advisory
// at most); at preview, where ARNs are not known, nothing is mandatory.
func TestNoLoopInChains(t *testing.T) {
	chain := func(s stack) {
		a := s.fn("a", s.role("a-role"), nil)
		b := s.fn("b", s.role("b-role"), nil)
		c := s.fn("c", s.role("c-role"), nil)
		d := s.fn("d", s.role("d-role"), nil)
		s.config("a-config", a, b.Arn, nil)
		s.config("b-config", b, pulumi.String(defaultBus), nil)
		s.config("c-config", c, pulumi.String(defaultBus), nil)
		responseRule(s, "b-to-c", b, c)
		responseRule(s, "c-to-d", c, d)
	}
	assert.Empty(t, of(findings(t, chain), asyncpolicy.RuleSuccessLoop))
	assert.Empty(t, of(findings(t, chain), asyncpolicy.RuleLoop))

	fs := findings(t, func(s stack) {
		a := s.fn("a", s.role("a-role"), nil)
		b := s.fn("b", s.role("b-role"), nil)
		s.config("a-config", a, pulumi.String(defaultBus), nil)
		s.config("b-config", b, pulumi.String(defaultBus), nil)
		responseRule(s, "a-to-b", a, b)
		rule := must(cloudwatch.NewEventRule(s.ctx, "b-to-a", &cloudwatch.EventRuleArgs{
			EventPattern: pulumi.String(`{"source":["lambda"],"detail":{"responsePayload":{"kind":["retry"]}}}`)}))
		must(cloudwatch.NewEventTarget(s.ctx, "b-to-a", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: a.Arn}))
	})
	assert.Empty(t, of(fs, asyncpolicy.RuleSuccessLoop), dump(fs))
	loops := of(fs, asyncpolicy.RuleLoop)
	require.Len(t, loops, 2, dump(fs))
	assert.Equal(t, asyncpolicy.Advisory, loops[0].Level)
	// The pattern filters on the payload only: a's records may match it
	// as well as b's.
	assert.Contains(t, loops[0].Message, `closes a loop (a -(if the rule matches)-> b-to-a -(rule target)-> a)`)
	assert.Contains(t, loops[1].Message, `closes a loop (a -(on success)-> a-to-b -(rule target)-> b -(if the rule matches)-> b-to-a -(rule target)-> a)`)

	fs = findings(t, func(s stack) {
		a := s.fn("a", s.role("a-role"), nil)
		b := s.fn("b", s.role("b-role"), nil)
		s.config("a-config", a, pulumi.String(defaultBus), nil)
		s.config("b-config", b, pulumi.String(defaultBus), nil)
		responseRule(s, "a-to-b", a, b)
		responseRule(s, "b-to-a", b, a)
	}, asyncroutetest.Preview())
	assert.Empty(t, of(fs, asyncpolicy.RuleSuccessLoop), "patterns not known at preview: %s", dump(fs))
}

// TestRedriveLoop: a function whose dead-letter queue triggers it again
// (a re-drive) and a loop closed by an on-failure destination are
// advisory, never mandatory.
func TestRedriveLoop(t *testing.T) {
	fs := findings(t, func(s stack) {
		q := s.queue("redrive", nil)
		a := s.fn("a", s.role("a-role"), q.Arn)
		must(lambda.NewEventSourceMapping(s.ctx, "redrive", &lambda.EventSourceMappingArgs{EventSourceArn: q.Arn, FunctionName: a.Name}))
		b := s.fn("b", s.role("b-role"), nil)
		c := s.fn("c", s.role("c-role"), nil)
		s.config("b-config", b, c.Arn, nil)
		s.config("c-config", c, nil, b.Arn)
	})
	assert.Empty(t, of(fs, asyncpolicy.RuleSuccessLoop), dump(fs))
	assert.Equal(t, []string{
		`aws:lambda/function:Function "a", field deadLetterConfig.targetArn: closes a loop (a -(dead letter)-> redrive -(triggers)-> a) that is not made of on-success routes only, ` +
			`so it carries records only while they fail or are redriven, but Lambda's recursive loop detection does not follow destinations, dead-letter targets or event source mappings' on-failure routes; ` +
			`make sure each pass ends (a retry count in the record, a RecursiveLoop setting, a queue's maxReceiveCount)`,
		`aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig "b-config", field destinationConfig.onSuccess.destination: closes a loop (b -(on success)-> c -(on failure)-> b) that is not made of on-success routes only, ` +
			`so it carries records only while they fail or are redriven, but Lambda's recursive loop detection does not follow destinations, dead-letter targets or event source mappings' on-failure routes; ` +
			`make sure each pass ends (a retry count in the record, a RecursiveLoop setting, a queue's maxReceiveCount)`,
	}, messages(of(fs, asyncpolicy.RuleLoop)))
}
