package lambdafacts

import (
	"fmt"
	"sort"
	"strings"
)

// Loops: routes that lead a function's records back to the function.
//
// Lambda's recursive-loop detection (RecursionSource) follows the writes a
// function's own code makes with an AWS SDK to SQS, SNS, S3 and Lambda
// (DetectsLoopsThrough); it follows none of the hops Lambda makes itself
// (an invoke config's destinations, a dead-letter target, an event source
// mapping's on-failure destination) nor EventBridge rules. So:
//
//   - a cycle of on-success routes only (A on success -> function B, B on
//     success -> A; or through a rule of an event bus that invokes the next
//     function, as ResponseOnly does) invokes its functions again on every
//     success, for as long as they succeed, and nothing stops it: it is
//     refused (the components) and flagged mandatory (the rules);
//   - a cycle that passes through an on-failure route, a dead-letter
//     target or a queue or topic that triggers a function of the cycle
//     again (a re-drive some teams build on purpose) runs only while
//     records fail, or while the queue is redriven: it is reported,
//     never refused.

// LoopHop is one route of a loop: From reaches To, by How. Nodes are
// functions, queues, topics, buckets and rules; an event bus is none: a
// function's record reaches each rule of the bus that matches it, so the
// hop goes from the function to the rule.
type LoopHop struct {
	From, To string
	How      LoopRoute
}

// LoopRoute is how one hop of a loop carries a record.
type LoopRoute string

// The routes a loop can take.
const (
	// LoopOnSuccess: an invoke config's on-success destination, straight
	// to a function or through an event bus's rule.
	LoopOnSuccess LoopRoute = "on success"
	// LoopOnFailure: an invoke config's on-failure destination.
	LoopOnFailure LoopRoute = "on failure"
	// LoopDeadLetter: a function's dead-letter target.
	LoopDeadLetter LoopRoute = "dead letter"
	// LoopMappingFailure: an event source mapping's on-failure destination.
	LoopMappingFailure LoopRoute = "mapping on failure"
	// LoopTriggers: a queue, topic, bucket or rule that invokes a function
	// (an event source mapping, a subscription, a notification, a target).
	LoopTriggers LoopRoute = "triggers"
	// LoopRuleTarget: an EventBridge rule that matches a function's
	// on-success records invokes the next function (ResponseOnly's rule,
	// or one written so): part of a success loop.
	LoopRuleTarget LoopRoute = "rule target"
	// LoopMayMatch: a function's record reaches a rule whose pattern may
	// match it (on conditions the rules cannot decide): a loop through it
	// is reported as any loop, not as a success loop.
	LoopMayMatch LoopRoute = "if the rule matches"
)

// carriesSuccess says whether a hop carries on-success records onward.
func carriesSuccess(h LoopHop) bool { return h.How == LoopOnSuccess || h.How == LoopRuleTarget }

// SuccessOnly says whether every hop of a loop is an on-success route (or
// the rule that carries an on-success record to the next function).
func SuccessOnly(loop []LoopHop) bool {
	for _, h := range loop {
		if !carriesSuccess(h) {
			return false
		}
	}
	return len(loop) > 0
}

// describeLoop writes a loop as "a -(on success)-> b -(on success)-> a".
func describeLoop(loop []LoopHop) string {
	var b strings.Builder
	for i, h := range loop {
		if i == 0 {
			b.WriteString(h.From)
		}
		fmt.Fprintf(&b, " -(%s)-> %s", h.How, h.To)
	}
	return b.String()
}

// SuccessLoop is the problem of a loop made of on-success routes only.
func SuccessLoop(loop []LoopHop) error {
	return fmt.Errorf("closes a loop of on-success routes (%s): each success invokes the loop again for as long as its functions succeed, "+
		"and Lambda's recursive loop detection does not follow destinations or EventBridge rules; "+
		"allowed: on-success routes that end (remove one route of the loop, or send it to a queue, topic or bus no function of the loop reads)", describeLoop(loop))
}

// RedriveLoop is the advisory of any other loop: it carries records while
// they fail or are redriven.
func RedriveLoop(loop []LoopHop) error {
	return fmt.Errorf("closes a loop (%s) that is not made of on-success routes only, so it carries records only while they fail or are redriven, "+
		"but Lambda's recursive loop detection does not follow destinations, dead-letter targets or event source mappings' on-failure routes; "+
		"make sure each pass ends (a retry count in the record, a RecursiveLoop setting, a queue's maxReceiveCount)", describeLoop(loop))
}

// FindLoops returns the loops the hops make: for each hop, the shortest
// way back from its end to its start, over on-success hops when the hop is
// one (a success loop) and over every hop otherwise. Each loop is given
// once, starting at the hop that closes it first in hops' order; success
// loops come first. The search is a breadth-first walk per hop, so a stack
// of any size is searched in time proportional to hops squared.
func FindLoops(hops []LoopHop) [][]LoopHop {
	out := map[bool][][]LoopHop{}
	seen := map[string]bool{}
	for _, h := range hops {
		if h.From == h.To {
			continue // a function as its own destination: refused as such (SelfDestination)
		}
		for _, successOnly := range []bool{true, false} {
			if successOnly && !carriesSuccess(h) {
				continue
			}
			back := shortestPath(hops, h.To, h.From, successOnly)
			if back == nil {
				continue
			}
			loop := append([]LoopHop{h}, back...)
			if !successOnly && SuccessOnly(loop) {
				continue // found as a success loop
			}
			key := loopKey(loop)
			if seen[key] {
				continue
			}
			seen[key] = true
			out[SuccessOnly(loop)] = append(out[SuccessOnly(loop)], loop)
		}
	}
	return append(out[true], out[false]...)
}

// shortestPath is the shortest run of hops from one node to another (nil
// when there is none; empty when they are the same node).
func shortestPath(hops []LoopHop, from, to string, successOnly bool) []LoopHop {
	if from == to {
		return []LoopHop{}
	}
	via := map[string]int{from: -1}
	queue := []string{from}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for i, h := range hops {
			if h.From != n || (successOnly && !carriesSuccess(h)) {
				continue
			}
			if _, ok := via[h.To]; ok {
				continue
			}
			via[h.To] = i
			if h.To == to {
				var path []LoopHop
				for at := to; via[at] >= 0; at = hops[via[at]].From {
					path = append([]LoopHop{hops[via[at]]}, path...)
				}
				return path
			}
			queue = append(queue, h.To)
		}
	}
	return nil
}

// loopKey is the same for a loop however it is rotated.
func loopKey(loop []LoopHop) string {
	parts := make([]string, len(loop))
	for i, h := range loop {
		parts[i] = h.From + "\x00" + string(h.How) + "\x00" + h.To
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x01")
}
