package fakeaws

import "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"

const (
	typeEventBus    = "aws:cloudwatch/eventBus:EventBus"
	typeEventRule   = "aws:cloudwatch/eventRule:EventRule"
	typeEventTarget = "aws:cloudwatch/eventTarget:EventTarget"
)

var eventBusSpec = &spec{
	token:           typeEventBus,
	schema:          cloudwatch.EventBus{},
	args:            cloudwatch.EventBusArgs{},
	naming:          naming{nameKey: "name", maxLen: 256},
	replaceOnChange: []string{"name", "eventSourceName"},
	computed: func(e env, in, _ map[string]any) (string, map[string]any, error) {
		name := str(in, "name")
		return name, map[string]any{"name": name, "arn": e.arn("events", "event-bus/"+name)}, nil
	},
}

// eventRuleSpec: id <name> on the default bus, <bus>/<name> on another.
var eventRuleSpec = &spec{
	token:           typeEventRule,
	schema:          cloudwatch.EventRule{},
	args:            cloudwatch.EventRuleArgs{},
	naming:          eventRuleNaming,
	replaceOnChange: []string{"name", "namePrefix", "eventBusName"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := eventRuleNaming.nameOrPrefixed(in, old)
		bus := str(in, "eventBusName")
		if bus == "" || bus == "default" {
			return name, map[string]any{"name": name, "arn": e.arn("events", "rule/"+name), "eventBusName": "default"}, nil
		}
		return bus + "/" + name, map[string]any{"name": name, "arn": e.arn("events", "rule/"+bus+"/"+name)}, nil
	},
}

// eventTargetSpec: id <rule>-<target> on the default bus,
// <bus>/<rule>/<target> on another.
var eventTargetSpec = &spec{
	token:           typeEventTarget,
	schema:          cloudwatch.EventTarget{},
	args:            cloudwatch.EventTargetArgs{},
	replaceOnChange: []string{"rule", "targetId", "eventBusName"},
	computed: func(_ env, in, old map[string]any) (string, map[string]any, error) {
		target := str(in, "targetId")
		if target == "" {
			target = keep(old, "targetId", "terraform-"+randomHex(26))
		}
		id := str(in, "rule") + "-" + target
		if bus := str(in, "eventBusName"); bus != "" && bus != "default" {
			id = bus + "/" + str(in, "rule") + "/" + target
		}
		return id, map[string]any{"targetId": target}, nil
	},
}

var eventRuleNaming = naming{nameKey: "name", prefixKey: "namePrefix", maxLen: 64}
