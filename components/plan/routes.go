package plan

import (
	"fmt"
	"github.com/asyncroute/asyncroute/components/iampolicy"
	"sort"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/stackgraph"
)

// Route is one edge of a stack's asynchronous routing: an invoker reaching
// a function, or a function reaching a destination.
type Route struct {
	From string `json:"from"` // URN, or the ARN of something outside the stack
	To   string `json:"to"`
	// Condition is "invokes" (asynchronous invoker), "on success",
	// "on failure" or "dead letter".
	Condition string `json:"condition"`
	// Via names the resource that creates the edge (invoke config,
	// subscription, event target).
	Via string `json:"via,omitempty"`
	// Needs lists the permissions the function's role needs for the edge;
	// Granted says, for each, whether the role's policies in the stack allow
	// it. Empty for invoker edges.
	Needs   []asyncroute.Permission `json:"needs,omitempty"`
	Granted []bool                  `json:"granted,omitempty"`
}

type index struct {
	st    *stackgraph.Graph
	byARN map[string]*stackgraph.Resource
	fns   map[string]*stackgraph.Resource // by name and by ARN
}

func newIndex(st *stackgraph.Graph) *index {
	ix := &index{st: st, byARN: map[string]*stackgraph.Resource{}, fns: map[string]*stackgraph.Resource{}}
	for _, r := range st.Resources {
		if a, ok := r.Outputs["arn"].(string); ok && r.Custom {
			ix.byARN[a] = r
		}
		if r.Type == "aws:lambda/function:Function" {
			for _, k := range []string{"name", "arn"} {
				if v, ok := r.Outputs[k].(string); ok {
					ix.fns[v] = r
				}
			}
		}
	}
	return ix
}

// node returns the URN of the resource with this ARN, or the ARN itself.
func (ix *index) node(arn string) string {
	if r := ix.byARN[arn]; r != nil {
		return r.URN
	}
	return arn
}

// customerKey returns the ARN of the customer-managed KMS key in the stack
// that encrypts the queue or topic with this ARN, or "".
func (ix *index) customerKey(target string) string {
	r := ix.byARN[target]
	if r == nil {
		return ""
	}
	ref, _ := r.Inputs["kmsMasterKeyId"].(string)
	if ref == "" {
		return ""
	}
	for _, k := range ix.st.OfType("aws:kms/key:Key") {
		if ref == k.Outputs["arn"] || ref == k.Outputs["keyId"] {
			arn, _ := k.Outputs["arn"].(string)
			return arn
		}
	}
	return ""
}

// function finds a function by name, ARN or qualified ARN.
func (ix *index) function(ref string) *stackgraph.Resource {
	if r := ix.fns[ref]; r != nil {
		return r
	}
	if strings.HasPrefix(ref, "arn:") {
		f := strings.Split(ref, ":")
		if len(f) >= 7 {
			return ix.fns[f[6]]
		}
	}
	return nil
}

// policies returns the policy documents of the function's role that are in
// the stack: its inline role policies and the role's own inline policies.
func (ix *index) policies(fn *stackgraph.Resource) []iampolicy.Document {
	roleArn, _ := fn.Inputs["role"].(string)
	role := ix.byARN[roleArn]
	if role == nil {
		return nil
	}
	roleName, _ := role.Outputs["name"].(string)
	var out []iampolicy.Document
	add := func(doc any) {
		if s, ok := doc.(string); ok {
			if p, err := iampolicy.Parse(s); err == nil {
				out = append(out, p)
			}
		}
	}
	for _, rp := range ix.st.OfType("aws:iam/rolePolicy:RolePolicy") {
		if rp.Inputs["role"] == roleName || rp.Inputs["role"] == role.ID {
			add(rp.Inputs["policy"])
		}
	}
	if inline, ok := role.Inputs["inlinePolicies"].([]any); ok {
		for _, ip := range inline {
			if m, ok := ip.(map[string]any); ok {
				add(m["policy"])
			}
		}
	}
	return out
}

