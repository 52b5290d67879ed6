// Package provider is the asyncroute component provider: it makes the
// components of package components/asyncroute usable from Pulumi YAML,
// TypeScript, Python and every other Pulumi language. The binary is
// ./cmd/pulumi-resource-asyncroute (with a PulumiPlugin.yaml, runtime go,
// so that `pulumi package add <that folder>` builds it).
//
// # One implementation
//
// Construct decodes a program's inputs into the argument structs of this
// package (args.go), converts them to the Go package's FunctionArgs,
// AsyncInvokeArgs and EventSourceMappingArgs (convert.go) and calls
// asyncroute.NewFunction, NewAsyncInvoke or NewEventSourceMapping. The
// component those constructors register (type tokens
// asyncroute:lambda:Function, AsyncInvoke, EventSourceMapping) is the
// component the program asked for, and its pulumi-tagged output fields are
// the state returned to the program. Checks, grants, ordering and messages
// are the Go package's; this package adds only the checks of what Go's
// types express and the schema's cannot: which fields a destination kind
// takes, and whole numbers. Its messages have the same form
// (asyncroute.InputError).
//
// The Go package's arguments hold interfaces (asyncroute.Destination) and
// resource pointers (*sqs.Queue, *iam.Role, *kms.Key) that a schema cannot
// describe. The schema's arguments instead take a destination as a tagged
// object (kind plus the target's ARN, or a kind that creates the target:
// newQueue, newTopic, defaultEventBus; responseOnly with the next
// function's ARN), a role by name and ARN, KMS keys by ARN, durations in
// seconds, and a subset of lambda.FunctionArgs (FunctionSettings).
//
// # Why the SDK's provider package, not pulumi-go-provider
//
// The server is written with the Pulumi Go SDK's own
// sdk/v3/go/pulumi/provider package (Main, Construct, ConstructInputs.CopyTo,
// NewConstructResult) and a schema built here, rather than with
// pulumi-go-provider's infer.ComponentF:
//
//   - infer derives the outputs and their descriptions from the component
//     type, here asyncroute.Function, and takes descriptions from an
//     Annotate method on that type; the library's types would need
//     provider-only methods, or the provider a copy of them, to get the
//     documented schema this package must serve;
//   - pulumi-go-provider v1.5.0 depends on pulumi/pkg/v3, which this module
//     then compiles (minutes on two cores, gigabytes of build cache) for
//     nothing the provider uses at run time; with the SDK alone the provider
//     builds from the library's own dependencies, in seconds when the
//     library is built;
//   - the SDK's Construct already hands the constructor a context and
//     resource options as the engine sent them (parent, providers, aliases,
//     protect, dependencies), which is all a component provider needs.
//
// The schema is not written by hand either: schema.go derives every
// property name, type, plain-ness and required list by reflection from the
// argument structs Construct decodes into and from the Go components'
// pulumi-tagged outputs, with descriptions from docs.go (a missing one is
// an error). schema.json is that schema, committed and golden-tested.
//
// # Not expressible yet
//
// Destinations given as resources (SQSQueue, SNSTopic, LambdaFunction,
// EventBus, S3Bucket with their KMS lookup by resource, ResponseOnly's
// Function, NewQueue's and NewTopic's KmsKey) would make the schema refer to
// the AWS package's schema. Programs in other languages pass ARNs instead,
// which the Go package takes as well: ARN{Arn, KmsKeyArn},
// ResponseOnly{FunctionArn} and NewQueue{KmsKeyArn} / NewTopic{KmsKeyArn}.
// The function settings are a subset of lambda.FunctionArgs: the ones an
// asynchronously invoked function commonly needs.
package provider
