package asyncroute

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A function is its full ARN (partition, account, region, name; see
// lambdafacts.FunctionID): a name or partial ARN a component is given is
// resolved in the place of the provider the component is registered
// under.

// placeNow is where a component deploys as far as the program knows while
// it runs: its AWS provider (an explicit one, the one it inherits from its
// parent, or the stack's default), and the region, account and partition
// known now. The default provider's region is the stack's aws:region and
// its account the one aws:allowedAccountIds allows, when it allows one.
// What is not known so is asked of the provider (aws.getRegion,
// aws.getCallerIdentity, invokes: no resource is waited for), once per
// provider and program: the default provider always; an explicit provider
// (or one inherited from a parent) during a preview only, since during an
// update the provider may itself wait for resources of the stack (an
// assumed role created by the program, say). What stays unknown is
// checked at deploy time.
func placeNow(ctx *pulumi.Context, opts []pulumi.ResourceOption) (lambdafacts.Place, error) {
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return lambdafacts.Place{}, err
	}
	var invoke []pulumi.InvokeOption
	p := lambdafacts.Place{}
	prov := ro.Provider
	for _, candidate := range ro.Providers {
		if packageOf(candidate) == "aws" {
			prov = candidate
		}
	}
	if prov != nil && packageOf(prov) != "aws" {
		prov = nil // Provider names another package's provider
	}
	switch {
	case prov != nil:
		p.Provider = fmt.Sprintf("provider:%p", prov)
		invoke = append(invoke, pulumi.Provider(prov))
		if ap, ok := prov.(*aws.Provider); ok {
			v, err := phase.Read(ctx, ap.Region)
			if err != nil {
				return p, err
			}
			p.Region = v.Str()
		}
	case ro.Parent != nil:
		p.Provider = fmt.Sprintf("parent:%p", ro.Parent)
		invoke = append(invoke, pulumi.Parent(ro.Parent))
	default:
		p.Region, _ = ctx.GetConfig("aws:region")
		if ids, ok := ctx.GetConfig("aws:allowedAccountIds"); ok {
			var list []string
			if json.Unmarshal([]byte(ids), &list) == nil && len(list) == 1 {
				p.Account = list[0]
			}
		}
	}
	if ctx.DryRun() || p.Provider == "" {
		asked, err := configsOf(ctx).askProvider(ctx, p.Provider, invoke)
		if err != nil {
			return p, err
		}
		if p.Region == "" {
			p.Region = asked.Region
		}
		if p.Account == "" {
			p.Account = asked.Account
		}
	}
	p.Partition = lambdafacts.PartitionOfRegion(p.Region)
	return p, nil
}

// askProvider asks a provider for its region and account, once per
// provider and program run.
func (s *configSet) askProvider(ctx *pulumi.Context, key string, opts []pulumi.InvokeOption) (lambdafacts.Place, error) {
	s.mu.Lock()
	if s.asked == nil {
		s.asked = map[string]func() (lambdafacts.Place, error){}
	}
	ask, ok := s.asked[key]
	if !ok {
		ask = sync.OnceValues(func() (lambdafacts.Place, error) {
			region, err := aws.GetRegion(ctx, nil, opts...)
			if err != nil {
				return lambdafacts.Place{}, err
			}
			id, err := aws.GetCallerIdentity(ctx, nil, opts...)
			if err != nil {
				return lambdafacts.Place{}, err
			}
			return lambdafacts.Place{Provider: key, Region: region.Name, Account: id.AccountId}, nil
		})
		s.asked[key] = ask
	}
	s.mu.Unlock()
	return ask()
}

// packageOf is the package of a provider resource ("aws"), read from the
// SDK's ProviderResourceState, which keeps it unexported.
func packageOf(p pulumi.ProviderResource) string {
	v := reflect.ValueOf(p)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	if v.Type() != reflect.TypeFor[pulumi.ProviderResourceState]() {
		v = v.FieldByName("ProviderResourceState")
		if !v.IsValid() {
			return ""
		}
	}
	return v.FieldByName("pkg").String()
}
