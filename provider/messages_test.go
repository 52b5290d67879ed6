package provider

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badInputs are mistakes a program in another language can make, one per
// case, through each component; TestMessagesUseSchemaNames holds their
// messages to the schema's words.
func badInputs(t *testing.T) []struct {
	typ    string
	inputs map[string]any
} {
	fn := func(extra map[string]any) map[string]any {
		m := map[string]any{"function": orderSettings(t)}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	existing := func(extra map[string]any) map[string]any {
		m := map[string]any{"functionName": "legacy", "role": map[string]any{"name": "legacy-role"}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	mapping := func(extra map[string]any) map[string]any {
		m := map[string]any{"functionName": "legacy", "role": map[string]any{"name": "legacy-role"},
			"eventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	type c = struct {
		typ    string
		inputs map[string]any
	}
	f, a, m := Token("Function"), Token("AsyncInvoke"), Token("EventSourceMapping")
	return []c{
		{f, fn(map[string]any{"maxRetries": 3.0, "onFailure": map[string]any{"kind": "newQueue"}})},
		{f, fn(map[string]any{"maxRetries": 1.5, "onFailure": map[string]any{"kind": "newQueue"}})},
		{f, fn(map[string]any{"maxEventAgeSeconds": 59.0})},
		{f, fn(map[string]any{"maxEventAgeSeconds": 90.5})},
		{f, fn(map[string]any{})},
		{f, fn(map[string]any{"onSuccess": map[string]any{"kind": "s3", "arn": "arn:aws:s3:::b"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"arn": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "sqs", "arn": "arn:aws:sns:us-east-1:123456789012:alerts"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "sqs", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "sqs", "arn": "arn:aws:sqs:us-east-1:123456789012:*"}})},
		{f, fn(map[string]any{"deadLetter": map[string]any{"kind": "lambda", "arn": "arn:aws:lambda:us-east-1:123456789012:function:next"}})},
		{f, fn(map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": nextFunctionArn + ":3"}})},
		{f, fn(map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs"}})},
		{f, fn(map[string]any{"deadLetter": map[string]any{"kind": "responseOnly", "arn": nextFunctionArn}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue", "kmsKeyArn": "alias/orders"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue", "retentionPeriodSeconds": 30.0}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs"}})},
		{f, fn(map[string]any{"onSuccess": map[string]any{"kind": "queue"}})},
		{f, fn(map[string]any{"onSuccess": map[string]any{}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alias": "7"})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "role": map[string]any{"name": "a", "arn": "arn:aws:iam::123456789012:role/b"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "role": map[string]any{"name": "a"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "role": map[string]any{"arn": "arn:aws:iam::123456789012:user/b"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "role": map[string]any{"arn": "arn:aws:iam::123456789012:role/b"},
			"roleOptions": map[string]any{"path": "/x/"}})},
		{f, fn(map[string]any{"onSuccess": map[string]any{"kind": "kafkaTopic", "topic": "t"}})},
		{a, existing(map[string]any{"maxRetries": 5.0})},
		{a, existing(map[string]any{"qualifier": "0", "maxRetries": 0.0})},
		{a, existing(map[string]any{"functionName": "legacy:live", "qualifier": "prod", "maxRetries": 0.0})},
		{a, existing(map[string]any{"role": nil, "maxRetries": 0.0})},
		{a, existing(map[string]any{"functionName": "arn:aws:sqs:us-east-1:123456789012:jobs", "maxRetries": 0.0})},
		{a, existing(map[string]any{"onFailure": map[string]any{"kind": "lambda", "arn": "arn:aws:lambda:us-east-1:123456789012:function:legacy"}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"threshold": 1.0}}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"ageSeconds": 21600.0}}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"destinationDeliveryFailures": map[string]any{"ageSeconds": 60.0}}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"periodSeconds": 90.0}}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"evaluationPeriods": 1441.0}}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"evaluationPeriods": 1.5}}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"deadLetterErrors": map[string]any{}}})},
		{f, fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"notifyArn": "arn:aws:sqs:us-east-1:123456789012:pager"}})},
		{m, mapping(map[string]any{"alarms": map[string]any{}})},
		{m, mapping(map[string]any{"eventSourceArn": "arn:aws:sqs:us-east-1:123456789012:jobs", "alarms": map[string]any{}})},
		{m, mapping(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{}}})},
		{m, mapping(map[string]any{"maxRetries": 10001.0})},
		{m, mapping(map[string]any{"maxRecordAgeSeconds": 59.0})},
		{m, mapping(map[string]any{"source": "sqs"})},
		{m, mapping(map[string]any{"eventSourceArn": "arn:aws:sqs:us-east-1:123456789012:jobs", "maxRetries": 3.0})},
		{m, mapping(map[string]any{"eventSourceArn": "arn:aws:sqs:us-east-1:123456789012:jobs", "onFailure": map[string]any{"kind": "newQueue"}})},
		{m, mapping(map[string]any{"onFailure": map[string]any{"kind": "kafkaTopic", "topic": "dlq"}})},
		{m, mapping(map[string]any{"onFailure": map[string]any{"kind": "lambda", "arn": "arn:aws:lambda:us-east-1:123456789012:function:x"}})},
		{m, mapping(map[string]any{"eventSourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders"})},
		{m, mapping(map[string]any{"eventSourceArn": "arn:aws:kafka:us-east-1:123456789012:cluster/c/1", "topics": []any{"t"},
			"onFailure": map[string]any{"kind": "kafkaTopic", "topic": "bad topic"}})},
	}
}

