package plan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/stretchr/testify/require"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/asyncroute/asyncroute/components/plan"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// The fuzz target of this file writes a hand-built stack whose Pulumi
// names, qualifier, target outside the stack, policy action and stack
// output come from the fuzzer in all three formats, and checks each
// output against definitions written here, independently of the writers:
// the JSON is valid UTF-8 JSON that gives the strings back; every line of
// the text plan is one line of data; the diagram is valid Mermaid (see
// checkMermaid) and, decoded the way Mermaid decodes it (see
// mermaidShows), shows each string exactly as the text plan does.

// fuzzNames are the strings the fuzzer chooses.
type fuzzNames struct {
	fn, queue, topic, rule, bus, qualifier, outside, action, outKey, outVal string
}

const (
	fzAcct     = "123456789012"
	fzFnARN    = "arn:aws:lambda:us-east-1:" + fzAcct + ":function:fuzz-fn"
	fzQueueARN = "arn:aws:sqs:us-east-1:" + fzAcct + ":fuzz-queue"
	fzTopicARN = "arn:aws:sns:us-east-1:" + fzAcct + ":fuzz-topic"
	fzRoleARN  = "arn:aws:iam::" + fzAcct + ":role/fuzz-role"
)

func fzURN(typ, name string) string { return "urn:pulumi:dev::fuzz::" + typ + "::" + name }

// Resource types of the fuzzed stack.
const (
	tyFunction = "aws:lambda/function:Function"
	tyConfig   = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	tyRole     = "aws:iam/role:Role"
	tyPolicy   = "aws:iam/rolePolicy:RolePolicy"
	tyQueue    = "aws:sqs/queue:Queue"
	tyTopic    = "aws:sns/topic:Topic"
	tySub      = "aws:sns/topicSubscription:TopicSubscription"
	tyBus      = "aws:cloudwatch/eventBus:EventBus"
	tyRule     = "aws:cloudwatch/eventRule:EventRule"
	tyTarget   = "aws:cloudwatch/eventTarget:EventTarget"
)

