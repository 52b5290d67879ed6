package fakeaws

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
)

const typeQueue = "aws:sqs/queue:Queue"

// queueSpec: id is the queue URL. kmsMasterKeyId (a customer-managed key)
// matters to Lambda's delivery-time view. CreateQueue with a name the
// region already has returns that queue when the attributes match (the
// second resource then shares it: deleting either deletes it) and fails
// with QueueAlreadyExists when they differ.
var queueSpec = &spec{
	token:           typeQueue,
	schema:          sqs.Queue{},
	args:            sqs.QueueArgs{},
	naming:          queueNaming,
	replaceOnChange: []string{"name", "namePrefix", "fifoQueue"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := queueNaming.nameOrPrefixed(in, old)
		url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", e.region, e.account, name)
		return url, map[string]any{"name": name, "arn": e.arn("sqs", name), "url": url}, nil
	},
	check: func(s *State, _ env, op, id string, in map[string]any) error {
		if op != "create" {
			return nil
		}
		existing := s.Find(typeQueue, id)
		if existing == nil {
			return nil
		}
		if attr := differentQueueAttribute(existing.Inputs, in); attr != "" {
			return fmt.Errorf("creating SQS Queue (%s): operation error SQS: CreateQueue, https response error StatusCode: 400, RequestID: %s, QueueAlreadyExists: A queue already exists with the same name and a different value for attribute %s", str(existing.Outputs, "name"), uuid(), attr)
		}
		return nil
	},
}

var queueNaming = naming{nameKey: "name", prefixKey: "namePrefix", maxLen: 80}

// queueAttributes are the inputs CreateQueue sends as attributes, by SQS's
// attribute name, with the value SQS takes when one is not given.
var queueAttributes = map[string]struct {
	attribute string
	unset     any
}{
	"delaySeconds":                 {"DelaySeconds", 0.0},
	"maxMessageSize":               {"MaximumMessageSize", 262144.0},
	"messageRetentionSeconds":      {"MessageRetentionPeriod", 345600.0},
	"receiveWaitTimeSeconds":       {"ReceiveMessageWaitTimeSeconds", 0.0},
	"visibilityTimeoutSeconds":     {"VisibilityTimeout", 30.0},
	"policy":                       {"Policy", ""},
	"redrivePolicy":                {"RedrivePolicy", ""},
	"redriveAllowPolicy":           {"RedriveAllowPolicy", ""},
	"kmsMasterKeyId":               {"KmsMasterKeyId", ""},
	"kmsDataKeyReusePeriodSeconds": {"KmsDataKeyReusePeriodSeconds", 300.0},
	"fifoQueue":                    {"FifoQueue", false},
	"contentBasedDeduplication":    {"ContentBasedDeduplication", false},
	"deduplicationScope":           {"DeduplicationScope", ""},
	"fifoThroughputLimit":          {"FifoThroughputLimit", ""},
}

// differentQueueAttribute names the first attribute (in SQS's words, in
// name order) whose value differs between two queues' inputs, "" when
// none does. SQS-managed encryption is on unless a KMS key is set.
func differentQueueAttribute(a, b map[string]any) string {
	var keys []string
	for k := range queueAttributes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return queueAttributes[keys[i]].attribute < queueAttributes[keys[j]].attribute })
	value := func(m map[string]any, k string) any {
		if v, ok := m[k]; ok && v != nil && v != "" {
			return v
		}
		return queueAttributes[k].unset
	}
	for _, k := range keys {
		if !jsonEqual(value(a, k), value(b, k)) {
			return queueAttributes[k].attribute
		}
	}
	sse := func(m map[string]any) bool {
		if str(m, "kmsMasterKeyId") != "" {
			return false
		}
		if v, ok := m["sqsManagedSseEnabled"].(bool); ok {
			return v
		}
		return true
	}
	if sse(a) != sse(b) {
		return "SqsManagedSseEnabled"
	}
	return ""
}