// goIdentifiers are names a program in another language never writes: Go
// paths (ResponseOnly.FunctionArn, Role.Arn, queue.Arn), Go packages, and
// the exported fields of the Go package's argument and destination types
// whose name has more than one word (MaxRetries, OnSuccess, KmsKeyArn).
// The fields of Alarms named after Lambda's metrics
// (DestinationDeliveryFailures) are AWS's names, which every door writes.
func goIdentifiers() *regexp.Regexp {
	words := map[string]bool{}
	for _, v := range []any{asyncroute.FunctionArgs{}, asyncroute.AsyncInvokeArgs{}, asyncroute.EventSourceMappingArgs{},
		asyncroute.ExistingRole{}, asyncroute.RoleOptions{}, asyncroute.ARN{}, asyncroute.NewQueue{}, asyncroute.NewTopic{},
		asyncroute.ResponseOnly{}, asyncroute.KafkaTopic{}, asyncroute.SQSQueue{}, asyncroute.SNSTopic{}, asyncroute.S3Bucket{},
		asyncroute.Alarms{}, asyncroute.Alarm{}} {
		typ := reflect.TypeOf(v)
		words[typ.Name()] = len(regexp.MustCompile(`[A-Z]`).FindAllString(typ.Name(), -1)) > 1 && typ.Name() != "ARN"
		for i := 0; i < typ.NumField(); i++ {
			name := typ.Field(i).Name
			if len(regexp.MustCompile(`[A-Z][a-z]`).FindAllString(name, -1)) > 1 && lambdafacts.MetricOf(lambdafacts.Metric(name)) == nil {
				words[name] = true
			}
		}
	}
	var alts []string
	for w, ok := range words {
		if ok {
			alts = append(alts, regexp.QuoteMeta(w))
		}
	}
	return regexp.MustCompile(`\b(` + strings.Join(alts, "|") + `)\b|\b[A-Za-z]+\.[A-Z][A-Za-z]*\b|asyncroute\.[A-Z]|\*?(lambda|iam|kms|sqs|sns|s3|cloudwatch)\.[A-Z]`)
}

// schemaHas says whether a property path ("onSuccess.arn", "role") is an
// input of the resource typ in the schema.
func schemaHas(t *testing.T, typ, path string) bool {
	raw, err := Schema()
	require.NoError(t, err)
	var s struct {
		Resources map[string]struct {
			Inputs map[string]map[string]any `json:"inputProperties"`
		} `json:"resources"`
		Types map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"types"`
	}
	require.NoError(t, json.Unmarshal(raw, &s))
	props := s.Resources[typ].Inputs
	for _, p := range strings.Split(path, ".") {
		prop, ok := props[p]
		if !ok {
			return false
		}
		ref, _ := prop["$ref"].(string)
		props = s.Types[strings.TrimPrefix(ref, "#/types/")].Properties
	}
	return true
}

// TestMessagesUseSchemaNames: through the provider, every message names
// its field by a path of the schema, and no message holds a Go identifier.
func TestMessagesUseSchemaNames(t *testing.T) {
	goNames := goIdentifiers()
	line := regexp.MustCompile(`^asyncroute: (Function|AsyncInvoke|EventSourceMapping) "[^"]*": ([^:]+): (.*)$`)
	for _, c := range badInputs(t) {
		for _, preview := range []bool{true, false} {
			w := newWorld(t, preview)
			_, err := w.construct(c.typ, "orders", c.inputs)
			require.Error(t, err, "%s %v", c.typ, c.inputs)
			for _, msg := range strings.Split(constructErr(t, newWorld(t, preview), c.typ, c.inputs), "\n") {
				m := line.FindStringSubmatch(msg)
				if !assert.NotNil(t, m, "the Go package's form: %s", msg) {
					continue
				}
				for _, path := range strings.Split(m[2], ", ") {
					assert.True(t, schemaHas(t, c.typ, path), "%q is a property path of %s's schema: %s", path, c.typ, msg)
				}
				assert.Empty(t, goNames.FindAllString(m[3], -1), "Go identifiers in: %s", msg)
			}
		}
	}
}

