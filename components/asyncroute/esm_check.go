package asyncroute

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// checkMappingSource works out the source kind from EventSourceArn, Source
// and Mapping.SelfManagedEventSource. It returns nil after adding the
// errors it found.
func checkMappingSource(ctx *pulumi.Context, errs *errorList, args *EventSourceMappingArgs) (*mappingSource, error) {
	var named *sourceSpec
	if args.Source != "" {
		s, ok := sources[args.Source]
		if !ok {
			errs.add("Source", "%q is not a source this component maps; allowed: %s", args.Source, sourceList())
			return nil, nil
		}
		named = s
	}
	hasARN, selfManaged := !isNil(args.EventSourceArn), !isNil(args.Mapping.SelfManagedEventSource)
	var src *mappingSource
	switch {
	case hasARN && selfManaged:
		errs.add("EventSourceArn", "is set together with Mapping.SelfManagedEventSource; allowed: one of them (self-managed Kafka has no source ARN)")
		return nil, nil
	case selfManaged:
		if named != nil && named.kind != SourceKafka {
			errs.add("Source", "%q does not match Mapping.SelfManagedEventSource, which is a self-managed Kafka cluster; allowed: Source %q or empty", args.Source, SourceKafka)
			return nil, nil
		}
		src = &mappingSource{spec: sources[SourceKafka]}
	case !hasARN:
		errs.add("EventSourceArn", "is nil; allowed: the ARN of a Kinesis stream, DynamoDB stream, Amazon MSK cluster or SQS queue (or Mapping.SelfManagedEventSource for self-managed Kafka)")
		return nil, nil
	default:
		v, err := await(ctx, args.EventSourceArn)
		if err != nil {
			return nil, err
		}
		arn := args.EventSourceArn.ToStringOutput()
		if v.known {
			spec, _, err := sourceOfARN(v.str)
			if err != nil {
				errs.addErr("EventSourceArn", err)
				return nil, nil
			}
			if named != nil && named != spec {
				errs.add("EventSourceArn", "%q is the ARN of %s (source %q) but Source is %q; allowed: Source %q or empty", v.str, withArticle(spec.label), spec.kind, args.Source, spec.kind)
				return nil, nil
			}
			src = &mappingSource{spec: spec, arn: arn, hasARN: true}
		} else {
			if named == nil {
				errs.add("Source", "is empty and EventSourceArn is not known until deploy; allowed: %s", sourceList())
				return nil, nil
			}
			component := errs.component
			src = &mappingSource{spec: named, hasARN: true, arn: arn.ApplyT(func(s string) (string, error) {
				spec, _, err := sourceOfARN(s)
				if err == nil && spec != named {
					err = fmt.Errorf("%q is the ARN of %s (source %q) but Source is %q; allowed: Source %q or empty", s, withArticle(spec.label), spec.kind, named.kind, spec.kind)
				}
				if err != nil {
					return "", &InputError{Component: component, Field: "EventSourceArn", Problem: err.Error()}
				}
				return s, nil
			}).(pulumi.StringOutput)}
		}
	}
	if src.spec.kind == SourceKafka && !isNil(args.Mapping.Topics) {
		topics, err := internals.UnsafeAwaitOutput(ctx.Context(), args.Mapping.Topics.ToStringArrayOutput())
		if err != nil {
			return nil, err
		}
		if list, ok := topics.Value.([]string); ok && topics.Known {
			src.topics = list
		}
	}
	return src, nil
}

// checkMappingErrorHandling checks the retry settings' bounds, and that
// they apply to the source.
func checkMappingErrorHandling(errs *errorList, args *EventSourceMappingArgs, src *mappingSource) {
	if r := args.MaxRetries; r != nil && (*r < RetryForever || *r > MaxMappingRetries) {
		errs.add("MaxRetries", "%d is out of range; allowed: -1 (asyncroute.RetryForever, until the records expire) or 0 to 10000", *r)
	}
	if d := args.MaxRecordAge; d != nil && *d != RecordAgeForever {
		allowed := "asyncroute.RecordAgeForever (-1, until the records expire) or 60s to 168h (60 to 604800 whole seconds)"
		switch {
		case *d%time.Second != 0:
			errs.add("MaxRecordAge", "%s is not a whole number of seconds; allowed: %s", *d, allowed)
		case *d < MinMaxRecordAge || *d > MaxMaxRecordAge:
			errs.add("MaxRecordAge", "%s is out of range; allowed: %s", *d, allowed)
		}
	}
	if src == nil {
		return
	}
	for _, f := range []struct {
		set   bool
		field string
	}{
		{args.MaxRetries != nil, "MaxRetries"},
		{args.MaxRecordAge != nil, "MaxRecordAge"},
		{args.BisectBatchOnFunctionError != nil, "BisectBatchOnFunctionError"},
	} {
		switch {
		case !f.set:
		case !src.spec.failure:
			errs.add(f.field, "does not apply to an event source mapping of %s; allowed: leave it empty (the source queue's RedrivePolicy sets how often a message is received before it moves to the dead-letter queue)", withArticle(src.spec.label))
		case f.field == "BisectBatchOnFunctionError" && !src.spec.bisect:
			errs.add(f.field, "does not apply to an event source mapping of %s; allowed: leave it empty", withArticle(src.spec.label))
		case src.spec.provisioned && isNil(args.Mapping.ProvisionedPollerConfig):
			errs.add(f.field, "applies to %s source in provisioned mode only; allowed: set Mapping.ProvisionedPollerConfig, or leave %s empty", withArticle(src.spec.label), f.field)
		}
	}
}
