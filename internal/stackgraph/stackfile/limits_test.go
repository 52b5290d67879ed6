package stackfile_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/internal/stackgraph/stackfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nested wraps an inputs value in an export of one resource: the value
// sits 5 levels deep ({deployment{resources[{inputs{).
func nested(value string) []byte {
	return []byte(`{"deployment":{"resources":[{"urn":"urn:pulumi:s::p::aws:sqs/queue:Queue::q","type":"aws:sqs/queue:Queue","inputs":{"a":` + value + `}}]}}`)
}

func TestLimitFileSize(t *testing.T) {
	big := nested(`"` + strings.Repeat("x", stackfile.MaxFileSize) + `"`)
	_, _, err := stackfile.Decode(big)
	assert.EqualError(t, err, fmt.Sprintf("the file has %d bytes; the limit is 67108864 (64 MiB, stackfile.MaxFileSize)", len(big)))

	// At the limit the file is read (and refused here for what it holds:
	// decoding 64 MiB would slow the tests down).
	atLimit := append([]byte("["), make([]byte, stackfile.MaxFileSize-1)...)
	_, _, err = stackfile.Decode(atLimit)
	assert.ErrorContains(t, err, "the file is not a JSON object; expected the output of")
}

// prefix is the length of nested's text before the value.
var prefix = len(nested("")) - len("}}]}}")

func TestLimitDepth(t *testing.T) {
	deep := func(k int) []byte { return nested(strings.Repeat("[", k) + strings.Repeat("]", k)) } // 5+k levels
	_, _, err := stackfile.Decode(deep(stackfile.MaxDepth - 5))
	require.NoError(t, err, "at the limit")
	_, _, err = stackfile.Decode(deep(stackfile.MaxDepth - 4))
	want := fmt.Sprintf("the file nests JSON objects and arrays more than 1000 levels deep (at byte %d); the limit is 1000 (stackfile.MaxDepth)", prefix+stackfile.MaxDepth-5)
	assert.EqualError(t, err, want)
	// Far deeper than encoding/json's own limit (10000): the same error,
	// not "not valid JSON".
	_, _, err = stackfile.Decode(nested(strings.Repeat(`{"a":`, 1_000_000)))
	assert.EqualError(t, err, fmt.Sprintf("the file nests JSON objects and arrays more than 1000 levels deep (at byte %d); the limit is 1000 (stackfile.MaxDepth)", prefix+5*(stackfile.MaxDepth-5)))
	// Brackets in strings, escaped quotes included, do not count.
	_, _, err = stackfile.Decode(nested(`"` + strings.Repeat(`[{\"`, 2000) + `"`))
	assert.NoError(t, err)
}

func TestLimitValues(t *testing.T) {
	array := func(n int) []byte { return []byte("[" + strings.Repeat("0,", n-1) + "0]") } // n+1 values
	// At the limit the file is read (and refused here for not being an
	// object: decoding 4M values would slow the tests down).
	_, _, err := stackfile.Decode(array(stackfile.MaxValues - 1))
	assert.ErrorContains(t, err, "the file is not a JSON object; expected the output of")
	_, _, err = stackfile.Decode(array(stackfile.MaxValues))
	assert.EqualError(t, err, fmt.Sprintf("the file holds more than 4194304 JSON values and keys (at byte %d); the limit is 4194304 (stackfile.MaxValues)", 2*stackfile.MaxValues-1))
	_, _, err = stackfile.Decode(nested("[" + strings.Repeat(`"",`, stackfile.MaxValues) + `""]`))
	assert.ErrorContains(t, err, "the limit is 4194304 (stackfile.MaxValues)", "strings count")
	_, _, err = stackfile.Decode(nested("[" + strings.Repeat(`true,null,`, stackfile.MaxValues/2) + `1.5e3]`))
	assert.ErrorContains(t, err, "the limit is 4194304 (stackfile.MaxValues)", "literals count")
	_, _, err = stackfile.Decode(nested("[" + strings.Repeat(`{"k":{}},`, stackfile.MaxValues/3) + `{}]`))
	assert.ErrorContains(t, err, "the limit is 4194304 (stackfile.MaxValues)", "objects and keys count")
}

// Decoding takes memory in proportion to the values read: an array of
// small objects, the costliest shape per byte, stays under 1 KiB
// allocated per value.
func TestMemoryPerValue(t *testing.T) {
	const objects = 100_000 // {"a":0}: 3 values each
	data := nested("[" + strings.Repeat(`{"a":0},`, objects-1) + `{"a":0}]`)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g, _, err := stackfile.Decode(data)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Len(t, g.Resources[0].Inputs["a"], objects)
	perValue := float64(after.TotalAlloc-before.TotalAlloc) / (3 * objects)
	t.Logf("%.0f bytes allocated per value", perValue)
	assert.Less(t, perValue, 1024.0)
}
