package asyncroute_test

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fourteenDays = 14 * 24 * 3600.0

func TestNewQueueOnFailureDefaults(t *testing.T) {
	var comp *asyncroute.Function
	var onFailure any
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.NewQueue{},
		})
		if err != nil {
			return err
		}
		comp = c
		onFailure, _, err = awaitValue(ctx, c.OnFailureArn)
		return err
	})
	c := find(t, st, functionComponentType, "orders")
	q := find(t, st, queueType, "orders-on-failure")
	qArn := q.Outputs["arn"].(string)
	policy := find(t, st, rolePolicyType, "orders-async-grants")
	cfg := config(t, st, "orders")

	// A standard queue, encrypted, keeping failures for 14 days.
	assert.Equal(t, map[string]any{"messageRetentionSeconds": fourteenDays, "sqsManagedSseEnabled": true}, q.Inputs)
	assert.Equal(t, c.URN, q.Parent)
	assert.Equal(t, arnOf("sqs", q.Outputs["name"].(string)), qArn)

	// Granted and routed like any queue; the grant waits for the queue.
	assert.Equal(t, stmts(allow(sqsSend, qArn)), statements(t, st, "orders"))
	assert.Equal(t, destinations("", qArn), cfg.Inputs["destinationConfig"])
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(queueType, "orders-on-failure")), st.Dependencies(policy))
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(queueType, "orders-on-failure")), st.Dependencies(cfg))
	assert.Equal(t, deps(
		dep(roleType, "orders-role"), dep(queueType, "orders-on-failure"), dep(rolePolicyType, "orders-async-grants"),
		dep(lambdaType, "orders"), dep(configType, "orders-async-config"),
	), childNames(st, c))

	// Exposed on the component.
	require.NotNil(t, comp.OnFailureCreated)
	require.NotNil(t, comp.OnFailureCreated.Queue)
	assert.Nil(t, comp.OnFailureCreated.Topic)
	assert.Nil(t, comp.OnFailureCreated.Rule)
	assert.Nil(t, comp.OnSuccessCreated)
	assert.Equal(t, strPtr(qArn), onFailure)
	assert.Equal(t, map[string]any{"qualifier": "$LATEST", "skipGrants": false, "onFailureKind": "sqs", "roleIdentity": "the role the component creates",
		"routeIdentities": map[string]any{"onFailure": "the queue the component creates for OnFailure"}}, c.Inputs)
}

