package fakeaws

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Provider implements pulumirpc.ResourceProviderServer for the AWS resource
// types and invokes our stacks use. Make one with [NewProvider].
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	statePath, logPath string
	policyDelay        time.Duration

	mu  sync.Mutex
	reg string
}

// NewProvider reads its settings from the environment (see [EnvState],
// [EnvLog], [EnvRolePolicyDelay]).
func NewProvider() (*Provider, error) {
	p := &Provider{statePath: os.Getenv(EnvState), logPath: os.Getenv(EnvLog), policyDelay: 2 * time.Second}
	if p.statePath == "" {
		return nil, fmt.Errorf("fakeaws (test double): %s must name the state file", EnvState)
	}
	if d := os.Getenv(EnvRolePolicyDelay); d != "" {
		v, err := time.ParseDuration(d)
		if err != nil {
			return nil, fmt.Errorf("fakeaws: %s=%q: %w", EnvRolePolicyDelay, d, err)
		}
		p.policyDelay = v
	}
	return p, nil
}

func (p *Provider) region() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reg == "" {
		return DefaultRegion
	}
	return p.reg
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, SkipNulls: false}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, opts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, opts)
}

// Plain turns property values into plain JSON values: secrets are unwrapped,
// unknowns become "<unknown>", archives and assets maps of their path,
// hash and URI.
func Plain(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if strings.HasPrefix(string(k), "__") {
			continue
		}
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return Plain(v.ObjectValue())
	case v.IsSecret():
		return plainValue(v.SecretValue().Element)
	case v.IsComputed():
		return "<unknown>"
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return "<unknown>"
		}
		return plainValue(o.Element)
	case v.IsAsset():
		a := v.AssetValue()
		return map[string]any{"asset": map[string]any{"path": a.Path, "hash": a.Hash, "uri": a.URI}}
	case v.IsArchive():
		a := v.ArchiveValue()
		return map[string]any{"archive": map[string]any{"path": a.Path, "hash": a.Hash, "uri": a.URI}}
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return fmt.Sprint(v)
}

// logicalName is the last component of a URN.
func logicalName(urn string) string {
	return Op{URN: urn}.Name()
}

func typeOf(urn, typ string) string {
	if typ != "" {
		return typ
	}
	return string(resource.URN(urn).Type())
}

