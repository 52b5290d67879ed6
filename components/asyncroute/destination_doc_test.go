package asyncroute

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// destinationKinds lists the types of the package that implement
// Destination, read from the source (every type with a resolve method).
func destinationKinds(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var kinds []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "resolve" {
				continue
			}
			if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok {
				kinds = append(kinds, id.Name)
			}
		}
	}
	sort.Strings(kinds)
	return kinds
}

// The set of destinations is closed, and the docs say so and name every
// kind: a user's type cannot implement Destination (all its methods are
// unexported), the godoc of Destination lists each kind, and the
// "Destination kinds" section of docs/destinations.md says the set is
// closed, points to ARN for other targets and shows every kind; the
// README's table of destinations has every kind too.
func TestDestinationSetIsClosedAndDocumented(t *testing.T) {
	iface := reflect.TypeOf((*Destination)(nil)).Elem()
	require.Positive(t, iface.NumMethod())
	for i := range iface.NumMethod() {
		assert.False(t, iface.Method(i).IsExported(), "Destination.%s is exported: a type outside the package could implement it", iface.Method(i).Name)
	}

	kinds := destinationKinds(t)
	require.Equal(t, []string{"ARN", "DefaultEventBus", "EventBus", "KafkaTopic", "LambdaFunction", "NewQueue", "NewTopic", "ResponseOnly", "S3Bucket", "SNSTopic", "SQSQueue"}, kinds)
	// Each kind implements Destination (checked by the compiler here), and
	// no other type of the package does.
	implemented := map[string]Destination{
		"ARN": ARN{}, "DefaultEventBus": DefaultEventBus{}, "EventBus": EventBus{}, "KafkaTopic": KafkaTopic{},
		"LambdaFunction": LambdaFunction{}, "NewQueue": NewQueue{}, "NewTopic": NewTopic{}, "ResponseOnly": ResponseOnly{},
		"S3Bucket": S3Bucket{}, "SNSTopic": SNSTopic{}, "SQSQueue": SQSQueue{},
	}
	names := make([]string, 0, len(implemented))
	for k := range implemented {
		names = append(names, k)
	}
	sort.Strings(names)
	assert.Equal(t, kinds, names)

	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "destination.go", nil, parser.ParseComments)
	require.NoError(t, err)
	var godoc string
	for _, d := range file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE && g.Specs[0].(*ast.TypeSpec).Name.Name == "Destination" {
			godoc = g.Doc.Text()
		}
	}
	require.NotEmpty(t, godoc)
	assert.Contains(t, godoc, "The set is closed")
	for _, k := range kinds {
		assert.Contains(t, godoc, "["+k+"]", "the godoc of Destination names %s", k)
	}

	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "destinations.md"))
	require.NoError(t, err)
	section := regexp.MustCompile(`(?s)\n## Destination kinds\n(.*?)\n## `).FindSubmatch(page)
	require.NotNil(t, section, "docs/destinations.md has a Destination kinds section")
	text := string(section[1])
	prose := strings.Join(strings.Fields(text), " ") // line breaks as spaces
	assert.Contains(t, prose, "The set is closed")
	assert.Contains(t, prose, "a type of your own cannot implement it")
	assert.Contains(t, text, "asyncroute.ARN{Arn: ..., Kind: ...}")
	for _, k := range kinds {
		assert.Regexp(t, "`(asyncroute\\.)?"+k+"\\b|asyncroute\\."+k+"\\{", text, "docs/destinations.md's Destination kinds section names %s", k)
	}

	// The README's one table of destinations has a row for every kind.
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	table := regexp.MustCompile(`(?s)\n## Destinations\n(.*?)\n## `).FindSubmatch(readme)
	require.NotNil(t, table, "README.md has a Destinations section")
	for _, k := range kinds {
		assert.Regexp(t, "(?m)^\\| `"+k+"\\{|, `"+k+"\\{", string(table[1]), "README.md's table of destinations names %s", k)
	}
}
