package stackgraph_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
)

const queueURN = "urn:pulumi:dev::shop::aws:sqs/queue:Queue::jobs"

func str(s string) resource.PropertyValue { return resource.NewProperty(s) }

func obj(m resource.PropertyMap) resource.PropertyValue { return resource.NewProperty(m) }

func TestFromPropertyValue(t *testing.T) {
	// Assets and archives as the engine receives them (no hashing: the
	// files need not exist).
	fileAsset := &asset.Asset{Sig: asset.AssetSig, Path: "./handler.py"}
	remoteAsset := &asset.Asset{Sig: asset.AssetSig, URI: "https://example.com/a.txt"}
	textAsset := &asset.Asset{Sig: asset.AssetSig, Text: "print(1)"}
	dirArchive := &archive.Archive{Sig: archive.ArchiveSig, Path: "./handler"}
	remoteArchive := &archive.Archive{Sig: archive.ArchiveSig, URI: "https://example.com/code.zip"}
	assetsArchive := &archive.Archive{Sig: archive.ArchiveSig, Assets: map[string]any{"index.py": textAsset}}

	unknownOutput := resource.NewProperty(resource.Output{Known: false, Dependencies: []resource.URN{queueURN}})
	knownOutput := resource.NewProperty(resource.Output{Element: str("arn:aws:sqs:us-east-1:123456789012:jobs"), Known: true, Dependencies: []resource.URN{queueURN}})

	for _, c := range []struct {
		name string
		in   resource.PropertyValue
		want any
	}{
		{"string", str("x"), "x"},
		{"number", resource.NewProperty(3.0), 3.0},
		{"bool", resource.NewProperty(true), true},
		{"null", resource.NewNullProperty(), nil},
		{"secret", resource.MakeSecret(str("hunter2")), "hunter2"},
		{"secret object", resource.MakeSecret(obj(resource.PropertyMap{"a": str("b")})), map[string]any{"a": "b"}},
		{"computed", resource.MakeComputed(str("")), stackgraph.Unknown{}},
		{"secret computed", resource.MakeSecret(resource.MakeComputed(str(""))), stackgraph.Unknown{}},
		{"unknown output", unknownOutput, stackgraph.Unknown{}},
		{"known output", knownOutput, "arn:aws:sqs:us-east-1:123456789012:jobs"},
		{"unknown nested in an object",
			obj(resource.PropertyMap{"onFailure": obj(resource.PropertyMap{"destination": resource.MakeComputed(str(""))})}),
			map[string]any{"onFailure": map[string]any{"destination": stackgraph.Unknown{}}}},
		{"unknown nested in a list", resource.NewProperty([]resource.PropertyValue{str("a"), unknownOutput, resource.NewNullProperty()}),
			[]any{"a", stackgraph.Unknown{}, nil}},
		{"null entries of objects are left out", obj(resource.PropertyMap{"a": resource.NewNullProperty(), "b": str("c")}),
			map[string]any{"b": "c"}},
		{"file asset", resource.NewProperty(fileAsset), "asset:./handler.py"},
		{"remote asset", resource.NewProperty(remoteAsset), "asset:https://example.com/a.txt"},
		{"text asset", resource.NewProperty(textAsset), "asset:"},
		{"file archive", resource.NewProperty(dirArchive), "archive:./handler"},
		{"remote archive", resource.NewProperty(remoteArchive), "archive:https://example.com/code.zip"},
		{"asset archive", resource.NewProperty(assetsArchive), "archive:"},
		{"custom resource reference", resource.MakeCustomResourceReference(queueURN, "https://sqs/jobs", ""), queueURN},
		{"custom resource reference with an unknown id", resource.MakeCustomResourceReference(queueURN, "", ""), queueURN},
		{"component reference", resource.MakeComponentResourceReference("urn:pulumi:dev::shop::asyncroute:lambda:Function::orders", ""),
			"urn:pulumi:dev::shop::asyncroute:lambda:Function::orders"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, stackgraph.FromPropertyValue(c.in))
		})
	}
}

func TestFromPropertyMap(t *testing.T) {
	assert.Nil(t, stackgraph.FromPropertyMap(nil))
	assert.Equal(t, map[string]any{}, stackgraph.FromPropertyMap(resource.PropertyMap{}))
	got := stackgraph.FromPropertyMap(resource.PropertyMap{
		"policy": resource.MakeComputed(str("")),
		"role":   str("orders-role"),
		"gone":   resource.NewNullProperty(),
	})
	assert.Equal(t, map[string]any{"policy": stackgraph.Unknown{}, "role": "orders-role"}, got)
}

// A policy pack's property.Map goes through the same conversion.
func TestFromProperties(t *testing.T) {
	m := property.NewMap(map[string]property.Value{
		"arn":    property.New("arn:aws:sqs:us-east-1:123456789012:jobs"),
		"secret": property.New("s").WithSecret(true),
		"later":  property.New(property.Computed),
		"nested": property.New(map[string]property.Value{"destination": property.New(property.Computed).WithDependencies([]resource.URN{queueURN})}),
		"list":   property.New([]property.Value{property.New(1.0), property.New(property.Computed)}),
		"ref":    property.New(property.ResourceReference{URN: queueURN, ID: property.New("https://sqs/jobs")}),
		"null":   property.New(property.Null),
	})
	assert.Equal(t, map[string]any{
		"arn":    "arn:aws:sqs:us-east-1:123456789012:jobs",
		"secret": "s",
		"later":  stackgraph.Unknown{},
		"nested": map[string]any{"destination": stackgraph.Unknown{}},
		"list":   []any{1.0, stackgraph.Unknown{}},
		"ref":    queueURN,
	}, stackgraph.FromProperties(m))
}

func TestUnknown(t *testing.T) {
	assert.Equal(t, "<unknown until deploy>", stackgraph.Unknown{}.String())
	assert.True(t, stackgraph.IsUnknown(stackgraph.Unknown{}))
	assert.True(t, stackgraph.IsUnknown(&stackgraph.Unknown{}))
	assert.False(t, stackgraph.IsUnknown("<unknown until deploy>"))
	assert.False(t, stackgraph.IsUnknown(nil))
}
