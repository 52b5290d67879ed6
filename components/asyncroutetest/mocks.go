// Package asyncroutetest runs Pulumi programs under a recording mock monitor
// so that stack tests can assert exact resources, inputs, policies and
// dependencies without a cloud account. The mock answers like AWS would:
// ARNs, names, URLs and key ids in the real formats, so destinations and
// grants see realistic values.
//
//	stack, err := asyncroutetest.Run(program)
//	fn := stack.Find("aws:lambda/function:Function", "orders")
//	deps := stack.Dependencies(fn)
package asyncroutetest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Fixed identity the mock reports, like a real account would.
const (
	Account   = "123456789012"
	Region    = "us-east-1"
	Partition = "aws"
)

// Unknown stands for a value that is not known until deploy (preview).
type Unknown struct{}

func (Unknown) String() string { return "<unknown until deploy>" }

// Resource is one registered resource, as the engine saw it.
type Resource struct {
	URN    string
	Type   string
	Name   string
	Parent string // parent URN; "" for children of the stack
	Custom bool   // false for component resources
	// Provider is the provider reference the resource was registered with.
	Provider string
	ID       string
	// Inputs and Outputs are plain Go values: strings, float64 numbers,
	// bools, []any, map[string]any, and Unknown for values unknown at
	// preview.
	Inputs  map[string]any
	Outputs map[string]any
	// Dependencies are the URNs the resource depends on (explicit and
	// through its inputs); PropertyDependencies per input.
	Dependencies         []string
	PropertyDependencies map[string][]string
	Protect              bool
	Aliases              int
	// Seq is the order of registration, from 0.
	Seq int
}

// Mocks is a pulumi.MockResourceMonitor that records every resource.
type Mocks struct {
	// Preview makes values that AWS computes (ARNs, URLs, ids) unknown, as
	// in `pulumi preview` of a new stack.
	Preview bool
	Project string
	Stack   string

	mu        sync.Mutex
	resources []*Resource
}

var _ pulumi.MockResourceMonitor = (*Mocks)(nil)

// Resources returns the recorded resources in registration order.
func (m *Mocks) Resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Resource(nil), m.resources...)
}

// NewResource implements pulumi.MockResourceMonitor.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	r := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Provider: args.Provider}
	if rpc != nil {
		r.Parent = rpc.GetParent()
		r.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		sort.Strings(r.Dependencies)
		r.PropertyDependencies = map[string][]string{}
		for k, v := range rpc.GetPropertyDependencies() {
			r.PropertyDependencies[k] = append([]string(nil), v.GetUrns()...)
		}
		r.Protect = rpc.GetProtect()
		r.Aliases = len(rpc.GetAliases())
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	r.Inputs = plainMap(args.Inputs)

	state := args.Inputs.Copy()
	id := ""
	if args.Custom {
		var computed map[string]any
		id, computed = simulate(r)
		for k, v := range computed {
			if m.Preview && computedAtDeploy(k) {
				continue
			}
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
		if m.Preview {
			id = ""
		}
	}
	r.ID = id
	r.Outputs = plainMap(state)

	m.mu.Lock()
	r.Seq = len(m.resources)
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return id, state, nil
}

// Call implements pulumi.MockResourceMonitor for the invokes the library
// uses: the caller's account, region and partition.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	var out map[string]any
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out = map[string]any{"accountId": Account, "arn": "arn:aws:iam::" + Account + ":user/test", "userId": "AIDATEST", "id": Account}
	case "aws:index/getRegion:getRegion":
		out = map[string]any{"name": Region, "id": Region, "endpoint": "ec2." + Region + ".amazonaws.com", "description": "US East (N. Virginia)"}
	case "aws:index/getPartition:getPartition":
		out = map[string]any{"partition": Partition, "dnsSuffix": "amazonaws.com", "id": Partition, "reverseDnsPrefix": "com.amazonaws"}
	default:
		return nil, fmt.Errorf("asyncroutetest: no mock for invoke %s", args.Token)
	}
	return resource.NewPropertyMapFromMap(out), nil
}

func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.Stack), tokens.PackageName(m.Project), parentType, tokens.Type(typ), name))
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
func physicalName(r *Resource, key string) string {
	if n := str(r.Inputs, key); n != "" {
		return n
	}
	if p := str(r.Inputs, "namePrefix"); p != "" {
		return p + suffix(r.URN)
	}
	return r.Name + "-" + suffix(r.URN)
}

