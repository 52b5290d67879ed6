// Package docs keeps the documentation's links from rotting: every relative
// link in README.md, CHANGELOG.md and docs/*.md names a file or folder that
// exists, and every #anchor names a heading of the page it points to (by
// GitHub's rules for heading anchors). It also holds the README to its
// size and the pages under docs/ to their shape: each starts with a
// paragraph that links back to the README, and the README links to each.
package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxReadmeLines is how long README.md may grow: a person reads it in a
// few minutes; everything else goes to docs/.
const maxReadmeLines = 260

// root is the repository's root, relative to this package.
var root = filepath.Join("..", "..")

// pages lists the Markdown files whose links are checked, relative to
// root.
func pages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, docs, "docs/ has pages")
	out := []string{"README.md", "CHANGELOG.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		require.NoError(t, err)
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

func TestLinksResolve(t *testing.T) {
	for _, p := range pages(t) {
		for _, problem := range checkLinks(root, p) {
			t.Error(problem)
		}
	}
}

func TestReadmeIsShort(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	lines := strings.Count(string(data), "\n")
	assert.LessOrEqual(t, lines, maxReadmeLines, "README.md has %d lines; move detail to a page under docs/", lines)
}

// Each page under docs/ opens with a paragraph that says what it covers
// and links back to the README, and the README links to every page, so no
// page is left where nobody finds it.
func TestPagesLinkBothWays(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	for _, p := range pages(t) {
		if !strings.HasPrefix(p, "docs/") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, p))
		require.NoError(t, err)
		first := firstParagraph(string(data))
		assert.Contains(t, first, "](../README.md", "%s: the first paragraph links back to the README", p)
		assert.Contains(t, string(readme), "]("+p+")", "README.md links to %s", p)
	}
}

// firstParagraph returns the text between the page's title and the next
// blank line after it.
func firstParagraph(text string) string {
	_, rest, ok := strings.Cut(text, "\n\n")
	if !ok || !strings.HasPrefix(text, "# ") {
		return ""
	}
	para, _, _ := strings.Cut(rest, "\n\n")
	return para
}

// The checker itself: it finds a missing file, a missing folder and a
// missing anchor, accepts what exists, and ignores code.
func TestCheckerFindsBrokenLinks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("sub/other.md", "# Other page\n\n## See it: `go run . simulate`\n\n## Twice\n\n## Twice\n")
	write("a.md", "# A\n\n## Local heading\n\n"+
		"[ok](sub/other.md) [ok](sub/other.md#see-it-go-run--simulate) [ok](sub/other.md#twice-1)\n"+
		"[ok](#local-heading) [ok](sub) [ok](https://example.com/missing) [ok\nacross lines](#a)\n"+
		"`[code](missing.md)`\n\n```\n[fenced](missing.md)\n```\n\n"+
		"[bad](missing.md) [bad](sub/other.md#nope) [bad](#nope) [bad](gone/) [bad](sub/other.md#twice-2)\n")
	got := checkLinks(dir, "a.md")
	assert.Equal(t, []string{
		`a.md:14: link "missing.md": no such file`,
		`a.md:14: link "sub/other.md#nope": no heading "nope" in sub/other.md`,
		`a.md:14: link "#nope": no heading "nope" in a.md`,
		`a.md:14: link "gone/": no such file`,
		`a.md:14: link "sub/other.md#twice-2": no heading "twice-2" in sub/other.md`,
	}, got)
}

func TestSlugs(t *testing.T) {
	for heading, want := range map[string]string{
		"Destination kinds":                                    "destination-kinds",
		"Dead-letter target, retries, qualifier":               "dead-letter-target-retries-qualifier",
		"See it arrive without deploying: `go run . simulate`": "see-it-arrive-without-deploying-go-run--simulate",
		"What `.ci/run` runs":                                  "what-cirun-runs",
		"Schema, SDKs and their tests":                         "schema-sdks-and-their-tests",
		"[Unreleased]":                                         "unreleased",
		"[0.2.0] - 2026-11-28":                                 "020---2026-11-28",
		"CI gate without the [Pulumi CLI](https://pulumi.com)": "ci-gate-without-the-pulumi-cli",
		"snake_case stays":                                     "snake_case-stays",
	} {
		assert.Equal(t, want, slug(heading), heading)
	}
}