func TestNewQueueOptions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		field string
		queue func(ctx *pulumi.Context) asyncroute.NewQueue
		want  map[string]any
		key   bool
	}{
		// A success queue keeps SQS's default retention.
		{"OnSuccessDefaults", "OnSuccess", func(*pulumi.Context) asyncroute.NewQueue { return asyncroute.NewQueue{} },
			map[string]any{"sqsManagedSseEnabled": true}, false},
		{"OnSuccessRetention", "OnSuccess", func(*pulumi.Context) asyncroute.NewQueue { return asyncroute.NewQueue{RetentionPeriod: time.Hour} },
			map[string]any{"messageRetentionSeconds": 3600.0, "sqsManagedSseEnabled": true}, false},
		{"OnFailureMinimum", "OnFailure", func(*pulumi.Context) asyncroute.NewQueue { return asyncroute.NewQueue{RetentionPeriod: time.Minute} },
			map[string]any{"messageRetentionSeconds": 60.0, "sqsManagedSseEnabled": true}, false},
		{"OnFailureMaximum", "OnFailure", func(*pulumi.Context) asyncroute.NewQueue {
			return asyncroute.NewQueue{RetentionPeriod: 14 * 24 * time.Hour}
		}, map[string]any{"messageRetentionSeconds": fourteenDays, "sqsManagedSseEnabled": true}, false},
		{"OnFailureKey", "OnFailure", func(ctx *pulumi.Context) asyncroute.NewQueue {
			return asyncroute.NewQueue{RetentionPeriod: 48 * time.Hour, KmsKey: newKey(ctx, "key")}
		}, map[string]any{"messageRetentionSeconds": 172800.0}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := run(t, func(ctx *pulumi.Context) error {
				args := &asyncroute.FunctionArgs{Function: lambdaArgs("orders")}
				if tc.field == "OnSuccess" {
					args.OnSuccess = tc.queue(ctx)
				} else {
					args.OnFailure = tc.queue(ctx)
				}
				_, err := asyncroute.NewFunction(ctx, "orders", args)
				return err
			})
			name := "orders-on-success"
			if tc.field == "OnFailure" {
				name = "orders-on-failure"
			}
			q := find(t, st, queueType, name)
			qArn := q.Outputs["arn"].(string)
			want := map[string]any{}
			for k, v := range tc.want {
				want[k] = v
			}
			grants := stmts(allow(sqsSend, qArn))
			policyDeps := []string{dep(roleType, "orders-role"), dep(queueType, name)}
			if tc.key {
				// The key is granted in a policy of its own that the
				// queue waits for: the role may use the key before the
				// queue encrypts a message with it.
				key := find(t, st, keyType, "key").Outputs["arn"].(string)
				want["kmsMasterKeyId"] = key
				keyGrants := find(t, st, rolePolicyType, name+"-key-grants")
				doc, err := asyncroutetest.DecodePolicy(keyGrants.Inputs["policy"])
				require.NoError(t, err)
				assert.Equal(t, stmts(allow(kmsUse, key)), doc.Statements)
				assert.Equal(t, find(t, st, roleType, "orders-role").Outputs["name"], keyGrants.Inputs["role"])
				assert.Equal(t, deps(dep(roleType, "orders-role"), dep(keyType, "key")), st.Dependencies(keyGrants))
				assert.Equal(t, deps(dep(keyType, "key"), dep(rolePolicyType, name+"-key-grants")), st.Dependencies(q))
			} else {
				assert.Nil(t, st.Find(rolePolicyType, name+"-key-grants"))
			}
			assert.Equal(t, want, q.Inputs)
			assert.Equal(t, grants, statements(t, st, "orders"))
			assert.Equal(t, deps(policyDeps...), st.Dependencies(find(t, st, rolePolicyType, "orders-async-grants")))
		})
	}
}

// A created dead-letter queue is a failure queue; the function waits for
// the grant on it.
func TestNewQueueAsDeadLetter(t *testing.T) {
	var comp *asyncroute.Function
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:   lambdaArgs("orders"),
			OnFailure:  asyncroute.NewTopic{},
			DeadLetter: asyncroute.NewQueue{},
		})
		comp = c
		return err
	})
	q := find(t, st, queueType, "orders-dead-letter")
	topic := find(t, st, topicType, "orders-on-failure")
	qArn, topicArn := q.Outputs["arn"].(string), topic.Outputs["arn"].(string)
	fn := find(t, st, lambdaType, "orders")
	assert.Equal(t, map[string]any{"messageRetentionSeconds": fourteenDays, "sqsManagedSseEnabled": true}, q.Inputs)
	assert.Equal(t, map[string]any{"kmsMasterKeyId": "alias/aws/sns"}, topic.Inputs)
	assert.Equal(t, map[string]any{"targetArn": qArn}, fn.Inputs["deadLetterConfig"])
	assert.Equal(t, stmts(allow(snsPublish, topicArn), allow(sqsSend, qArn)), statements(t, st, "orders"))
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(rolePolicyType, "orders-async-grants"), dep(queueType, "orders-dead-letter")), st.Dependencies(fn))
	require.NotNil(t, comp.DeadLetterCreated)
	assert.NotNil(t, comp.DeadLetterCreated.Queue)
	require.NotNil(t, comp.OnFailureCreated)
	assert.NotNil(t, comp.OnFailureCreated.Topic)
	assert.Nil(t, comp.OnSuccessCreated)
}

func TestNewTopicWithKey(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnSuccess: asyncroute.NewTopic{KmsKey: newKey(ctx, "key")},
		})
		return err
	})
	topic := find(t, st, topicType, "orders-on-success")
	key := find(t, st, keyType, "key").Outputs["arn"].(string)
	assert.Equal(t, map[string]any{"kmsMasterKeyId": key}, topic.Inputs)
	assert.Equal(t, stmts(allow(snsPublish, topic.Outputs["arn"].(string))), statements(t, st, "orders"))
	keyGrants := find(t, st, rolePolicyType, "orders-on-success-key-grants")
	doc, err := asyncroutetest.DecodePolicy(keyGrants.Inputs["policy"])
	require.NoError(t, err)
	assert.Equal(t, stmts(allow(kmsUse, key)), doc.Statements)
	assert.True(t, st.DependsOn(topic, keyGrants), "the topic waits for its key's grant")
	assert.Equal(t, destinations(topic.Outputs["arn"].(string), ""), config(t, st, "orders").Inputs["destinationConfig"])
}

