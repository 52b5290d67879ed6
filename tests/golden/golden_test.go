// Package golden pins the offline plan (-json and -diagram) of the root
// stack and of every example. Run `go test ./tests/golden -update` after an
// intended change and review the diff.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/asyncroute/asyncroute/components/plan"
	eventbridge "github.com/asyncroute/asyncroute/examples/eventbridge-archive/stack"
	existing "github.com/asyncroute/asyncroute/examples/existing-function/stack"
	pipeline "github.com/asyncroute/asyncroute/examples/pipeline/stack"
	responsechain "github.com/asyncroute/asyncroute/examples/response-chain/stack"
	"github.com/asyncroute/asyncroute/stacks/orders"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var stacks = []struct {
	name    string
	dir     string
	program pulumi.RunFunc
}{
	{"orders", "../..", orders.Program},
	{"pipeline", "../../examples/pipeline", pipeline.Program},
	{"eventbridge-archive", "../../examples/eventbridge-archive", eventbridge.Program},
	{"existing-function", "../../examples/existing-function", existing.Program},
	{"response-chain", "../../examples/response-chain", responsechain.Program},
}

func TestGolden(t *testing.T) {
	for _, s := range stacks {
		for _, f := range []struct {
			ext  string
			opts plan.Options
		}{{"json", plan.Options{JSON: true}}, {"mmd", plan.Options{Diagram: true}}, {"txt", plan.Options{}}} {
			t.Run(s.name+"."+f.ext, func(t *testing.T) {
				o := f.opts
				o.Dir = s.dir
				var buf bytes.Buffer
				require.NoError(t, plan.Plan(&buf, s.program, o))
				path := filepath.Join("testdata", s.name+"."+f.ext)
				if *update {
					require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err, "missing golden file; run with -update")
				assert.Equal(t, string(want), buf.String())
			})
		}
	}
}
