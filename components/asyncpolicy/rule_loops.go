package asyncpolicy

import (
	"encoding/json"
	"sort"

	"github.com/asyncroute/asyncroute/components/records"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// Loops (ASYNC008, ASYNC009): routes of the stack that lead a function's
// records back to it, found by lambdafacts.FindLoops over the stack's
// routes. A function's on-success record reaches a rule of an event bus
// only when the rule's pattern matches it (ResponseOnly's rules match one
// function's records); a pattern the rules cannot decide makes the hop an
// ordinary trigger, so that a loop through it is advisory, never
// mandatory.

// loopHop is a hop of the stack's routes and where a finding on it goes.
type loopHop struct {
	hop   lambdafacts.LoopHop
	at    *Resource
	field string
}

// checkLoops reports the loops of the stack: success loops when success,
// the others otherwise.
func checkLoops(m *model, success bool, emit emitFunc) {
	hops := m.loopHops(routesOf(m))
	plain := make([]lambdafacts.LoopHop, len(hops))
	where := map[lambdafacts.LoopHop]loopHop{}
	for i, h := range hops {
		plain[i] = h.hop
		if _, ok := where[h.hop]; !ok {
			where[h.hop] = h
		}
	}
	for _, loop := range lambdafacts.FindLoops(plain) {
		if lambdafacts.SuccessOnly(loop) != success {
			continue
		}
		// The finding goes on the loop's invoke config of the first name
		// (else its first hop), and the loop is told from there.
		start := -1
		for i, h := range loop {
			if w := where[h]; w.at != nil && w.at.Type == tInvokeConfig && (start < 0 || w.at.Name < where[loop[start]].at.Name) {
				start = i
			}
		}
		if start < 0 {
			start = 0
		}
		loop = append(append([]lambdafacts.LoopHop{}, loop[start:]...), loop[:start]...)
		w := where[loop[0]]
		named := make([]lambdafacts.LoopHop, len(loop))
		for i, h := range loop {
			named[i] = lambdafacts.LoopHop{From: m.loopName(h.From), To: m.loopName(h.To), How: h.How}
		}
		problem := lambdafacts.RedriveLoop(named)
		if success {
			problem = lambdafacts.SuccessLoop(named)
		}
		report(emit, w.at, w.field, problem)
	}
}

// loopName names a node of a loop: a resource of the stack by its name,
// anything else as the routes name it.
func (m *model) loopName(node string) string {
	if r := m.ix.byURN[node]; r != nil {
		return r.Name
	}
	return node
}

// loopHops are the stack's routes as hops between functions, queues,
// topics, buckets and rules (see lambdafacts.LoopHop).
func (m *model) loopHops(routes []Route) []loopHop {
	var out []loopHop
	rulesOf := map[string][]string{} // bus -> rules matching its events
	polled := map[string][]string{}  // mapping -> sources
	for _, r := range routes {
		switch r.Condition {
		case Matches:
			rulesOf[r.From] = append(rulesOf[r.From], r.To)
		case PolledBy:
			polled[r.To] = append(polled[r.To], r.From)
		}
	}
	add := func(from, to string, how lambdafacts.LoopRoute, at *Resource, field string) {
		out = append(out, loopHop{hop: lambdafacts.LoopHop{From: from, To: to, How: how}, at: at, field: field})
	}
	for _, r := range routes {
		via := m.ix.byURN[r.Via]
		switch r.Condition {
		case OnSuccess, OnFailure, AnyDestination:
			how, field := lambdafacts.LoopOnFailure, "destinationConfig.onFailure.destination"
			if r.Condition == OnSuccess {
				how, field = lambdafacts.LoopOnSuccess, "destinationConfig.onSuccess.destination"
			} else if r.Condition == AnyDestination {
				field = "destinationConfig"
			}
			rules, isBus := rulesOf[r.To]
			if !isBus {
				add(r.From, r.To, how, via, field)
				continue
			}
			// A bus is no node: the record goes to each rule that
			// matches it.
			for _, rule := range rules {
				switch m.ruleMatchesResult(rule, r, how == lambdafacts.LoopOnSuccess) {
				case matchYes:
					add(r.From, rule, how, via, field)
				case matchUnknown:
					// A success record that may match: not part of a
					// success loop the rules can be sure of.
					add(r.From, rule, lambdafacts.LoopMayMatch, via, field)
				}
			}
		case DeadLetter:
			add(r.From, r.To, lambdafacts.LoopDeadLetter, m.ix.byURN[r.From], "deadLetterConfig.targetArn")
		case MappingOnFailure:
			add(r.From, r.To, lambdafacts.LoopMappingFailure, via, "destinationConfig.onFailure.destinationArn")
		case Invokes:
			if via != nil && via.Type == tMapping {
				for _, src := range polled[r.From] {
					add(src, r.To, lambdafacts.LoopTriggers, via, "eventSourceArn")
				}
				continue
			}
			how := lambdafacts.LoopTriggers
			if from := m.ix.byURN[r.From]; from != nil && from.Type == tEventRule {
				how = lambdafacts.LoopRuleTarget
			}
			add(r.From, r.To, how, via, "arn")
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].hop, out[j].hop
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return out
}

type matchAnswer int

const (
	matchNo matchAnswer = iota
	matchYes
	matchUnknown
)

// ruleMatchesResult says whether rule's event pattern matches the
// invocation records Lambda sends to the bus for the destination route r
// (on success when success): source "lambda", the result's detail-type,
// and in resources the function's ARN qualified as its config is. A
// pattern on anything else, or a value not known, is unknown.
func (m *model) ruleMatchesResult(ruleURN string, r Route, success bool) matchAnswer {
	rule := m.ix.byURN[ruleURN]
	if rule == nil {
		return matchUnknown
	}
	text, ok := valueOf(rule, "eventPattern").str()
	if !ok {
		return matchUnknown
	}
	var pattern map[string]any
	if json.Unmarshal([]byte(text), &pattern) != nil {
		return matchUnknown
	}
	detailType := records.DetailTypeFailure
	if success {
		detailType = records.DetailTypeSuccess
	}
	fnARN := ""
	if f := m.ix.byURN[r.From]; f != nil {
		if arn := knownARN(f); arn != "" {
			q := r.Qualifier
			if q == "" {
				q = lambdafacts.Latest
			}
			fnARN = arn + ":" + q
		}
	}
	answer := matchYes
	for key, want := range pattern {
		var got string
		switch key {
		case "source":
			got = records.EventBridgeSource
		case "detail-type":
			got = detailType
		case "resources":
			got = fnARN
		default:
			return matchUnknown
		}
		a := matchOne(want, got)
		if key == "source" && a == matchNo && matchOne(want, "aws.lambda") == matchYes {
			a = matchUnknown // the source AWS's destination table names
		}
		switch a {
		case matchNo:
			return matchNo
		case matchUnknown:
			answer = matchUnknown
		}
	}
	return answer
}

// matchOne matches a pattern's list of exact values and prefixes against
// got ("" when not known).
func matchOne(want any, got string) matchAnswer {
	list, ok := want.([]any)
	if !ok {
		return matchUnknown
	}
	answer := matchNo
	for _, w := range list {
		switch w := w.(type) {
		case string:
			if got == "" {
				answer = matchUnknown
			} else if w == got {
				return matchYes
			}
		case map[string]any:
			p, ok := w["prefix"].(string)
			if !ok || len(w) != 1 || got == "" {
				answer = matchUnknown
			} else if len(got) >= len(p) && got[:len(p)] == p {
				return matchYes
			}
		default:
			answer = matchUnknown
		}
	}
	return answer
}
