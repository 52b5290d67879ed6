package asyncroute_test

import (
	"fmt"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func python(name string) lambda.FunctionArgs {
	return lambda.FunctionArgs{Name: pulumi.String(name), Runtime: pulumi.String("python3.12"),
		Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive("./app")}
}

// printInputs prints a resource's inputs in key order.
func printInputs(stack *asyncroutetest.Stack, typ, name string) {
	r := stack.Find(typ, name)
	fmt.Println(name + ":")
	keys := make([]string, 0, len(r.Inputs))
	for k := range r.Inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %s: %v\n", k, r.Inputs[k])
	}
}

// Chaining by response on an alias: the rule matches the alias-qualified
// ARN the config is on, and the next function gets the response payload.
func ExampleResponseOnly() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		enrich, err := asyncroute.NewFunction(ctx, "enrich", &asyncroute.FunctionArgs{Function: python("enrich"), MaxRetries: pulumi.IntRef(0)})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "ingest", &asyncroute.FunctionArgs{
			Function:  python("ingest"),
			Alias:     "live",
			OnSuccess: asyncroute.ResponseOnly{Function: enrich.Function},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printRouting(stack, "ingest")
	printInputs(stack, "aws:cloudwatch/eventRule:EventRule", "ingest-on-success-response")
	printInputs(stack, "aws:cloudwatch/eventTarget:EventTarget", "ingest-on-success-response-target")
	printInputs(stack, "aws:lambda/permission:Permission", "ingest-on-success-response-permission")
	// Output:
	// grant: Allow events:PutEvents on arn:aws:events:us-east-1:123456789012:event-bus/default
	// config: ingest live
	//   onSuccess arn:aws:events:us-east-1:123456789012:event-bus/default
	//   waits for: aws:cloudwatch/eventRule:EventRule/ingest-on-success-response aws:cloudwatch/eventTarget:EventTarget/ingest-on-success-response-target aws:iam/rolePolicy:RolePolicy/ingest-async-grants aws:lambda/alias:Alias/ingest-live aws:lambda/function:Function/enrich aws:lambda/function:Function/ingest aws:lambda/permission:Permission/ingest-on-success-response-permission
	// ingest-on-success-response:
	//   description: asyncroute: response payload on success to the next function
	//   eventPattern: {"source":["lambda"],"detail-type":["Lambda Function Invocation Result - Success"],"resources":["arn:aws:lambda:us-east-1:123456789012:function:ingest:live"]}
	// ingest-on-success-response-target:
	//   arn: arn:aws:lambda:us-east-1:123456789012:function:enrich
	//   inputPath: $.detail.responsePayload
	//   rule: ingest-on-success-response-b7cbbe5
	// ingest-on-success-response-permission:
	//   action: lambda:InvokeFunction
	//   function: enrich
	//   principal: events.amazonaws.com
	//   sourceArn: arn:aws:events:us-east-1:123456789012:rule/ingest-on-success-response-b7cbbe5
}

// Chaining by response to a function this program has no resource for, by
// its unqualified ARN: the rule target invokes the ARN and the permission is
// added to it.
func ExampleResponseOnly_functionArn() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "ingest", &asyncroute.FunctionArgs{
			Function:  python("ingest"),
			OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String("arn:aws:lambda:us-east-1:123456789012:function:enrich")},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printInputs(stack, "aws:cloudwatch/eventTarget:EventTarget", "ingest-on-success-response-target")
	printInputs(stack, "aws:lambda/permission:Permission", "ingest-on-success-response-permission")

	// A version or alias is refused, before anything is registered.
	var componentErr error
	stack, _ = asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, componentErr = asyncroute.NewFunction(ctx, "ingest", &asyncroute.FunctionArgs{
			Function:  python("ingest"),
			OnSuccess: asyncroute.ResponseOnly{FunctionArn: pulumi.String("arn:aws:lambda:us-east-1:123456789012:function:enrich:live")},
		})
		return nil // a real program returns componentErr, failing the preview
	}, asyncroutetest.Preview())
	fmt.Println(componentErr)
	fmt.Println("registered:", len(stack.Resources))
	// Output:
	// ingest-on-success-response-target:
	//   arn: arn:aws:lambda:us-east-1:123456789012:function:enrich
	//   inputPath: $.detail.responsePayload
	//   rule: ingest-on-success-response-b7cbbe5
	// ingest-on-success-response-permission:
	//   action: lambda:InvokeFunction
	//   function: arn:aws:lambda:us-east-1:123456789012:function:enrich
	//   principal: events.amazonaws.com
	//   sourceArn: arn:aws:events:us-east-1:123456789012:rule/ingest-on-success-response-b7cbbe5
	// asyncroute: Function "ingest": OnSuccess: ResponseOnly.FunctionArn "arn:aws:lambda:us-east-1:123456789012:function:enrich:live" is qualified with "live"; allowed: the function's unqualified ARN "arn:aws:lambda:us-east-1:123456789012:function:enrich" (a response-only route invokes the function, not a version or alias)
	// registered: 0
}

