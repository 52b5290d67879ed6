package fakeaws

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// This file is Lambda's delivery-time view: after every mutation of the
// state, each live route is evaluated against the inline policies its
// function's execution role has at that moment, and the intervals during
// which a route could not deliver are recorded as windows.

// Window is an interval during which Lambda, delivering on a live route,
// would have been refused: the execution role of the route's function did
// not allow every call the delivery needs (a record sent there in that
// interval is lost).
type Window struct {
	// OwnerType, OwnerURN and OwnerID name the record that holds the route:
	// an invoke config, a function (its dead-letter target) or an event
	// source mapping. OwnerURN is "" for a seeded record.
	OwnerType string `json:"ownerType"`
	OwnerURN  string `json:"ownerUrn,omitempty"`
	OwnerID   string `json:"ownerId"`
	// Field is the route's field in the owner's inputs:
	// destinationConfig.onSuccess.destination,
	// destinationConfig.onFailure.destination (invoke config),
	// deadLetterConfig.targetArn (function) or
	// destinationConfig.onFailure.destinationArn (event source mapping).
	Field string `json:"field"`
	// Target is the destination's ARN.
	Target string `json:"target"`
	// Missing are the actions the role was not allowed, sorted, e.g.
	// [sqs:SendMessage] or [kms:Decrypt kms:GenerateDataKey].
	Missing []string `json:"missing"`
	// Role is the ARN of the function's execution role at the time.
	Role string `json:"role"`
	// Start is when the mutation that opened the window was stored; End
	// when the one that closed it was, nil while the window is open.
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
	// OpenedBy and ClosedBy describe those mutations:
	// "<op> <type token> <urn or id>" (or "seed").
	OpenedBy string `json:"openedBy"`
	ClosedBy string `json:"closedBy,omitempty"`
}

// Open reports whether the window has not closed.
func (w Window) Open() bool { return w.End == nil }

// Duration is End-Start, or the time since Start for an open window.
func (w Window) Duration() time.Duration {
	if w.End == nil {
		return time.Since(w.Start)
	}
	return w.End.Sub(w.Start)
}

// String renders the window for test messages.
func (w Window) String() string {
	owner := w.OwnerURN
	if owner == "" {
		owner = w.OwnerID
	} else {
		owner = stackgraph.NameFromURN(owner)
	}
	end := "open"
	if w.End != nil {
		end = w.Duration().Round(time.Millisecond).String()
	}
	return fmt.Sprintf("%s %s -> %s: missing %s on role %s for %s (opened by %s; closed by %s)",
		owner, w.Field, w.Target, strings.Join(w.Missing, ","), w.Role[strings.LastIndex(w.Role, "/")+1:], end, w.OpenedBy, orNone(w.ClosedBy))
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Windows returns the windows recorded in the state file at statePath, in
// the order they opened (open ones have a nil End). A missing file has
// none.
func Windows(statePath string) ([]Window, error) {
	s, err := LoadState(statePath)
	if err != nil {
		return nil, err
	}
	out := make([]Window, len(s.Windows))
	for i, w := range s.Windows {
		out[i] = *w
	}
	return out, nil
}

// route is one place Lambda delivers to: a destination or dead-letter
// target of a record, delivered with the role of function fnRef.
type route struct {
	owner  *Record
	field  string
	target string
	fnRef  string // the function's name or ARN
}

// routesOf returns the routes a record holds.
func routesOf(r *Record) []route {
	in := r.Outputs // the inputs plus what the provider computed
	if in == nil {
		in = r.Inputs
	}
	var out []route
	add := func(field, target, fnRef string) {
		if target != "" {
			out = append(out, route{owner: r, field: field, target: target, fnRef: fnRef})
		}
	}
	switch r.Type {
	case typeInvokeConfig:
		for _, when := range []string{"onSuccess", "onFailure"} {
			add("destinationConfig."+when+".destination", str(obj(in, "destinationConfig", when), "destination"), str(in, "functionName"))
		}
	case typeFunction:
		add("deadLetterConfig.targetArn", str(obj(in, "deadLetterConfig"), "targetArn"), str(in, "name"))
	case typeMapping:
		add("destinationConfig.onFailure.destinationArn", str(obj(in, "destinationConfig", "onFailure"), "destinationArn"), str(in, "functionName"))
	}
	return out
}

// deliveryNeeds returns every call delivering to target needs: the
// service call (see needFor) and, for a queue or topic of this state
// encrypted with a customer-managed key, the KMS calls (see kmsNeeds).
func (s *State) deliveryNeeds(target string) ([]need, error) {
	n, err := needFor(target)
	if err != nil {
		return nil, err
	}
	needs := []need{n}
	for _, typ := range []string{typeQueue, typeTopic} {
		if r := s.byOutput(typ, "arn", target); r != nil {
			needs = append(needs, kmsNeeds(str(r.Outputs, "kmsMasterKeyId"), target)...)
		}
	}
	return needs, nil
}

// unpermitted returns a window (without times) for every live route whose
// needs the role does not allow. A route is live while its owner and its
// function are stored.
func (s *State) unpermitted() []*Window {
	var out []*Window
	for _, r := range s.Resources {
		for _, rt := range routesOf(r) {
			fn := s.functionByRef(rt.fnRef)
			if fn == nil {
				continue
			}
			needs, err := s.deliveryNeeds(rt.target)
			if err != nil {
				continue // Lambda rejects such a target at write time
			}
			roleArn := str(fn.Outputs, "role")
			missing := missingActions(s.rolePolicies(roleNameOf(s, roleArn)), needs)
			if len(missing) == 0 {
				continue
			}
			out = append(out, &Window{OwnerType: r.Type, OwnerURN: r.URN, OwnerID: r.ID, Field: rt.field,
				Target: rt.target, Missing: missing, Role: roleArn})
		}
	}
	return out
}

// key identifies a window's route, role and missing actions: a change of
// any of them closes a window and opens another.
func (w *Window) key() string {
	return strings.Join([]string{w.OwnerType, w.OwnerID, w.OwnerURN, w.Field, w.Target, w.Role, strings.Join(w.Missing, ",")}, "\x00")
}

// recordWindows brings the windows up to date after a mutation stored at
// now: open windows whose route is still unpermitted stay open, the others
// close; unpermitted routes without an open window open one.
func (s *State) recordWindows(now time.Time, cause string) {
	current := map[string]*Window{}
	for _, w := range s.unpermitted() {
		current[w.key()] = w
	}
	for _, w := range s.Windows {
		if !w.Open() {
			continue
		}
		k := w.key()
		if _, still := current[k]; still {
			delete(current, k)
			continue
		}
		end := now
		w.End, w.ClosedBy = &end, cause
	}
	keys := make([]string, 0, len(current))
	for k := range current {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w := current[k]
		w.Start, w.OpenedBy = now, cause
		s.Windows = append(s.Windows, w)
	}
}

// mutationCause describes a mutation for Window.OpenedBy and ClosedBy.
func mutationCause(op, typ, urn, id string) string {
	if urn == "" {
		urn = id
	}
	return op + " " + typ + " " + urn
}
