package simulate

import (
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// FunctionInfo describes a function the simulator can invoke.
type FunctionInfo struct {
	// Name is the Pulumi name (the function's name, outside the stack);
	// URN is "" outside the stack.
	Name, URN string
	// FunctionName and Arn are the function's name and unqualified ARN
	// in AWS.
	FunctionName, Arn string
	// Qualifiers lists what it can be invoked as: $LATEST, then versions,
	// aliases and configured qualifiers.
	Qualifiers []string
	// Configured lists the qualifiers with an invoke config; DeadLetter
	// says it has a dead-letter target.
	Configured []string
	DeadLetter bool
	// Invoked says a destination, rule or subscription of the stack
	// invokes it (it is not the head of a chain).
	Invoked bool
	// Handler says what runs it ("" when nothing does): "Go", "command",
	// or the Python handler and folder found from its code.
	Handler string
	// Outside says it is not in the stack (an invoke config names it).
	Outside bool
}

// Functions lists the functions of the stack, and those outside it that
// an invoke config of the stack names, in graph order.
func (s *Simulator) Functions() []FunctionInfo {
	invoked := map[*function]bool{}
	for _, f := range s.m.functions {
		for _, c := range f.configs {
			for _, r := range []*route{c.onSuccess, c.onFailure} {
				if r != nil && r.target != nil && r.target.kind == lambdafacts.KindLambda {
					if n, _, _ := s.m.lookup(r.target.arn, false); n != nil {
						invoked[n] = true
					}
				}
			}
		}
	}
	for _, rules := range s.m.rules {
		for _, r := range rules {
			for _, t := range r.targets {
				if n, _, _ := s.m.lookup(t.arn, false); n != nil {
					invoked[n] = true
				}
			}
		}
	}
	for _, subs := range s.m.subs {
		for _, sub := range subs {
			if sub.protocol == "lambda" {
				if n, _, _ := s.m.lookup(sub.endpoint, false); n != nil {
					invoked[n] = true
				}
			}
		}
	}
	var out []FunctionInfo
	for _, f := range s.m.functions {
		i := FunctionInfo{Name: f.pulumiName, FunctionName: f.name, Arn: f.arn, Qualifiers: f.qualifiers(),
			DeadLetter: f.dlq != nil, Invoked: invoked[f], Handler: f.handlerFrom, Outside: f.res == nil}
		if f.handler == nil {
			i.Handler = ""
		}
		if f.res != nil {
			i.URN = f.res.URN
		}
		for _, q := range i.Qualifiers {
			if f.configs[q] != nil {
				i.Configured = append(i.Configured, q)
			}
		}
		out = append(out, i)
	}
	return out
}

// Routed reports whether the function has an invoke config or a
// dead-letter target.
func (i FunctionInfo) Routed() bool { return len(i.Configured) > 0 || i.DeadLetter }

// String renders the function for listings: "order-processor (python3
// handler.handler in ./handler; configured: $LATEST)".
func (i FunctionInfo) String() string {
	var parts []string
	if i.Handler != "" {
		parts = append(parts, i.Handler)
	} else {
		parts = append(parts, "no handler")
	}
	if len(i.Configured) > 0 {
		parts = append(parts, "invoke config on "+strings.Join(i.Configured, ", "))
	}
	if i.DeadLetter {
		parts = append(parts, "dead-letter target")
	}
	if i.Outside {
		parts = append(parts, "outside the stack")
	}
	return i.Name + " (" + strings.Join(parts, "; ") + ")"
}
