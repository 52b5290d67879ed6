package fakeaws

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// spec is how the real provider treats one resource type: how it names a
// resource, which input changes force a replacement, what it computes, and
// the AWS checks that come with a write. Each type's spec lives in the
// spec_<service>.go file of its service.
type spec struct {
	// token is the Pulumi type token, e.g. aws:iam/role:Role.
	token string
	// schema is the pulumi-aws SDK's resource struct: its `pulumi` tags are
	// the output properties of the real schema (see zeroOutputs).
	schema any
	// args is the SDK's Args type, whose element type's `pulumi` tags and
	// Go types are the input properties of the real schema (see
	// schemaJSON).
	args interface{ ElementType() reflect.Type }
	// naming is how Check auto-names the resource; zero for no auto-name.
	naming naming
	// replaceOnChange lists the inputs that force replacement (ForceNew in
	// the upstream Terraform provider).
	replaceOnChange []string
	// defaults are the values inputs left out have in AWS (the real
	// provider's schema defaults): Diff compares an input left out as
	// this value, so a resource imported with it is not changed.
	defaults map[string]any
	// computed returns the id and the outputs AWS adds for inputs in; old
	// holds the previous outputs on update, nil on create.
	computed func(e env, in, old map[string]any) (id string, outs map[string]any, err error)
	// validate runs against the state before the write's delay (IAM's
	// immediate checks); nil for none.
	validate func(s *State, in map[string]any) error
	// check runs the service's write-time checks against the state when
	// the write lands (Lambda's permission checks); nil for none.
	check func(s *State, e env, op, id string, in map[string]any) error
	// propagates marks types stored only after the provider's propagation
	// delay (IAM role policies, see EnvRolePolicyDelay).
	propagates bool
	// sameObject says whether two records of the type are one object in
	// AWS (an invoke config is its function and qualifier, however a
	// resource names them): a write replaces the other records of the
	// object, a delete removes them all. Nil: the id is the object.
	sameObject func(a, b *Record) bool
	// deleteCheck runs against the state before a delete (IAM's
	// DeleteConflict); nil for none.
	deleteCheck func(s *State, r *Record) error
	// cascade removes what AWS deletes with a record (a function's invoke
	// configs); nil for nothing.
	cascade func(s *State, r *Record)
}

// naming describes the real provider's auto-naming of a type.
type naming struct {
	// nameKey is the input auto-named when neither it nor prefixKey is
	// set; "" for a type that is not auto-named.
	nameKey, prefixKey string
	// maxLen bounds a generated name.
	maxLen int
	// lower makes generated names lower case (S3).
	lower bool
}

// specs indexes every implemented type by its token.
var specs = index(
	roleSpec, rolePolicySpec,
	functionSpec, aliasSpec, invokeConfigSpec, mappingSpec, permissionSpec,
	queueSpec,
	topicSpec, subscriptionSpec,
	eventBusSpec, eventRuleSpec, eventTargetSpec,
	bucketV2Spec, bucketEncryptionSpec,
	keySpec, keyAliasSpec,
	metricAlarmSpec,
)

func index(list ...*spec) map[string]*spec {
	m := make(map[string]*spec, len(list))
	for _, s := range list {
		m[s.token] = s
	}
	return m
}

// specFor returns the spec of a type token or the error the engine shows.
func specFor(typ string) (*spec, error) {
	sp, ok := specs[typ]
	if !ok {
		return nil, fmt.Errorf("fakeaws (test double): resource type %s is not implemented", typ)
	}
	return sp, nil
}

// env is what a spec needs to know about the provider: its region,
// partition and account, and the time of the write.
type env struct {
	region, partition, account string
	now                        time.Time
}

// arn builds a regional ARN in the provider's account.
func (e env) arn(service, resourcePart string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.partition, service, e.region, e.account, resourcePart)
}

// timestamp is the time of the write as AWS formats it.
func (e env) timestamp() string {
	return e.now.UTC().Format("2006-01-02T15:04:05.000+0000")
}

// zeroOutputs maps a type token to its output properties and the value an
// unset one has. The real provider (a bridged Terraform SDKv2 provider)
// returns every output: unset strings, numbers and booleans as "", 0 and
// false (SDKv2 state keeps zero values), unset blocks, lists and maps as
// null. The Go SDK treats a null or missing output as unknown during
// preview, so the double must answer alike.
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
	for typ, sp := range specs {
		t := reflect.TypeOf(sp.schema)
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
func (sp *spec) withAllOutputs(in, outs map[string]any) map[string]any {
	for k, zero := range zeroOutputs()[sp.token] {
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
// given name or prefix, keep the name of the previous inputs (olds is empty
// when the engine re-checks for a replacement, so a replacement gets a new
// name), or make one from the logical name, "-" and 7 random hex
// characters drawn from the engine's seed.
func (n naming) autoName(logical string, news, olds resource.PropertyMap, seed []byte) error {
	if n.nameKey == "" {
		return nil
	}
	key := resource.PropertyKey(n.nameKey)
	if v, ok := news[key]; ok && !v.IsNull() {
		return nil
	}
	if n.prefixKey != "" {
		if v, ok := news[resource.PropertyKey(n.prefixKey)]; ok && !v.IsNull() {
			return nil
		}
	}
	if v, ok := olds[key]; ok && v.IsString() {
		news[key] = v
		return nil
	}
	prefix := logical + "-"
	if n.lower {
		prefix = strings.ToLower(prefix)
	}
	maxLen := n.maxLen
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

// nameOrPrefixed returns the name input, or the previous name, or prefix
// plus a generated suffix (the name AWS generates for a name prefix).
func (n naming) nameOrPrefixed(in, old map[string]any) string {
	if v := str(in, n.nameKey); v != "" {
		return v
	}
	if old != nil && str(old, n.nameKey) != "" {
		return str(old, n.nameKey)
	}
	return str(in, n.prefixKey) + randomHex(26)
}

// keep returns the previous output key on update, else fresh.
func keep(old map[string]any, key, fresh string) string {
	if old != nil && str(old, key) != "" {
		return str(old, key)
	}
	return fresh
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// obj returns the nested object at path, nil where one is missing.
func obj(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		m, _ = m[k].(map[string]any)
	}
	return m
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
