package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// Resource types the simulator reads itself (asyncpolicy.Routes gives the
// destination edges; what a trigger does with an event is read here).
const (
	tFunction     = awstypes.TokenFunction
	tAlias        = awstypes.TokenAlias
	tInvokeConfig = awstypes.TokenInvokeConfig
	tEventRule    = awstypes.TokenEventRule
	tEventTarget  = awstypes.TokenEventTarget
	tSubscription = awstypes.TokenTopicSubscription
	tMapping      = awstypes.TokenEventSourceMapping
	tRecursion    = awstypes.TokenRecursionConfig
	tAlarm        = awstypes.TokenMetricAlarm
)

// Lambda's defaults for an asynchronous invocation without an invoke
// config (or with a setting left out), as in package lambdafacts.
const (
	DefaultMaxRetries  = lambdafacts.DefaultMaxRetries
	DefaultMaxEventAge = lambdafacts.DefaultMaxEventAge
)

// function is one Lambda function: of the stack, or outside it but
// configured by it (an invoke config naming a function by name).
type function struct {
	res        *stackgraph.Resource // nil outside the stack
	pulumiName string               // resource name; the function name outside the stack
	name       string               // the function's name in AWS
	arn        string               // unqualified ARN
	runtime    string
	spec       string // the handler setting, "module.function"
	code       string // "archive:<path>" and the like
	timeout    time.Duration
	version    string            // published version, "" when none
	aliases    map[string]string // alias name → version
	configs    map[string]*asyncConfig
	dlq        *route
	// zeroConcurrency says the function's reserved concurrency is 0:
	// Lambda runs none of its events.
	zeroConcurrency bool
	// recursiveLoop is the function's recursive-loop setting (Terminate,
	// Lambda's default, or Allow); recursionBy names the resource that
	// sets it ("" for the default).
	recursiveLoop, recursionBy string

	handler     Handler
	handlerFrom string // how the handler was found, for listings
}

// label names the function in the trace.
func (f *function) label(q string) string {
	if q == "" || q == lambdafacts.Latest {
		return f.pulumiName
	}
	return f.pulumiName + ":" + q
}

func (f *function) qualifiedARN(q string) string {
	if q == "" {
		q = lambdafacts.Latest
	}
	return f.arn + ":" + q
}

// executedVersion is the version that runs for a qualifier.
func (f *function) executedVersion(q string) string {
	if v, ok := f.aliases[q]; ok && v != "" {
		return v
	}
	if q == "" {
		return lambdafacts.Latest
	}
	return q
}

// asyncConfig is an invoke config of one qualifier.
type asyncConfig struct {
	res        *stackgraph.Resource
	qualifier  string
	maxRetries int
	maxAge     time.Duration
	onSuccess  *route
	onFailure  *route
}

// route is a destination edge as asyncpolicy.Routes reports it, with the
// destination as the config (or the function's DeadLetterConfig) writes it.
type route struct {
	policy asyncpolicy.Route
	slot   asyncpolicy.Condition // OnSuccess, OnFailure or DeadLetter
	dest   string                // the configured ARN; may be a qualified function ARN
	target *target
}

// target is an in-memory destination or trigger target: a queue, topic,
// bus, bucket or function, of the stack or outside it (by ARN).
type target struct {
	key        string // URN, or ARN outside the stack
	res        *stackgraph.Resource
	arn        string
	name       string // Pulumi name, or the ARN's resource name
	kind       lambdafacts.Kind
	label      string // "SQS queue"
	outside    bool
	rawName    string // physical name
	deliveries []*Delivery
}

func (t *target) String() string {
	s := t.label + " " + t.name
	if t.outside {
		s += " (outside the stack)"
	}
	return s
}

// rule is an EventBridge rule on a bus.
type rule struct {
	res      *stackgraph.Resource
	name     string
	physical string
	pattern  string
	targets  []*ruleTarget
}

type ruleTarget struct {
	res         *stackgraph.Resource
	arn         string
	inputPath   string
	input       string
	transformer bool
}