func TestCreatedTargetsGetTheComponentTags(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			Tags:      pulumi.StringMap{"team": pulumi.String("payments")},
			OnSuccess: asyncroute.NewTopic{},
			OnFailure: asyncroute.NewQueue{},
		})
		return err
	})
	assert.Equal(t, map[string]any{"team": "payments"}, find(t, st, queueType, "orders-on-failure").Inputs["tags"])
	assert.Equal(t, map[string]any{"team": "payments"}, find(t, st, topicType, "orders-on-success").Inputs["tags"])
}

func TestNewQueueOnAsyncInvoke(t *testing.T) {
	var comp *asyncroute.AsyncInvoke
	st := run(t, func(ctx *pulumi.Context) error {
		c, err := asyncroute.NewAsyncInvoke(ctx, "routing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("existing"),
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("existing-role")},
			OnFailure:    asyncroute.NewQueue{},
		})
		comp = c
		return err
	})
	q := find(t, st, queueType, "routing-on-failure")
	assert.Equal(t, find(t, st, asyncInvokeType, "routing").URN, q.Parent)
	assert.Equal(t, stmts(allow(sqsSend, q.Outputs["arn"].(string))), statements(t, st, "routing"))
	require.NotNil(t, comp.OnFailureCreated)
	assert.NotNil(t, comp.OnFailureCreated.Queue)
}

// At preview the created queue's ARN is unknown: no partial grant, and the
// ordering is exact.
func TestPreviewNewQueue(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: asyncroute.NewQueue{}})
		return err
	}, asyncroutetest.Preview())
	policy := find(t, st, rolePolicyType, "orders-async-grants")
	_, err := asyncroutetest.DecodePolicy(policy.Inputs["policy"])
	require.ErrorContains(t, err, "unknown until deploy")
	assert.Equal(t, map[string]any{"functionName": "orders", "qualifier": "$LATEST", "destinationConfig": map[string]any{"onFailure": map[string]any{"destination": asyncroutetest.Unknown{}}}},
		config(t, st, "orders").Inputs)
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(queueType, "orders-on-failure")), st.Dependencies(policy))
	assert.Equal(t, deps(dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(queueType, "orders-on-failure")),
		st.Dependencies(config(t, st, "orders")))
}

// KmsKeyArn encrypts a created queue or topic with a key given by its ARN:
// the same key-grants policy, which the queue or topic waits for, and the
// same dependencies as KmsKey when the ARN is a key's output.
func TestCreatedTargetWithKmsKeyArn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		output bool // the ARN is the output of a key of the program
		topic  bool
	}{
		{"QueueLiteral", false, false},
		{"QueueKeyOutput", true, false},
		{"TopicLiteral", false, true},
		{"TopicKeyOutput", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var comp *asyncroute.Function
			st := run(t, func(ctx *pulumi.Context) error {
				var key pulumi.StringInput = pulumi.String(foreignKey)
				if tc.output {
					key = newKey(ctx, "key").Arn
				}
				var d asyncroute.Destination = asyncroute.NewQueue{KmsKeyArn: key}
				if tc.topic {
					d = asyncroute.NewTopic{KmsKeyArn: key}
				}
				c, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: lambdaArgs("orders"), OnFailure: d})
				comp = c
				return err
			})
			key, keyDeps := foreignKey, []string(nil)
			if tc.output {
				key, keyDeps = find(t, st, keyType, "key").Outputs["arn"].(string), []string{dep(keyType, "key")}
			}
			typ, send, want := queueType, sqsSend, map[string]any{"messageRetentionSeconds": fourteenDays, "kmsMasterKeyId": key}
			if tc.topic {
				typ, send, want = topicType, snsPublish, map[string]any{"kmsMasterKeyId": key}
			}
			target := find(t, st, typ, "orders-on-failure")
			targetArn := target.Outputs["arn"].(string)
			assert.Equal(t, want, target.Inputs)

			keyGrants := find(t, st, rolePolicyType, "orders-on-failure-key-grants")
			doc, err := asyncroutetest.DecodePolicy(keyGrants.Inputs["policy"])
			require.NoError(t, err)
			assert.Equal(t, stmts(allow(kmsUse, key)), doc.Statements)
			assert.Equal(t, find(t, st, roleType, "orders-role").Outputs["name"], keyGrants.Inputs["role"])
			assert.Equal(t, deps(append([]string{dep(roleType, "orders-role")}, keyDeps...)...), st.Dependencies(keyGrants))
			assert.Equal(t, deps(append([]string{dep(rolePolicyType, "orders-on-failure-key-grants")}, keyDeps...)...), st.Dependencies(target))

			// The route itself is any created target's.
			assert.Equal(t, stmts(allow(send, targetArn)), statements(t, st, "orders"))
			assert.Equal(t, destinations("", targetArn), config(t, st, "orders").Inputs["destinationConfig"])
			assert.Equal(t, deps(
				dep(roleType, "orders-role"), dep(rolePolicyType, "orders-on-failure-key-grants"), dep(typ, "orders-on-failure"),
				dep(rolePolicyType, "orders-async-grants"), dep(lambdaType, "orders"), dep(configType, "orders-async-config"),
			), childNames(st, find(t, st, functionComponentType, "orders")))
			require.NotNil(t, comp.OnFailureCreated)
			assert.NotNil(t, comp.OnFailureCreated.KeyPolicy)
		})
	}
}