// GetPluginInfo reports the version this double stands in for.
func (p *Provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// CheckConfig accepts any provider configuration.
func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig reports a change when the region changes.
func (p *Provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if !olds["region"].DeepEquals(news["region"]) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: []string{"region"}}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure takes the region from the provider configuration.
func (p *Provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	region := req.GetVariables()["aws:region"]
	if args, err := unmarshal(req.GetArgs()); err == nil {
		if v, ok := args["region"]; ok && v.IsString() {
			region = v.StringValue()
		}
	}
	p.mu.Lock()
	p.reg = region
	p.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Invoke answers the three invokes the library uses.
func (p *Provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	var out map[string]any
	switch req.GetTok() {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out = map[string]any{"accountId": Account, "arn": "arn:aws:iam::" + Account + ":user/fakeaws", "userId": "AIDAFAKEAWSTESTDOUBLE", "id": Account}
	case "aws:index/getRegion:getRegion":
		r := p.region()
		out = map[string]any{"name": r, "id": r, "region": r, "endpoint": "ec2." + r + ".amazonaws.com", "description": r}
	case "aws:index/getPartition:getPartition":
		out = map[string]any{"partition": Partition, "dnsSuffix": "amazonaws.com", "id": Partition, "reverseDnsPrefix": "com.amazonaws"}
	default:
		return nil, fmt.Errorf("fakeaws (test double): invoke %s is not implemented", req.GetTok())
	}
	ret, err := marshal(resource.NewPropertyMapFromMap(out))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

// Check auto-names resources like the real provider.
func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	typ := typeOf(req.GetUrn(), req.GetType())
	k, ok := kinds[typ]
	if !ok {
		return nil, fmt.Errorf("fakeaws (test double): resource type %s is not implemented", typ)
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	name := req.GetName()
	if name == "" {
		name = logicalName(req.GetUrn())
	}
	if err := autoName(k, name, news, olds, req.GetRandomSeed()); err != nil {
		return &pulumirpc.CheckResponse{Failures: []*pulumirpc.CheckFailure{{Property: k.nameKey, Reason: err.Error()}}}, nil
	}
	inputs, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs}, nil
}

// Diff compares the new inputs with the old ones; changes to fields the
// real provider cannot update in place are replaces.
func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	typ := typeOf(req.GetUrn(), req.GetType())
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	oldsStruct := req.GetOldInputs()
	if oldsStruct == nil {
		oldsStruct = req.GetOlds()
	}
	olds, err := unmarshal(oldsStruct)
	if err != nil {
		return nil, err
	}
	ignore := map[string]bool{}
	for _, k := range req.GetIgnoreChanges() {
		ignore[k] = true
	}
	forces := map[string]bool{}
	for _, k := range kinds[typ].replaceOnChange {
		forces[k] = true
	}
	keys := map[resource.PropertyKey]bool{}
	for k := range news {
		keys[k] = true
	}
	for k := range olds {
		keys[k] = true
	}
	var diffs, replaces []string
	for k := range keys {
		if strings.HasPrefix(string(k), "__") || ignore[string(k)] {
			continue
		}
		o, n := olds[k], news[k]
		if o.IsNull() && n.IsNull() {
			continue
		}
		if !n.ContainsUnknowns() && o.DeepEquals(n) {
			continue
		}
		diffs = append(diffs, string(k))
		if forces[string(k)] {
			replaces = append(replaces, string(k))
		}
	}
	sort.Strings(diffs)
	sort.Strings(replaces)
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}
	if len(diffs) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.Diffs = diffs
		resp.Replaces = replaces
	}
	return resp, nil
}

// Create "deploys" a resource.
func (p *Provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ := typeOf(req.GetUrn(), req.GetType())
	start := time.Now()
	props, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	in := Plain(props)
	id, outs, err := p.write("create", typ, req.GetUrn(), "", in, nil)
	p.logOp(Op{Op: "create", Type: typ, URN: req.GetUrn(), ID: id, Inputs: in, Start: start}, err)
	if err != nil {
		return nil, err
	}
	state, err := marshal(merge(props, outs))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: state}, nil
}

// Update changes a resource in place.
func (p *Provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ := typeOf(req.GetUrn(), req.GetType())
	start := time.Now()
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	oldInputs, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	in := Plain(news)
	id, outs, err := p.write("update", typ, req.GetUrn(), req.GetId(), in, Plain(olds))
	p.logOp(Op{Op: "update", Type: typ, URN: req.GetUrn(), ID: req.GetId(), Inputs: in, OldInputs: Plain(oldInputs), Start: start}, err)
	if err != nil {
		return nil, err
	}
	_ = id
	state, err := marshal(merge(news, outs))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: state}, nil
}

