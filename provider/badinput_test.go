package provider

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/status"
)

// constructErr constructs and returns the error message the engine shows.
func constructErr(t *testing.T, w *world, typ string, inputs map[string]any) string {
	t.Helper()
	_, err := w.construct(typ, "orders", inputs)
	require.Error(t, err)
	st, ok := status.FromError(err)
	if !ok {
		// A check that waited for the provider's answer (the place is
		// asked during a preview only) fails the write it guards, at
		// deploy, with the same message.
		require.False(t, w.preview, "a gRPC status at preview: %v", err)
		return err.Error()
	}
	return st.Message()
}

// TestBadInputGetsTheGoMessage feeds mistakes through Construct and checks
// that the message is the Go constructor's, word for word, and that
// nothing was registered.
func TestBadInputGetsTheGoMessage(t *testing.T) {
	bucketArn := "arn:aws:s3:::failures"
	cases := []struct {
		name   string
		inputs map[string]any
		goArgs asyncroute.FunctionArgs
	}{
		{
			name:   "MaxRetries 3",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "maxRetries": 3.0},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{}, MaxRetries: pulumi.IntRef(3)},
		},
		{
			name:   "S3 on success",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "s3", "arn": bucketArn}},
			goArgs: asyncroute.FunctionArgs{OnSuccess: asyncroute.ARN{Arn: pulumi.String(bucketArn), Kind: asyncroute.KindS3}},
		},
		{
			name:   "S3 on success, kind read from the ARN, and retries 3",
			inputs: map[string]any{"onSuccess": map[string]any{"arn": bucketArn}, "maxRetries": 3.0},
			goArgs: asyncroute.FunctionArgs{OnSuccess: asyncroute.ARN{Arn: pulumi.String(bucketArn)}, MaxRetries: pulumi.IntRef(3)},
		},
		{
			name:   "max event age 59 s",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newTopic"}, "maxEventAgeSeconds": 59.0},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.NewTopic{}, MaxEventAge: durationRef(59 * time.Second)},
		},
		{
			name:   "max event age 90.5 s",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newTopic"}, "maxEventAgeSeconds": 90.5},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.NewTopic{}, MaxEventAge: durationRef(90500 * time.Millisecond)},
		},
		{
			name:   "a queue URL",
			inputs: map[string]any{"onFailure": map[string]any{"arn": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.ARN{Arn: pulumi.String("https://sqs.us-east-1.amazonaws.com/123456789012/jobs")}},
		},
		{
			name:   "FIFO queue",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "sqs", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"}},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.ARN{Arn: pulumi.String("arn:aws:sqs:us-east-1:123456789012:jobs.fifo"), Kind: asyncroute.KindSQS}},
		},
		{
			name:   "ARN and kind disagree",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "sqs", "arn": "arn:aws:sns:us-east-1:123456789012:alerts"}},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.ARN{Arn: pulumi.String("arn:aws:sns:us-east-1:123456789012:alerts"), Kind: asyncroute.KindSQS}},
		},
		{
			name:   "Lambda function as dead-letter target",
			inputs: map[string]any{"deadLetter": map[string]any{"kind": "lambda", "arn": "arn:aws:lambda:us-east-1:123456789012:function:next"}},
			goArgs: asyncroute.FunctionArgs{DeadLetter: asyncroute.ARN{Arn: pulumi.String("arn:aws:lambda:us-east-1:123456789012:function:next"), Kind: asyncroute.KindLambda}},
		},
		{
			name:   "nothing to route",
			inputs: map[string]any{},
			goArgs: asyncroute.FunctionArgs{},
		},
		{
			name:   "role whose name and ARN disagree",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "role": map[string]any{"name": "billing", "arn": "arn:aws:iam::123456789012:role/r"}},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{}, Role: &asyncroute.ExistingRole{Name: pulumi.String("billing"), Arn: pulumi.String("arn:aws:iam::123456789012:role/r")}},
		},
		{
			name:   "response-only to a version",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": nextFunctionArn + ":3"}},
			goArgs: asyncroute.FunctionArgs{OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String(nextFunctionArn + ":3")}},
		},
		{
			name:   "response-only to a queue",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs"}},
			goArgs: asyncroute.FunctionArgs{OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String("arn:aws:sqs:us-east-1:123456789012:jobs")}},
		},
		{
			name:   "response-only as dead-letter target",
			inputs: map[string]any{"deadLetter": map[string]any{"kind": "responseOnly", "arn": nextFunctionArn}},
			goArgs: asyncroute.FunctionArgs{DeadLetter: asyncroute.ResponseOnly{FunctionArn: pulumi.String(nextFunctionArn)}},
		},
		{
			name:   "created queue with a key alias",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newQueue", "kmsKeyArn": "alias/orders"}},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{KmsKeyArn: pulumi.String("alias/orders")}},
		},
		{
			name:   "created topic with a key alias ARN",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newTopic", "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:alias/orders"}},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.NewTopic{KmsKeyArn: pulumi.String("arn:aws:kms:us-east-1:123456789012:alias/orders")}},
		},
		{
			name:   "queue retention too short",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newQueue", "retentionPeriodSeconds": 30.0}},
			goArgs: asyncroute.FunctionArgs{OnFailure: asyncroute.NewQueue{RetentionPeriod: 30 * time.Second}},
		},
	}
	for _, c := range cases {
		for _, preview := range []bool{true, false} {
			mode := map[bool]string{true: "preview", false: "update"}[preview]
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				goArgs := c.goArgs
				goArgs.Function = goOrderSettings(t)
				var goErr error // the constructor's own error, not the runtime's wrapping
				got, _ := runGo(t, preview, func(ctx *pulumi.Context) error {
					_, goErr = asyncroute.NewFunction(ctx, "orders", &goArgs)
					return goErr
				})
				require.Error(t, goErr)
				require.Empty(t, got.Resources, "Go registers nothing")

				inputs := map[string]any{"function": orderSettings(t)}
				for k, v := range c.inputs {
					inputs[k] = v
				}
				w := newWorld(t, preview)
				msg := constructErr(t, w, Token("Function"), inputs)
				// The same faults, the same words; the field paths, values
				// and "forever" as the schema writes them.
				assert.Equal(t, schemaMessage(goErr).Error(), msg)
				assert.Empty(t, w.mocks.Resources(), "nothing registered")
			})
		}
	}
}

