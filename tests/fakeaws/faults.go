package fakeaws

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// This file is fault injection: a write the test names fails once, before
// the provider stores it (the API refused it) or after (the answer was
// lost: AWS has the change, the engine sees an error). See the package
// documentation, "Faults".

// Fault is one injected failure of a provider write.
type Fault struct {
	// Op is "create", "update" or "delete".
	Op string `json:"op"`
	// Target is the resource's logical name (the last component of its
	// URN) or a type token; the first write of Op on a matching resource
	// fails.
	Target string `json:"target"`
	// When is "before" (nothing is stored) or "after" (the write is stored,
	// then the error is returned).
	When string `json:"when"`
	// Fired is when the fault failed a write, nil while it waits; FiredOn
	// is that write's URN.
	Fired   *time.Time `json:"fired,omitempty"`
	FiredOn string     `json:"firedOn,omitempty"`
}

// Fault timings.
const (
	Before = "before"
	After  = "after"
)

// Rule is the fault in the grammar of [EnvFaults]: op:target=when.
func (f Fault) Rule() string { return f.Op + ":" + f.Target + "=" + f.When }

func (f Fault) matches(op, typ, urn string) bool {
	return f.Fired == nil && f.Op == op && (f.Target == typ || f.Target == stackgraph.NameFromURN(urn))
}

// ParseFaults reads the value of [EnvFaults].
func ParseFaults(value string) ([]Fault, error) {
	var out []Fault
	seen := map[string]bool{}
	for _, raw := range strings.Split(value, ",") {
		rule := strings.TrimSpace(raw)
		if rule == "" {
			if strings.TrimSpace(value) == "" {
				return nil, nil
			}
			return nil, fmt.Errorf("fakeaws: %s=%q: empty rule", EnvFaults, value)
		}
		f, err := parseFault(rule)
		if err != nil {
			return nil, fmt.Errorf("fakeaws: %s=%q: %w", EnvFaults, value, err)
		}
		if seen[f.Rule()] {
			return nil, fmt.Errorf("fakeaws: %s=%q: rule %q is given twice", EnvFaults, value, f.Rule())
		}
		seen[f.Rule()] = true
		out = append(out, f)
	}
	return out, nil
}

func parseFault(rule string) (Fault, error) {
	selector, when, ok := strings.Cut(rule, "=")
	if !ok {
		return Fault{}, fmt.Errorf("rule %q has no \"=\"; allowed: op:target=before or op:target=after", rule)
	}
	op, target, ok := strings.Cut(strings.TrimSpace(selector), ":")
	op, target, when = strings.TrimSpace(op), strings.TrimSpace(target), strings.TrimSpace(when)
	switch {
	case !ok || target == "":
		return Fault{}, fmt.Errorf("rule %q names no target; allowed: op:<logical name or type token>=when", rule)
	case op != "create" && op != "update" && op != "delete":
		return Fault{}, fmt.Errorf("rule %q: op %q; allowed: create, update or delete", rule, op)
	case when != Before && when != After:
		return Fault{}, fmt.Errorf("rule %q: %q; allowed: before or after", rule, when)
	case strings.Contains(target, "/"):
		if _, err := specFor(target); err != nil {
			return Fault{}, fmt.Errorf("rule %q: %q is a type token the double does not implement", rule, target)
		}
	}
	return Fault{Op: op, Target: target, When: when}, nil
}

// InjectFaults adds faults to the state file at path: each fails the next
// matching write once, whichever plugin process makes it.
func InjectFaults(path string, faults ...Fault) error {
	for _, f := range faults {
		if _, err := parseFault(f.Rule()); err != nil {
			return fmt.Errorf("fakeaws: InjectFaults: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return locked(path, func(s *State) (bool, error) {
		for _, f := range faults {
			f.Fired, f.FiredOn = nil, ""
			s.Faults = append(s.Faults, &f)
		}
		return true, nil
	})
}

// Faults returns the faults of the state file at path, fired or not.
func Faults(path string) ([]Fault, error) {
	s, err := LoadState(path)
	if err != nil {
		return nil, err
	}
	out := make([]Fault, len(s.Faults))
	for i, f := range s.Faults {
		out[i] = *f
	}
	return out, nil
}

// addEnvFaults records the faults of EnvFaults in the state once: a rule
// already in the state (fired or not) is not added again, so each fires
// once across the plugin processes of a test.
func addEnvFaults(path string, faults []Fault) error {
	if len(faults) == 0 {
		return nil
	}
	return locked(path, func(s *State) (bool, error) {
		have := map[string]bool{}
		for _, f := range s.Faults {
			have[f.Rule()] = true
		}
		changed := false
		for _, f := range faults {
			if !have[f.Rule()] {
				f := f
				s.Faults = append(s.Faults, &f)
				changed = true
			}
		}
		return changed, nil
	})
}

// takeFault marks the first waiting fault matching the write as fired and
// returns it; nil when none matches.
func (p *Provider) takeFault(op, typ, urn string) (*Fault, error) {
	var taken *Fault
	err := locked(p.statePath, func(s *State) (bool, error) {
		for _, f := range s.Faults {
			if f.matches(op, typ, urn) {
				now := time.Now()
				f.Fired, f.FiredOn = &now, urn
				c := *f
				taken = &c
				return true, nil
			}
		}
		return false, nil
	})
	return taken, err
}

// faultError is the error an injected fault returns: before the write, a
// refusal in the service's error form (HTTP 500, InternalFailure); after
// it, a lost answer (the connection reset while the write had been
// stored). Both name the fault so a test can tell it from a real failure.
func faultError(f *Fault, op, typ, urn, id string) error {
	what := op + " " + typ + " " + stackgraph.NameFromURN(urn)
	if id != "" {
		what += " (" + id + ")"
	}
	if f.When == Before {
		return fmt.Errorf("%s: https response error StatusCode: 500, RequestID: %s, InternalFailure: fakeaws injected fault %q before the write was stored", what, uuid(), f.Rule())
	}
	return fmt.Errorf("%s: RequestError: send request failed, caused by: read: connection reset by peer (fakeaws injected fault %q after the write was stored)", what, f.Rule())
}
