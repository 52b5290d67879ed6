package iampolicy_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/asyncroute/asyncroute/internal/iampolicy"
)

// The fuzz targets of this file check the IAM package against reference
// implementations written here, independently of it: wildcard matching
// by a regular expression and by dynamic programming, evaluation by the
// rules of the IAM documentation (explicit Deny wins, then any Allow; a
// Deny with a Condition is ignored, an Allow with one counts), parsing by
// a generic JSON decode.

// bytesIn hands out the fuzz input a byte at a time (0 when it is used
// up).
type bytesIn struct{ b []byte }

func (in *bytesIn) next() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

// word is up to max characters drawn from alphabet.
func (in *bytesIn) word(alphabet string, max int) string {
	n := int(in.next()) % (max + 1)
	var sb strings.Builder
	for range n {
		sb.WriteByte(alphabet[int(in.next())%len(alphabet)])
	}
	return sb.String()
}

func (in *bytesIn) words(alphabet string, max int) []string {
	n := 1 + int(in.next())%3
	out := make([]string, n)
	for i := range out {
		out[i] = in.word(alphabet, max)
	}
	return out
}

// Small alphabets: an action of "s", "q", ":" in both cases, a resource of
// "a", "b", "/", ":"; patterns add the wildcards, requests may hold them
// as plain characters.
const (
	actionChars   = "sqS:"
	resourceChars = "ab/:"
	maxPattern    = 4
)

// wildcardRegexp is the reference matcher: * is any run of characters, ?
// one character, everything else itself; actions ignore case.
func wildcardRegexp(pattern string, foldCase bool) *regexp.Regexp {
	var sb strings.Builder
	sb.WriteString("(?s)")
	if foldCase {
		sb.WriteString("(?i)")
	}
	sb.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			sb.WriteString(".*")
		case '?':
			sb.WriteString(".")
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString("$")
	return regexp.MustCompile(sb.String())
}

// reference evaluates documents by the IAM rules, with its own matcher.
type reference struct{ cache map[string]*regexp.Regexp }

func (r *reference) match(pattern, s string, foldCase bool) bool {
	key := pattern
	if foldCase {
		key = "i:" + pattern
	} else {
		key = "s:" + pattern
	}
	re, ok := r.cache[key]
	if !ok {
		re = wildcardRegexp(pattern, foldCase)
		r.cache[key] = re
	}
	return re.MatchString(s)
}

func (r *reference) anyOf(patterns []string, s string, foldCase bool) bool {
	for _, p := range patterns {
		if r.match(p, s, foldCase) {
			return true
		}
	}
	return false
}

// covers: a statement names actions with Action or NotAction and resources
// with Resource or NotResource; a statement with neither names none. (IAM
// refuses a statement with both Action and NotAction; the package reads
// Action then, and so does the reference.)
func (r *reference) covers(s iampolicy.Statement, action, resource string) bool {
	var a, res bool
	switch {
	case len(s.Action) > 0:
		a = r.anyOf(s.Action, action, true)
	case len(s.NotAction) > 0:
		a = !r.anyOf(s.NotAction, action, true)
	}
	switch {
	case len(s.Resource) > 0:
		res = r.anyOf(s.Resource, resource, false)
	case len(s.NotResource) > 0:
		res = !r.anyOf(s.NotResource, resource, false)
	}
	return a && res
}

// evaluate: an unconditional explicit Deny anywhere decides Denied (the
// first document holding one); otherwise any Allow decides Allowed (the
// first document holding one); otherwise NotAllowed.
func (r *reference) evaluate(docs []iampolicy.Document, action, resource string) (iampolicy.Decision, int) {
	for i, d := range docs {
		for _, s := range d.Statements {
			if strings.ToLower(s.Effect) == "deny" && !s.HasCondition && r.covers(s, action, resource) {
				return iampolicy.Denied, i
			}
		}
	}
	for i, d := range docs {
		for _, s := range d.Statements {
			if strings.ToLower(s.Effect) == "allow" && r.covers(s, action, resource) {
				return iampolicy.Allowed, i
			}
		}
	}
	return iampolicy.NotAllowed, -1
}

