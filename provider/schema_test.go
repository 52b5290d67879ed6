package provider

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"sort"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite schema.json from the code")

// TestSchemaGolden compares the schema the provider serves with the
// committed schema.json (what SDK generation and reviewers read). After a
// deliberate change: go test ./... -run TestSchemaGolden -update
func TestSchemaGolden(t *testing.T) {
	got, err := Schema()
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile("schema.json", got, 0o644))
	}
	want, err := os.ReadFile("schema.json")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "schema.json is out of date: go test -run TestSchemaGolden -update")

	// What the engine gets is the same.
	s, err := NewServer(nil)
	require.NoError(t, err)
	resp, err := s.GetSchema(context.Background(), &pulumirpc.GetSchemaRequest{})
	require.NoError(t, err)
	assert.Equal(t, string(want), resp.GetSchema())
}

// TestSchemaDescribesEverything walks the JSON: every resource, type,
// property and enum value has a description.
func TestSchemaDescribesEverything(t *testing.T) {
	raw, err := Schema()
	require.NoError(t, err)
	var spec struct {
		Resources map[string]struct {
			Description     string                     `json:"description"`
			InputProperties map[string]json.RawMessage `json:"inputProperties"`
			Properties      map[string]json.RawMessage `json:"properties"`
		} `json:"resources"`
		Types map[string]struct {
			Description string                     `json:"description"`
			Properties  map[string]json.RawMessage `json:"properties"`
			Enum        []struct {
				Value       string `json:"value"`
				Description string `json:"description"`
			} `json:"enum"`
		} `json:"types"`
	}
	require.NoError(t, json.Unmarshal(raw, &spec))
	described := func(where string, props map[string]json.RawMessage) {
		for name, p := range props {
			var d struct {
				Description string `json:"description"`
			}
			require.NoError(t, json.Unmarshal(p, &d))
			assert.NotEmpty(t, d.Description, "%s.%s", where, name)
		}
	}
	require.Len(t, spec.Resources, 3)
	for tok, r := range spec.Resources {
		assert.NotEmpty(t, r.Description, tok)
		assert.NotEmpty(t, r.InputProperties, tok)
		assert.NotEmpty(t, r.Properties, tok)
		described(tok+" input", r.InputProperties)
		described(tok+" output", r.Properties)
	}
	for tok, ty := range spec.Types {
		assert.NotEmpty(t, ty.Description, tok)
		described(tok, ty.Properties)
		for _, e := range ty.Enum {
			assert.NotEmpty(t, e.Description, "%s %s", tok, e.Value)
		}
	}
}

// TestSchemaOutputsAreTheGoComponents checks that every pulumi-tagged
// output of the Go components is in the schema, and nothing else.
func TestSchemaOutputsAreTheGoComponents(t *testing.T) {
	raw, err := Schema()
	require.NoError(t, err)
	var spec struct {
		Resources map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(raw, &spec))
	for tok, v := range map[string]any{
		asyncroute.FunctionType:           asyncroute.Function{},
		asyncroute.AsyncInvokeType:        asyncroute.AsyncInvoke{},
		asyncroute.EventSourceMappingType: asyncroute.EventSourceMapping{},
	} {
		var tags []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			if tag, ok := rt.Field(i).Tag.Lookup("pulumi"); ok {
				tags = append(tags, tag)
			}
		}
		var props []string
		for p := range spec.Resources[tok].Properties {
			props = append(props, p)
		}
		sort.Strings(tags)
		sort.Strings(props)
		assert.Equal(t, tags, props, tok)
	}
}

// TestDestinationKindsCoverTheGoKinds: every kind an ARN can name (the
// library's kinds but its URI kind, Kafka, which is kafkaTopic here) is a
// destination kind of the schema, with the same value, and every event
// source of the library is a source kind of the schema.
func TestDestinationKindsCoverTheGoKinds(t *testing.T) {
	for _, spec := range lambdafacts.Kinds() {
		if spec.URI {
			continue
		}
		k := spec.Kind
		assert.Contains(t, arnKinds, DestinationKind(k), "kind %q", k)
		assert.Equal(t, k, arnKinds[DestinationKind(k)])
		assert.Contains(t, enums[reflect.TypeFor[DestinationKind]()], string(k))
	}
	for _, k := range lambdafacts.SourceOrder {
		assert.Contains(t, enums[reflect.TypeFor[SourceKind]()], string(k))
	}
}
