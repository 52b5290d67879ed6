package fakeaws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
)

const typeQueue = "aws:sqs/queue:Queue"

// queueSpec: id is the queue URL. kmsMasterKeyId (a customer-managed key)
// matters to Lambda's delivery-time view.
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
}

var queueNaming = naming{nameKey: "name", prefixKey: "namePrefix", maxLen: 80}
