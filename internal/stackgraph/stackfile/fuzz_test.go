package stackfile_test

import (
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/internal/stackgraph/stackfile"
)

// FuzzDecode feeds arbitrary bytes to Decode: an error or a graph, never a
// panic; an error comes with no graph; a graph names a format and holds
// resources with a URN and a type, indexed by URN; decoding is
// deterministic. Seeds: the shapes below and testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	const q = `{"urn":"urn:pulumi:dev::shop::aws:sqs/queue:Queue::q","type":"aws:sqs/queue:Queue","inputs":{"fifoQueue":false,"kmsMasterKeyId":"04da6b54-80e4-46f7-96ec-b56ff0331ba9"},"outputs":{"arn":"arn:aws:sqs:us-east-1:1:q","s":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","plaintext":"\"x\""},"r":{"4dabf18193072939515e22adb298388d":"5cf8f73096256a8f31e491e813e4eb8e","urn":"urn:a::b","id":"i"},"o":{"4dabf18193072939515e22adb298388d":"d0e6a833031e9bbcd3f4e8bde6ca49a4","value":[1,"[secret]"]},"c":{"4dabf18193072939515e22adb298388d":"0def7320c3a5731c473e5ecbe6d01bc7","assets":{"a":1}}},"dependencies":["urn:a::b"],"propertyDependencies":{"x":["urn:a::b"]},"custom":true}`
	for _, s := range []string{
		`{"version":3,"deployment":{"resources":[` + q + `,{"urn":"urn:pulumi:dev::shop::aws:sqs/queue:Queue::old","type":"aws:sqs/queue:Queue","delete":true}]}}`,
		`{"version":3,"checkpoint":{"latest":{"resources":[` + q + `]}}}`,
		`{"checkpoint":{"stack":"organization/shop/dev"}}`,
		`{"steps":[{"op":"create","urn":"urn:pulumi:dev::shop::aws:sqs/queue:Queue::q","newState":` + q + `},{"op":"delete","oldState":` + q + `},{"op":"same","oldState":` + q + `}],"changeSummary":{"create":1}}`,
		`{"steps":[{"op":"create","urn":"urn:a::b","newState":{"urn":"urn:c::d","type":"t"}}]}`,
		`{"steps":[{"op":"create"}]}`, `{"changeSummary":{}}`, `{"deployment":{"resources":null}}`, `{"deployment":{"resources":{}}}`,
		`{"resources":[{"urn":"urn:pulumi:dev::shop::aws:sqs/queue:Queue::q","type":"aws:sqs/queue:Queue","inputs":{"a":null,"b":"<unknown until deploy>","c":[{"d":"<unknown until deploy>"}]},"dependencies":[],"component":false},{"urn":"urn:x::y","type":"my:C","component":true}],"creationOrder":["urn:x::y"]}`,
		`{"resources":null,"creationOrder":null}`, `{"resources":{},"creationOrder":[]}`,
		`{"name":"x"}`, `{} {}`, `[]`, `{`, ``, "\xff", `{"deployment":` + strings.Repeat("[", 50) + strings.Repeat("]", 50) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, format, err := stackfile.Decode(data)
		if err != nil {
			if g != nil || err.Error() == "" {
				t.Fatalf("Decode(%q): error %q with a graph %v", data, err, g)
			}
			return
		}
		if g == nil || (format != stackfile.StackExport && format != stackfile.Preview && format != stackfile.Plan) {
			t.Fatalf("Decode(%q) = %v, %q", data, g, format)
		}
		for _, r := range g.Resources {
			if r == nil || r.URN == "" || r.Type == "" || g.ByURN(r.URN) == nil {
				t.Fatalf("Decode(%q): resource %#v", data, r)
			}
		}
		again, format2, err := stackfile.Decode(data)
		if err != nil || format2 != format || len(again.Resources) != len(g.Resources) {
			t.Fatalf("Decode(%q) is not deterministic: %d resources, then %v, %v", data, len(g.Resources), again, err)
		}
	})
}