// A failure queue the component creates: encrypted, 14 days of retention,
// exposed as OnFailureCreated.Queue.
func ExampleNewQueue() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		orders, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  python("orders"),
			OnFailure: asyncroute.NewQueue{},
		})
		if err != nil {
			return err
		}
		ctx.Export("failureQueueUrl", orders.OnFailureCreated.Queue.Url)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printRouting(stack, "orders")
	printInputs(stack, "aws:sqs/queue:Queue", "orders-on-failure")
	// Output:
	// grant: Allow sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:orders-on-failure-3bbc935
	// config: orders $LATEST
	//   onFailure arn:aws:sqs:us-east-1:123456789012:orders-on-failure-3bbc935
	//   waits for: aws:iam/rolePolicy:RolePolicy/orders-async-grants aws:lambda/function:Function/orders aws:sqs/queue:Queue/orders-on-failure
	// orders-on-failure:
	//   messageRetentionSeconds: 1.2096e+06
	//   sqsManagedSseEnabled: true
}

// A created queue encrypted with a customer-managed key given by its ARN:
// the role is granted the key in a policy of its own, which the queue waits
// for.
func ExampleNewQueue_kmsKeyArn() {
	const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  python("orders"),
			OnFailure: asyncroute.NewQueue{KmsKeyArn: pulumi.String(key)},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printInputs(stack, "aws:sqs/queue:Queue", "orders-on-failure")
	doc, _ := asyncroutetest.DecodePolicy(stack.Find("aws:iam/rolePolicy:RolePolicy", "orders-on-failure-key-grants").Inputs["policy"])
	for _, s := range doc.Statements {
		fmt.Println("key grant:", strings.Join(s.Action, ","), "on", strings.Join(s.Resource, " "))
	}
	q := stack.Find("aws:sqs/queue:Queue", "orders-on-failure")
	fmt.Println("queue waits for:", strings.Join(stack.Dependencies(q), " "))
	// Output:
	// orders-on-failure:
	//   kmsMasterKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
	//   messageRetentionSeconds: 1.2096e+06
	// key grant: kms:Decrypt,kms:GenerateDataKey* on arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
	// queue waits for: aws:iam/rolePolicy:RolePolicy/orders-on-failure-key-grants
}