func durationRef(d time.Duration) *time.Duration { return &d }

// TestBadTaggedInput covers what only the schema's tagged destination can
// get wrong; the messages have the Go package's form.
func TestBadTaggedInput(t *testing.T) {
	cases := []struct {
		name   string
		inputs map[string]any
		want   string
	}{
		{
			name:   "arn on a created queue",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newQueue", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs"}},
			want:   `asyncroute: Function "orders": onFailure.arn: is not used by kind "newQueue"; leave it out, or choose the kind it belongs to`,
		},
		{
			name:   "no arn for kind sqs",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "sqs"}},
			want:   `asyncroute: Function "orders": onSuccess.arn: is empty; kind "sqs" needs the target's ARN (for a queue its arn, not its url)`,
		},
		{
			name:   "no arn for kind responseOnly",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "responseOnly"}},
			want:   `asyncroute: Function "orders": onSuccess.arn: is empty; kind "responseOnly" needs the next function's unqualified ARN`,
		},
		{
			name:   "key on a response-only route",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": nextFunctionArn, "kmsKeyArn": keyArn}},
			want:   `asyncroute: Function "orders": onSuccess.kmsKeyArn: is not used by kind "responseOnly"; leave it out, or choose the kind it belongs to`,
		},
		{
			name:   "retention on a response-only route",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": nextFunctionArn, "retentionPeriodSeconds": 60.0}},
			want:   `asyncroute: Function "orders": onSuccess.retentionPeriodSeconds: is not used by kind "responseOnly"; leave it out, or choose the kind it belongs to`,
		},
		{
			name:   "arn on a created topic with a key",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newTopic", "kmsKeyArn": keyArn, "arn": "arn:aws:sns:us-east-1:123456789012:alerts"}},
			want:   `asyncroute: Function "orders": onFailure.arn: is not used by kind "newTopic"; leave it out, or choose the kind it belongs to`,
		},
		{
			name:   "neither kind nor arn",
			inputs: map[string]any{"onSuccess": map[string]any{}},
			want: `asyncroute: Function "orders": onSuccess: has neither kind nor arn; allowed: kind one of sqs, sns, lambda, events, s3, ` +
				`defaultEventBus, newQueue, newTopic, responseOnly, kafkaTopic, or the target's arn (its kind is read from the ARN)`,
		},
		{
			name:   "unknown kind",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "queue"}},
			want: `asyncroute: Function "orders": onSuccess.kind: "queue" is not a destination kind; allowed: sqs, sns, lambda, events, s3, ` +
				`defaultEventBus, newQueue, newTopic, responseOnly, kafkaTopic`,
		},
		{
			name:   "retries not whole",
			inputs: map[string]any{"onFailure": map[string]any{"kind": "newTopic"}, "maxRetries": 1.5},
			want:   `asyncroute: Function "orders": maxRetries: 1.5 is not a whole number`,
		},
		{
			name: "two faults at once",
			inputs: map[string]any{"onSuccess": map[string]any{"kind": "newTopic", "topic": "x"},
				"onFailure": map[string]any{"kind": "defaultEventBus", "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}},
			want: `asyncroute: Function "orders": onSuccess.topic: is not used by kind "newTopic"; leave it out, or choose the kind it belongs to` + "\n" +
				`asyncroute: Function "orders": onFailure.kmsKeyArn: is not used by kind "defaultEventBus"; leave it out, or choose the kind it belongs to`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inputs := map[string]any{"function": orderSettings(t)}
			for k, v := range c.inputs {
				inputs[k] = v
			}
			w := newWorld(t, true)
			assert.Equal(t, c.want, constructErr(t, w, Token("Function"), inputs))
			assert.Empty(t, w.mocks.Resources(), "nothing registered")
		})
	}
}

func TestUnknownType(t *testing.T) {
	w := newWorld(t, true)
	msg := constructErr(t, w, "asyncroute:lambda:Queue", map[string]any{})
	assert.Contains(t, msg, `asyncroute: unknown resource type "asyncroute:lambda:Queue"`)
}

// TestWarningsInSchemaWords: a component's warnings (what the rules
// advise) reach a YAML or TypeScript program in the schema's words, as its
// errors do: a destination by ARN in another account than the role's.
func TestWarningsInSchemaWords(t *testing.T) {
	w := newWorld(t, true)
	_, err := w.construct(Token("Function"), "orders", map[string]any{
		"function":  orderSettings(t),
		"onFailure": map[string]any{"arn": "arn:aws:sqs:us-east-1:210987654321:central"},
	})
	require.NoError(t, err)
	assert.Contains(t, w.engine.logged(), `WARNING: asyncroute: Function "orders": onFailure: the SQS queue is in account 210987654321 (given by ARN) and the role in account 123456789012, `+
		`and across accounts its queue policy must allow the role too: it must allow sqs:SendMessage on arn:aws:sqs:us-east-1:210987654321:central to aws:iam/role:Role "orders-role" (or its account 123456789012)`)
}
