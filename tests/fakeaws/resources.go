package fakeaws

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type tokens the double implements.
const (
	typeRole         = "aws:iam/role:Role"
	typeRolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	typeFunction     = "aws:lambda/function:Function"
	typeAlias        = "aws:lambda/alias:Alias"
	typeInvokeConfig = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	typeMapping      = "aws:lambda/eventSourceMapping:EventSourceMapping"
	typePermission   = "aws:lambda/permission:Permission"
	typeQueue        = "aws:sqs/queue:Queue"
	typeTopic        = "aws:sns/topic:Topic"
	typeSubscription = "aws:sns/topicSubscription:TopicSubscription"
	typeEventBus     = "aws:cloudwatch/eventBus:EventBus"
	typeEventRule    = "aws:cloudwatch/eventRule:EventRule"
	typeEventTarget  = "aws:cloudwatch/eventTarget:EventTarget"
	typeBucketV2     = "aws:s3/bucketV2:BucketV2"
	typeKey          = "aws:kms/key:Key"
)

// kind describes how the real provider treats a resource type.
type kind struct {
	// nameKey is the input the provider auto-names ("" for none) when
	// neither it nor prefixKey is set; maxLen bounds the name.
	nameKey, prefixKey string
	maxLen             int
	lower              bool // auto-names are lower case (S3)
	// replaceOnChange lists the inputs that force replacement (ForceNew in
	// the upstream Terraform provider).
	replaceOnChange []string
}

var kinds = map[string]kind{
	typeRole:         {nameKey: "name", prefixKey: "namePrefix", maxLen: 64, replaceOnChange: []string{"name", "namePrefix", "path"}},
	typeRolePolicy:   {nameKey: "name", prefixKey: "namePrefix", maxLen: 128, replaceOnChange: []string{"role", "name", "namePrefix"}},
	typeFunction:     {nameKey: "name", maxLen: 64, replaceOnChange: []string{"name", "packageType"}},
	typeAlias:        {replaceOnChange: []string{"name", "functionName"}},
	typeInvokeConfig: {replaceOnChange: []string{"functionName", "qualifier"}},
	typeMapping: {replaceOnChange: []string{"eventSourceArn", "startingPosition", "startingPositionTimestamp", "topics", "queues",
		"selfManagedEventSource", "amazonManagedKafkaEventSourceConfig", "selfManagedKafkaEventSourceConfig"}},
	typePermission: {replaceOnChange: []string{"action", "functionName", "principal", "qualifier", "sourceArn", "sourceAccount",
		"statementId", "statementIdPrefix", "eventSourceToken", "principalOrgId", "functionUrlAuthType"}},
	typeQueue:        {nameKey: "name", prefixKey: "namePrefix", maxLen: 80, replaceOnChange: []string{"name", "namePrefix", "fifoQueue"}},
	typeTopic:        {nameKey: "name", prefixKey: "namePrefix", maxLen: 256, replaceOnChange: []string{"name", "namePrefix", "fifoTopic"}},
	typeSubscription: {replaceOnChange: []string{"topic", "protocol", "endpoint"}},
	typeEventBus:     {nameKey: "name", maxLen: 256, replaceOnChange: []string{"name", "eventSourceName"}},
	typeEventRule:    {nameKey: "name", prefixKey: "namePrefix", maxLen: 64, replaceOnChange: []string{"name", "namePrefix", "eventBusName"}},
	typeEventTarget:  {replaceOnChange: []string{"rule", "targetId", "eventBusName"}},
	typeBucketV2:     {nameKey: "bucket", prefixKey: "bucketPrefix", maxLen: 63, lower: true, replaceOnChange: []string{"bucket", "bucketPrefix", "objectLockEnabled"}},
	typeKey:          {replaceOnChange: []string{"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"}},
}

// schemas are the pulumi-aws SDK's resource structs: their `pulumi` tags are
// the output properties of the real schema. The real provider (a bridged
// Terraform SDKv2 provider) returns every one of them: unset strings,
// numbers and booleans as "", 0 and false (SDKv2 state keeps zero values),
// unset blocks, lists and maps as null. The Go SDK treats a null or missing
// output as unknown during preview, so the double must answer alike.
var schemas = map[string]any{
	typeRole:         iam.Role{},
	typeRolePolicy:   iam.RolePolicy{},
	typeFunction:     lambda.Function{},
	typeAlias:        lambda.Alias{},
	typeInvokeConfig: lambda.FunctionEventInvokeConfig{},
	typeMapping:      lambda.EventSourceMapping{},
	typePermission:   lambda.Permission{},
	typeQueue:        sqs.Queue{},
	typeTopic:        sns.Topic{},
	typeSubscription: sns.TopicSubscription{},
	typeEventBus:     cloudwatch.EventBus{},
	typeEventRule:    cloudwatch.EventRule{},
	typeEventTarget:  cloudwatch.EventTarget{},
	typeBucketV2:     s3.BucketV2{},
	typeKey:          kms.Key{},
}