// A Kinesis stream mapped to a function with an on-failure queue: the role
// may read the stream and send to the queue before the mapping exists.
func ExampleNewEventSourceMapping() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		consumer, err := asyncroute.NewFunction(ctx, "consumer", &asyncroute.FunctionArgs{Function: python("consumer"), MaxRetries: pulumi.IntRef(0)})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewEventSourceMapping(ctx, "clicks", &asyncroute.EventSourceMappingArgs{
			Function:                   consumer.Function,
			Role:                       consumer.ExecutionRole(),
			EventSourceArn:             pulumi.String("arn:aws:kinesis:us-east-1:123456789012:stream/clicks"),
			Mapping:                    lambda.EventSourceMappingArgs{StartingPosition: pulumi.String("LATEST")},
			OnFailure:                  asyncroute.NewQueue{},
			MaxRetries:                 pulumi.IntRef(5),
			BisectBatchOnFunctionError: pulumi.BoolRef(true),
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, _ := asyncroutetest.DecodePolicy(stack.Find("aws:iam/rolePolicy:RolePolicy", "clicks-mapping-grants").Inputs["policy"])
	for _, s := range doc.Statements {
		fmt.Println("grant:", strings.Join(s.Action, ","), "on", strings.Join(s.Resource, " "))
	}
	printInputs(stack, "aws:lambda/eventSourceMapping:EventSourceMapping", "clicks")
	m := stack.Find("aws:lambda/eventSourceMapping:EventSourceMapping", "clicks")
	fmt.Println("waits for:", strings.Join(stack.Dependencies(m), " "))
	// Output:
	// grant: kinesis:DescribeStream,kinesis:DescribeStreamSummary,kinesis:GetRecords,kinesis:GetShardIterator,kinesis:ListShards on arn:aws:kinesis:us-east-1:123456789012:stream/clicks
	// grant: sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:clicks-on-failure-6048760
	// clicks:
	//   bisectBatchOnFunctionError: true
	//   destinationConfig: map[onFailure:map[destinationArn:arn:aws:sqs:us-east-1:123456789012:clicks-on-failure-6048760]]
	//   eventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
	//   functionName: consumer
	//   maximumRetryAttempts: 5
	//   startingPosition: LATEST
	// waits for: aws:iam/rolePolicy:RolePolicy/clicks-mapping-grants aws:lambda/function:Function/consumer aws:sqs/queue:Queue/clicks-on-failure
}

// Bad event source mapping input fails before anything is registered.
func ExampleNewEventSourceMapping_badInput() {
	var componentErr error
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, componentErr = asyncroute.NewEventSourceMapping(ctx, "jobs", &asyncroute.EventSourceMappingArgs{
			FunctionName:   pulumi.String("worker"),
			Role:           &asyncroute.ExistingRole{Name: pulumi.String("worker-role")},
			EventSourceArn: pulumi.String("arn:aws:sqs:us-east-1:123456789012:jobs"),
			OnFailure:      asyncroute.NewQueue{},
			MaxRetries:     pulumi.IntRef(3),
		})
		return nil // a real program returns componentErr, failing the preview
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(componentErr)
	fmt.Println("registered:", len(stack.Resources))
	// Output:
	// asyncroute: EventSourceMapping "jobs": MaxRetries: does not apply to an event source mapping of an SQS queue; allowed: leave it empty (the source queue's RedrivePolicy sets how often a message is received before it moves to the dead-letter queue)
	// asyncroute: EventSourceMapping "jobs": OnFailure: an event source mapping of an SQS queue has no on-failure destination; allowed: leave it empty and give the source queue a dead-letter queue (its RedrivePolicy)
	// registered: 0
}

// An MSK source's failed records go to a dead-letter topic of the same
// cluster; the role may write to that topic only.
func ExampleKafkaTopic() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewEventSourceMapping(ctx, "orders-kafka", &asyncroute.EventSourceMappingArgs{
			FunctionName:   pulumi.String("orders-consumer"),
			Role:           &asyncroute.ExistingRole{Name: pulumi.String("orders-consumer-role")},
			EventSourceArn: pulumi.String("arn:aws:kafka:us-east-1:123456789012:cluster/orders/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab-2"),
			Mapping: lambda.EventSourceMappingArgs{
				Topics:                  pulumi.StringArray{pulumi.String("orders")},
				StartingPosition:        pulumi.String("LATEST"),
				ProvisionedPollerConfig: &lambda.EventSourceMappingProvisionedPollerConfigArgs{MinimumPollers: pulumi.Int(1)},
			},
			OnFailure:  asyncroute.KafkaTopic{Topic: "orders-dlt"},
			MaxRetries: pulumi.IntRef(3),
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, _ := asyncroutetest.DecodePolicy(stack.Find("aws:iam/rolePolicy:RolePolicy", "orders-kafka-mapping-grants").Inputs["policy"])
	for _, s := range doc.Statements {
		fmt.Println("grant:", strings.Join(s.Action, ","), "on", strings.Join(s.Resource, " "))
	}
	m := stack.Find("aws:lambda/eventSourceMapping:EventSourceMapping", "orders-kafka")
	fmt.Println("destination:", m.Inputs["destinationConfig"])
	// Output:
	// grant: kafka-cluster:WriteData on arn:aws:kafka:us-east-1:123456789012:topic/orders/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab-2/orders-dlt
	// destination: map[onFailure:map[destinationArn:kafka://orders-dlt]]
}