// Routes derives the asynchronous routing of a recorded stack, sorted.
func Routes(st *stackgraph.Graph) []Route {
	ix := newIndex(st)
	routes := []Route{}
	// destination adds a function's edge; fn is nil for a function outside
	// the stack (named by ref), whose role's policies cannot be checked.
	destination := func(fn *stackgraph.Resource, ref, target, condition, via string) {
		if fn == nil {
			routes = append(routes, Route{From: ref, To: ix.node(target), Condition: condition, Via: via})
			return
		}
		r := Route{From: fn.URN, To: ix.node(target), Condition: condition, Via: via}
		if needs, err := asyncroute.RequiredPermissions(target); err == nil {
			if key := ix.customerKey(target); key != "" {
				needs = append(needs, asyncroute.KMSPermissions(key)...)
			}
			docs := ix.policies(fn)
			r.Needs = needs
			for _, n := range needs {
				r.Granted = append(r.Granted, iampolicy.Evaluate(docs, n.Action, n.Resource) == iampolicy.Allowed)
			}
		}
		routes = append(routes, r)
	}
	for _, cfg := range st.OfType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig") {
		ref, _ := cfg.Inputs["functionName"].(string)
		fn := ix.function(ref)
		dc, _ := cfg.Inputs["destinationConfig"].(map[string]any)
		for _, c := range []struct{ key, label string }{{"onSuccess", "on success"}, {"onFailure", "on failure"}} {
			if m, ok := dc[c.key].(map[string]any); ok {
				if arn, ok := m["destination"].(string); ok {
					destination(fn, ref, arn, c.label, cfg.URN)
				}
			}
		}
	}
	for _, fn := range st.OfType("aws:lambda/function:Function") {
		if m, ok := fn.Inputs["deadLetterConfig"].(map[string]any); ok {
			if arn, ok := m["targetArn"].(string); ok {
				destination(fn, fn.URN, arn, "dead letter", fn.URN)
			}
		}
	}
	invoker := func(from string, fnRef string, via string) {
		if fn := ix.function(fnRef); fn != nil {
			routes = append(routes, Route{From: from, To: fn.URN, Condition: "invokes", Via: via})
		}
	}
	for _, sub := range st.OfType("aws:sns/topicSubscription:TopicSubscription") {
		if sub.Inputs["protocol"] == "lambda" {
			topic, _ := sub.Inputs["topic"].(string)
			endpoint, _ := sub.Inputs["endpoint"].(string)
			invoker(ix.node(topic), endpoint, sub.URN)
		}
	}
	for _, t := range st.OfType("aws:cloudwatch/eventTarget:EventTarget") {
		arn, _ := t.Inputs["arn"].(string)
		rule, _ := t.Inputs["rule"].(string)
		from := rule
		for _, r := range st.OfType("aws:cloudwatch/eventRule:EventRule") {
			if r.Outputs["name"] == rule {
				from = r.URN
			}
		}
		invoker(from, arn, t.URN)
	}
	for _, n := range st.OfType("aws:s3/bucketNotification:BucketNotification") {
		bucket, _ := n.Inputs["bucket"].(string)
		from := bucket
		for _, b := range append(st.OfType("aws:s3/bucketV2:BucketV2"), st.OfType("aws:s3/bucket:Bucket")...) {
			if b.Outputs["bucket"] == bucket {
				from = b.URN
			}
		}
		fns, _ := n.Inputs["lambdaFunctions"].([]any)
		for _, f := range fns {
			if m, ok := f.(map[string]any); ok {
				arn, _ := m["lambdaFunctionArn"].(string)
				invoker(from, arn, n.URN)
			}
		}
	}
	// Rules on a bus: the bus routes matching events to the rule.
	for _, rule := range st.OfType("aws:cloudwatch/eventRule:EventRule") {
		if _, scheduled := rule.Inputs["scheduleExpression"]; scheduled {
			continue
		}
		bus, _ := rule.Inputs["eventBusName"].(string)
		from := ""
		for _, b := range st.OfType("aws:cloudwatch/eventBus:EventBus") {
			if bus != "" && (b.Outputs["name"] == bus || b.Outputs["arn"] == bus) {
				from = b.URN
			}
		}
		if from == "" && (bus == "" || bus == "default") {
			// The default bus is outside the stack; use the ARN a route
			// already reaches, if any.
			for _, r := range routes {
				if strings.HasSuffix(r.To, ":event-bus/default") {
					from = r.To
				}
			}
		}
		if from != "" {
			routes = append(routes, Route{From: from, To: rule.URN, Condition: "matches", Via: rule.URN})
		}
	}
	// Event source mappings poll a source and invoke the function
	// synchronously; their own on-failure target receives discarded batches.
	for _, m := range st.OfType("aws:lambda/eventSourceMapping:EventSourceMapping") {
		ref, _ := m.Inputs["functionName"].(string)
		if src, ok := m.Inputs["eventSourceArn"].(string); ok {
			routes = append(routes, Route{From: ix.node(src), To: m.URN, Condition: "polled by", Via: m.URN})
		}
		if fn := ix.function(ref); fn != nil {
			routes = append(routes, Route{From: m.URN, To: fn.URN, Condition: "invokes", Via: m.URN})
			dc, _ := m.Inputs["destinationConfig"].(map[string]any)
			if of, ok := dc["onFailure"].(map[string]any); ok {
				if arn, ok := of["destinationArn"].(string); ok {
					destination(fn, ref, arn, "mapping on failure", m.URN)
				}
			}
		}
	}
	rank := map[string]int{"polled by": 0, "matches": 0, "invokes": 0, "on success": 1, "on failure": 2, "dead letter": 3, "mapping on failure": 4}
	sort.SliceStable(routes, func(i, j int) bool {
		a, b := routes[i], routes[j]
		return fmt.Sprint(a.From, rank[a.Condition], a.To) < fmt.Sprint(b.From, rank[b.Condition], b.To)
	})
	return routes
}
