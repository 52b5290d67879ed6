package provider

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// This file turns the schema's arguments into the Go package's. It checks
// only what the Go types cannot express (which fields a destination kind
// takes, whole numbers); every other check is the Go package's, so a
// program in any language gets the same message for the same mistake.
// Messages have the Go package's form (asyncroute.InputError) and name
// fields as the Go Args do (OnSuccess.Arn, MaxRetries).

// converter collects the faults of one component's arguments.
type converter struct {
	component string // `Function "orders"`
	errs      []error
}

func (c *converter) fail(field, format string, args ...any) {
	c.errs = append(c.errs, &asyncroute.InputError{Component: c.component, Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (c *converter) err() error { return errors.Join(c.errs...) }

// whole converts a plain number that must be whole.
func (c *converter) whole(field string, v *Whole) *int {
	if v == nil {
		return nil
	}
	f := float64(*v)
	if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) {
		c.fail(field, "%s is not a whole number", strconv.FormatFloat(f, 'f', -1, 64))
		return nil
	}
	n := int(f)
	return &n
}

// seconds converts a plain number of seconds to a duration; fractions are
// kept, so that the Go package reports them with its own message.
func seconds(v *Whole) *time.Duration {
	if v == nil {
		return nil
	}
	d := time.Duration(float64(*v) * float64(time.Second))
	return &d
}

// arnKinds are the kinds given by an ARN.
var arnKinds = map[DestinationKind]asyncroute.Kind{
	KindSQS:    asyncroute.KindSQS,
	KindSNS:    asyncroute.KindSNS,
	KindLambda: asyncroute.KindLambda,
	KindEvents: asyncroute.KindEventBridge,
	KindS3:     asyncroute.KindS3,
}

func kindNames() string { return strings.Join(enums[reflect.TypeFor[DestinationKind]()], ", ") }

// destination converts one routing field; nil when it is not set.
func (c *converter) destination(field string, d *Destination) asyncroute.Destination {
	if d == nil {
		return nil
	}
	// unused reports the fields set that the kind does not take.
	unused := func(kind string, arn, key, retention, topic bool) bool {
		ok := true
		for _, f := range []struct {
			set  bool
			name string
		}{{arn, "Arn"}, {key, "KmsKeyArn"}, {retention, "RetentionPeriodSeconds"}, {topic, "Topic"}} {
			if f.set {
				c.fail(field+"."+f.name, "is not used by kind %q; leave it out, or choose the kind it belongs to", kind)
				ok = false
			}
		}
		return ok
	}
	hasArn, hasKey := d.Arn != nil, d.KmsKeyArn != nil
	hasRetention, hasTopic := d.RetentionPeriodSeconds != nil, d.Topic != nil
	switch d.Kind {
	case "":
		if !hasArn {
			c.fail(field, "has neither kind nor arn; allowed: kind one of %s, or the target's arn (its kind is read from the ARN)", kindNames())
			return nil
		}
		if !unused("(read from the ARN)", false, false, hasRetention, hasTopic) {
			return nil
		}
		return asyncroute.ARN{Arn: d.Arn, KmsKeyArn: d.KmsKeyArn}
	case KindSQS, KindSNS, KindLambda, KindEvents, KindS3:
		if !hasArn {
			c.fail(field+".Arn", "is empty; kind %q needs the target's ARN (for a queue its arn, not its url)", d.Kind)
			return nil
		}
		if !unused(string(d.Kind), false, false, hasRetention, hasTopic) {
			return nil
		}
		return asyncroute.ARN{Arn: d.Arn, Kind: arnKinds[d.Kind], KmsKeyArn: d.KmsKeyArn}
	case KindDefaultEventBus:
		if !unused(string(d.Kind), hasArn, hasKey, hasRetention, hasTopic) {
			return nil
		}
		return asyncroute.DefaultEventBus{}
	case KindNewQueue:
		if !unused(string(d.Kind), hasArn, false, false, hasTopic) {
			return nil
		}
		q := asyncroute.NewQueue{KmsKeyArn: d.KmsKeyArn}
		if r := seconds(d.RetentionPeriodSeconds); r != nil {
			q.RetentionPeriod = *r
		}
		return q
	case KindNewTopic:
		if !unused(string(d.Kind), hasArn, false, hasRetention, hasTopic) {
			return nil
		}
		return asyncroute.NewTopic{KmsKeyArn: d.KmsKeyArn}
	case KindResponseOnly:
		if !hasArn {
			c.fail(field+".Arn", "is empty; kind %q needs the next function's unqualified ARN", d.Kind)
			return nil
		}
		if !unused(string(d.Kind), false, hasKey, hasRetention, hasTopic) {
			return nil
		}
		return asyncroute.ResponseOnly{FunctionArn: d.Arn}
	case KindKafkaTopic:
		if !unused(string(d.Kind), hasArn, hasKey, hasRetention, false) {
			return nil
		}
		if d.Topic == nil || *d.Topic == "" {
			c.fail(field+".Topic", "is empty; kind %q needs the dead-letter topic's name", d.Kind)
			return nil
		}
		return asyncroute.KafkaTopic{Topic: *d.Topic}
	}
	c.fail(field+".Kind", "%q is not a destination kind; allowed: %s", d.Kind, kindNames())
	return nil
}

func existingRole(r *ExistingRole) *asyncroute.ExistingRole {
	if r == nil {
		return nil
	}
	return &asyncroute.ExistingRole{Name: r.Name, Arn: r.Arn}
}

func roleOptions(r *RoleOptions) *asyncroute.RoleOptions {
	if r == nil {
		return nil
	}
	return &asyncroute.RoleOptions{
		PermissionsBoundary: r.PermissionsBoundary,
		Path:                r.Path,
		NamePrefix:          r.NamePrefix,
		ManagedPolicyArns:   r.ManagedPolicyArns,
	}
}

func boolOf(b *bool) bool { return b != nil && *b }

// functionArgs converts the settings of the function itself.
func functionArgs(s *FunctionSettings) lambda.FunctionArgs {
	if s == nil {
		return lambda.FunctionArgs{}
	}
	a := lambda.FunctionArgs{
		Name:                         toStringPtr(s.Name),
		Description:                  toStringPtr(s.Description),
		Runtime:                      toStringPtr(s.Runtime),
		Handler:                      toStringPtr(s.Handler),
		Code:                         s.Code,
		ImageUri:                     toStringPtr(s.ImageUri),
		PackageType:                  toStringPtr(s.PackageType),
		MemorySize:                   toIntPtr(s.MemorySize),
		Timeout:                      toIntPtr(s.Timeout),
		Architectures:                s.Architectures,
		Layers:                       s.Layers,
		ReservedConcurrentExecutions: toIntPtr(s.ReservedConcurrentExecutions),
		KmsKeyArn:                    toStringPtr(s.KmsKeyArn),
		Tags:                         s.Tags,
	}
	if s.Environment != nil {
		a.Environment = lambda.FunctionEnvironmentArgs{Variables: s.Environment}
	}
	if s.TracingMode != nil {
		a.TracingConfig = lambda.FunctionTracingConfigArgs{Mode: s.TracingMode}
	}
	return a
}

// toStringPtr keeps nil as nil (a nil interface, not a typed nil) and a
// literal as a literal (pulumi.String is a StringPtrInput too), so the Go
// package sees what a Go program would have written.
func toStringPtr(in pulumi.StringInput) pulumi.StringPtrInput {
	if in == nil {
		return nil
	}
	if p, ok := in.(pulumi.StringPtrInput); ok {
		return p
	}
	return in.ToStringOutput().ToStringPtrOutput()
}

func toIntPtr(in pulumi.IntInput) pulumi.IntPtrInput {
	if in == nil {
		return nil
	}
	if p, ok := in.(pulumi.IntPtrInput); ok {
		return p
	}
	return in.ToIntOutput().ToIntPtrOutput()
}

func toBoolPtr(in pulumi.BoolInput) pulumi.BoolPtrInput {
	if in == nil {
		return nil
	}
	if p, ok := in.(pulumi.BoolPtrInput); ok {
		return p
	}
	return in.ToBoolOutput().ToBoolPtrOutput()
}

// alarms converts Alarms; nil when not set.
func (c *converter) alarms(in *Alarms) *asyncroute.Alarms {
	if in == nil {
		return nil
	}
	one := func(metric string, s *AlarmSettings) *asyncroute.Alarm {
		if s == nil {
			return nil
		}
		field := "Alarms." + metric
		a := &asyncroute.Alarm{Off: boolOf(s.Off), Age: seconds(s.AgeSeconds), Period: seconds(s.PeriodSeconds),
			EvaluationPeriods: c.whole(field+".EvaluationPeriods", s.EvaluationPeriods)}
		if s.Threshold != nil {
			v := float64(*s.Threshold)
			a.Threshold = &v
		}
		return a
	}
	return &asyncroute.Alarms{
		NotifyArn:                   in.NotifyArn,
		DestinationDeliveryFailures: one("DestinationDeliveryFailures", in.DestinationDeliveryFailures),
		DeadLetterErrors:            one("DeadLetterErrors", in.DeadLetterErrors),
		AsyncEventsDropped:          one("AsyncEventsDropped", in.AsyncEventsDropped),
		AsyncEventAge:               one("AsyncEventAge", in.AsyncEventAge),
	}
}

// toFunctionArgs converts the arguments of asyncroute:lambda:Function.
func toFunctionArgs(name string, in *FunctionArgs) (*asyncroute.FunctionArgs, error) {
	c := &converter{component: fmt.Sprintf("Function %q", name)}
	out := &asyncroute.FunctionArgs{
		Function:    functionArgs(in.Function),
		OnSuccess:   c.destination("OnSuccess", in.OnSuccess),
		OnFailure:   c.destination("OnFailure", in.OnFailure),
		DeadLetter:  c.destination("DeadLetter", in.DeadLetter),
		MaxRetries:  c.whole("MaxRetries", in.MaxRetries),
		MaxEventAge: seconds(in.MaxEventAgeSeconds),
		Role:        existingRole(in.Role),
		RoleOptions: roleOptions(in.RoleOptions),
		SkipGrants:  boolOf(in.SkipGrants),
		Tags:        in.Tags,
		Alarms:      c.alarms(in.Alarms),
	}
	if in.Alias != nil {
		out.Alias = *in.Alias
	}
	if in.RecursiveLoop != nil {
		out.RecursiveLoop = asyncroute.RecursiveLoop(*in.RecursiveLoop)
	}
	out.Adopt = adopt(in.Adopt)
	return out, c.err()
}

// toAsyncInvokeArgs converts the arguments of asyncroute:lambda:AsyncInvoke.
func toAsyncInvokeArgs(name string, in *AsyncInvokeArgs) (*asyncroute.AsyncInvokeArgs, error) {
	c := &converter{component: fmt.Sprintf("AsyncInvoke %q", name)}
	out := &asyncroute.AsyncInvokeArgs{
		FunctionName: in.FunctionName,
		Qualifier:    in.Qualifier,
		Role:         existingRole(in.Role),
		SkipGrants:   boolOf(in.SkipGrants),
		OnSuccess:    c.destination("OnSuccess", in.OnSuccess),
		OnFailure:    c.destination("OnFailure", in.OnFailure),
		MaxRetries:   c.whole("MaxRetries", in.MaxRetries),
		MaxEventAge:  seconds(in.MaxEventAgeSeconds),
		Alarms:       c.alarms(in.Alarms),
		Adopt:        adopt(in.Adopt),
	}
	return out, c.err()
}

// adopt converts the resources a component takes over.
func adopt(in *Adopt) *asyncroute.Adopt {
	if in == nil {
		return nil
	}
	str := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return &asyncroute.Adopt{Function: str(in.Function), Role: str(in.Role), Policy: str(in.Policy),
		InvokeConfig: str(in.InvokeConfig), Alias: str(in.Alias)}
}

// toEventSourceMappingArgs converts the arguments of
// asyncroute:lambda:EventSourceMapping.
func toEventSourceMappingArgs(name string, in *EventSourceMappingArgs) (*asyncroute.EventSourceMappingArgs, error) {
	c := &converter{component: fmt.Sprintf("EventSourceMapping %q", name)}
	out := &asyncroute.EventSourceMappingArgs{
		Mapping: lambda.EventSourceMappingArgs{
			BatchSize:                      toIntPtr(in.BatchSize),
			MaximumBatchingWindowInSeconds: toIntPtr(in.MaximumBatchingWindow),
			StartingPosition:               toStringPtr(in.StartingPosition),
			ParallelizationFactor:          toIntPtr(in.ParallelizationFactor),
			Topics:                         in.Topics,
			FunctionResponseTypes:          in.FunctionResponseTypes,
			Enabled:                        toBoolPtr(in.Enabled),
		},
		EventSourceArn:             in.EventSourceArn,
		Source:                     asyncroute.SourceKind(in.Source),
		SourceKmsKeyArn:            in.SourceKmsKeyArn,
		FunctionName:               in.FunctionName,
		Role:                       existingRole(in.Role),
		SkipGrants:                 boolOf(in.SkipGrants),
		OnFailure:                  c.destination("OnFailure", in.OnFailure),
		MaxRetries:                 c.whole("MaxRetries", in.MaxRetries),
		MaxRecordAge:               seconds(in.MaxRecordAgeSeconds),
		BisectBatchOnFunctionError: in.BisectBatchOnFunctionError,
		Tags:                       in.Tags,
		Alarms:                     c.alarms(in.Alarms),
	}
	return out, c.err()
}
