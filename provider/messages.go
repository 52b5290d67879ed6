package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/doors"
)

// Messages through the provider are the Go package's, fact for fact, with
// the field paths and values a program in another language writes: the
// schema's property names (maxRetries, onSuccess.arn,
// retentionPeriodSeconds), whole seconds for durations and -1 for
// "forever". The Go package keeps each problem's text with marks (package
// internal/doors); schemaMessage renders it with the names below.

// topLevel maps the Go Args fields whose schema name is not their lower
// camel case.
var topLevel = map[string]string{
	"MaxEventAge":  "maxEventAgeSeconds",
	"MaxRecordAge": "maxRecordAgeSeconds",
}

// alarmMember maps the members of an asyncroute.Alarm whose schema name
// is not their lower camel case (durations are whole seconds).
var alarmMember = map[string]string{
	"Age":    "ageSeconds",
	"Period": "periodSeconds",
}

// destinationMember maps the members of a Go destination value (ARN,
// ResponseOnly, NewQueue, ...) to the schema's Destination properties.
var destinationMember = map[string]string{
	"Arn":             "arn",
	"FunctionArn":     "arn",
	"KmsKeyArn":       "kmsKeyArn",
	"RetentionPeriod": "retentionPeriodSeconds",
	"Topic":           "topic",
	"Kind":            "kind",
}

// destinationTypes are the Go destination types a problem may name its
// member by (ResponseOnly.FunctionArn): the member is the slot's.
var destinationTypes = map[string]bool{
	"ARN": true, "ResponseOnly": true, "NewQueue": true, "NewTopic": true, "KafkaTopic": true,
	"SQSQueue": true, "SNSTopic": true, "LambdaFunction": true, "EventBus": true, "S3Bucket": true,
}

// schemaPath writes a Go field path as the schema does; slot is the path of
// the field the fault is about (a destination's member is that slot's).
func schemaPath(goPath, slot string) string {
	parts := strings.Split(goPath, ".")
	if parts[0] == "Mapping" && len(parts) > 1 { // the mapping's own settings are top-level properties
		parts = parts[1:]
	}
	if destinationTypes[parts[0]] && len(parts) == 2 {
		member := destinationMember[parts[1]]
		if member == "" {
			member = doors.LowerCamel(parts[1])
		}
		return schemaPath(strings.Split(slot, ".")[0], "") + "." + member
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		switch {
		case i == 0 && topLevel[p] != "":
			out[i] = topLevel[p]
		case i > 0 && destinationMember[p] != "" && isSlot(parts[0]):
			out[i] = destinationMember[p]
		case i == 2 && parts[0] == "Alarms" && alarmMember[p] != "":
			out[i] = alarmMember[p]
		default:
			out[i] = doors.LowerCamel(p)
		}
	}
	return strings.Join(out, ".")
}

func isSlot(goField string) bool {
	switch goField {
	case "OnSuccess", "OnFailure", "DeadLetter":
		return true
	}
	return false
}

// schemaMessage renders err's input errors in the schema's words, one per
// line in the Go package's form; other errors are returned as they are.
func schemaMessage(err error) error {
	faults := doors.Faults(err)
	if len(faults) == 0 {
		return err
	}
	lines := make([]string, len(faults))
	for i, f := range faults {
		door := doors.Schema(func(p string) string { return schemaPath(p, f.Field) })
		fields := strings.Split(f.Field, ", ") // "OnSuccess, OnFailure, ...": the fault is about all of them
		for j, field := range fields {
			fields[j] = schemaPath(field, field)
		}
		field, problem := strings.Join(fields, ", "), door.Render(f.Template)
		// "onFailure: onFailure.kmsKeyArn "x" is not ..." reads
		// "onFailure.kmsKeyArn: "x" is not ...": the member is the field.
		if first, rest, ok := strings.Cut(problem, " "); ok && strings.HasPrefix(first, field+".") {
			field, problem = strings.TrimSuffix(first, ":"), rest
		}
		lines[i] = fmt.Sprintf("asyncroute: %s: %s: %s", f.Component, field, problem)
	}
	return errors.New(strings.Join(lines, "\n"))
}