// Delete removes a resource.
func (p *Provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	typ := typeOf(req.GetUrn(), req.GetType())
	start := time.Now()
	inputsStruct := req.GetOldInputs()
	if inputsStruct == nil {
		inputsStruct = req.GetProperties()
	}
	inputs, err := unmarshal(inputsStruct)
	if err != nil {
		return nil, err
	}
	err = withState(p.statePath, func(s *State) (bool, error) {
		return s.remove(typ, req.GetId()), nil
	})
	p.logOp(Op{Op: "delete", Type: typ, URN: req.GetUrn(), ID: req.GetId(), Inputs: Plain(inputs), Start: start}, err)
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read returns the resource as stored, or an empty id when it is gone.
func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	typ := typeOf(req.GetUrn(), req.GetType())
	found := false
	err := withState(p.statePath, func(s *State) (bool, error) {
		_, r := s.find(typ, req.GetId())
		found = r != nil
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return &pulumirpc.ReadResponse{}, nil
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Cancel has nothing to stop.
func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func merge(inputs resource.PropertyMap, outs map[string]any) resource.PropertyMap {
	state := inputs.Copy()
	for k, v := range outs {
		state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	return state
}

func (p *Provider) logOp(op Op, err error) {
	op.End = time.Now()
	if err != nil {
		op.Error = err.Error()
	}
	if lerr := appendLog(p.logPath, op); lerr != nil {
		fmt.Fprintf(os.Stderr, "fakeaws: writing log: %v\n", lerr)
	}
}

// write performs a create or update: it computes the outputs, runs the
// checks AWS runs for the type and stores the result. A role policy is
// stored only after the configured delay.
func (p *Provider) write(op, typ, urn, id string, in, old map[string]any) (string, map[string]any, error) {
	newID, outs, err := p.computed(typ, in, old)
	if err != nil {
		return "", nil, err
	}
	outs = withAllOutputs(typ, in, outs)
	if id == "" {
		id = newID
	}
	if typ == typeRolePolicy {
		// IAM validates the role at once but the policy takes effect later.
		if err := withState(p.statePath, func(s *State) (bool, error) {
			return false, requireRole(s, str(in, "role"))
		}); err != nil {
			return "", nil, err
		}
		time.Sleep(p.policyDelay)
	}
	outputs := map[string]any{}
	for k, v := range in {
		outputs[k] = v
	}
	for k, v := range outs {
		outputs[k] = v
	}
	err = withState(p.statePath, func(s *State) (bool, error) {
		if err := p.awsChecks(s, op, typ, id, in); err != nil {
			return false, err
		}
		if op == "update" && newID != id {
			s.remove(typ, id)
		}
		s.put(&Record{Type: typ, URN: urn, ID: id, Inputs: in, Outputs: outputs})
		return true, nil
	})
	if err != nil {
		return "", nil, err
	}
	return id, outs, nil
}

func requireRole(s *State, role string) error {
	for _, r := range s.Resources {
		if r.Type == typeRole && str(r.Outputs, "name") == role {
			return nil
		}
	}
	return fmt.Errorf("putting IAM Role (%s) Policy: operation error IAM: PutRolePolicy, https response error StatusCode: 404, RequestID: %s, NoSuchEntity: The role with name %s cannot be found.", role, uuid(), role)
}

// roleByArn finds a role by its ARN.
func roleByArn(s *State, arn string) *Record {
	for _, r := range s.Resources {
		if r.Type == typeRole && str(r.Outputs, "arn") == arn {
			return r
		}
	}
	return nil
}

// rolePolicies returns the inline policy documents stored for a role name.
func rolePolicies(s *State, role string) []string {
	var docs []string
	for _, r := range s.Resources {
		if r.Type == typeRolePolicy && str(r.Inputs, "role") == role {
			docs = append(docs, str(r.Inputs, "policy"))
		}
	}
	return docs
}

func lambdaError(what, call, id, msg string) error {
	return fmt.Errorf("%s (%s): operation error Lambda: %s, https response error StatusCode: 400, RequestID: %s, %s", what, id, call, uuid(), msg)
}

// awsChecks runs the write-time checks Lambda makes.
func (p *Provider) awsChecks(s *State, op, typ, id string, in map[string]any) error {
	switch typ {
	case typeFunction:
		what, call := "creating Lambda Function", "CreateFunction"
		if op == "update" {
			what, call = "updating Lambda Function configuration", "UpdateFunctionConfiguration"
		}
		roleArn := str(in, "role")
		role := roleByArn(s, roleArn)
		if role == nil {
			return lambdaError(what, call, id, "InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda.")
		}
		dlc, _ := in["deadLetterConfig"].(map[string]any)
		if target := str(dlc, "targetArn"); target != "" {
			return checkGrant(s, str(role.Outputs, "name"), target, func(msg string) error { return lambdaError(what, call, id, msg) })
		}
	case typeMapping:
		what, call := "creating Lambda Event Source Mapping", "CreateEventSourceMapping"
		if op == "update" {
			what, call = "updating Lambda Event Source Mapping", "UpdateEventSourceMapping"
		}
		fail := func(msg string) error { return lambdaError(what, call, id, msg) }
		roleName, err := p.functionRole(s, str(in, "functionName"), fail)
		if err != nil {
			return err
		}
		if err := checkSourceGrant(s, roleName, str(in, "eventSourceArn"), fail); err != nil {
			return err
		}
		dc, _ := in["destinationConfig"].(map[string]any)
		onFailure, _ := dc["onFailure"].(map[string]any)
		if target := str(onFailure, "destinationArn"); target != "" {
			return checkGrant(s, roleName, target, fail)
		}
	case typeInvokeConfig:
		what, call := "creating Lambda Function Event Invoke Config", "PutFunctionEventInvokeConfig"
		if op == "update" {
			what, call = "updating Lambda Function Event Invoke Config", "UpdateFunctionEventInvokeConfig"
		}
		fail := func(msg string) error { return lambdaError(what, call, id, msg) }
		roleName, err := p.functionRole(s, str(in, "functionName"), fail)
		if err != nil {
			return err
		}
		dc, _ := in["destinationConfig"].(map[string]any)
		for _, when := range []string{"onSuccess", "onFailure"} {
			d, _ := dc[when].(map[string]any)
			if target := str(d, "destination"); target != "" {
				if err := checkGrant(s, roleName, target, fail); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// functionRole returns the name of the execution role of a function this
// provider knows (created or seeded), given its name or ARN.
func (p *Provider) functionRole(s *State, ref string, fail func(string) error) (string, error) {
	fnName := functionNameOf(ref)
	var fn *Record
	for _, r := range s.Resources {
		if r.Type == typeFunction && str(r.Outputs, "name") == fnName {
			fn = r
		}
	}
	if fn == nil {
		return "", fail(fmt.Sprintf("ResourceNotFoundException: Function not found: %s", p.arn("lambda", "function:"+fnName)))
	}
	roleArn := str(fn.Outputs, "role")
	if role := roleByArn(s, roleArn); role != nil {
		return str(role.Outputs, "name"), nil
	}
	return roleArn[strings.LastIndex(roleArn, "/")+1:], nil
}

// sourceReads are the calls Lambda's poller makes on an event source, in
// the order Lambda checks them, and the service name in its message.
var sourceReads = map[string]struct {
	label   string
	actions []string
}{
	"kinesis":  {"Kinesis", []string{"kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"}},
	"sqs":      {"SQS", []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}},
	"dynamodb": {"DynamoDB", []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}},
}

// checkSourceGrant fails unless the role may read the event source (Kinesis,
// SQS and DynamoDB streams; other sources are not checked).
func checkSourceGrant(s *State, role, source string, fail func(string) error) error {
	parts := strings.SplitN(source, ":", 6)
	if len(parts) < 6 {
		return nil
	}
	reads, ok := sourceReads[parts[2]]
	if !ok {
		return nil
	}
	for _, action := range reads.actions {
		ok, err := allows(rolePolicies(s, role), action, source)
		if err != nil {
			return fail(err.Error())
		}
		if !ok {
			call := action[strings.Index(action, ":")+1:]
			return fail(fmt.Sprintf("InvalidParameterValueException: The provided execution role does not have permissions to call %s on %s", call, reads.label))
		}
	}
	return nil
}

// checkGrant fails unless the role's stored inline policies allow the call
// Lambda makes to deliver to target.
func checkGrant(s *State, role, target string, fail func(string) error) error {
	need, err := needFor(target)
	if err != nil {
		return fail(err.Error())
	}
	ok, err := allows(rolePolicies(s, role), need.action, need.resource)
	if err != nil {
		return fail(err.Error())
	}
	if !ok {
		return fail(fmt.Sprintf("InvalidParameterValueException: The function's execution role does not have permissions to call %s on %s", need.call, target))
	}
	return nil
}
