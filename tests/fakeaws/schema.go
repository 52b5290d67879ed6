package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The double answers GetSchema, which Pulumi YAML asks of every provider a
// program uses, so that YAML programs may declare the AWS resources the
// double implements. The schema is minimal and made here, not copied: for
// every type in specs, its input properties are read by reflection from the
// pulumi-aws Go SDK's Args type (the `pulumi` tags and Go types of its
// element type) and its output properties from the SDK's resource struct
// (the element types of its output fields); nested object types likewise.
// It has no descriptions and no validation beyond property names and
// types, which is all Pulumi YAML needs to type-check a program.

// schemaJSON is the package schema, built once.
var schemaJSON = sync.OnceValues(func() ([]byte, error) {
	b := &schemaBuilder{types: map[string]any{}}
	res := map[string]any{}
	for tok, sp := range specs {
		module := strings.Split(strings.Split(tok, ":")[1], "/")[0]
		if sp.args == nil {
			return nil, fmt.Errorf("fakeaws: %s has no args type for the schema", tok)
		}
		res[tok] = map[string]any{
			"inputProperties": b.properties(sp.args.ElementType(), module),
			"properties":      b.outputs(reflect.TypeOf(sp.schema), module),
		}
	}
	region := map[string]any{"type": "string"}
	return json.Marshal(map[string]any{
		"name":      "aws",
		"version":   Version,
		"meta":      map[string]any{"moduleFormat": "(.*)(?:/[^/]*)"},
		"config":    map[string]any{"variables": map[string]any{"region": region}},
		"provider":  map[string]any{"inputProperties": map[string]any{"region": region}},
		"resources": res,
		"types":     b.types,
	})
})

// SchemaTypes lists the resource and object type tokens of the double's
// schema, sorted.
func SchemaTypes() ([]string, error) {
	s, err := schemaJSON()
	if err != nil {
		return nil, err
	}
	var spec struct {
		Resources map[string]any `json:"resources"`
		Types     map[string]any `json:"types"`
	}
	if err := json.Unmarshal(s, &spec); err != nil {
		return nil, err
	}
	var names []string
	for k := range spec.Resources {
		names = append(names, k)
	}
	for k := range spec.Types {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, nil
}

// GetSchema returns the double's schema (see schemaJSON).
func (p *Provider) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	if v := req.GetVersion(); v != 0 {
		return nil, fmt.Errorf("fakeaws: unsupported schema version %d", v)
	}
	s, err := schemaJSON()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetSchemaResponse{Schema: string(s)}, nil
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

// properties are the `pulumi`-tagged fields of a plain struct.
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

// elementTyped is an SDK output type (pulumi.StringOutput, ...).
type elementTyped interface{ ElementType() reflect.Type }

// outputs are the `pulumi`-tagged output fields of a resource struct, by
// their element types.
func (b *schemaBuilder) outputs(t reflect.Type, module string) map[string]any {
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("pulumi"), ",")[0]
		if tag == "" {
			continue
		}
		out, ok := reflect.New(f.Type).Elem().Interface().(elementTyped)
		if !ok {
			continue
		}
		props[tag] = b.typeOf(out.ElementType(), module)
	}
	return props
}