// zeroOutputs maps a type token to its output properties and the value an
// unset one has.
var zeroOutputs = sync.OnceValue(func() map[string]map[string]any {
	zeros := map[reflect.Type]any{
		reflect.TypeOf(pulumi.StringOutput{}):    "",
		reflect.TypeOf(pulumi.StringPtrOutput{}): "",
		reflect.TypeOf(pulumi.IntOutput{}):       0.0,
		reflect.TypeOf(pulumi.IntPtrOutput{}):    0.0,
		reflect.TypeOf(pulumi.BoolOutput{}):      false,
		reflect.TypeOf(pulumi.BoolPtrOutput{}):   false,
	}
	out := map[string]map[string]any{}
	for typ, v := range schemas {
		t := reflect.TypeOf(v)
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			if name := t.Field(i).Tag.Get("pulumi"); name != "" {
				props[name] = zeros[t.Field(i).Type] // nil for other types
			}
		}
		out[typ] = props
	}
	return out
})

// withAllOutputs adds every schema output missing from in and outs.
func withAllOutputs(typ string, in, outs map[string]any) map[string]any {
	for k, zero := range zeroOutputs()[typ] {
		if _, ok := in[k]; ok {
			continue
		}
		if _, ok := outs[k]; !ok {
			outs[k] = zero
		}
	}
	return outs
}

