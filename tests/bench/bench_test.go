package bench

import (
	"fmt"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BenchmarkPlan plans n functions through the construct and raw. Compare
// the two with scripts/bench.sh, which prints the ratios of one run.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{100, 1000, 3000} {
		for _, mode := range []string{"construct", "raw", "construct-destinations-first"} {
			b.Run(fmt.Sprintf("%s/n=%d", mode, n), func(b *testing.B) {
				program := map[string]func(int) pulumi.RunFunc{
					"construct": Construct, "raw": Raw, "construct-destinations-first": ConstructDestinationsFirst,
				}[mode](n)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := asyncroutetest.Run(program); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/function")
			})
		}
	}
}
