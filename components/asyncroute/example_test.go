package asyncroute_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// printRouting prints what a component named name made: its grant
// statements, its invoke config and what the config waits for.
func printRouting(stack *asyncroutetest.Stack, name string) {
	if p := stack.Find("aws:iam/rolePolicy:RolePolicy", name+"-async-grants"); p != nil {
		doc, err := asyncroutetest.DecodePolicy(p.Inputs["policy"])
		if err != nil {
			fmt.Println("policy:", err)
			return
		}
		for _, s := range doc.Statements {
			fmt.Println("grant:", s.Effect, strings.Join(s.Action, ","), "on", strings.Join(s.Resource, " "))
		}
	}
	cfg := stack.Find("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", name+"-async-config")
	fmt.Println("config:", cfg.Inputs["functionName"], cfg.Inputs["qualifier"])
	for _, key := range []string{"maximumRetryAttempts", "maximumEventAgeInSeconds"} {
		if v, ok := cfg.Inputs[key]; ok {
			fmt.Println(" ", key, v)
		}
	}
	if dc, ok := cfg.Inputs["destinationConfig"].(map[string]any); ok {
		for _, side := range []string{"onSuccess", "onFailure"} {
			if d, ok := dc[side].(map[string]any); ok {
				fmt.Println(" ", side, d["destination"])
			}
		}
	}
	fmt.Println("  waits for:", strings.Join(stack.Dependencies(cfg), " "))
}

func ExampleNewFunction() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		failed, err := sqs.NewQueue(ctx, "failed", &sqs.QueueArgs{Name: pulumi.String("orders-failed")})
		if err != nil {
			return err
		}
		maxAge := time.Hour
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function: lambda.FunctionArgs{
				Name:    pulumi.String("orders"),
				Runtime: pulumi.String("python3.12"),
				Handler: pulumi.String("index.handler"),
				Code:    pulumi.NewFileArchive("./app"),
			},
			OnSuccess:   asyncroute.DefaultEventBus{},
			OnFailure:   asyncroute.SQSQueue{Queue: failed},
			MaxRetries:  pulumi.IntRef(1),
			MaxEventAge: &maxAge,
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printRouting(stack, "orders")
	// Output:
	// grant: Allow events:PutEvents on arn:aws:events:us-east-1:123456789012:event-bus/default
	// grant: Allow sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:orders-failed
	// config: orders $LATEST
	//   maximumRetryAttempts 1
	//   maximumEventAgeInSeconds 3600
	//   onSuccess arn:aws:events:us-east-1:123456789012:event-bus/default
	//   onFailure arn:aws:sqs:us-east-1:123456789012:orders-failed
	//   waits for: aws:iam/rolePolicy:RolePolicy/orders-async-grants aws:lambda/function:Function/orders aws:sqs/queue:Queue/failed
}

// A function made with NewFunction can be another one's destination.
func ExampleFunction_AsDestination() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		code := func(name string) lambda.FunctionArgs {
			return lambda.FunctionArgs{Name: pulumi.String(name), Runtime: pulumi.String("nodejs20.x"),
				Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive("./app")}
		}
		audit, err := asyncroute.NewFunction(ctx, "audit", &asyncroute.FunctionArgs{Function: code("audit"), MaxRetries: pulumi.IntRef(0)})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{Function: code("orders"), OnSuccess: audit.AsDestination(), Alias: "live"})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printRouting(stack, "orders")
	// Output:
	// grant: Allow lambda:InvokeFunction on arn:aws:lambda:us-east-1:123456789012:function:audit arn:aws:lambda:us-east-1:123456789012:function:audit:*
	// config: orders live
	//   onSuccess arn:aws:lambda:us-east-1:123456789012:function:audit
	//   waits for: aws:iam/rolePolicy:RolePolicy/orders-async-grants aws:lambda/alias:Alias/orders-live aws:lambda/function:Function/audit aws:lambda/function:Function/orders
}

func ExampleNewAsyncInvoke() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		role, err := iam.NewRole(ctx, "legacy-role", &iam.RoleArgs{
			Name:             pulumi.String("legacy-role"),
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		})
		if err != nil {
			return err
		}
		fn, err := lambda.NewFunction(ctx, "legacy", &lambda.FunctionArgs{
			Name: pulumi.String("legacy"), Role: role.Arn, Runtime: pulumi.String("python3.12"),
			Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive("./app"),
		})
		if err != nil {
			return err
		}
		failed, err := sqs.NewQueue(ctx, "failed", &sqs.QueueArgs{Name: pulumi.String("legacy-failed")})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewAsyncInvoke(ctx, "legacy-routing", &asyncroute.AsyncInvokeArgs{
			Function:   fn,
			Role:       &asyncroute.ExistingRole{Role: role},
			OnFailure:  asyncroute.SQSQueue{Queue: failed},
			MaxRetries: pulumi.IntRef(0),
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printRouting(stack, "legacy-routing")
	// Output:
	// grant: Allow sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:legacy-failed
	// config: legacy $LATEST
	//   maximumRetryAttempts 0
	//   onFailure arn:aws:sqs:us-east-1:123456789012:legacy-failed
	//   waits for: aws:iam/rolePolicy:RolePolicy/legacy-routing-async-grants aws:lambda/function:Function/legacy aws:sqs/queue:Queue/failed
}

// A queue encrypted with a customer-managed key: the role may use the key.
func ExampleSQSQueue() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		failed, err := sqs.NewQueue(ctx, "failed", &sqs.QueueArgs{
			Name:           pulumi.String("orders-failed"),
			KmsMasterKeyId: pulumi.String("1234abcd-12ab-34cd-56ef-1234567890ab"),
		})
		if err != nil {
			return err
		}
		_, err = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function: lambda.FunctionArgs{Name: pulumi.String("orders"), Runtime: pulumi.String("python3.12"),
				Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive("./app")},
			OnFailure:  asyncroute.SQSQueue{Queue: failed},
			DeadLetter: asyncroute.SQSQueue{Queue: failed},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printRouting(stack, "orders")
	fmt.Println("dead letters:", stack.Find("aws:lambda/function:Function", "orders").Inputs["deadLetterConfig"])
	// Output:
	// grant: Allow kms:Decrypt,kms:GenerateDataKey* on arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
	// grant: Allow sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:orders-failed
	// config: orders $LATEST
	//   onFailure arn:aws:sqs:us-east-1:123456789012:orders-failed
	//   waits for: aws:iam/rolePolicy:RolePolicy/orders-async-grants aws:lambda/function:Function/orders aws:sqs/queue:Queue/failed
	// dead letters: map[targetArn:arn:aws:sqs:us-east-1:123456789012:orders-failed]
}