var effects = []string{"Allow", "Deny", "allow", "DENY", "Audit", ""}

// documents builds up to three documents of up to three statements each.
func documents(in *bytesIn) []iampolicy.Document {
	docs := make([]iampolicy.Document, int(in.next())%4)
	for i := range docs {
		docs[i].Version = iampolicy.Version
		docs[i].Statements = make([]iampolicy.Statement, int(in.next())%4)
		for j := range docs[i].Statements {
			s := &docs[i].Statements[j]
			s.Effect = effects[int(in.next())%len(effects)]
			s.HasCondition = in.next()%4 == 0
			switch in.next() % 4 {
			case 0:
				s.Action = in.words(actionChars+"*?", maxPattern)
			case 1:
				s.NotAction = in.words(actionChars+"*?", maxPattern)
			case 2:
				s.Action = in.words(actionChars+"*?", maxPattern)
				s.NotAction = in.words(actionChars+"*?", maxPattern)
			}
			switch in.next() % 4 {
			case 0:
				s.Resource = in.words(resourceChars+"*?", maxPattern+1)
			case 1:
				s.NotResource = in.words(resourceChars+"*?", maxPattern+1)
			case 2:
				s.Resource = in.words(resourceChars+"*?", maxPattern+1)
				s.NotResource = in.words(resourceChars+"*?", maxPattern+1)
			}
		}
	}
	return docs
}

// allStrings lists every string of up to max characters of alphabet.
func allStrings(alphabet string, max int) []string {
	out := []string{""}
	level := []string{""}
	for range max {
		var next []string
		for _, p := range level {
			for _, c := range alphabet {
				next = append(next, p+string(c))
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}

// Requests: every action of up to two characters (both cases) and every
// resource of up to two characters, wildcards included as plain
// characters; the fuzz input adds one longer request of each.
var (
	probeActions   = allStrings("sS:*", 2)
	probeResources = allStrings("ab/?", 2)
)

// FuzzEvaluate builds random documents and requests from the fuzz input;
// Evaluate and EvaluateWhich must agree with the reference on every
// request, and a document written with JSON and read back with Parse
// (which drops no part of an unconditional statement) must decide the
// same.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		"", "\x01\x01\x00\x00\x00\x01\x02\x00\x00\x01\x00",
		"\x02\x02\x01\x01\x00\x02\x02\x01\x04\x01\x04\x03\x01\x05\x00\x01\x03\x03\x02\x00\x01\x01\x05",
		"\x03\x03\x00\x01\x00\x01\x03\x00\x01\x02\x01\x04\x02\x02\x04\x00\x01\x01\x05\x02\x04\x00\x00",
		"\x01\x02\x01\x01\x02\x01\x02\x05\x04\x02\x01\x05\x04\x02\x00\x00\x01\x01\x01\x04\x02\x02\x03",
		strings.Repeat("\x07\x03\xff\x81\x42", 12),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &bytesIn{data}
		docs := documents(in)
		actions := append(slices.Clip(probeActions), in.word(actionChars+"*?", 6))
		resources := append(slices.Clip(probeResources), in.word(resourceChars+"*?", 7))
		ref := &reference{cache: map[string]*regexp.Regexp{}}

		var reread []iampolicy.Document
		conditional := false
		for _, d := range docs {
			back, err := iampolicy.Parse(d.JSON())
			if err != nil {
				t.Fatalf("Parse(%s): %v", d.JSON(), err)
			}
			reread = append(reread, back)
			for _, s := range d.Statements {
				conditional = conditional || s.HasCondition
			}
		}
		for _, a := range actions {
			for _, r := range resources {
				want, wantDoc := ref.evaluate(docs, a, r)
				got, gotDoc := iampolicy.EvaluateWhich(docs, a, r)
				if got != want || gotDoc != wantDoc {
					t.Fatalf("EvaluateWhich(%s, %q, %q) = %v (document %d), reference: %v (document %d)", docsJSON(docs), a, r, got, gotDoc, want, wantDoc)
				}
				if d := iampolicy.Evaluate(docs, a, r); d != got {
					t.Fatalf("Evaluate(%s, %q, %q) = %v, EvaluateWhich: %v", docsJSON(docs), a, r, d, got)
				}
				if !conditional {
					if d := iampolicy.Evaluate(reread, a, r); d != got {
						t.Fatalf("%s read back from JSON decides %q on %q %v, written: %v", docsJSON(docs), a, r, d, got)
					}
				}
			}
		}
	})
}

