package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Package identity as the schema and GetPluginInfo report it.
const (
	// Name is the package name: the first part of every type token.
	Name = "asyncroute"
	// Version is the provider's version, also the version of the SDKs
	// generated from the schema.
	Version = "0.1.0"
	// module is the middle part of every type token.
	module = "lambda"
)

// The subset of Pulumi's package schema (pkg/v3/codegen/schema) that this
// package uses, written here so that the provider does not depend on
// pkg/v3. Field order is the order of the JSON.
type (
	packageSpec struct {
		Name        string                   `json:"name"`
		DisplayName string                   `json:"displayName"`
		Version     string                   `json:"version"`
		Description string                   `json:"description"`
		Keywords    []string                 `json:"keywords"`
		License     string                   `json:"license"`
		Repository  string                   `json:"repository"`
		Publisher   string                   `json:"publisher"`
		Meta        map[string]string        `json:"meta"`
		Language    map[string]any           `json:"language"`
		Resources   map[string]*resourceSpec `json:"resources"`
		Types       map[string]any           `json:"types"`
	}
	resourceSpec struct {
		Description     string                   `json:"description"`
		IsComponent     bool                     `json:"isComponent"`
		InputProperties map[string]*propertySpec `json:"inputProperties"`
		RequiredInputs  []string                 `json:"requiredInputs,omitempty"`
		Properties      map[string]*propertySpec `json:"properties"`
		Required        []string                 `json:"required,omitempty"`
	}
	objectTypeSpec struct {
		Description string                   `json:"description"`
		Type        string                   `json:"type"`
		Properties  map[string]*propertySpec `json:"properties"`
		Required    []string                 `json:"required,omitempty"`
	}
	enumTypeSpec struct {
		Description string          `json:"description"`
		Type        string          `json:"type"`
		Enum        []enumValueSpec `json:"enum"`
	}
	enumValueSpec struct {
		Name        string `json:"name"`
		Value       string `json:"value"`
		Description string `json:"description"`
	}
	typeSpec struct {
		Type                 string    `json:"type,omitempty"`
		Ref                  string    `json:"$ref,omitempty"`
		Items                *typeSpec `json:"items,omitempty"`
		AdditionalProperties *typeSpec `json:"additionalProperties,omitempty"`
		Plain                bool      `json:"plain,omitempty"`
	}
	propertySpec struct {
		typeSpec
		Description string `json:"description"`
	}
)

// component is one component resource of the package: its args struct and
// the Go component whose pulumi-tagged fields are its outputs.
type component struct {
	name   string // Function
	args   any    // FunctionArgs{}
	result any    // asyncroute.Function{}
}

var components = []component{
	{"Function", FunctionArgs{}, asyncroute.Function{}},
	{"AsyncInvoke", AsyncInvokeArgs{}, asyncroute.AsyncInvoke{}},
	{"EventSourceMapping", EventSourceMappingArgs{}, asyncroute.EventSourceMapping{}},
}

// enums lists the values of the enum types, in schema order: the
// destination kinds an ARN names and the event sources as the library
// lists them (lambdafacts; a new one fails Schema until it has a
// description), then the provider's own destination kinds. The library's
// URI kind (a Kafka topic, kafka://<topic>) is the provider's kafkaTopic.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[DestinationKind](): append(arnKindValues(),
		string(KindDefaultEventBus), string(KindNewQueue), string(KindNewTopic), string(KindResponseOnly), string(KindKafkaTopic)),
	reflect.TypeFor[SourceKind](): sourceKindValues(),
}

// arnKindValues are the library's destination kinds given by an ARN.
func arnKindValues() []string {
	var out []string
	for _, k := range lambdafacts.Kinds() {
		if !k.URI {
			out = append(out, string(k.Kind))
		}
	}
	return out
}

// sourceKindValues are the library's event sources.
func sourceKindValues() []string {
	out := make([]string, len(lambdafacts.SourceOrder))
	for i, k := range lambdafacts.SourceOrder {
		out[i] = string(k)
	}
	return out
}