// With SkipGrants the key encrypts the queue and nothing is granted.
func TestNewQueueKmsKeyArnSkipGrants(t *testing.T) {
	st := run(t, fn(func(_ *pulumi.Context, a *asyncroute.FunctionArgs) {
		a.Role = &asyncroute.ExistingRole{Name: pulumi.String("external"), Arn: pulumi.String(externalRoleArn)}
		a.SkipGrants = true
		a.DeadLetter = asyncroute.NewQueue{KmsKeyArn: pulumi.String(foreignKey)}
	}))
	q := find(t, st, queueType, "orders-dead-letter")
	assert.Equal(t, map[string]any{"messageRetentionSeconds": fourteenDays, "kmsMasterKeyId": foreignKey}, q.Inputs)
	assert.Nil(t, st.Dependencies(q))
	assert.Nil(t, st.Find(rolePolicyType, "orders-dead-letter-key-grants"))
}

// At a first preview a key's ARN is unknown: the queue and the key grant
// take it unknown, in the same order.
func TestPreviewNewQueueKmsKeyArnOutput(t *testing.T) {
	st := run(t, func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.NewQueue{KmsKeyArn: newKey(ctx, "key").Arn},
		})
		return err
	}, asyncroutetest.Preview())
	q := find(t, st, queueType, "orders-on-failure")
	assert.Equal(t, map[string]any{"messageRetentionSeconds": fourteenDays, "kmsMasterKeyId": asyncroutetest.Unknown{}}, q.Inputs)
	keyGrants := find(t, st, rolePolicyType, "orders-on-failure-key-grants")
	assert.Equal(t, deps(dep(roleType, "orders-role"), dep(keyType, "key")), st.Dependencies(keyGrants))
	assert.Equal(t, deps(dep(keyType, "key"), dep(rolePolicyType, "orders-on-failure-key-grants")), st.Dependencies(q))
}

// During an update a key ARN that is an output and no key ARN fails the
// key grant's, the queue's and the config's inputs: neither the grant nor
// the queue nor the config is written.
func TestNewQueueKmsKeyArnCheckedAtDeploy(t *testing.T) {
	st, err := asyncroutetest.Run(onFailure(func(ctx *pulumi.Context) asyncroute.Destination {
		return asyncroute.NewQueue{KmsKeyArn: newQueue(ctx, "other", nil).Arn}
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), fPrefix+`OnFailure: NewQueue.KmsKeyArn "arn:aws:sqs:us-east-1:123456789012:other" is not a KMS key ARN; expected arn:<partition>:kms:<region>:<account>:key/<key-id>`)
	assert.Nil(t, st.Find(rolePolicyType, "orders-on-failure-key-grants"))
	assert.Nil(t, st.Find(queueType, "orders-on-failure"))
	assert.Nil(t, st.Find(configType, "orders-async-config"))
}