// TestMessagesInSchemaWords spells out a few messages as a YAML user reads
// them.
func TestMessagesInSchemaWords(t *testing.T) {
	fn := func(extra map[string]any) map[string]any {
		m := map[string]any{"function": orderSettings(t)}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	const f = `asyncroute: Function "orders": `
	for _, c := range []struct {
		typ    string
		inputs map[string]any
		want   string
	}{
		{Token("Function"), fn(map[string]any{"maxEventAgeSeconds": 59.0}),
			f + `maxEventAgeSeconds: 59 is out of range; allowed: 60 to 21600 whole seconds`},
		{Token("Function"), fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue", "retentionPeriodSeconds": 30.0}}),
			f + `onFailure.retentionPeriodSeconds: 30 is out of range; allowed: 60 to 1209600 whole seconds, or 0 for the default`},
		{Token("Function"), fn(map[string]any{"onSuccess": map[string]any{"kind": "responseOnly", "arn": "arn:aws:sqs:us-east-1:123456789012:jobs"}}),
			f + `onSuccess.arn: "arn:aws:sqs:us-east-1:123456789012:jobs" is not a Lambda function ARN; ` +
				`allowed: the next function's unqualified ARN, arn:<partition>:lambda:<region>:<account>:function:<name>`},
		{Token("Function"), fn(map[string]any{"onFailure": map[string]any{"arn": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}}),
			f + `onFailure: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs" is a URL, not an ARN; ` +
				`pass the ARN (for a queue, its arn output, not its url): arn:<partition>:sqs:<region>:<account>:<queue-name>`},
		{Token("Function"), fn(map[string]any{"onFailure": map[string]any{"kind": "sqs", "arn": "arn:aws:sns:us-east-1:123456789012:alerts"}}),
			f + `onFailure: "arn:aws:sns:us-east-1:123456789012:alerts" is the ARN of an SNS topic (kind "sns") but onFailure.kind is "sqs"; allowed: onFailure.kind "sns" or empty`},
		{Token("Function"), fn(map[string]any{}),
			f + `onSuccess, onFailure, deadLetter, maxRetries, maxEventAgeSeconds: none is set, so there is nothing to route; allowed: set at least one`},
		{Token("AsyncInvoke"), map[string]any{"functionName": "legacy", "maxRetries": 0.0},
			`asyncroute: AsyncInvoke "orders": role: is nil; allowed: the function's execution role (role.arn or role.name), or skipGrants: true to attach no grants`},
		{Token("EventSourceMapping"), map[string]any{"functionName": "legacy", "role": map[string]any{"name": "r"},
			"eventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks", "maxRetries": 10001.0},
			`asyncroute: EventSourceMapping "orders": maxRetries: 10001 is out of range; allowed: -1 (until the records expire) or 0 to 10000`},
		{Token("Function"), fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"threshold": 1.0}}}),
			f + `alarms.asyncEventAge.threshold: does not apply to AsyncEventAge, an age in milliseconds; allowed: leave it empty and set alarms.asyncEventAge.ageSeconds`},
		{Token("Function"), fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"ageSeconds": 21600.0}}}),
			f + `alarms.asyncEventAge.ageSeconds: 21600 is out of range; allowed: 1 to 21599 whole seconds (Lambda drops an event older than the maximum event age, 21600, so a longer age never fires)`},
		{Token("Function"), fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"periodSeconds": 90.0}}}),
			f + `alarms.asyncEventAge.periodSeconds: 90 is not a whole number of minutes; allowed: a multiple of 60 (Lambda publishes its metrics once a minute)`},
		{Token("Function"), fn(map[string]any{"onFailure": map[string]any{"kind": "newQueue"}, "alarms": map[string]any{"asyncEventAge": map[string]any{"evaluationPeriods": 1441.0}}}),
			f + `alarms.asyncEventAge.evaluationPeriods: 1441 evaluation periods of 60 are 86460 in all; allowed: at most 86400 in all (CloudWatch's limit for this period)`},
	} {
		for _, preview := range []bool{true, false} {
			assert.Equal(t, c.want, constructErr(t, newWorld(t, preview), c.typ, c.inputs), "preview=%v", preview)
		}
	}
}
