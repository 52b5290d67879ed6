//go:build engine

package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The preview fixtures of cmd/asyncroute-check captured from the real CLI:
// `pulumi preview --json` of Pulumi YAML programs, run against the test
// double. This test captures them again on every run and checks that the
// committed files still have the captured shape (the same steps, and the
// same report from the checker); ASYNCROUTE_UPDATE_FIXTURES=1 rewrites
// them.
//
//   - preview-captured.json and preview-captured-show-sames.json: the
//     scenario of the hand-written preview.json (a function written with
//     raw resources whose dead-letter target is a FIFO queue; an unchanged
//     failure queue; an old invoke config deleted), as
//     `pulumi preview --json` prints it, and with --show-sames;
//   - preview-yaml-orders.json: the first preview of the YAML order
//     processor (asyncroute:lambda:Function through the provider), which
//     has no finding.

// fixture is one captured preview and where it is kept.
type fixture struct {
	name string
	data []byte
}

func TestCapturedPreviewFixtures(t *testing.T) {
	needYAMLPlugins(t)
	var fixtures []fixture

	// The hand-written preview.json's scenario: project shop, stack dev,
	// eu-west-1; a failure queue and an old config on a function outside
	// the stack, then the change.
	y := newYAMLWorld(t, yamlOptions{testdata: "preview-fixture/before", project: "shop", stack: "dev",
		region: "eu-west-1", code: "app", seed: fakeaws.ExistingFunction("eu-west-1", "legacy", "legacy-role")})
	_, err := y.up()
	require.NoError(t, err)
	y.useProgram("preview-fixture/after")
	fixtures = append(fixtures,
		fixture{"preview-captured.json", sanitize(y.previewJSON())},
		fixture{"preview-captured-show-sames.json", sanitize(y.previewJSON("--show-sames"))})
	assert.Len(t, y.ops(0), 2, "the previews wrote nothing (the first up created the queue and the old config)")

	o := newYAMLWorld(t, yamlOptions{testdata: "yaml-orders"})
	fixtures = append(fixtures, fixture{"preview-yaml-orders.json", sanitize(o.previewJSON())})

	dir := filepath.Join(repoRoot, "cmd", "asyncroute-check", "testdata")
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join(dir, f.name)
			if os.Getenv("ASYNCROUTE_UPDATE_FIXTURES") == "1" {
				require.NoError(t, os.WriteFile(path, f.data, 0o644))
			}
			committed, err := os.ReadFile(path)
			require.NoError(t, err, "ASYNCROUTE_UPDATE_FIXTURES=1 writes it")
			assert.Equal(t, stepShape(t, f.data), stepShape(t, committed), "the committed file has the captured steps")
			fresh := filepath.Join(t.TempDir(), f.name)
			require.NoError(t, os.WriteFile(fresh, f.data, 0o644))
			gotFindings, gotCode := checkFile(t, fresh)
			wantFindings, wantCode := checkFile(t, path)
			assert.Equal(t, wantCode, gotCode)
			assert.Equal(t, normalizeFindings(wantFindings), normalizeFindings(gotFindings), "the checker reports the same on the committed file")
		})
	}

	// What the checker finds in the captures: the FIFO dead-letter target
	// (as in the hand-written preview.json) and, advisory, the raw config
	// with a destination that no alarm watches; nothing for the stack
	// built with the components.
	for _, name := range []string{"preview-captured.json", "preview-captured-show-sames.json"} {
		findings, code := checkFile(t, filepath.Join(dir, name))
		assert.Equal(t, 1, code, name)
		require.Len(t, findings, 2, name)
		assert.Equal(t, "ASYNC002", findings[0].RuleID, name)
		assert.Equal(t, "deadLetterConfig.targetArn", findings[0].Field, name)
		assert.Contains(t, findings[0].Message, `SQS queue "dead-letters" is FIFO`, name)
		assert.Equal(t, "ASYNC007", findings[1].RuleID, name)
		assert.Equal(t, "destinationConfig", findings[1].Field, name)
	}
	findings, code := checkFile(t, filepath.Join(dir, "preview-yaml-orders.json"))
	assert.Empty(t, findings)
	assert.Equal(t, 0, code)
}

// sanitize replaces the tests' temporary bin folder in the CLI's messages.
func sanitize(data []byte) []byte {
	return []byte(strings.ReplaceAll(string(data), fakeBinDir, "/tmp/engine-tests/bin"))
}

// stepShape lists a preview's steps as "op urn", sorted, and its change
// summary.
func stepShape(t *testing.T, data []byte) []string {
	t.Helper()
	var p struct {
		Steps []struct {
			Op  string `json:"op"`
			URN string `json:"urn"`
		} `json:"steps"`
		ChangeSummary map[string]int `json:"changeSummary"`
	}
	require.NoError(t, json.Unmarshal(data, &p))
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Op+" "+s.URN)
	}
	sort.Strings(out) // independent steps run in parallel, in any order
	var summary []string
	for k, v := range p.ChangeSummary {
		summary = append(summary, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(summary)
	return append(out, "changeSummary "+strings.Join(summary, " "))
}

func normalizeFindings(fs []finding) []finding {
	out := make([]finding, len(fs))
	for i, f := range fs {
		f.Message = autoSuffix.ReplaceAllString(f.Message, "-*******")
		f.Name = autoSuffix.ReplaceAllString(f.Name, "-*******")
		out[i] = f
	}
	return out
}
