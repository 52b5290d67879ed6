package plan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How the plans show text that comes from the program or the stack
// (resource names and types, URNs, ARNs, qualifiers, actions, input and
// output values): the text and Mermaid writers show such a string with
// [shown], so that a name holding a newline cannot break the line
// structure of the text plan or of the diagram, and shows the same in
// both. The JSON writer needs none of this: encoding/json escapes what
// JSON needs escaped, and a valid UTF-8 name decodes back exactly.

// hidden reports whether r would change the layout of a line or hide
// what it holds: a control character (C0, DEL, C1: newline, carriage
// return, tab, NUL, NEL...), a Unicode line or paragraph separator, or a
// bidirectional formatting character (which reorders the text a terminal
// or a browser shows around it).
func hidden(r rune) bool {
	switch {
	case unicode.IsControl(r),
		r == '\u2028', r == '\u2029',
		r == '\u061c', r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e',
		r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// plain reports whether s can be shown as it is: valid UTF-8, no
// [hidden] character, not starting with a double quote (which is how a
// quoted string starts, so a plain string never looks like one), and not
// starting or ending with white space (which a reader cannot see, and
// Mermaid trims from a label).
func plain(s string) bool {
	if strings.HasPrefix(s, `"`) || hasHidden(s) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return s == "" || !blank(first) && !blank(last)
}

// blank reports whether r is white space, as Go and JavaScript see it.
func blank(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }

// hasHidden reports whether s holds a [hidden] character or a byte that
// is not valid UTF-8.
func hasHidden(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return true
			}
		}
		if hidden(r) {
			return true
		}
	}
	return false
}

// shown is how the plans show a string from the program: as it is when it
// is [plain], Go-quoted otherwise ("a\nb", "\xff", "\u202e...", " x"), on
// one line and with every invisible character spelled out or between
// quotes.
func shown(s string) string {
	if plain(s) {
		return s
	}
	return strconv.Quote(s)
}

// shownValue shows a plain value (see package stackgraph): a string with
// [shown], anything else as fmt prints it, made one line with [oneLine].
func shownValue(v any) string {
	if s, ok := v.(string); ok {
		return shown(s)
	}
	return oneLine(fmt.Sprint(v))
}

// oneLine is for text that embeds strings from the program among the
// planner's own words (a finding's message, an error, a principal printed
// with %v): each [hidden] character and each byte that is not valid UTF-8
// is replaced with its Go escape (\n, \x00, \u202e, \xff), so the text
// stays on one line; text without them is returned as it is.
func oneLine(s string) string {
	if !hasHidden(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case hidden(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// mermaidText escapes text for a double-quoted Mermaid label (the writer
// joins escaped lines with its own <br/>). Mermaid reads a quoted label up
// to the next double quote, decodes entity codes written #name; or
// #decimal; anywhere in the diagram (turning them into HTML entities),
// reads %%{...}%% anywhere as a directive, and renders labels as HTML. So
// every character of these meanings is written as an entity code: " (the
// end of the label), # (so a literal "#quot;" stays text), < and > (no
// tags), & (no HTML entities), % (no directive or comment). Also written
// as codes: the two characters Mermaid uses as its own entity markers
// (ﬂ U+FB02 and ¶ U+00B6, so that "ﬂ°" or "¶ß" in a name is not decoded),
// and the first letter of "style" and "classDef" (Mermaid drops the last
// semicolon of any line where one of them is followed by ":", non-spaces
// and "#", which would break an entity code after it). The text must
// already be shown (no hidden characters).
func mermaidText(s string) string {
	if !strings.ContainsAny(s, "\"#<>&%\ufb02\u00b6") && !strings.Contains(s, "style") && !strings.Contains(s, "classDef") {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString("#quot;")
		case r == '#', r == '<', r == '>', r == '&', r == '%', r == '\ufb02', r == '\u00b6',
			r == 's' && strings.HasPrefix(s[i:], "style"),
			r == 'c' && strings.HasPrefix(s[i:], "classDef"):
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mermaidLines escapes each line with [mermaidText] and joins them with
// Mermaid's line break.
func mermaidLines(lines ...string) string {
	escaped := make([]string, len(lines))
	for i, l := range lines {
		escaped[i] = mermaidText(l)
	}
	return strings.Join(escaped, "<br/>")
}