// Destinations outside the program are given by ARN; a qualified function
// ARN is granted on the function and all its qualifiers.
func ExampleARN() {
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, err := asyncroute.NewAsyncInvoke(ctx, "billing", &asyncroute.AsyncInvokeArgs{
			FunctionName: pulumi.String("billing"),
			Qualifier:    pulumi.String("prod"),
			Role:         &asyncroute.ExistingRole{Name: pulumi.String("billing-role")},
			OnSuccess:    asyncroute.ARN{Arn: pulumi.String("arn:aws:lambda:us-east-1:210987654321:function:ledger:live")},
			OnFailure:    asyncroute.ARN{Arn: pulumi.String("arn:aws:s3:::billing-failures")},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	printRouting(stack, "billing")
	// Output:
	// grant: Allow lambda:InvokeFunction on arn:aws:lambda:us-east-1:210987654321:function:ledger arn:aws:lambda:us-east-1:210987654321:function:ledger:*
	// grant: Allow s3:ListBucket on arn:aws:s3:::billing-failures
	// grant: Allow s3:PutObject on arn:aws:s3:::billing-failures/*
	// config: billing prod
	//   onSuccess arn:aws:lambda:us-east-1:210987654321:function:ledger:live
	//   onFailure arn:aws:s3:::billing-failures
	//   waits for: aws:iam/rolePolicy:RolePolicy/billing-async-grants
}

// Bad input fails before anything is registered, with every problem listed.
func ExampleNewFunction_badInput() {
	var componentErr error
	stack, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		_, componentErr = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function: lambda.FunctionArgs{Name: pulumi.String("orders"), Runtime: pulumi.String("python3.12"),
				Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive("./app")},
			OnSuccess:  asyncroute.ARN{Arn: pulumi.String("arn:aws:s3:::failures")},
			OnFailure:  asyncroute.ARN{Arn: pulumi.String("https://sqs.us-east-1.amazonaws.com/123456789012/failed")},
			MaxRetries: pulumi.IntRef(3),
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
	// asyncroute: Function "orders": MaxRetries: 3 is out of range; allowed: 0, 1 or 2
	// asyncroute: Function "orders": OnSuccess: S3 bucket arn:aws:s3:::failures can receive failure records only; allowed on success: SQS queue, SNS topic, Lambda function, EventBridge event bus
	// asyncroute: Function "orders": OnFailure: "https://sqs.us-east-1.amazonaws.com/123456789012/failed" is a URL, not an ARN; pass the ARN (for a queue, queue.Arn, not queue.Url): arn:<partition>:sqs:<region>:<account>:<queue-name>
	// registered: 0
}

// A queue policy given with the destination is evaluated with the
// execution role: a Deny for the role (here the organisation's perimeter
// statement, which allows one other account only) is refused, since no
// grant of the role can make up for it.
func ExampleSQSQueue_policy() {
	var componentErr error
	_, err := asyncroutetest.Run(func(ctx *pulumi.Context) error {
		failed, err := sqs.NewQueue(ctx, "failed", &sqs.QueueArgs{Name: pulumi.String("orders-failed")})
		if err != nil {
			return err
		}
		policy, err := sqs.NewQueuePolicy(ctx, "failed-policy", &sqs.QueuePolicyArgs{QueueUrl: failed.Url,
			Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*",` +
				`"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"999988887777"}}}]}`)})
		if err != nil {
			return err
		}
		_, componentErr = asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function: lambda.FunctionArgs{Name: pulumi.String("orders"), Runtime: pulumi.String("python3.12"),
				Handler: pulumi.String("index.handler"), Code: pulumi.NewFileArchive("./app")},
			OnFailure: asyncroute.SQSQueue{Queue: failed, Policy: policy},
		})
		return nil // a real program returns componentErr, failing the preview
	}, asyncroutetest.Preview())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(componentErr)
	// Output:
	// asyncroute: Function "orders": OnFailure: aws:sqs/queuePolicy:QueuePolicy "failed-policy" denies sqs:SendMessage on <ARN of SQS queue "failed"> to the role (statement "Perimeter", an explicit Deny, which wins over any Allow), so every delivery is refused (Lambda drops the record and counts DestinationDeliveryFailures) and no grant of the execution role can change that; allowed: a target whose policy lets the role deliver (narrow statement "Perimeter" of aws:sqs/queuePolicy:QueuePolicy "failed-policy" so that it does not deny sqs:SendMessage to aws:iam/role:Role "orders-role")
}