// fuzzStack is a function with an execution role and a role policy, an
// invoke config (on success: a queue of the stack; on failure: the target
// outside the stack), the queue as dead-letter queue, invoked by an SNS
// subscription and an EventBridge rule on a bus of the stack: the Pulumi
// names and those strings are fuzzed, the physical names and ARNs fixed,
// so the routing is the same for every input.
func fuzzStack(n fuzzNames) *plan.Stack {
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": []string{"sqs:SendMessage", n.action}, "Resource": []string{fzQueueARN}},
	}})
	fnURN, queueURN, roleURN := fzURN(tyFunction, n.fn), fzURN(tyQueue, n.queue), fzURN(tyRole, "role")
	ruleURN := fzURN(tyRule, n.rule)
	dests := map[string]any{"onSuccess": map[string]any{"destination": fzQueueARN}}
	if n.outside != "" {
		dests["onFailure"] = map[string]any{"destination": n.outside}
	}
	g := stackgraph.New([]*stackgraph.Resource{
		{URN: roleURN, Type: tyRole, Name: "role", Custom: true,
			Outputs: map[string]any{"arn": fzRoleARN, "name": "fuzz-role"}},
		{URN: fzURN(tyPolicy, "grants"), Type: tyPolicy, Name: "grants", Custom: true,
			Inputs:       map[string]any{"policy": string(doc), "role": "fuzz-role"},
			Dependencies: []string{roleURN, queueURN}},
		{URN: queueURN, Type: tyQueue, Name: n.queue, Custom: true,
			Outputs: map[string]any{"arn": fzQueueARN, "name": "fuzz-queue"}},
		{URN: fnURN, Type: tyFunction, Name: n.fn, Custom: true,
			Inputs: map[string]any{"role": fzRoleARN, "deadLetterConfig": map[string]any{"targetArn": fzQueueARN}},
			Outputs: map[string]any{"arn": fzFnARN, "name": "fuzz-fn", "role": fzRoleARN,
				"deadLetterConfig": map[string]any{"targetArn": fzQueueARN}},
			Dependencies:         []string{roleURN, queueURN},
			PropertyDependencies: map[string][]string{"role": {roleURN}, "deadLetterConfig": {queueURN}}},
		{URN: fzURN(tyConfig, "config"), Type: tyConfig, Name: "config", Custom: true,
			Inputs: map[string]any{"functionName": "fuzz-fn", "qualifier": n.qualifier, "maximumRetryAttempts": 1.0,
				"destinationConfig": dests},
			Dependencies:         []string{fnURN, queueURN},
			PropertyDependencies: map[string][]string{"functionName": {fnURN}, "destinationConfig": {queueURN}}},
		{URN: fzURN(tyTopic, n.topic), Type: tyTopic, Name: n.topic, Custom: true,
			Outputs: map[string]any{"arn": fzTopicARN, "name": "fuzz-topic"}},
		{URN: fzURN(tySub, "sub"), Type: tySub, Name: "sub", Custom: true,
			Inputs:               map[string]any{"topic": fzTopicARN, "protocol": "lambda", "endpoint": fzFnARN},
			Dependencies:         []string{fnURN, fzURN(tyTopic, n.topic)},
			PropertyDependencies: map[string][]string{"endpoint": {fnURN}, "topic": {fzURN(tyTopic, n.topic)}}},
		{URN: fzURN(tyBus, n.bus), Type: tyBus, Name: n.bus, Custom: true,
			Outputs: map[string]any{"arn": "arn:aws:events:us-east-1:" + fzAcct + ":event-bus/fuzz-bus", "name": "fuzz-bus"}},
		{URN: ruleURN, Type: tyRule, Name: n.rule, Custom: true,
			Inputs:  map[string]any{"eventBusName": "fuzz-bus", "eventPattern": `{"source":["fuzz"]}`},
			Outputs: map[string]any{"arn": "arn:aws:events:us-east-1:" + fzAcct + ":rule/fuzz-bus/fuzz-rule", "name": "fuzz-rule"}},
		{URN: fzURN(tyTarget, "target"), Type: tyTarget, Name: "target", Custom: true,
			Inputs:               map[string]any{"rule": "fuzz-rule", "eventBusName": "fuzz-bus", "arn": fzFnARN},
			Dependencies:         []string{fnURN, ruleURN},
			PropertyDependencies: map[string][]string{"arn": {fnURN}, "rule": {ruleURN}}},
	})
	outputs := map[string]any{n.outKey: n.outVal}
	if n.outKey != "list" {
		outputs["list"] = []any{n.outVal, map[string]any{n.outKey: n.outVal}}
	}
	return &plan.Stack{Graph: g, Outputs: outputs}
}

