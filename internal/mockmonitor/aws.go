package mockmonitor

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// place is where a resource is created: region and what follows from it.
type place struct {
	region, partition, dnsSuffix, reverseDNSPrefix string
}

// newPlace derives the partition and DNS suffix of a region.
func newPlace(region string) place {
	p := place{region: region, partition: "aws", dnsSuffix: "amazonaws.com", reverseDNSPrefix: "com.amazonaws"}
	switch {
	case strings.HasPrefix(region, "cn-"):
		p.partition, p.dnsSuffix, p.reverseDNSPrefix = "aws-cn", "amazonaws.com.cn", "cn.com.amazonaws"
	case strings.HasPrefix(region, "us-gov-"):
		p.partition = "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		p.partition, p.dnsSuffix, p.reverseDNSPrefix = "aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s"
	case strings.HasPrefix(region, "us-iso-"):
		p.partition, p.dnsSuffix, p.reverseDNSPrefix = "aws-iso", "c2s.ic.gov", "gov.ic.c2s"
	}
	return p
}

// arn renders a regional ARN in the mock account.
func (p place) arn(service, resourcePart string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", p.partition, service, p.region, Account, resourcePart)
}

// global renders the ARN of a resource of a global service (IAM) or of
// S3, which has neither region nor account.
func (p place) global(service, account, resourcePart string) string {
	return fmt.Sprintf("arn:%s:%s::%s:%s", p.partition, service, account, resourcePart)
}

var regionNames = map[string]string{
	"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
	"us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
	"eu-west-1": "Europe (Ireland)", "eu-west-2": "Europe (London)", "eu-west-3": "Europe (Paris)",
	"eu-central-1": "Europe (Frankfurt)", "eu-north-1": "Europe (Stockholm)",
	"ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
	"ap-northeast-1": "Asia Pacific (Tokyo)", "ap-south-1": "Asia Pacific (Mumbai)",
	"ca-central-1": "Canada (Central)", "sa-east-1": "South America (Sao Paulo)",
	"cn-north-1": "China (Beijing)", "us-gov-west-1": "AWS GovCloud (US-West)",
}

func regionDescription(region string) string {
	if d, ok := regionNames[region]; ok {
		return d
	}
	return region
}

// computedAtDeploy lists outputs that AWS assigns when it creates the
// resource; they are unknown at preview.
func computedAtDeploy(key string) bool {
	switch key {
	case "arn", "url", "keyId", "invokeArn", "qualifiedArn", "qualifiedInvokeArn", "version", "uniqueId", "bucketDomainName", "uuid", "functionArn":
		return true
	}
	return false
}

// suffix is the deterministic stand-in for Pulumi's random auto-name suffix.
func suffix(urn string) string {
	h := sha1.Sum([]byte(urn))
	return hex.EncodeToString(h[:])[:7]
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// physicalName is what Pulumi's auto-naming would call the resource.
func physicalName(r *stackgraph.Resource, key string) string {
	if n := str(r.Inputs, key); n != "" {
		return n
	}
	if p := str(r.Inputs, "namePrefix"); p != "" {
		return p + suffix(r.URN)
	}
	return r.Name + "-" + suffix(r.URN)
}

// uuidOf is a deterministic UUID-shaped id for the resource with this URN;
// salt tells ids of different kinds apart.
func uuidOf(urn, salt string) string {
	h := suffix(urn)
	for _, c := range salt {
		h += suffix(urn + string(c))
	}
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// simulate returns the id and the outputs AWS would add for r, created
// at p.
func simulate(r *stackgraph.Resource, p place) (string, map[string]any) {
	in := r.Inputs
	switch r.Type {
	case "aws:iam/role:Role":
		name := physicalName(r, "name")
		path := str(in, "path")
		if path == "" {
			path = "/"
		}
		return name, map[string]any{"name": name, "arn": p.global("iam", Account, "role"+path+name), "uniqueId": "AROA" + strings.ToUpper(suffix(r.URN))}
	case "aws:iam/rolePolicy:RolePolicy":
		name := physicalName(r, "name")
		return fmt.Sprintf("%v:%s", in["role"], name), map[string]any{"name": name}
	case "aws:iam/policy:Policy":
		name := physicalName(r, "name")
		a := p.global("iam", Account, "policy/"+name)
		return a, map[string]any{"name": name, "arn": a}
	case "aws:lambda/function:Function":
		name := physicalName(r, "name")
		a := p.arn("lambda", "function:"+name)
		version := "$LATEST"
		if publish, _ := in["publish"].(bool); publish {
			version = "1"
		}
		return name, map[string]any{"name": name, "arn": a, "qualifiedArn": a + ":" + version, "version": version,
			"invokeArn": fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", p.partition, p.region, a)}
	case "aws:lambda/alias:Alias":
		fn := str(in, "functionName")
		if !strings.HasPrefix(fn, "arn:") {
			fn = p.arn("lambda", "function:"+fn)
		}
		a := fn + ":" + str(in, "name")
		return a, map[string]any{"arn": a}
	case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
		id := str(in, "functionName")
		if q := str(in, "qualifier"); q != "" {
			id += ":" + q
		}
		return id, nil
	case "aws:sqs/queue:Queue":
		name := physicalName(r, "name")
		if fifo, _ := in["fifoQueue"].(bool); fifo && !strings.HasSuffix(name, ".fifo") {
			name += ".fifo"
		}
		url := fmt.Sprintf("https://sqs.%s.%s/%s/%s", p.region, p.dnsSuffix, Account, name)
		return url, map[string]any{"name": name, "arn": p.arn("sqs", name), "url": url}
	case "aws:sns/topic:Topic":
		name := physicalName(r, "name")
		if fifo, _ := in["fifoTopic"].(bool); fifo && !strings.HasSuffix(name, ".fifo") {
			name += ".fifo"
		}
		a := p.arn("sns", name)
		return a, map[string]any{"name": name, "arn": a}
	case "aws:sns/topicSubscription:TopicSubscription":
		a := fmt.Sprintf("%v:%s", in["topic"], suffix(r.URN))
		return a, map[string]any{"arn": a}
	case "aws:cloudwatch/eventBus:EventBus":
		name := physicalName(r, "name")
		return name, map[string]any{"name": name, "arn": p.arn("events", "event-bus/"+name)}
	case "aws:lambda/permission:Permission":
		sid := physicalName(r, "statementId")
		return sid, map[string]any{"statementId": sid}
	case "aws:lambda/eventSourceMapping:EventSourceMapping":
		uuid := uuidOf(r.URN, "uid!")
		fn := str(in, "functionName")
		if !strings.HasPrefix(fn, "arn:") {
			fn = p.arn("lambda", "function:"+fn)
		}
		return uuid, map[string]any{"uuid": uuid, "functionArn": fn, "arn": p.arn("lambda", "event-source-mapping:"+uuid), "state": "Enabled"}
	case "aws:cloudwatch/eventRule:EventRule":
		name := physicalName(r, "name")
		return name, map[string]any{"name": name, "arn": p.arn("events", "rule/"+name)}
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		name := strings.ToLower(physicalName(r, "bucket"))
		return name, map[string]any{"bucket": name, "arn": p.global("s3", "", name), "bucketDomainName": name + ".s3." + p.dnsSuffix}
	case "aws:kms/key:Key":
		id := uuidOf(r.URN, "key!")
		return id, map[string]any{"keyId": id, "arn": p.arn("kms", "key/"+id)}
	case "aws:kms/alias:Alias":
		name := str(in, "name")
		return name, map[string]any{"arn": p.arn("kms", name)}
	}
	return r.Name + "-" + suffix(r.URN), nil
}
