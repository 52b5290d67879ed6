package asyncpolicy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

const anyTarget = "an SQS queue, SNS topic, Lambda function or EventBridge event bus (or, on failure, an S3 bucket)"

// checkValidity is ASYNC002.
func checkValidity(m *model, emit emitFunc) {
	for _, c := range m.configs {
		checkRange(c.res, "maximumRetryAttempts", 0, 2, "0, 1 or 2", false, emit)
		checkRange(c.res, "maximumEventAgeInSeconds", 60, 21600, "60 to 21600 seconds", true, emit)
		for _, d := range c.dests {
			checkDest(d, emit)
		}
	}
	for _, f := range m.functions {
		if f.dlq != nil {
			checkDest(*f.dlq, emit)
		}
	}
	checkMappings(m, emit)
}

// checkRange reports a number outside [lo, hi]. zeroUnset treats 0 as not
// set: the provider stores an unset maximum event age as 0.
func checkRange(r *Resource, field string, lo, hi float64, allowed string, zeroUnset bool, emit emitFunc) {
	checkRangeOf(r, field, lo, hi, nil, allowed, zeroUnset, "invoke config", emit)
}

// checkRangeOf is checkRange for resource kind what, with also allowed
// besides [lo, hi].
func checkRangeOf(r *Resource, field string, lo, hi float64, also []float64, allowed string, zeroUnset bool, what string, emit emitFunc) {
	n, ok := inputOf(r, field).num()
	if !ok || (zeroUnset && n == 0) {
		return
	}
	if n >= lo && n <= hi && n == math.Trunc(n) {
		return
	}
	for _, a := range also {
		if n == a {
			return
		}
	}
	shown := strconv.FormatFloat(n, 'f', -1, 64)
	emit(r, field, message(r, field,
		fmt.Sprintf("%s is %s, but Lambda accepts %s, so it rejects the %s", field, shown, allowed, what),
		fmt.Sprintf("set %s to %s, or leave it unset for Lambda's default", field, allowed)))
}

func checkDest(d dest, emit emitFunc) {
	what := slotLabels[d.slot]
	r := d.owner
	bad := func(problem, fix string) { emit(r, d.field, message(r, d.field, problem, fix)) }

	if d.value != "" && d.res == nil {
		a, ok := parseARN(d.value)
		switch {
		case strings.HasPrefix(d.value, "https://") || strings.HasPrefix(d.value, "http://"):
			bad(fmt.Sprintf("the %s %q is a URL, not an ARN, so Lambda rejects it", what, d.value),
				"pass the target's ARN (for an SQS queue its arn output, not its url)")
			return
		case !ok:
			bad(fmt.Sprintf("the %s %q is not an ARN, so Lambda rejects it", what, d.value),
				"pass the target's full ARN (arn:<partition>:<service>:<region>:<account>:<resource>)")
			return
		case kindLabels[kind(a.service)] == "":
			bad(fmt.Sprintf("the %s %s is an ARN of service %q, which cannot receive invocation records", what, d.value, a.service),
				"use "+anyTarget)
			return
		}
	}

	switch {
	case d.slot == slotDeadLetter && d.kind != "" && d.kind != kindSQS && d.kind != kindSNS:
		bad(fmt.Sprintf("the dead-letter target %s is not an SQS queue or SNS topic, so Lambda rejects it", d.describe()),
			"point deadLetterConfig.targetArn at a standard SQS queue or SNS topic, and send records to other targets with destinationConfig.onFailure")
		return
	case d.slot == slotSuccess && d.kind == kindS3:
		bad(fmt.Sprintf("the on-success destination is %s, and Lambda accepts S3 buckets on failure only", d.describe()),
			"move the bucket to destinationConfig.onFailure.destination, or send success records to an SQS queue, SNS topic, Lambda function or EventBridge event bus")
		return
	}

	if isFIFO(d) {
		std := "a standard SQS queue (fifoQueue unset)"
		if d.kind == kindSNS {
			std = "a standard SNS topic (fifoTopic unset)"
		}
		bad(fmt.Sprintf("the %s %s is FIFO, and Lambda rejects FIFO queues and topics as destinations and dead-letter targets", what, d.describe()),
			"use "+std)
		return
	}

	if d.kind == kindLambda && d.fn != nil && isSelf(d) {
		bad(fmt.Sprintf("the %s is function %q itself, and a function must not be its own destination", what, d.fn.name),
			"send the records to another function, or to a queue, topic or event bus")
	}
}

// isFIFO reports whether a queue or topic target is FIFO, from its
// resource's settings or the .fifo suffix its name must have.
func isFIFO(d dest) bool {
	if d.kind != kindSQS && d.kind != kindSNS {
		return false
	}
	if d.res != nil {
		flag := "fifoQueue"
		if d.kind == kindSNS {
			flag = "fifoTopic"
		}
		if b, ok := valueOf(d.res, flag).boolean(); ok && b {
			return true
		}
		if strings.HasSuffix(physicalName(d.res), ".fifo") {
			return true
		}
	}
	if a, ok := parseARN(d.arn); ok && strings.HasSuffix(a.resource, ".fifo") {
		return true
	}
	return false
}

// isSelf reports whether a Lambda destination is the configured function.
func isSelf(d dest) bool {
	if d.res != nil {
		return d.res == d.fn.res
	}
	a, ok := parseARN(d.arn)
	if !ok {
		return false
	}
	name, _, ok := a.lambdaFunction()
	if !ok || name != d.fn.name {
		return false
	}
	return d.fn.arn == "" || sameAccountRegion(d.fn.arn, d.arn)
}