// Token is the type token of a resource or type of this package.
func Token(name string) string { return Name + ":" + module + ":" + name }

// Schema renders the package schema as indented JSON. It is deterministic:
// the golden test compares it with schema.json byte for byte.
func Schema() ([]byte, error) {
	b := &builder{types: map[string]any{}}
	spec := &packageSpec{
		Name:        Name,
		DisplayName: "asyncroute",
		Version:     Version,
		Description: "AWS Lambda asynchronous-invocation routing, correct by construction: destinations, dead-letter " +
			"targets, retry settings and the least-privilege IAM grants they need, created in the right order.",
		Keywords:   []string{"pulumi", "aws", "lambda", "category/cloud", "kind/component"},
		License:    "Apache-2.0",
		Repository: "https://github.com/asyncroute/asyncroute",
		Publisher:  "asyncroute",
		Meta:       map[string]string{"moduleFormat": "(.*)"},
		Language: map[string]any{
			"nodejs": map[string]any{
				"packageName":          "@asyncroute/asyncroute",
				"packageDescription":   "asyncroute components for Pulumi TypeScript and JavaScript programs",
				"dependencies":         map[string]string{"@pulumi/pulumi": "^3.142.0"},
				"respectSchemaVersion": true,
			},
			"python": map[string]any{
				"packageName":          "pulumi_asyncroute",
				"requires":             map[string]string{"pulumi": ">=3.142.0,<4.0.0"},
				"respectSchemaVersion": true,
				"pyproject":            map[string]any{"enabled": true},
			},
		},
		Resources: map[string]*resourceSpec{},
		Types:     b.types,
	}
	for _, c := range components {
		r, err := b.resource(c)
		if err != nil {
			return nil, err
		}
		spec.Resources[Token(c.name)] = r
	}
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(spec); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type builder struct {
	types map[string]any
	errs  []error
}

func (b *builder) fail(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf(format, args...))
}

func doc(docs map[string]string, key, where string, b *builder) string {
	d, ok := docs[key]
	if !ok || strings.TrimSpace(d) == "" {
		b.fail("schema: %s has no description", where)
	}
	return d
}

func (b *builder) resource(c component) (*resourceSpec, error) {
	r := &resourceSpec{
		Description: doc(resourceDocs, c.name, "resource "+c.name, b),
		IsComponent: true,
	}
	argsT := reflect.TypeOf(c.args)
	r.InputProperties, r.RequiredInputs = b.properties(argsT)
	r.Properties, r.Required = b.outputs(c.name, reflect.TypeOf(c.result))
	return r, nil
}

// properties describes the pulumi-tagged fields of an args struct.
func (b *builder) properties(t reflect.Type) (map[string]*propertySpec, []string) {
	props := map[string]*propertySpec{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, optional, ok := tagOf(f)
		if !ok {
			continue
		}
		ts := b.typeOf(f.Type, t.Name()+"."+f.Name)
		props[name] = &propertySpec{typeSpec: ts, Description: doc(propertyDocs[t.Name()], name, t.Name()+"."+name, b)}
		if !optional {
			required = append(required, name)
		}
	}
	sort.Strings(required)
	return props, required
}

// outputs describes the pulumi-tagged output fields of a Go component.
func (b *builder) outputs(name string, t reflect.Type) (map[string]*propertySpec, []string) {
	props := map[string]*propertySpec{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, ok := tagOf(f)
		if !ok {
			continue
		}
		var ts typeSpec
		optional := false
		switch f.Type {
		case reflect.TypeFor[pulumi.StringOutput]():
			ts.Type = "string"
		case reflect.TypeFor[pulumi.StringPtrOutput]():
			ts.Type, optional = "string", true
		case reflect.TypeFor[pulumi.BoolOutput]():
			ts.Type = "boolean"
		case reflect.TypeFor[pulumi.IntOutput]():
			ts.Type = "integer"
		default:
			b.fail("schema: output %s.%s has type %s, which the schema builder does not map", name, f.Name, f.Type)
			continue
		}
		props[tag] = &propertySpec{typeSpec: ts, Description: doc(propertyDocs[name], tag, name+"."+tag+" (output)", b)}
		if !optional {
			required = append(required, tag)
		}
	}
	sort.Strings(required)
	return props, required
}

