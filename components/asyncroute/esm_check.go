package asyncroute

import (
	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// checkMappingSource works out the source kind from EventSourceArn, Source
// and Mapping.SelfManagedEventSource. It returns nil after adding the
// errors it found. An EventSourceArn not known now is checked inside the
// ARN the grants and the mapping take (the source's checks, see
// lateSource); during an update one without Source leaves the kind to
// deploy time (spec nil), and lateSource checks what depends on it too.
func checkMappingSource(ctx *pulumi.Context, errs *errorList, args *EventSourceMappingArgs) (*mappingSource, error) {
	var named *lambdafacts.SourceSpec
	if args.Source != "" {
		s, ok := lambdafacts.SourceOf(args.Source)
		if !ok {
			errs.add("Source", "%q is not a source this component maps; allowed: %s", args.Source, lambdafacts.SourceList())
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
		if named != nil && named.Kind != SourceKafka {
			errs.add("Source", "%q does not match Mapping.SelfManagedEventSource, which is a self-managed Kafka cluster; allowed: Source %q or empty", args.Source, SourceKafka)
			return nil, nil
		}
		kafka, _ := lambdafacts.SourceOf(SourceKafka)
		src = &mappingSource{spec: kafka}
	case !hasARN:
		errs.add("EventSourceArn", "is nil; allowed: the ARN of a Kinesis stream, DynamoDB stream, Amazon MSK cluster or SQS queue (or Mapping.SelfManagedEventSource for self-managed Kafka)")
		return nil, nil
	default:
		v, err := phase.Read(ctx, args.EventSourceArn)
		if err != nil {
			return nil, err
		}
		arn := args.EventSourceArn.ToStringOutput()
		switch {
		case v.Known:
			spec, _, err := lambdafacts.SourceOfARN(v.Str())
			if err != nil {
				errs.addErr("EventSourceArn", err)
				return nil, nil
			}
			if named != nil && named != spec {
				errs.addErr("EventSourceArn", lambdafacts.SourceMismatch(v.Str(), spec, named.Kind))
				return nil, nil
			}
			src = &mappingSource{spec: spec, arn: arn, hasARN: true}
		case named == nil && ctx.DryRun():
			errs.add("Source", "is empty and EventSourceArn is not known until deploy; allowed: %s", lambdafacts.SourceList())
			return nil, nil
		default:
			// named, or (during an update) decided from the ARN at deploy.
			src = &mappingSource{spec: named, hasARN: true, arn: arn}
			src.checks.Later(lateSource(errs.component, args, named), arn)
		}
	}
	if src.spec == nil || src.spec.Kind == SourceKafka {
		if !isNil(args.Mapping.Topics) {
			src.topicsIn = args.Mapping.Topics
		}
	}
	if src.hasARN && !isNil(args.Mapping.BatchSize) {
		// A FIFO queue takes batches of at most 10 (checked now when both
		// are known, else before the mapping is written).
		component := errs.component
		err := src.checks.Now(ctx, phase.Known(func(v []any) error {
			arn, _ := v[0].(string)
			n, ok := v[1].(int)
			if !ok || !strings.HasSuffix(arn, ".fifo") || !strings.Contains(arn, ":sqs:") {
				return nil
			}
			if err := lambdafacts.CheckFIFOBatchSize(n); err != nil {
				return inputErrorOf(component, "Mapping.BatchSize", err)
			}
			return nil
		}), args.EventSourceArn, args.Mapping.BatchSize)
		if err := errs.fault("Mapping.BatchSize", err); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// lateSource checks, once the source ARN is known at deploy time, what
// could not be checked while the program ran: the ARN against the named
// Source (or the kind it implies), and the error handling and on-failure
// destination against that kind.
func lateSource(component string, args *EventSourceMappingArgs, named *lambdafacts.SourceSpec) phase.Check {
	onFailure, sourceKey := !isNil(args.OnFailure), !isNil(args.SourceKmsKeyArn)
	return func(v []any) error {
		s, _ := v[0].(string)
		spec, _, err := lambdafacts.SourceOfARN(s)
		if err == nil && named != nil && spec != named {
			err = lambdafacts.SourceMismatch(s, spec, named.Kind)
		}
		if err != nil {
			return inputErrorOf(component, "EventSourceArn", err)
		}
		if named != nil {
			return nil // the rest was checked with the named kind
		}
		errs := &errorList{component: component}
		if sourceKey && !spec.Decrypts {
			errs.addErr("SourceKmsKeyArn", lambdafacts.NoSourceKey(spec))
		}
		checkMappingErrorHandling(errs, args, &mappingSource{spec: spec})
		if onFailure && !spec.Failure {
			errs.addErr("OnFailure", lambdafacts.NoMappingFailure(spec))
		}
		return errs.err()
	}
}

// checkMappingErrorHandling checks the retry settings' bounds, and that
// they apply to the source.
func checkMappingErrorHandling(errs *errorList, args *EventSourceMappingArgs, src *mappingSource) {
	if src != nil && src.spec == nil {
		src = nil // decided at deploy time (lateSource)
	}
	if r := args.MaxRetries; r != nil {
		errs.addErr("MaxRetries", lambdafacts.CheckMappingRetries(*r))
	}
	if d := args.MaxRecordAge; d != nil {
		errs.addErr("MaxRecordAge", lambdafacts.CheckRecordAge(*d))
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
		case !src.spec.Failure:
			errs.add(f.field, "does not apply to an event source mapping of %s; allowed: leave it empty (the source queue's RedrivePolicy sets how often a message is received before it moves to the dead-letter queue)", lambdafacts.WithArticle(src.spec.Label))
		case f.field == "BisectBatchOnFunctionError" && !src.spec.Bisect:
			errs.add(f.field, "does not apply to an event source mapping of %s; allowed: leave it empty", lambdafacts.WithArticle(src.spec.Label))
		case src.spec.Provisioned && isNil(args.Mapping.ProvisionedPollerConfig):
			errs.add(f.field, "applies to %s source in provisioned mode only; allowed: set Mapping.ProvisionedPollerConfig, or leave %s empty", lambdafacts.WithArticle(src.spec.Label), f.field)
		}
	}
}

// checkSourceKey checks SourceKmsKeyArn against the source's kind (now,
// or in lateSource when the kind is decided at deploy time) and that it is
// a key ARN, and records it for the grants.
func checkSourceKey(ctx *pulumi.Context, errs *errorList, args *EventSourceMappingArgs, src *mappingSource) error {
	if isNil(args.SourceKmsKeyArn) || src == nil {
		return nil
	}
	if src.spec != nil && !src.spec.Decrypts {
		errs.addErr("SourceKmsKeyArn", lambdafacts.NoSourceKey(src.spec))
		return nil
	}
	component := errs.component
	err := src.checks.Now(ctx, phase.Known(func(v []any) error {
		k, _ := v[0].(string)
		if err := lambdafacts.CheckKeyARN("SourceKmsKeyArn", k); err != nil {
			return inputErrorOf(component, "SourceKmsKeyArn", err)
		}
		return nil
	}), args.SourceKmsKeyArn)
	if err := errs.fault("SourceKmsKeyArn", err); err != nil {
		return err
	}
	src.key = args.SourceKmsKeyArn
	return nil
}

// checkSourceRegion refuses an SQS source in another region than the
// function, now when both are known, else inside the source ARN. It
// returns the function's region when known while the program runs: a
// FunctionName ARN's region, else the component's (the mapping is created
// there, and its function must be too).
func checkSourceRegion(a *assembly, args *EventSourceMappingArgs, src *mappingSource) (string, error) {
	if src == nil || !src.hasARN {
		return "", nil
	}
	region := a.place.Region
	if !isNil(args.FunctionName) {
		v, err := phase.Read(a.ctx, args.FunctionName)
		if err != nil {
			return "", err
		}
		if v.Known {
			if ref, err := lambdafacts.ParseFunctionRef(v.Str()); err == nil {
				region = ref.In(a.place).Region
			}
		}
	}
	if region == "" {
		return "", nil
	}
	component := a.errs.component
	err := src.checks.Now(a.ctx, phase.Known(func(v []any) error {
		s, _ := v[0].(string)
		if err := lambdafacts.CheckSourceRegion(s, region); err != nil {
			return inputErrorOf(component, "EventSourceArn", err)
		}
		return nil
	}), args.EventSourceArn)
	return region, a.errs.fault("EventSourceArn", err)
}