// subscription is an SNS subscription of a topic.
type subscription struct {
	res      *stackgraph.Resource
	arn      string
	protocol string
	endpoint string
	raw      bool
	filter   bool
}

// model is what the simulator reads from a graph.
type model struct {
	g         *stackgraph.Graph
	perms     *asyncpolicy.Permissions
	functions []*function
	targets   map[string]*target // by key
	byARN     map[string]*stackgraph.Resource
	rules     map[string][]*rule // bus key → rules
	subs      map[string][]*subscription
	mappings  map[string][]*stackgraph.Resource // queue ARN → mappings polling it
	alarms    []*alarm
	region    string
	account   string
	partition string
}

func isUnknown(v any) bool { return stackgraph.IsUnknown(v) }

// prop reads a property: outputs first (what AWS reports), then inputs.
func prop(r *stackgraph.Resource, key string) any {
	if r == nil {
		return nil
	}
	if v, ok := r.Outputs[key]; ok && v != nil {
		return v
	}
	return r.Inputs[key]
}

func str(r *stackgraph.Resource, key string) string {
	s, _ := prop(r, key).(string)
	return s
}

func num(r *stackgraph.Resource, key string) (float64, bool) {
	switch v := prop(r, key).(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

func boolProp(r *stackgraph.Resource, key string) bool {
	switch v := prop(r, key).(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func buildModel(g *stackgraph.Graph) (*model, error) {
	m := &model{
		g:        g,
		targets:  map[string]*target{},
		byARN:    map[string]*stackgraph.Resource{},
		rules:    map[string][]*rule{},
		subs:     map[string][]*subscription{},
		mappings: map[string][]*stackgraph.Resource{},
	}
	for _, r := range g.Resources {
		if a, ok := prop(r, "arn").(string); ok && strings.HasPrefix(a, "arn:") {
			if _, seen := m.byARN[a]; !seen {
				m.byARN[a] = r
			}
		}
	}
	var unknown []string
	for _, r := range g.OfType(tFunction) {
		arn, name := prop(r, "arn"), prop(r, "name")
		if isUnknown(arn) || isUnknown(name) {
			unknown = append(unknown, r.Name)
			continue
		}
		f := &function{
			res: r, pulumiName: r.Name, name: str(r, "name"), arn: str(r, "arn"),
			runtime: str(r, "runtime"), spec: str(r, "handler"), code: str(r, "code"),
			aliases: map[string]string{}, configs: map[string]*asyncConfig{},
			timeout: 3 * time.Second, recursiveLoop: lambdafacts.RecursiveLoopTerminate,
		}
		// The input, not the output: a provider may report an unset
		// reserved concurrency as 0 (the double) or -1 (AWS).
		if n, ok := r.Inputs["reservedConcurrentExecutions"].(float64); ok && n == 0 {
			f.zeroConcurrency = true
		}
		if t, ok := num(r, "timeout"); ok && t > 0 {
			f.timeout = time.Duration(t) * time.Second
		}
		if v := str(r, "version"); v != "" && v != lambdafacts.Latest {
			f.version = v
		}
		if f.arn == "" || f.name == "" {
			return nil, fmt.Errorf("simulate: function %s has no arn or name output; record the program with mockmonitor.Run or give a stack export", r.Name)
		}
		m.functions = append(m.functions, f)
		if m.region == "" {
			if a, err := lambdafacts.ParseARN(f.arn); err == nil {
				m.partition, m.region, m.account = a.Partition, a.Region, a.Account
			}
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("simulate: the ARNs of %s are not known (a preview?); record the program without mockmonitor.Preview", strings.Join(unknown, ", "))
	}
	if m.region == "" {
		for a := range m.byARN {
			if p, err := lambdafacts.ParseARN(a); err == nil && p.Region != "" && p.Account != "" {
				m.partition, m.region, m.account = p.Partition, p.Region, p.Account
				break
			}
		}
	}
	if m.region == "" {
		m.partition, m.region, m.account = "aws", "us-east-1", "123456789012"
	}
	for _, r := range g.OfType(tAlias) {
		f, _, err := m.lookup(str(r, "functionName"), false)
		if err != nil || f == nil {
			continue
		}
		f.aliases[str(r, "name")] = str(r, "functionVersion")
	}
	// The invoke configs and their routes, as the rules read them.
	a := asyncpolicy.Analyze(*g)
	for _, cs := range a.Configs() {
		ref, q := cs.FunctionName, cs.Qualifier
		fr, err := lambdafacts.ParseFunctionRef(ref)
		if ref == "" || q == "" || err != nil {
			continue
		}
		var f *function
		if cs.Function != "" {
			f = m.byURN(cs.Function)
		}
		if f == nil {
			f, _, _ = m.lookup(ref, false)
		}
		if f == nil {
			// A function outside the stack, configured by name or ARN.
			f = &function{
				pulumiName: fr.Name, name: fr.Name,
				arn:     lambdafacts.ARN{Partition: m.partition, Region: m.region, Account: m.account}.Regional("lambda", "function:"+fr.Name),
				aliases: map[string]string{}, configs: map[string]*asyncConfig{},
				timeout: 3 * time.Second,
			}
			if fr.ARN != nil {
				f.arn = fr.ARN.Regional("lambda", "function:"+fr.Name)
			}
			m.functions = append(m.functions, f)
		}
		c := &asyncConfig{res: g.ByURN(cs.URN), qualifier: q, maxRetries: DefaultMaxRetries, maxAge: DefaultMaxEventAge}
		if cs.MaxRetries != nil {
			c.maxRetries = *cs.MaxRetries
		}
		if n := cs.MaxEventAgeSeconds; n != nil && *n > 0 {
			c.maxAge = time.Duration(*n) * time.Second
		}
		f.configs[q] = c
	}
	m.perms = a.Permissions()
	configs := map[string]*asyncConfig{}
	for _, f := range m.functions {
		for _, c := range f.configs {
			configs[c.res.URN] = c
		}
	}
	for _, rt := range a.Routes() {
		switch rt.Condition {
		case asyncpolicy.OnSuccess, asyncpolicy.OnFailure:
			c := configs[rt.Via]
			if c == nil {
				continue
			}
			r := &route{policy: rt, slot: rt.Condition, dest: rt.Value}
			r.target = m.target(rt.To, r.dest)
			if rt.Condition == asyncpolicy.OnSuccess {
				c.onSuccess = r
			} else {
				c.onFailure = r
			}
		case asyncpolicy.DeadLetter:
			f := m.byURN(rt.From)
			if f == nil {
				continue
			}
			r := &route{policy: rt, slot: rt.Condition, dest: rt.Value}
			r.target = m.target(rt.To, r.dest)
			f.dlq = r
		case asyncpolicy.Matches:
			rr := g.ByURN(rt.To)
			if rr == nil {
				continue
			}
			bus := m.target(rt.From, rt.From)
			if bus == nil {
				continue
			}
			m.rules[bus.key] = append(m.rules[bus.key], m.readRule(rr))
		}
	}
	for _, s := range g.OfType(tSubscription) {
		topic := str(s, "topic")
		t := m.target(topic, topic)
		if t == nil {
			continue
		}
		sub := &subscription{res: s, arn: str(s, "arn"), protocol: str(s, "protocol"), endpoint: str(s, "endpoint"),
			raw: boolProp(s, "rawMessageDelivery"), filter: str(s, "filterPolicy") != ""}
		if sub.arn == "" || isUnknown(prop(s, "arn")) {
			sub.arn = t.arn + ":" + pseudoUUID("subscription", s.URN)
		}
		m.subs[t.key] = append(m.subs[t.key], sub)
	}
	for _, mp := range g.OfType(tMapping) {
		src := str(mp, "eventSourceArn")
		m.mappings[src] = append(m.mappings[src], mp)
	}
	for _, rc := range g.OfType(tRecursion) {
		if f, _, _ := m.lookup(str(rc, awstypes.RecursionFunction), false); f != nil {
			if v := str(rc, awstypes.RecursionLoop); v != "" {
				f.recursiveLoop, f.recursionBy = v, rc.Name
			}
		}
	}
	m.alarms = readAlarms(g, a, m)
	return m, nil
}

func (m *model) byURN(urn string) *function {
	for _, f := range m.functions {
		if f.res != nil && f.res.URN == urn {
			return f
		}
	}
	return nil
}

// readRule reads a rule and the targets of the stack that name it.
func (m *model) readRule(r *stackgraph.Resource) *rule {
	ru := &rule{res: r, name: r.Name, physical: str(r, "name"), pattern: str(r, "eventPattern")}
	for _, t := range m.g.OfType(tEventTarget) {
		named := str(t, "rule")
		mine := named != "" && (named == ru.physical || named == str(r, "arn"))
		for _, u := range t.PropertyDependencies["rule"] {
			if u == r.URN {
				mine = true
			}
		}
		if !mine {
			continue
		}
		ru.targets = append(ru.targets, &ruleTarget{res: t, arn: str(t, "arn"), inputPath: str(t, "inputPath"),
			input: str(t, "input"), transformer: prop(t, "inputTransformer") != nil})
	}
	return ru
}

// target returns the in-memory target of a route's node: a URN of the
// stack, or an ARN (of the stack, or outside it). dest is the ARN as
// configured, used when the node is not known.
func (m *model) target(node, dest string) *target {
	var res *stackgraph.Resource
	if strings.HasPrefix(node, "urn:pulumi:") {
		res = m.g.ByURN(node)
	} else if r := m.byARN[node]; r != nil {
		res = r
	}
	if res != nil {
		if t := m.targets[res.URN]; t != nil {
			return t
		}
		t := &target{key: res.URN, res: res, arn: str(res, "arn"), name: res.Name, rawName: str(res, "name")}
		if t.rawName == "" {
			t.rawName = str(res, "bucket")
		}
		if spec := lambdafacts.KindOfResourceType(res.Type); spec != nil {
			t.kind, t.label = spec.Kind, spec.Label
		} else {
			t.label = res.Type
		}
		if t.arn == "" {
			t.arn = dest
		}
		m.targets[t.key] = t
		return t
	}
	a := node
	if !strings.HasPrefix(a, "arn:") {
		a = dest
	}
	if !strings.HasPrefix(a, "arn:") {
		return nil
	}
	if f, _, _ := m.lookup(a, false); f != nil && f.res != nil {
		return m.target(f.res.URN, a)
	}
	parsed, err := lambdafacts.ParseARN(a)
	if err != nil {
		return nil
	}
	key := a
	if parsed.Service == "lambda" {
		key = lambdafacts.UnqualifiedFunctionARN(a)
	}
	if t := m.targets[key]; t != nil {
		return t
	}
	t := &target{key: key, arn: key, outside: true}
	if spec, err := lambdafacts.KindOfARN(parsed); err == nil {
		t.kind, t.label = spec.Kind, spec.Label
	} else {
		t.label = parsed.Service
	}
	t.name = parsed.Name()
	if parsed.Service == "lambda" {
		if n, ok := lambdafacts.FunctionName(parsed); ok {
			t.name = n
		}
	}
	t.rawName = t.name
	m.targets[key] = t
	return t
}

// lookup finds a function by URN, Pulumi name, name or ARN, each
// optionally qualified (name:qualifier, qualified ARN). It returns the
// qualifier the reference carries ("" when none). With strict, a
// reference matching nothing or several functions is an error.
func (m *model) lookup(ref string, strict bool) (*function, string, error) {
	if strings.HasPrefix(ref, "urn:pulumi:") {
		if f := m.byURN(ref); f != nil {
			return f, "", nil
		}
		return nil, "", m.notFound(ref)
	}
	name, q := ref, ""
	var arn string
	if fr, err := lambdafacts.ParseFunctionRef(ref); err == nil {
		name, q = fr.Name, fr.Qualifier
		if fr.ARN != nil {
			arn = fr.ARN.Regional("lambda", "function:"+fr.Name)
		}
	} else if i := strings.LastIndex(ref, ":"); i > 0 && !strings.HasPrefix(ref, "arn:") {
		name, q = ref[:i], ref[i+1:]
	}
	var found []*function
	for _, f := range m.functions {
		switch {
		case arn != "" && f.arn == arn,
			arn == "" && (f.name == name || f.pulumiName == name):
			found = append(found, f)
		}
	}
	if len(found) == 0 && q != "" && arn == "" {
		// A Pulumi name holding a colon.
		for _, f := range m.functions {
			if f.pulumiName == ref {
				found, q = append(found, f), ""
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], q, nil
	case 0:
		if !strict {
			return nil, q, nil
		}
		return nil, q, m.notFound(ref)
	}
	var names []string
	for _, f := range found {
		names = append(names, f.describe())
	}
	return nil, q, fmt.Errorf("simulate: %q names %d functions (%s); use its URN or ARN", ref, len(found), strings.Join(names, ", "))
}

func (f *function) describe() string {
	if f.res == nil {
		return f.name + " (outside the stack)"
	}
	return f.pulumiName + " (" + f.name + ")"
}

func (m *model) notFound(ref string) error {
	var names []string
	for _, f := range m.functions {
		names = append(names, f.describe())
	}
	if len(names) == 0 {
		return fmt.Errorf("simulate: no function %q: the stack has no functions", ref)
	}
	return fmt.Errorf("simulate: no function %q; the stack has: %s", ref, strings.Join(names, ", "))
}

// qualifiers lists what a function may be invoked as.
func (f *function) qualifiers() []string {
	seen := map[string]bool{lambdafacts.Latest: true}
	out := []string{lambdafacts.Latest}
	add := func(q string) {
		if q != "" && !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	var rest []string
	for a := range f.aliases {
		rest = append(rest, a)
	}
	for q := range f.configs {
		rest = append(rest, q)
	}
	if f.version != "" {
		rest = append(rest, f.version)
	}
	sort.Strings(rest)
	for _, q := range rest {
		add(q)
	}
	return out
}

// checkQualifier accepts $LATEST, a version number, or an alias or
// qualifier the stack knows for the function.
func (f *function) checkQualifier(q string) error {
	if q == "" || q == lambdafacts.Latest {
		return nil
	}
	if _, err := strconv.Atoi(q); err == nil {
		return nil
	}
	if _, ok := f.aliases[q]; ok {
		return nil
	}
	if _, ok := f.configs[q]; ok {
		return nil
	}
	return fmt.Errorf("simulate: function %s has no alias %q in the stack; it can be invoked as %s", f.pulumiName, q, strings.Join(f.qualifiers(), ", "))
}

// codeHandler finds a handler for a function from its own code: a Python
// runtime whose code is a folder on this machine.
func codeHandler(f *function, codeDir, python string) (Handler, string) {
	if !strings.HasPrefix(f.runtime, "python") || !strings.HasPrefix(f.code, "archive:") || f.spec == "" {
		return nil, ""
	}
	dir := strings.TrimPrefix(f.code, "archive:")
	if dir == "" || strings.Contains(dir, "://") || strings.HasSuffix(dir, ".zip") {
		return nil, ""
	}
	if !filepath.IsAbs(dir) && codeDir != "" {
		dir = filepath.Join(codeDir, dir)
	}
	if !isDir(dir) {
		return nil, ""
	}
	return PythonWith(python, dir, f.spec), fmt.Sprintf("%s %s in %s", pythonName(python), f.spec, dir)
}

func pythonName(p string) string {
	if p == "" {
		return "python3"
	}
	return p
}

// jsonString renders a JSON value compactly for the trace, cut at n runes.
func jsonString(b []byte, n int) string {
	var c bytes.Buffer
	s := string(b)
	if json.Compact(&c, b) == nil {
		s = c.String()
	}
	return cut(s, n)
}

func cut(s string, n int) string {
	r := []rune(s)
	if n > 0 && len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