// autoName fills the name input as the real provider's Check does: keep a
// given name, keep the name of the previous inputs, or make one from the
// logical name and 7 random hex characters.
func autoName(k kind, logical string, news, olds resource.PropertyMap, seed []byte) error {
	if k.nameKey == "" {
		return nil
	}
	key := resource.PropertyKey(k.nameKey)
	if v, ok := news[key]; ok && !v.IsNull() {
		return nil
	}
	if k.prefixKey != "" {
		if v, ok := news[resource.PropertyKey(k.prefixKey)]; ok && !v.IsNull() {
			return nil
		}
	}
	if v, ok := olds[key]; ok && v.IsString() {
		news[key] = v
		return nil
	}
	prefix := logical + "-"
	if k.lower {
		prefix = strings.ToLower(prefix)
	}
	maxLen := k.maxLen
	fifo := false
	if v, ok := news["fifoQueue"]; ok && v.IsBool() && v.BoolValue() {
		fifo = true
		maxLen -= len(".fifo")
	}
	name, err := resource.NewUniqueName(seed, prefix, 7, maxLen, nil)
	if err != nil {
		return err
	}
	if fifo {
		name += ".fifo"
	}
	news[key] = resource.NewStringProperty(name)
	return nil
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func uuid() string {
	h := randomHex(32)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (p *Provider) arn(service, resourcePart string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", Partition, service, p.region(), Account, resourcePart)
}

// nameOrPrefixed returns the name input, or prefix plus a generated suffix
// (the name AWS generates for a namePrefix), or the previous name.
func nameOrPrefixed(k kind, in, old map[string]any) string {
	if n := str(in, k.nameKey); n != "" {
		return n
	}
	if old != nil && str(old, k.nameKey) != "" {
		return str(old, k.nameKey)
	}
	return str(in, k.prefixKey) + randomHex(26)
}

// functionNameOf accepts a function name or (qualified) function ARN.
func functionNameOf(ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.Split(ref, ":")
		if len(parts) >= 7 && parts[5] == "function" {
			return parts[6]
		}
	}
	return ref
}

// computed returns the id and the outputs AWS adds for a resource with
// inputs in (old holds the previous outputs on update, else nil).
func (p *Provider) computed(typ string, in, old map[string]any) (string, map[string]any, error) {
	k := kinds[typ]
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000+0000")
	keep := func(key, fresh string) string {
		if old != nil && str(old, key) != "" {
			return str(old, key)
		}
		return fresh
	}
	switch typ {
	case typeRole:
		name := nameOrPrefixed(k, in, old)
		path := str(in, "path")
		if path == "" {
			path = "/"
		}
		return name, map[string]any{
			"name": name, "path": path,
			"arn":        fmt.Sprintf("arn:%s:iam::%s:role%s%s", Partition, Account, path, name),
			"uniqueId":   keep("uniqueId", "AROA"+strings.ToUpper(randomHex(17))),
			"createDate": keep("createDate", now),
		}, nil
	case typeRolePolicy:
		name := nameOrPrefixed(k, in, old)
		return str(in, "role") + ":" + name, map[string]any{"name": name}, nil
	case typeFunction:
		name := str(in, "name")
		arn := p.arn("lambda", "function:"+name)
		version := "$LATEST"
		if b, _ := in["publish"].(bool); b {
			version = "1"
			if old != nil {
				if n, err := strconv.Atoi(str(old, "version")); err == nil {
					version = strconv.Itoa(n + 1)
				}
			}
		}
		invoke := func(a string) string {
			return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", Partition, p.region(), a)
		}
		return name, map[string]any{
			"name": name, "arn": arn, "version": version,
			"qualifiedArn": arn + ":" + version, "invokeArn": invoke(arn), "qualifiedInvokeArn": invoke(arn + ":" + version),
			"lastModified": now, "sourceCodeHash": randomHex(64),
		}, nil
	case typeAlias:
		fn := functionNameOf(str(in, "functionName"))
		arn := p.arn("lambda", "function:"+fn+":"+str(in, "name"))
		return arn, map[string]any{"arn": arn,
			"invokeArn": fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", Partition, p.region(), arn)}, nil
	case typeInvokeConfig:
		id := str(in, "functionName")
		if q := str(in, "qualifier"); q != "" {
			id += ":" + q
		}
		return id, map[string]any{}, nil
	case typeMapping:
		id := keep("uuid", uuid())
		fn := functionNameOf(str(in, "functionName"))
		return id, map[string]any{
			"uuid": id, "arn": p.arn("lambda", "event-source-mapping:"+id),
			"functionArn": p.arn("lambda", "function:"+fn), "state": "Enabled", "lastModified": now,
		}, nil
	case typePermission:
		sid := str(in, "statementId")
		if sid == "" {
			sid = keep("statementId", str(in, "statementIdPrefix")+"terraform-"+randomHex(26))
		}
		return sid, map[string]any{"statementId": sid}, nil
	case typeQueue:
		name := nameOrPrefixed(k, in, old)
		url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", p.region(), Account, name)
		return url, map[string]any{"name": name, "arn": p.arn("sqs", name), "url": url}, nil
	case typeTopic:
		name := nameOrPrefixed(k, in, old)
		arn := p.arn("sns", name)
		return arn, map[string]any{"name": name, "arn": arn, "owner": Account}, nil
	case typeSubscription:
		arn := keep("arn", str(in, "topic")+":"+uuid())
		return arn, map[string]any{"arn": arn, "ownerId": Account}, nil
	case typeEventBus:
		name := str(in, "name")
		return name, map[string]any{"name": name, "arn": p.arn("events", "event-bus/"+name)}, nil
	case typeEventRule:
		name := nameOrPrefixed(k, in, old)
		bus := str(in, "eventBusName")
		if bus == "" || bus == "default" {
			return name, map[string]any{"name": name, "arn": p.arn("events", "rule/"+name), "eventBusName": "default"}, nil
		}
		return bus + "/" + name, map[string]any{"name": name, "arn": p.arn("events", "rule/"+bus+"/"+name)}, nil
	case typeEventTarget:
		target := str(in, "targetId")
		if target == "" {
			target = keep("targetId", "terraform-"+randomHex(26))
		}
		id := str(in, "rule") + "-" + target
		if bus := str(in, "eventBusName"); bus != "" && bus != "default" {
			id = bus + "/" + str(in, "rule") + "/" + target
		}
		return id, map[string]any{"targetId": target}, nil
	case typeBucketV2:
		name := strings.ToLower(nameOrPrefixed(k, in, old))
		return name, map[string]any{
			"bucket": name, "arn": fmt.Sprintf("arn:%s:s3:::%s", Partition, name), "region": p.region(),
			"bucketDomainName":         name + ".s3.amazonaws.com",
			"bucketRegionalDomainName": name + ".s3." + p.region() + ".amazonaws.com",
			"hostedZoneId":             "Z3AQBSTGFYJSTF",
		}, nil
	case typeKey:
		id := keep("keyId", uuid())
		return id, map[string]any{"keyId": id, "arn": p.arn("kms", "key/"+id)}, nil
	}
	return "", nil, fmt.Errorf("fakeaws (test double): resource type %s is not implemented", typ)
}