// fuzzSeeds: ordinary names, then quotes, newlines and other control
// characters, Unicode, Mermaid's metacharacters and entity codes, HTML,
// invalid UTF-8 and empty strings.
var fuzzSeeds = []fuzzNames{
	{"worker", "done", "alerts", "nightly", "orders", "$LATEST", "arn:aws:sns:us-east-1:210987654321:central-failures", "sns:Publish", "queueUrl", "https://sqs.us-east-1.amazonaws.com/123456789012/done"},
	{`wor"ker`, `"done"`, `a\"b`, `it's`, "`md`", `"live"`, `arn:aws:sns:us-east-1:1:"x"`, `sqs:"Send"`, `"k"`, `"v\n"`},
	{"wor\nker", "a\r\nb", "tab\there", "nul\x00", "bell\a", "live\n", "arn:aws:sns:us-east-1:1:x\ny", "sqs:Send\nMessage", "k\n", "line1\nline2"},
	{"✓ worker", "队列", "😀🚀", "שָׁלוֹם", "مرحبا", "ünïcødé", "arn:aws:sns:us-east-1:1:✗", "sqs:✓", "ключ", "👨‍👩‍👧"},
	{"rtl\u202eevil", "\u2066iso\u2069", "lrm\u200e", "ls\u2028ps\u2029", "nel\u0085", "\u061c", "arn:aws:sns:us-east-1:1:\u202e", "del\x7f", "bom\ufeff", "c1\u009b"},
	{"a|b", "[q]", "{t}", "(r)", "a-->b", "x;y", "arn:aws:sns:us-east-1:1:a#b", "%%{init: {'theme':'dark'}}%%", "%%", "a & b"},
	{"#quot;", "#35;", "#lt;script#gt;", "&lt;b&gt;", "&amp;", "#9829;", "arn:aws:sns:us-east-1:1:#quot;", "#\u00b0;", "ﬂ°quot¶ß", "¶ß"},
	{"<br/>", "<script>alert(1)</script>", "<b>bold</b>", "a<br>b", "x>y", "<", ">", "<img src=x onerror=alert(1)>", "<br/>", "</div>"},
	{"style:a#b;", "classDef x fill:#f00;", "style", "click n1 call alert()", "end", "n1", "arn:aws:sns:us-east-1:1:style:x#y;", "sqs:style#1;", "classDef", "style:#quot;"},
	{"\xff", "\xc3\x28", "a\xe2\x82", "\xed\xa0\x80", "ok", "\x80", "arn:aws:sns:us-east-1:1:\xfe", "sqs:\xff", "\xff", "\xc0\xaf"},
	{"", "", "", "", "", "", "", "", "", ""},
	{"a::b", "urn:pulumi:dev::fuzz::aws:sqs/queue:Queue::x", "$LATEST", " ", "  spaced  ", "$LATEST", "urn:pulumi:dev::other::aws:sns/topic:Topic::t", "*", "list", "<unknown until deploy>"},
}

func FuzzWriters(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.fn, s.queue, s.topic, s.rule, s.bus, s.qualifier, s.outside, s.action, s.outKey, s.outVal)
	}
	f.Fuzz(func(t *testing.T, fn, queue, topic, rule, bus, qualifier, outside, action, outKey, outVal string) {
		checkWriters(t, fuzzNames{fn, queue, topic, rule, bus, qualifier, outside, action, outKey, outVal})
	})
}

// The seeds, as an ordinary test (go test runs FuzzWriters' seeds too;
// this one says which seed fails by name).
func TestWritersOnSeeds(t *testing.T) {
	for i, s := range fuzzSeeds {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkWriters(t, s) })
	}
}

func checkWriters(t *testing.T, n fuzzNames) {
	t.Helper()
	st := fuzzStack(n)
	routes := plan.Routes(st.Graph)
	// The routing does not depend on the fuzzed strings: success and
	// dead-letter edges to the queue, the topic and the rule invoking the
	// function, the bus matching the rule, and on failure to the target
	// outside the stack when there is one. So the checks below cannot
	// pass on an empty diagram.
	if len(routes) < 5 {
		t.Fatalf("%d routes, want at least 5: %+v", len(routes), routes)
	}
	p := plan.Project{Name: "fuzz", Stack: "dev", Config: map[string]string{}}
	checkJSON(t, st, p, n, len(routes))
	checkText(t, st, p, n)
	var out bytes.Buffer
	require.NoError(t, plan.Write(&out, st, plan.Project{}, plan.Options{Diagram: true}))
	checkDiagram(t, out.String(), st.Graph, routes, n)
}

// wantShown is how the text plan and the diagram must show a string from
// the program: as it is, unless it is not valid UTF-8, starts with a
// double quote, starts or ends with white space (Go's, or JavaScript's,
// which Mermaid trims from labels), or holds a character that would break
// or reorder the line (Unicode's control characters, line and paragraph
// separators, and bidirectional formatting characters); Go-quoted then.
func wantShown(s string) string {
	if !utf8.ValidString(s) || strings.HasPrefix(s, `"`) || strings.IndexFunc(s, breaksLine) >= 0 ||
		strings.TrimFunc(s, isJSSpace) != s || strings.TrimSpace(s) != s {
		return strconv.Quote(s)
	}
	return s
}

