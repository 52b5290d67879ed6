//go:build engine

package engine

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func handlerCode() pulumi.Archive {
	return pulumi.NewFileArchive(filepath.Join(repoRoot, "handler"))
}

func pythonFunction() lambda.FunctionArgs {
	return lambda.FunctionArgs{
		Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String("handler.handler"),
		Code:    handlerCode(),
	}
}

// switchProgram routes a function's failures to a queue or, with useTopic,
// to a topic (the queue then leaves the program). A second function sends
// failed events to a dead-letter queue, so its creation must wait for its
// grant policy. (The two are separate so that the dead-letter dependency of
// one cannot order the invoke config of the other.)
func switchProgram(useTopic bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var onFailure asyncroute.Destination
		if useTopic {
			topic, err := sns.NewTopic(ctx, "switch-failures-topic", &sns.TopicArgs{})
			if err != nil {
				return err
			}
			onFailure = asyncroute.SNSTopic{Topic: topic}
		} else {
			queue, err := sqs.NewQueue(ctx, "switch-failures-queue", &sqs.QueueArgs{})
			if err != nil {
				return err
			}
			onFailure = asyncroute.SQSQueue{Queue: queue}
		}
		if _, err := asyncroute.NewFunction(ctx, "switcher", &asyncroute.FunctionArgs{
			Function:   pythonFunction(),
			OnFailure:  onFailure,
			MaxRetries: pulumi.IntRef(1),
		}); err != nil {
			return err
		}

		dlq, err := sqs.NewQueue(ctx, "switch-dlq", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "dlq-user", &asyncroute.FunctionArgs{
			Function:   pythonFunction(),
			DeadLetter: asyncroute.SQSQueue{Queue: dlq},
			MaxRetries: pulumi.IntRef(0),
		})
		return err
	}
}

// TestOrder checks the order of the provider's writes: on create a grant
// policy precedes the invoke config, and a function with a dead-letter
// queue; when the failure destination switches from a queue to a topic, the
// grant policy is replaced: the new one precedes the config update, which
// precedes the old one's delete, which precedes the old queue's delete; on
// destroy the config goes before the policy.
func TestOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-order", switchProgram(false))

	_, err := w.up()
	require.NoError(t, err)
	created := w.ops(0)
	policy, ok := find(created, "create", tRolePolicy, "switcher-async-grants")
	require.True(t, ok, "grant policy created")
	config, ok := find(created, "create", tInvokeConfig, "switcher-async-config")
	require.True(t, ok, "invoke config created")
	before(t, policy, config, "create: grant policy before invoke config")
	dlqPolicy, ok := find(created, "create", tRolePolicy, "dlq-user-async-grants")
	require.True(t, ok, "grant policy of the function with a dead-letter queue created")
	fn, ok := find(created, "create", tFunction, "dlq-user")
	require.True(t, ok, "function with a dead-letter queue created")
	require.NotEmpty(t, deadLetterTarget(fn))
	before(t, dlqPolicy, fn, "create: grant policy before the function with a dead-letter queue")

	// Switch the failure destination from the queue to a topic.
	n := w.logLen()
	w.setProgram(switchProgram(true))
	res, err := w.up()
	require.NoError(t, err)
	require.NotNil(t, res.Summary.ResourceChanges)
	changes := *res.Summary.ResourceChanges
	assert.Equal(t, 1, changes["replace"], "the grant policy: %v", changes)
	assert.Equal(t, 1, changes["create"], "the topic: %v", changes)
	assert.Equal(t, 1, changes["delete"], "the old queue: %v", changes)

	switched := w.ops(n)
	for _, op := range switched {
		assert.Empty(t, op.Error, "%s %s", op.Op, op.URN)
	}
	topic, ok := find(switched, "create", tTopic, "switch-failures-topic")
	require.True(t, ok, "topic created")
	newPolicy, ok := find(switched, "create", tRolePolicy, "switcher-async-grants")
	require.True(t, ok, "grant policy replaced: the new one is created")
	oldPolicy, ok := find(switched, "delete", tRolePolicy, "switcher-async-grants")
	require.True(t, ok, "grant policy replaced: the old one is deleted")
	configUpdate, ok := find(switched, "update", tInvokeConfig, "switcher-async-config")
	require.True(t, ok, "invoke config updated in place")
	queueDelete, ok := find(switched, "delete", tQueue, "switch-failures-queue")
	require.True(t, ok, "old queue deleted")
	_, replaced := find(switched, "create", tInvokeConfig, "switcher-async-config")
	assert.False(t, replaced, "the invoke config is updated, not replaced")
	_, updated := find(switched, "update", tRolePolicy, "switcher-async-grants")
	assert.False(t, updated, "the grant policy is replaced, not updated in place")

	before(t, topic, newPolicy, "switch: topic before the policy granting on it")
	before(t, newPolicy, configUpdate, "switch: new policy before the invoke config update")
	before(t, configUpdate, oldPolicy, "switch: invoke config leaves the queue before the old policy (granting on it) goes")
	before(t, oldPolicy, queueDelete, "switch: old policy before the old queue's delete")
	assert.Contains(t, newPolicy.Inputs["policy"], "sns:Publish")
	assert.NotContains(t, newPolicy.Inputs["policy"], "switch-failures-queue")
	assert.NotEqual(t, newPolicy.ID, oldPolicy.ID, "old and new policies exist side by side")
	onFailure := configUpdate.Inputs["destinationConfig"].(map[string]any)["onFailure"].(map[string]any)["destination"].(string)
	assert.True(t, strings.HasPrefix(onFailure, "arn:aws:sns:us-east-1:123456789012:switch-failures-topic-"), onFailure)

	n = w.logLen()
	w.destroy()
	deleted := w.ops(n)
	configDelete, ok := find(deleted, "delete", tInvokeConfig, "switcher-async-config")
	require.True(t, ok)
	policyDelete, ok := find(deleted, "delete", tRolePolicy, "switcher-async-grants")
	require.True(t, ok)
	before(t, configDelete, policyDelete, "destroy: invoke config before grant policy")
	assert.Empty(t, w.providerState().Live())
}