func docsJSON(docs []iampolicy.Document) string {
	var parts []string
	for _, d := range docs {
		s := d.JSON()
		for _, st := range d.Statements {
			if st.HasCondition {
				s += " (conditional statements)"
				break
			}
		}
		parts = append(parts, s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// FuzzGrant builds permissions from the fuzz input: the document Grant
// writes reads back with Parse as the same document, does not depend on
// the order of the permissions, and allows exactly what was granted (an
// action, case-insensitively, on a resource, each possibly a pattern as
// kms:GenerateDataKey* and <function>:* are).
func FuzzGrant(f *testing.F) {
	for _, s := range []string{
		"", "\x01\x02\x00\x01\x02\x00\x01", "\x03\x02\x00\x01\x02\x00\x01\x02\x00\x03\x01\x02\x03\x00\x01",
		"\x05\x01\x04\x02\x00\x00\x01\x05\x03\x03\x00\x03\x01\x02\x02\x04\x00\x00\x00\x01\x02\x03\x01\x00\x02\x01",
		strings.Repeat("\x04\x02\x05\x01", 10),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &bytesIn{data}
		perms := make([]iampolicy.Permission, int(in.next())%7)
		for i := range perms {
			perms[i] = iampolicy.Permission{Action: in.word(actionChars+"*?", 3), Resource: in.word(resourceChars+"*?", 4)}
		}
		doc := iampolicy.Grant(perms)
		written := doc.JSON()
		back, err := iampolicy.Parse(written)
		if err != nil {
			t.Fatalf("Parse(%s): %v", written, err)
		}
		if !reflect.DeepEqual(back, doc) {
			t.Fatalf("Grant(%v) = %#v, read back from %s as %#v", perms, doc, written, back)
		}
		reversed := slices.Clone(perms)
		slices.Reverse(reversed)
		if again := iampolicy.Grant(reversed).JSON(); again != written {
			t.Fatalf("Grant depends on the order of the permissions: %s and %s", written, again)
		}
		for _, s := range doc.Statements {
			if s.Effect != "Allow" || len(s.Action) == 0 || len(s.Resource) == 0 || s.NotAction != nil || s.NotResource != nil {
				t.Fatalf("Grant(%v) wrote the statement %#v", perms, s)
			}
		}

		ref := &reference{cache: map[string]*regexp.Regexp{}}
		actions := slices.Clip(probeActions)
		resources := slices.Clip(probeResources)
		for _, p := range perms {
			actions = append(actions, p.Action, strings.ToUpper(p.Action), p.Action+"s")
			resources = append(resources, p.Resource, p.Resource+"a", strings.TrimSuffix(p.Resource, "a"))
		}
		for _, a := range actions {
			for _, r := range resources {
				granted := false
				for _, p := range perms {
					granted = granted || ref.match(p.Action, a, true) && ref.match(p.Resource, r, false)
				}
				want := iampolicy.NotAllowed
				if granted {
					want = iampolicy.Allowed
				}
				if got := iampolicy.Evaluate([]iampolicy.Document{back}, a, r); got != want {
					t.Fatalf("Grant(%v) = %s decides %q on %q %v, want %v", perms, written, a, r, got, want)
				}
			}
		}
	})
}

// matchDP is the reference wildcard matcher by dynamic programming over
// runes: m[i][j] says pattern[:i] matches s[:j].
func matchDP(pattern, s []rune, eq func(a, b rune) bool) bool {
	m := make([][]bool, len(pattern)+1)
	for i := range m {
		m[i] = make([]bool, len(s)+1)
	}
	m[0][0] = true
	for i := 1; i <= len(pattern); i++ {
		for j := 0; j <= len(s); j++ {
			switch pattern[i-1] {
			case '*':
				m[i][j] = m[i-1][j] || j > 0 && m[i][j-1]
			case '?':
				m[i][j] = j > 0 && m[i-1][j-1]
			default:
				m[i][j] = j > 0 && m[i-1][j-1] && eq(pattern[i-1], s[j-1])
			}
		}
	}
	return m[len(pattern)][len(s)]
}

func asciiLower(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FuzzWildcardMatch compares WildcardMatch with the dynamic-programming
// reference on arbitrary strings (case-sensitive), and on ASCII strings
// ignoring case.
func FuzzWildcardMatch(f *testing.F) {
	for _, c := range [][2]string{
		{"*", ""}, {"sqs:Send*", "sqs:SendMessage"}, {"sqs:?endMessage", "sqs:endMessage"}, {"a*b*c", "axxbyyc"},
		{"arn:aws:sqs:*:*:jobs", "arn:aws:sqs:us-east-1:123456789012:jobs-2"}, {"*a*a*a*a*b", strings.Repeat("a", 40)},
		{"SQS:SENDMESSAGE", "sqs:SendMessage"}, {"é*?", "éàü"}, {"\xff*", "\xfe"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 64 || len(s) > 64 {
			return // the reference is quadratic
		}
		same := func(a, b rune) bool { return a == b }
		if got, want := iampolicy.WildcardMatch(pattern, s, false), matchDP([]rune(pattern), []rune(s), same); got != want {
			t.Fatalf("WildcardMatch(%q, %q, false) = %v, reference %v", pattern, s, got, want)
		}
		if isASCII(pattern) && isASCII(s) {
			fold := func(a, b rune) bool { return asciiLower(a) == asciiLower(b) }
			if got, want := iampolicy.WildcardMatch(pattern, s, true), matchDP([]rune(pattern), []rune(s), fold); got != want {
				t.Fatalf("WildcardMatch(%q, %q, true) = %v, reference %v", pattern, s, got, want)
			}
		}
	})
}

// FuzzParse feeds arbitrary bytes to Parse: never a panic; a document it
// reads holds what a generic JSON decode of the same bytes holds (a
// string or a list of strings for Action, NotAction, Resource and
// NotResource, absent when missing or null; a Condition unless it is
// missing, null or empty), and what it writes back with JSON reads back
// the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}`,
		`{"Statement":[{"Effect":"Deny","Action":["sqs:*"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
		`{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b/*","Sid":"x","Principal":{"Service":"lambda.amazonaws.com"}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":null,"NotAction":"iam:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{ }}]}`,
		`{"Statement":[{"Action":5}]}`, `{"Statement":"x"}`, `{"Statement":null}`, `{"Statement":[]}`, `null`, `[]`, `not json`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := iampolicy.Parse(string(data))
		want, ok := referenceParse(data)
		if (err == nil) != ok {
			t.Fatalf("Parse(%q): error %v; the reference reads it: %v", data, err, ok)
		}
		if err != nil {
			return
		}
		if want != nil && !sameDocument(doc, *want) {
			t.Fatalf("Parse(%q) = %#v, reference %#v", data, doc, *want)
		}
		written := doc.JSON()
		back, err := iampolicy.Parse(written)
		if err != nil {
			t.Fatalf("Parse(%q) wrote %s, which does not read back: %v", data, written, err)
		}
		if again := back.JSON(); again != written {
			t.Fatalf("Parse(%q) wrote %s, read back and written again as %s", data, written, again)
		}
	})
}

// referenceParse decodes a policy generically. ok is false when the bytes
// are not a policy Parse should read; doc is nil when the reference does
// not decide the fields (an object holds two keys that differ only in
// case, which encoding/json resolves by its own rules).
func referenceParse(data []byte) (doc *iampolicy.Document, ok bool) {
	if !json.Valid(data) {
		return nil, false
	}
	var top any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers are never read: any size decodes
	if err := dec.Decode(&top); err != nil {
		return nil, false
	}
	if top == nil {
		return &iampolicy.Document{}, true // JSON null: nothing in it
	}
	obj, isObj := top.(map[string]any)
	if !isObj {
		return nil, false
	}
	if ambiguous(obj) {
		return nil, true
	}
	out := &iampolicy.Document{}
	if v := field(obj, "Version"); v != nil {
		s, isStr := v.(string)
		if !isStr {
			return nil, false
		}
		out.Version = s
	}
	var stmts []any
	switch v := field(obj, "Statement").(type) {
	case nil:
	case []any:
		stmts = v
	default:
		stmts = []any{v}
	}
	decided := true
	for _, raw := range stmts {
		if raw == nil {
			// A null statement in a list decodes to nothing.
			out.Statements = append(out.Statements, iampolicy.Statement{})
			continue
		}
		st, isObj := raw.(map[string]any)
		if !isObj {
			return nil, false
		}
		if ambiguous(st) {
			decided = false
		}
		var s iampolicy.Statement
		for name, to := range map[string]*string{"Sid": &s.Sid, "Effect": &s.Effect} {
			switch v := field(st, name).(type) {
			case nil:
			case string:
				*to = v
			default:
				return nil, false
			}
		}
		for name, to := range map[string]*[]string{"Action": &s.Action, "NotAction": &s.NotAction, "Resource": &s.Resource, "NotResource": &s.NotResource} {
			list, isList := stringList(field(st, name))
			if !isList {
				return nil, false
			}
			*to = list
		}
		if p, isObj := field(st, "Principal").(map[string]any); isObj {
			s.Principal = map[string]string{}
			for k, v := range p {
				str, isStr := v.(string)
				if !isStr {
					s.Principal = nil
					break
				}
				s.Principal[k] = str
			}
		}
		switch c := field(st, "Condition").(type) {
		case nil:
		case map[string]any:
			s.HasCondition = len(c) > 0
		default:
			s.HasCondition = true
		}
		out.Statements = append(out.Statements, s)
	}
	if !decided {
		return nil, true
	}
	return out, true
}

// field looks a key up as encoding/json does: the exact name, else one
// equal to it ignoring case.
func field(obj map[string]any, name string) any {
	if v, ok := obj[name]; ok {
		return v
	}
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// ambiguous says two keys of obj are equal ignoring case.
func ambiguous(obj map[string]any) bool {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		for _, seen := range keys {
			if strings.EqualFold(k, seen) {
				return true
			}
		}
		keys = append(keys, k)
	}
	return false
}

// stringList reads a string or a list of strings (a null in a list is the
// empty string, as encoding/json decodes it); nil is absent.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			switch s := e.(type) {
			case nil:
			case string:
				out[i] = s
			default:
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

// sameDocument compares documents, a nil list equal to an empty one.
func sameDocument(a, b iampolicy.Document) bool {
	if a.Version != b.Version || len(a.Statements) != len(b.Statements) {
		return false
	}
	for i := range a.Statements {
		x, y := a.Statements[i], b.Statements[i]
		if x.Sid != y.Sid || x.Effect != y.Effect || x.HasCondition != y.HasCondition ||
			!slices.Equal(x.Action, y.Action) || !slices.Equal(x.NotAction, y.NotAction) ||
			!slices.Equal(x.Resource, y.Resource) || !slices.Equal(x.NotResource, y.NotResource) ||
			len(x.Principal) != len(y.Principal) {
			return false
		}
		for k, v := range x.Principal {
			if y.Principal[k] != v {
				return false
			}
		}
	}
	return true
}