func arn(service, region, resourcePart string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", Partition, service, region, Account, resourcePart)
}

// simulate returns the id and the outputs AWS would add for r.
func simulate(r *Resource) (string, map[string]any) {
	in := r.Inputs
	switch r.Type {
	case "aws:iam/role:Role":
		name := physicalName(r, "name")
		path := str(in, "path")
		if path == "" {
			path = "/"
		}
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:%s:iam::%s:role%s%s", Partition, Account, path, name), "uniqueId": "AROA" + strings.ToUpper(suffix(r.URN))}
	case "aws:iam/rolePolicy:RolePolicy":
		name := physicalName(r, "name")
		return fmt.Sprintf("%v:%s", in["role"], name), map[string]any{"name": name}
	case "aws:iam/policy:Policy":
		name := physicalName(r, "name")
		a := fmt.Sprintf("arn:%s:iam::%s:policy/%s", Partition, Account, name)
		return a, map[string]any{"name": name, "arn": a}
	case "aws:lambda/function:Function":
		name := physicalName(r, "name")
		a := arn("lambda", Region, "function:"+name)
		version := "$LATEST"
		if p, _ := in["publish"].(bool); p {
			version = "1"
		}
		return name, map[string]any{"name": name, "arn": a, "qualifiedArn": a + ":" + version, "version": version,
			"invokeArn": fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", Partition, Region, a)}
	case "aws:lambda/alias:Alias":
		fn := str(in, "functionName")
		if !strings.HasPrefix(fn, "arn:") {
			fn = arn("lambda", Region, "function:"+fn)
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
		url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", Region, Account, name)
		return url, map[string]any{"name": name, "arn": arn("sqs", Region, name), "url": url}
	case "aws:sns/topic:Topic":
		name := physicalName(r, "name")
		if fifo, _ := in["fifoTopic"].(bool); fifo && !strings.HasSuffix(name, ".fifo") {
			name += ".fifo"
		}
		a := arn("sns", Region, name)
		return a, map[string]any{"name": name, "arn": a}
	case "aws:sns/topicSubscription:TopicSubscription":
		a := fmt.Sprintf("%v:%s", in["topic"], suffix(r.URN))
		return a, map[string]any{"arn": a}
	case "aws:cloudwatch/eventBus:EventBus":
		name := physicalName(r, "name")
		return name, map[string]any{"name": name, "arn": arn("events", Region, "event-bus/"+name)}
	case "aws:lambda/permission:Permission":
		sid := physicalName(r, "statementId")
		return sid, map[string]any{"statementId": sid}
	case "aws:lambda/eventSourceMapping:EventSourceMapping":
		h := suffix(r.URN) + suffix(r.URN+"u") + suffix(r.URN+"i") + suffix(r.URN+"d") + suffix(r.URN+"!")
		uuid := fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
		fn := str(in, "functionName")
		if !strings.HasPrefix(fn, "arn:") {
			fn = arn("lambda", Region, "function:"+fn)
		}
		return uuid, map[string]any{"uuid": uuid, "functionArn": fn, "arn": arn("lambda", Region, "event-source-mapping:"+uuid), "state": "Enabled"}
	case "aws:cloudwatch/eventRule:EventRule":
		name := physicalName(r, "name")
		return name, map[string]any{"name": name, "arn": arn("events", Region, "rule/"+name)}
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		name := strings.ToLower(physicalName(r, "bucket"))
		return name, map[string]any{"bucket": name, "arn": fmt.Sprintf("arn:%s:s3:::%s", Partition, name), "bucketDomainName": name + ".s3.amazonaws.com"}
	case "aws:kms/key:Key":
		h := suffix(r.URN) + suffix(r.URN+"k") + suffix(r.URN+"e") + suffix(r.URN+"y") + suffix(r.URN+"!")
		id := fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
		return id, map[string]any{"keyId": id, "arn": arn("kms", Region, "key/"+id)}
	case "aws:kms/alias:Alias":
		name := str(in, "name")
		return name, map[string]any{"arn": arn("kms", Region, name)}
	}
	return r.Name + "-" + suffix(r.URN), nil
}