// renameProgram makes one routed function named name; with oldName it
// carries an alias to the old name.
func renameProgram(name, oldName string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		queue, err := sqs.NewQueue(ctx, "rename-results", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		topic, err := sns.NewTopic(ctx, "rename-failures", &sns.TopicArgs{})
		if err != nil {
			return err
		}
		var opts []pulumi.ResourceOption
		if oldName != "" {
			opts = append(opts, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(oldName)}}))
		}
		_, err = asyncroute.NewFunction(ctx, name, &asyncroute.FunctionArgs{
			Function:  pythonFunction(),
			OnSuccess: asyncroute.SQSQueue{Queue: queue},
			OnFailure: asyncroute.SNSTopic{Topic: topic},
			Alias:     "live",
		}, opts...)
		return err
	}
}

// TestRenameWithAlias renames a component, keeping its old name as an
// alias: the engine replaces, creates and deletes nothing but the grant
// policy, whose IAM name is the component's child name and a hash of its
// document (see policyName): the policy named after the new name is
// created, then the old one deleted, with no window in between.
func TestRenameWithAlias(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-rename", renameProgram("billing", ""))
	_, err := w.up()
	require.NoError(t, err)
	seen := w.assertNoWindows("first deployment", 0)
	n := w.logLen()

	w.setProgram(renameProgram("invoicing", "billing"))
	pre, err := w.preview()
	require.NoError(t, err)
	assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: 8, apitype.OpReplace: 1}, pre.ChangeSummary,
		"preview of the rename: the grant policy replaced, the rest the same")
	res, err := w.up()
	require.NoError(t, err)
	require.NotNil(t, res.Summary.ResourceChanges)
	assert.Equal(t, map[string]int{"same": 8, "replace": 1}, *res.Summary.ResourceChanges, "up of the rename")
	ops := w.ops(n)
	require.Len(t, ops, 2, "the provider saw the grant policy's create and the old one's delete only: %v", opNames(ops))
	assert.Equal(t, []string{"create " + tRolePolicy, "delete " + tRolePolicy}, []string{ops[0].Op + " " + ops[0].Type, ops[1].Op + " " + ops[1].Type})
	assert.Regexp(t, `:invoicing-async-grants-[0-9a-f]{12}$`, ops[0].ID, "the new policy is named after the new name")
	assert.Regexp(t, `:billing-async-grants-[0-9a-f]{12}$`, ops[1].ID, "the old policy goes")
	before(t, ops[0], ops[1], "rename: the new grant policy before the old one's delete")
	w.assertNoWindows("rename", seen)

	_, d := w.export()
	var renamed int
	for _, r := range d.Resources {
		assert.NotContains(t, r.URN, "::billing", "old name left in the state")
		if strings.Contains(r.URN, "::invoicing") {
			renamed++
		}
	}
	assert.Equal(t, 6, renamed, "the component and its 5 children carry the new name")

	_, err = w.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err, "no changes after the rename")
	w.destroy()
}

// TestProviderRejectsMissingGrant is the negative control of the test
// double: a config whose destination the role may not write to (grants
// skipped) fails like Lambda fails.
func TestProviderRejectsMissingGrant(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "asyncroute-nogrant", func(ctx *pulumi.Context) error {
		queue, err := sqs.NewQueue(ctx, "ungranted", &sqs.QueueArgs{})
		if err != nil {
			return err
		}
		// A role of the user's with no grant: SkipGrants on a role the
		// component creates is refused before anything is written.
		role, err := iam.NewRole(ctx, "ungranted-role", &iam.RoleArgs{
			AssumeRolePolicy:  pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`),
			ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
		})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "nogrant", &asyncroute.FunctionArgs{
			Function:   pythonFunction(),
			Role:       &asyncroute.ExistingRole{Role: role},
			OnFailure:  asyncroute.SQSQueue{Queue: queue},
			SkipGrants: true,
		})
		return err
	})
	err := w.upErr()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidParameterValueException: The function's execution role does not have permissions to call SendMessage on arn:aws:sqs:us-east-1:123456789012:ungranted-")
	w.destroy()
	assert.Empty(t, w.providerState().Live())
}
