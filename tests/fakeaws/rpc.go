package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// This file is the gRPC layer: the ResourceProvider RPCs, turning requests
// into plain values for the provider's writes and logging each write.

// rpcBase answers "unimplemented" for the RPCs the double does not serve.
type rpcBase = pulumirpc.UnimplementedResourceProviderServer

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

// Configure takes the region from the provider configuration, and the
// account from allowedAccountIds when it names one (the real provider
// would refuse credentials of another; the double writes in that account).
func (p *Provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	//lint:ignore SA1019 the engine still sends the stack's aws:region this way
	region := req.GetVariables()["aws:region"]
	account := ""
	if args, err := unmarshal(req.GetArgs()); err == nil {
		if v, ok := args["region"]; ok && v.IsString() {
			region = v.StringValue()
		}
		account = statedAccount(args["allowedAccountIds"])
	}
	p.setPlace(region, account)
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Invoke answers the three invokes the library uses.
func (p *Provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	var out map[string]any
	switch req.GetTok() {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		e := p.env()
		out = map[string]any{"accountId": e.account, "arn": "arn:" + e.partition + ":iam::" + e.account + ":user/fakeaws", "userId": "AIDAFAKEAWSTESTDOUBLE", "id": e.account}
	case "aws:index/getRegion:getRegion":
		r := p.region()
		out = map[string]any{"name": r, "id": r, "region": r, "endpoint": "ec2." + r + ".amazonaws.com", "description": r}
	case "aws:index/getPartition:getPartition":
		part := p.env().partition
		out = map[string]any{"partition": part, "dnsSuffix": "amazonaws.com", "id": part, "reverseDnsPrefix": "com.amazonaws"}
	default:
		return nil, fmt.Errorf("fakeaws (test double): invoke %s is not implemented", req.GetTok())
	}
	ret, err := marshal(resource.NewPropertyMapFromMap(out))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

// Check auto-names resources like the real provider (see naming).
func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	sp, err := specFor(typeOf(req.GetUrn(), req.GetType()))
	if err != nil {
		return nil, err
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
		name = stackgraph.NameFromURN(req.GetUrn())
	}
	if err := sp.naming.autoName(name, news, olds, req.GetRandomSeed()); err != nil {
		return &pulumirpc.CheckResponse{Failures: []*pulumirpc.CheckFailure{{Property: sp.naming.nameKey, Reason: err.Error()}}}, nil
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
	sp, err := specFor(typeOf(req.GetUrn(), req.GetType()))
	if err != nil {
		return nil, err
	}
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
	diffs, replaces := diff(sp, olds, news, req.GetIgnoreChanges())
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}
	if len(diffs) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.Diffs = diffs
		resp.Replaces = replaces
	}
	return resp, nil
}

// diff returns the top-level inputs that differ, and those of them that
// force a replacement.
func diff(sp *spec, olds, news resource.PropertyMap, ignoreChanges []string) (diffs, replaces []string) {
	ignore := map[string]bool{}
	for _, k := range ignoreChanges {
		ignore[k] = true
	}
	forces := map[string]bool{}
	for _, k := range sp.replaceOnChange {
		forces[k] = true
	}
	keys := map[resource.PropertyKey]bool{}
	for k := range news {
		keys[k] = true
	}
	for k := range olds {
		keys[k] = true
	}
	for k := range keys {
		if strings.HasPrefix(string(k), "__") || ignore[string(k)] {
			continue
		}
		o, n := olds[k], news[k]
		if d, ok := sp.defaults[string(k)]; ok {
			if o.IsNull() {
				o = resource.NewPropertyValue(d)
			}
			if n.IsNull() {
				n = resource.NewPropertyValue(d)
			}
		}
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
	return diffs, replaces
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
	id, outs, err := p.create(typ, req.GetUrn(), in)
	p.logOp(Op{Op: "create", Type: typ, URN: req.GetUrn(), ID: id, Inputs: in, Start: start}, err)
	if err != nil {
		return nil, err
	}
	state, err := marshal(withOutputs(props, outs))
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
	outs, err := p.update(typ, req.GetUrn(), req.GetId(), in, Plain(olds))
	p.logOp(Op{Op: "update", Type: typ, URN: req.GetUrn(), ID: req.GetId(), Inputs: in, OldInputs: Plain(oldInputs), Start: start}, err)
	if err != nil {
		return nil, err
	}
	state, err := marshal(withOutputs(news, outs))
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
	err = p.delete(typ, req.GetUrn(), req.GetId(), Plain(inputs))
	p.logOp(Op{Op: "delete", Type: typ, URN: req.GetUrn(), ID: req.GetId(), Inputs: Plain(inputs), Start: start}, err)
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read returns the resource as stored (refresh, import, get), or an empty
// id when it is gone. On a refresh the engine's state is kept where the
// stored record agrees with it (so assets and archives stay what the
// engine wrote) and replaced where it does not (an out-of-band change); on
// an import the stored record is the answer.
func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	rec, err := p.stored(typeOf(req.GetUrn(), req.GetType()), req.GetId())
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return &pulumirpc.ReadResponse{}, nil
	}
	props, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	inputs, err := unmarshal(req.GetInputs())
	if err != nil {
		return nil, err
	}
	// A seeded record may lack outputs the real provider always returns
	// (see zeroOutputs): add them, as a read of the real provider does.
	full := map[string]any{}
	for k, v := range rec.Outputs {
		full[k] = v
	}
	if sp, err := specFor(rec.Type); err == nil {
		full = sp.withAllOutputs(map[string]any{}, full)
	}
	props, inputs = overlay(props, full), overlay(inputs, rec.Inputs)
	propsOut, err := marshal(props)
	if err != nil {
		return nil, err
	}
	inputsOut, err := marshal(inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: rec.ID, Properties: propsOut, Inputs: inputsOut}, nil
}

// overlay makes the engine's values m say what the stored plain values
// say: a key whose plain value differs (or is missing) takes the stored
// one, a key the store lacks goes. An empty m (an import) becomes the
// stored values.
func overlay(m resource.PropertyMap, stored map[string]any) resource.PropertyMap {
	out := resource.PropertyMap{}
	plain := Plain(m)
	for k, v := range stored {
		key := resource.PropertyKey(k)
		if cur, ok := plain[k]; ok && jsonEqual(cur, v) {
			out[key] = m[key]
			continue
		}
		// The store keeps an asset or archive as its "asset:"/"archive:"
		// text, which cannot stand for it: the engine's value stays (a
		// plain string in its place read as a change of the code on the
		// next update).
		if cur, ok := m[key]; ok && (cur.IsAsset() || cur.IsArchive()) {
			if s, isText := v.(string); isText && (strings.HasPrefix(s, "asset:") || strings.HasPrefix(s, "archive:")) {
				out[key] = cur
				continue
			}
		}
		out[key] = resource.NewPropertyValue(v)
	}
	return out
}

// Cancel has nothing to stop.
func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// statedAccount is the one account allowedAccountIds names (a list, or
// the JSON text of one, as the engine may send provider configuration),
// or "".
func statedAccount(v resource.PropertyValue) string {
	var ids []string
	switch {
	case v.IsArray():
		for _, x := range v.ArrayValue() {
			if x.IsString() {
				ids = append(ids, x.StringValue())
			}
		}
	case v.IsString():
		_ = json.Unmarshal([]byte(v.StringValue()), &ids)
	}
	if len(ids) == 1 {
		return ids[0]
	}
	return ""
}