// isJSSpace is JavaScript's white space and line terminators (what
// String.prototype.trim removes).
func isJSSpace(r rune) bool {
	return strings.ContainsRune("\t\n\v\f\r \u00a0\ufeff\u2028\u2029", r) || unicode.Is(unicode.Zs, r)
}

// wantOneLine is how the text plan shows text that embeds strings from
// the program among its own words: each byte that is not valid UTF-8 and
// each character that breaks a line written as its Go escape.
func wantOneLine(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case breaksLine(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// breaksLine: categories Cc, Zl and Zp, and the characters of Unicode's
// Bidi_Control property.
func breaksLine(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Zl, unicode.Zp, unicode.Bidi_Control)
}

func checkJSON(t *testing.T, st *plan.Stack, p plan.Project, n fuzzNames, routes int) {
	t.Helper()
	var out bytes.Buffer
	if err := plan.Write(&out, st, p, plan.Options{JSON: true}); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	b := out.Bytes()
	if !json.Valid(b) || !utf8.Valid(b) {
		t.Fatalf("WriteJSON wrote invalid JSON or UTF-8:\n%s", b)
	}
	var got plan.JSONPlan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("the JSON plan does not read back: %v", err)
	}
	if len(got.Resources) != len(st.Resources) || len(got.Routes) != routes {
		t.Fatalf("the JSON plan has %d resources and %d routes, want %d and %d", len(got.Resources), len(got.Routes), len(st.Resources), routes)
	}
	names := map[string]bool{}
	for _, r := range got.Resources {
		names[r.URN+"\x00"+r.Name] = true
	}
	for _, r := range []struct{ typ, name string }{{tyFunction, n.fn}, {tyQueue, n.queue}, {tyTopic, n.topic}, {tyRule, n.rule}, {tyBus, n.bus}} {
		if utf8.ValidString(r.name) && !names[fzURN(r.typ, r.name)+"\x00"+r.name] {
			t.Fatalf("the JSON plan has no %s named %q", r.typ, r.name)
		}
	}
	if utf8.ValidString(n.outKey) && utf8.ValidString(n.outVal) && got.Outputs[n.outKey] != n.outVal {
		t.Fatalf("the JSON plan's output %q is %#v, want %q", n.outKey, got.Outputs[n.outKey], n.outVal)
	}
	if utf8.ValidString(n.action) && !bytes.Contains(b, mustJSON(t, n.action)) {
		t.Fatalf("the JSON plan's policy does not hold the action %q", n.action)
	}
	for _, r := range got.Resources {
		if r.Type == tyConfig && utf8.ValidString(n.qualifier) && r.Inputs["qualifier"] != n.qualifier {
			t.Fatalf("the JSON plan's qualifier is %#v, want %q", r.Inputs["qualifier"], n.qualifier)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkText: the text plan is valid UTF-8 with no character that breaks
// or reorders a line but the newlines that end them, and each string
// shows, with wantShown, where it belongs, on one line.
func checkText(t *testing.T, st *plan.Stack, p plan.Project, n fuzzNames) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, plan.Write(&out, st, p, plan.Options{}))
	text := out.String()
	if !utf8.ValidString(text) || !strings.HasSuffix(text, "\n") {
		t.Fatalf("the text plan is not valid UTF-8 text:\n%s", text)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		if j := strings.IndexFunc(l, breaksLine); j >= 0 {
			t.Fatalf("line %d of the text plan holds %U: %q", i+1, []rune(l[j:])[0], l)
		}
	}
	has := func(what, line string) {
		t.Helper()
		for _, l := range lines {
			if l == line {
				return
			}
		}
		t.Fatalf("the text plan has no line %q (%s):\n%s", line, what, text)
	}
	has("the function", "  "+tyFunction+"  "+wantShown(n.fn))
	has("the queue", "  "+tyQueue+"  "+wantShown(n.queue))
	has("the topic", "  "+tyTopic+"  "+wantShown(n.topic))
	has("the rule", "  "+tyRule+"  "+wantShown(n.rule))
	has("the bus", "  "+tyBus+"  "+wantShown(n.bus))
	has("the qualifier", "    qualifier: "+wantShown(n.qualifier))
	if n.outside != "" {
		has("the target outside the stack", "    destinationConfig.onFailure.destination: "+wantShown(n.outside))
	}
	// The action is in a JSON document, which decodes what is not valid
	// UTF-8 to U+FFFD.
	var action string
	if err := json.Unmarshal(mustJSON(t, n.action), &action); err != nil {
		t.Fatal(err)
	}
	has("the action", "    Allow Action sqs:SendMessage, "+wantShown(action))
	has("the stack output", "  "+wantShown(n.outKey)+": "+wantShown(n.outVal))
	if n.outKey != "list" {
		// A map in a list is printed as fmt prints it, made one line.
		has("the stack output list", "  list: ["+wantShown(n.outVal)+", "+wantOneLine("map["+n.outKey+":"+n.outVal+"]")+"]")
	}
}

// Valid Mermaid, as checkMermaid checks it: the first line is
// "flowchart LR"; every other line is two spaces and one node statement
//
//	<id><open>"<text>"<close>
//
// with an open and close pair of the shapes the writer uses (["..."],
// [("...")], (["..."]), {{"..."}}, [/"..."/], >"..."]), ids n1, n2, ...
// (and "legend", "empty"), each declared once and before any edge (the
// legend may follow the edges), or two spaces and one edge
//
//	<id> -->|"<text>"| <id>     or     <id> -.->|"<text>"| <id>
//
// between declared ids. A text is valid UTF-8 with no double quote, no
// control, line-separator or bidirectional formatting character, no < or
// > but in the writer's own <br/>, no & (only entity codes, which start
// with #), no "%%" (a comment, or a directive anywhere in the diagram), no
// # that does not start an entity code #name; or #decimal;, none of
// Mermaid's entity markers ﬂ and ¶, does not start with a backtick (a
// Markdown string), and the line matches neither of the patterns on
// which Mermaid drops a semicolon (style.*:\S*#.*; and
// classDef.*:\S*#.*;). The diagram ends with a newline.
var (
	edgeLine   = regexp.MustCompile(`^  (n[1-9][0-9]*) (-->|-\.->)\|"([^"]*)"\| (n[1-9][0-9]*)$`)
	nodeID     = regexp.MustCompile(`^  (n[1-9][0-9]*|legend|empty)`)
	entityCode = regexp.MustCompile(`^#([A-Za-z]+|[0-9]+);`)
	// JavaScript's \s: ASCII whitespace and Unicode's spaces.
	jsSpace    = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`
	styleDrop  = regexp.MustCompile(`style.*:[^` + jsSpace + `]*#.*;`)
	classDrop  = regexp.MustCompile(`classDef.*:[^` + jsSpace + `]*#.*;`)
	jsEntity   = regexp.MustCompile(`#[A-Za-z0-9_]+;`)
	mermaidBR  = regexp.MustCompile(`(?i)<br\s*/?>`)
	nodeShapes = [][2]string{{`[("`, `")]`}, {`(["`, `"])`}, {`{{"`, `"}}`}, {`[/"`, `"/]`}, {`["`, `"]`}, {`>"`, `"]`}, {`(("`, `"))`}}
)

// mermaidDiagram is a diagram read by checkMermaid: labels by node id,
// and the edges in order.
type mermaidDiagram struct {
	nodes map[string]string
	edges []mermaidEdge
}

type mermaidEdge struct{ from, arrow, text, to string }

func checkMermaid(t *testing.T, d string) mermaidDiagram {
	t.Helper()
	if !utf8.ValidString(d) || !strings.HasSuffix(d, "\n") {
		t.Fatalf("the diagram is not valid UTF-8 text ending with a newline:\n%s", d)
	}
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
	if lines[0] != "flowchart LR" {
		t.Fatalf("the diagram starts with %q", lines[0])
	}
	m := mermaidDiagram{nodes: map[string]string{}}
	for i, l := range lines[1:] {
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("line %d of the diagram: %s\n%s\n\n%s", i+2, fmt.Sprintf(format, args...), l, d)
		}
		if styleDrop.MatchString(l) || classDrop.MatchString(l) {
			fail("Mermaid drops a semicolon of this line (style or classDef)")
		}
		var text string
		if e := edgeLine.FindStringSubmatch(l); e != nil {
			for _, id := range []string{e[1], e[4]} {
				if _, ok := m.nodes[id]; !ok {
					fail("edge to undeclared node %s", id)
				}
			}
			text = e[3]
			m.edges = append(m.edges, mermaidEdge{e[1], e[2], e[3], e[4]})
		} else if id := nodeID.FindString(l); id != "" {
			id = strings.TrimPrefix(id, "  ")
			if len(m.edges) > 0 && id != "legend" {
				fail("node after an edge")
			}
			if _, dup := m.nodes[id]; dup {
				fail("node %s declared twice", id)
			}
			rest := l[len("  "+id):]
			ok := false
			for _, s := range nodeShapes {
				if strings.HasPrefix(rest, s[0]) && strings.HasSuffix(rest, s[1]) && len(rest) >= len(s[0])+len(s[1]) {
					text, ok = rest[len(s[0]):len(rest)-len(s[1])], true
					break
				}
			}
			if !ok || strings.Contains(text, `"`) {
				fail("not a node statement of a known shape")
			}
			m.nodes[id] = text
		} else {
			fail("neither a node nor an edge statement")
		}
		if j := strings.IndexFunc(text, breaksLine); j >= 0 {
			fail("the text holds %U", []rune(text[j:])[0])
		}
		if strings.ContainsAny(strings.ReplaceAll(text, "<br/>", ""), "<>&\ufb02\u00b6") || strings.Contains(text, "%%") || strings.HasPrefix(text, "`") {
			fail("the text holds a raw <, >, &, ﬂ, ¶ or %%%%, or starts a Markdown string")
		}
		for k := strings.IndexByte(text, '#'); k >= 0; k = strings.IndexByte(text, '#') {
			code := entityCode.FindString(text[k:])
			if code == "" {
				fail("a # that starts no entity code")
			}
			text = text[k+len(code):]
		}
	}
	return m
}