var (
	// link matches an inline Markdown link or image: [text](target) or
	// [text](target "title"); the text may span lines.
	link = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)`)
	// scheme marks an absolute URL (https:, mailto:, ...).
	scheme   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	heading  = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	fence    = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	linkText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
)

// checkLinks returns a line for every relative link of the page (a path
// relative to dir) that does not resolve.
func checkLinks(dir, page string) []string {
	data, err := os.ReadFile(filepath.Join(dir, page))
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", page, err)}
	}
	text := prose(string(data))
	var problems []string
	for _, m := range link.FindAllStringSubmatchIndex(text, -1) {
		target := text[m[4]:m[5]]
		line := 1 + strings.Count(text[:m[0]], "\n")
		if target == "" || scheme.MatchString(target) {
			continue
		}
		path, anchor, _ := strings.Cut(target, "#")
		file := page
		if path != "" {
			file = filepath.ToSlash(filepath.Join(filepath.Dir(page), path))
			if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: link %q: no such file", page, line, target))
				continue
			}
		}
		if anchor == "" {
			continue
		}
		if !strings.HasSuffix(file, ".md") {
			problems = append(problems, fmt.Sprintf("%s:%d: link %q: an anchor into a file that is not Markdown", page, line, target))
			continue
		}
		anchors, err := headingAnchors(filepath.Join(dir, file))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: link %q: %v", page, line, target, err))
			continue
		}
		if !anchors[anchor] {
			problems = append(problems, fmt.Sprintf("%s:%d: link %q: no heading %q in %s", page, line, target, anchor, file))
		}
	}
	return problems
}

// prose returns the Markdown text with fenced code blocks and inline code
// spans blanked out (newlines kept, so line numbers stay), so that what
// looks like a link inside code is not taken for one.
func prose(text string) string {
	lines := strings.Split(text, "\n")
	var open string // the fence that opened the current code block
	for i, l := range lines {
		m := fence.FindStringSubmatch(l)
		switch {
		case open == "" && m != nil:
			open = m[1]
			lines[i] = ""
		case open != "":
			if m != nil && m[1][0] == open[0] && len(m[1]) >= len(open) {
				open = ""
			}
			lines[i] = ""
		}
	}
	return blankCodeSpans(strings.Join(lines, "\n"))
}

// blankCodeSpans replaces the content of each code span (a run of n
// backticks up to the next run of exactly n) with spaces, keeping newlines.
func blankCodeSpans(text string) string {
	b := []byte(text)
	run := func(i int) int { // length of the backtick run at i
		n := 0
		for i+n < len(b) && b[i+n] == '`' {
			n++
		}
		return n
	}
	for i := 0; i < len(b); {
		n := run(i)
		if n == 0 {
			i++
			continue
		}
		end := -1
		for j := i + n; j < len(b); {
			if m := run(j); m > 0 {
				if m == n {
					end = j
					break
				}
				j += m
				continue
			}
			j++
		}
		if end < 0 { // no closing run: literal backticks
			i += n
			continue
		}
		for k := i; k < end+n; k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
		i = end + n
	}
	return string(b)
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown file: each heading's slug, and slug-1, slug-2, ... for repeats.
func headingAnchors(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	anchors := map[string]bool{}
	seen := map[string]int{}
	var open string
	for _, l := range strings.Split(string(data), "\n") {
		if m := fence.FindStringSubmatch(l); m != nil {
			switch {
			case open == "":
				open = m[1]
			case m[1][0] == open[0] && len(m[1]) >= len(open):
				open = ""
			}
			continue
		}
		if open != "" {
			continue
		}
		m := heading.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		s := slug(m[2])
		if n := seen[s]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			anchors[s] = true
		}
		seen[s]++
	}
	return anchors, nil
}

// slug is GitHub's anchor for a heading: the heading's text as rendered
// (links become their text, code its content), lower-cased, every
// character but letters, marks, digits, connector punctuation ('_'),
// spaces and hyphens removed, and spaces turned into hyphens.
func slug(h string) string {
	h = linkText.ReplaceAllString(h, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.Pc):
			b.WriteRune(r)
		}
	}
	return b.String()
}
