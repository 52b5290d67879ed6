// Command awsschema is the fakeaws test double (package tests/fakeaws) plus
// a GetSchema answer, for engine tests whose Pulumi YAML programs declare
// AWS resources themselves: Pulumi YAML asks every provider a program uses
// for its schema, and the double has none. Everything else is the double's.
// The engine tests build it as pulumi-resource-aws into a folder of their
// own, put first on PATH for those stacks only; never install it.
//
// The schema is minimal and made here, not copied: the resource types of
// the list below, their input and output properties and nested object
// types, read by reflection from the pulumi-aws Go SDK (v6.83.4, the
// version the double stands in for) through the plain structs behind each
// resource's Args and State types (their pulumi tags and Go types). It has
// no descriptions and no validation beyond property names and types, which
// is all Pulumi YAML needs to type-check a program.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// resource is one AWS resource type of the schema: its token and the
// SDK's Args and State types, whose ElementType is the plain struct.
type resource struct {
	token       string
	args, state interface{ ElementType() reflect.Type }
}

var resources = []resource{
	{"aws:sqs/queue:Queue", sqs.QueueArgs{}, sqs.QueueState{}},
	{"aws:sns/topic:Topic", sns.TopicArgs{}, sns.TopicState{}},
	{"aws:iam/role:Role", iam.RoleArgs{}, iam.RoleState{}},
	{"aws:iam/rolePolicy:RolePolicy", iam.RolePolicyArgs{}, iam.RolePolicyState{}},
	{"aws:lambda/function:Function", lambda.FunctionArgs{}, lambda.FunctionState{}},
	{"aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", lambda.FunctionEventInvokeConfigArgs{}, lambda.FunctionEventInvokeConfigState{}},
}

type schemaBuilder struct {
	types map[string]any
}

// typeOf maps a plain Go type of the SDK to a schema type.
func (b *schemaBuilder) typeOf(t reflect.Type, module string) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[pulumi.Archive]():
		return map[string]any{"$ref": "pulumi.json#/Archive"}
	case reflect.TypeFor[pulumi.Asset](), reflect.TypeFor[pulumi.AssetOrArchive]():
		return map[string]any{"$ref": "pulumi.json#/Asset"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": b.typeOf(t.Elem(), module)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": b.typeOf(t.Elem(), module)}
	case reflect.Struct:
		tok := "aws:" + module + "/" + t.Name() + ":" + t.Name()
		if _, done := b.types[tok]; !done {
			b.types[tok] = nil // reserve before recursing
			b.types[tok] = map[string]any{"type": "object", "properties": b.properties(t, module)}
		}
		return map[string]any{"$ref": "#/types/" + tok}
	}
	return map[string]any{"$ref": "pulumi.json#/Any"}
}

func (b *schemaBuilder) properties(t reflect.Type, module string) map[string]any {
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("pulumi"), ",")[0]
		if tag == "" {
			continue
		}
		props[tag] = b.typeOf(t.Field(i).Type, module)
	}
	return props
}

func schema() ([]byte, error) {
	b := &schemaBuilder{types: map[string]any{}}
	res := map[string]any{}
	for _, r := range resources {
		module := strings.Split(strings.Split(r.token, ":")[1], "/")[0]
		res[r.token] = map[string]any{
			"inputProperties": b.properties(r.args.ElementType(), module),
			"properties":      b.properties(r.state.ElementType(), module),
		}
	}
	region := map[string]any{"type": "string"}
	spec := map[string]any{
		"name":      "aws",
		"version":   fakeaws.Version,
		"meta":      map[string]any{"moduleFormat": "(.*)(?:/[^/]*)"},
		"config":    map[string]any{"variables": map[string]any{"region": region}},
		"provider":  map[string]any{"inputProperties": map[string]any{"region": region}},
		"resources": res,
		"types":     b.types,
	}
	return json.Marshal(spec)
}

// withSchema is the test double with a GetSchema answer.
type withSchema struct {
	*fakeaws.Provider
	schema string
}

func (p *withSchema) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	if v := req.GetVersion(); v != 0 {
		return nil, fmt.Errorf("awsschema: unsupported schema version %d", v)
	}
	return &pulumirpc.GetSchemaResponse{Schema: p.schema}, nil
}

func serve(args []string) error {
	s, err := schema()
	if err != nil {
		return err
	}
	prov, err := fakeaws.NewProvider()
	if err != nil {
		return err
	}
	return fakeaws.ServeProvider(args, &withSchema{Provider: prov, schema: string(s)})
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-schema" {
		s, err := schema()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var names []string
		var spec struct {
			Resources map[string]any `json:"resources"`
			Types     map[string]any `json:"types"`
		}
		_ = json.Unmarshal(s, &spec)
		for k := range spec.Resources {
			names = append(names, k)
		}
		for k := range spec.Types {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Println(strings.Join(names, "\n"))
		return
	}
	if err := serve(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-aws (fakeaws test double with a schema): %v\n", err)
		os.Exit(1)
	}
}