// mermaidShows is what Mermaid 11 shows of a label's text, line by line:
// it trims white space from the ends of the label, replaces each #name;
// and #decimal; of the diagram with a marker (ﬂ°name¶ß, ﬂ°°decimal¶ß)
// before parsing, turns the markers into HTML entities (&name;,
// &#decimal;) when it renders a label as HTML, breaks lines at <br>,
// <br/> or <br />, and the browser decodes the entities. Entity codes are
// always whole within a label (checkMermaid: a label has no raw # and the
// writer's own text has none), so the label is decoded alone.
func mermaidShows(text string) []string {
	text = strings.TrimFunc(text, isJSSpace)
	text = jsEntity.ReplaceAllStringFunc(text, func(s string) string {
		inner := s[1 : len(s)-1]
		if strings.Trim(inner, "0123456789") == "" {
			return "ﬂ°°" + inner + "¶ß"
		}
		return "ﬂ°" + inner + "¶ß"
	})
	text = strings.NewReplacer("ﬂ°°", "&#", "ﬂ°", "&", "¶ß", ";").Replace(text)
	lines := mermaidBR.Split(text, -1)
	for i, l := range lines {
		lines[i] = html.UnescapeString(l)
	}
	return lines
}

// checkDiagram: the diagram is valid Mermaid (checkMermaid), with one edge
// per route, and each node and edge shows, decoded as Mermaid decodes it,
// its kind and each string from the stack as wantShown shows it.
func checkDiagram(t *testing.T, d string, g *stackgraph.Graph, routes []plan.Route, n fuzzNames) {
	t.Helper()
	m := checkMermaid(t, d)
	if len(m.edges) != len(routes) {
		t.Fatalf("%d edges for %d routes:\n%s", len(m.edges), len(routes), d)
	}
	kinds := map[string]string{tyFunction: "Lambda function", tyQueue: "SQS queue", tyTopic: "SNS topic", tyRule: "EventBridge rule", tyBus: "EventBridge bus"}
	ids := map[string]string{} // route end → node id
	for i, r := range routes {
		e := m.edges[i]
		for _, end := range []struct{ key, id string }{{r.From, e.from}, {r.To, e.to}} {
			if prev, ok := ids[end.key]; ok && prev != end.id {
				t.Fatalf("%q is drawn as %s and %s", end.key, prev, end.id)
			}
			ids[end.key] = end.id
			want := []string{"outside the stack", wantShown(end.key)}
			if res := g.ByURN(end.key); res != nil {
				want = []string{kinds[res.Type], wantShown(res.Name)}
				if res.Type == tyFunction {
					want = append(want, wantShown(n.qualifier)+" · retries 1")
				}
			}
			if got := mermaidShows(m.nodes[end.id]); !equalLines(got, want) {
				t.Fatalf("node %s shows %q, want %q:\n%s", end.id, got, want, d)
			}
		}
		got := mermaidShows(e.text)
		first := string(r.Condition)
		if got[0] != first && r.Qualifier != "" {
			first += " · " + wantShown(r.Qualifier)
		}
		if got[0] != first || len(got) < 1+len(r.Needs) {
			t.Fatalf("edge %d shows %q for %+v:\n%s", i+1, got, r, d)
		}
		for j, p := range r.Needs {
			if !strings.HasPrefix(got[1+j], wantShown(p.Action)+" ") {
				t.Fatalf("edge %d shows %q for the action %q:\n%s", i+1, got, p.Action, d)
			}
		}
	}
	for _, want := range []struct{ typ, name string }{{tyFunction, n.fn}, {tyQueue, n.queue}, {tyTopic, n.topic}, {tyRule, n.rule}, {tyBus, n.bus}} {
		if _, ok := ids[fzURN(want.typ, want.name)]; !ok {
			t.Fatalf("the diagram has no node for the %s %q:\n%s", want.typ, want.name, d)
		}
	}
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A stack without routes draws the empty diagram, valid too; an invoke
// config whose functionName is a list (a hand-written graph) matches no
// function, where comparing it used to panic.
func TestDiagramEmptyAndOddValues(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, plan.Write(&out, &plan.Stack{Graph: stackgraph.New(nil)}, plan.Project{}, plan.Options{Diagram: true}))
	m := checkMermaid(t, out.String())
	if len(m.nodes) != 1 || m.nodes["empty"] == "" || len(m.edges) != 0 {
		t.Fatalf("the empty diagram:\n%s", out.String())
	}

	st := fuzzStack(fuzzSeeds[0])
	for _, r := range st.Resources {
		switch r.Type {
		case tyConfig:
			r.Inputs["functionName"] = []any{"fuzz-fn"}
		case tyFunction:
			r.Outputs["name"] = []any{"fuzz-fn"}
		}
	}
	out.Reset()
	require.NoError(t, plan.Write(&out, st, plan.Project{}, plan.Options{Diagram: true}))
	checkMermaid(t, out.String())
}
