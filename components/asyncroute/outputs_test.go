package asyncroute

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The outputs a component registers are exactly its pulumi-tagged fields,
// by their tags; one left unset is an error, not an output left out.
func TestOutputsAreThePulumiTaggedFields(t *testing.T) {
	values := map[reflect.Type]pulumi.Input{
		reflect.TypeOf(pulumi.StringOutput{}):    pulumi.String("x").ToStringOutput(),
		reflect.TypeOf(pulumi.StringPtrOutput{}): pulumi.StringPtr("x").ToStringPtrOutput(),
		reflect.TypeOf(pulumi.BoolOutput{}):      pulumi.Bool(true).ToBoolOutput(),
	}
	for _, c := range []pulumi.ComponentResource{&Function{}, &AsyncInvoke{}, &EventSourceMapping{}} {
		v := reflect.ValueOf(c).Elem()
		t.Run(v.Type().Name(), func(t *testing.T) {
			var tags []string
			for i := 0; i < v.NumField(); i++ {
				tag, ok := v.Type().Field(i).Tag.Lookup("pulumi")
				if !ok {
					continue
				}
				tags = append(tags, tag)
				val, ok := values[v.Field(i).Type()]
				require.True(t, ok, "no test value for %s", v.Field(i).Type())
				v.Field(i).Set(reflect.ValueOf(val))
			}
			require.NotEmpty(t, tags)
			m, err := outputsOf(c)
			require.NoError(t, err)
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			sort.Strings(tags)
			assert.Equal(t, tags, keys)

			last := v.Type().Field(v.NumField() - 1)
			require.Contains(t, last.Tag, "pulumi:")
			v.Field(v.NumField() - 1).Set(reflect.Zero(last.Type))
			_, err = outputsOf(c)
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), last.Name), err.Error())
		})
	}
}
