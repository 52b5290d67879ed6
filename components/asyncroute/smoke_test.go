package asyncroute_test

import (
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestSmoke(t *testing.T) {
	for _, preview := range []bool{false, true} {
		var opts []asyncroutetest.Option
		if preview {
			opts = append(opts, asyncroutetest.Preview())
		}
		st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
			q, err := sqs.NewQueue(ctx, "ok", &sqs.QueueArgs{})
			if err != nil {
				return err
			}
			tp, err := sns.NewTopic(ctx, "bad", &sns.TopicArgs{})
			if err != nil {
				return err
			}
			_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
				Function:    lambda.FunctionArgs{Runtime: pulumi.String("python3.12"), Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive(".")},
				OnSuccess:   asyncroute.DefaultEventBus{},
				OnFailure:   asyncroute.SNSTopic{Topic: tp},
				DeadLetter:  asyncroute.SQSQueue{Queue: q},
				MaxRetries:  pulumi.IntRef(1),
				MaxEventAge: func() *time.Duration { d := time.Hour; return &d }(),
			})
			return err
		}, opts...)
		t.Logf("preview=%v err=%v", preview, err)
		for _, r := range st.Resources {
			t.Logf("%s %s deps=%v in=%v", r.Type, r.Name, st.Dependencies(r), r.Inputs)
		}
	}
}