func tagOf(f reflect.StructField) (name string, optional, ok bool) {
	tag, has := f.Tag.Lookup("pulumi")
	if !has || !f.IsExported() {
		return "", false, false
	}
	parts := strings.Split(tag, ",")
	for _, p := range parts[1:] {
		if p == "optional" {
			optional = true
		}
	}
	return parts[0], optional, true
}

// Input interfaces and the schema types they stand for.
var inputTypes = map[reflect.Type]typeSpec{
	reflect.TypeFor[pulumi.StringInput]():      {Type: "string"},
	reflect.TypeFor[pulumi.IntInput]():         {Type: "integer"},
	reflect.TypeFor[pulumi.BoolInput]():        {Type: "boolean"},
	reflect.TypeFor[pulumi.ArchiveInput]():     {Ref: "pulumi.json#/Archive"},
	reflect.TypeFor[pulumi.StringMapInput]():   {Type: "object", AdditionalProperties: &typeSpec{Type: "string"}},
	reflect.TypeFor[pulumi.StringArrayInput](): {Type: "array", Items: &typeSpec{Type: "string"}},
}

// typeOf maps a field's Go type to a schema type; plain Go types become
// plain schema types (known while the program runs).
func (b *builder) typeOf(t reflect.Type, where string) typeSpec {
	if ts, ok := inputTypes[t]; ok {
		return ts
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if values, ok := enums[t]; ok {
		b.enum(t, values)
		return typeSpec{Ref: "#/types/" + Token(t.Name()), Plain: true}
	}
	switch {
	case t == reflect.TypeFor[Whole]():
		return typeSpec{Type: "integer", Plain: true}
	case t == reflect.TypeFor[Number]():
		return typeSpec{Type: "number", Plain: true}
	case t.Kind() == reflect.Bool:
		return typeSpec{Type: "boolean", Plain: true}
	case t.Kind() == reflect.String:
		return typeSpec{Type: "string", Plain: true}
	case t.Kind() == reflect.Struct:
		b.object(t)
		return typeSpec{Ref: "#/types/" + Token(t.Name()), Plain: true}
	}
	b.fail("schema: %s has type %s, which the schema builder does not map", where, t)
	return typeSpec{}
}

func (b *builder) object(t reflect.Type) {
	tok := Token(t.Name())
	if _, done := b.types[tok]; done {
		return
	}
	b.types[tok] = nil // reserve: recursive types refer to themselves
	props, required := b.properties(t)
	b.put(tok, objectTypeSpec{
		Description: doc(typeDocs, t.Name(), "type "+t.Name(), b),
		Type:        "object",
		Properties:  props,
		Required:    required,
	})
}

func (b *builder) enum(t reflect.Type, values []string) {
	tok := Token(t.Name())
	if _, done := b.types[tok]; done {
		return
	}
	prefix := ""
	if t == reflect.TypeFor[SourceKind]() {
		prefix = "source:"
	}
	e := enumTypeSpec{Description: doc(typeDocs, t.Name(), "type "+t.Name(), b), Type: "string"}
	for _, v := range values {
		e.Enum = append(e.Enum, enumValueSpec{Name: enumName(v), Value: v, Description: doc(enumDocs, prefix+v, t.Name()+" "+v, b)})
	}
	b.put(tok, e)
}

// enumName is the name SDKs give an enum value: sqs -> Sqs,
// defaultEventBus -> DefaultEventBus.
func enumName(v string) string { return strings.ToUpper(v[:1]) + v[1:] }

func (b *builder) put(tok string, v any) { b.types[tok] = v }
