package fakeaws

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// This file holds the provider's settings and its three writes (create,
// update, delete): latency, the type's checks and delays, then one
// mutation of the state. The gRPC layer is in rpc.go.

// Provider implements pulumirpc.ResourceProviderServer for the AWS resource
// types and invokes our stacks use. Make one with [NewProvider].
type Provider struct {
	rpcBase

	statePath, logPath string
	policyDelay        time.Duration
	latency            Latency

	mu   sync.Mutex
	reg  string
	acct string // the account the provider's configuration states, "" for Account
}

// NewProvider reads its settings from the environment (see [EnvState],
// [EnvLog], [EnvRolePolicyDelay], [EnvLatency], [EnvFaults]).
func NewProvider() (*Provider, error) {
	p := &Provider{statePath: os.Getenv(EnvState), logPath: os.Getenv(EnvLog), policyDelay: 2 * time.Second}
	if p.statePath == "" {
		return nil, fmt.Errorf("fakeaws (test double): %s must name the state file", EnvState)
	}
	if d := os.Getenv(EnvRolePolicyDelay); d != "" {
		v, err := time.ParseDuration(d)
		if err != nil {
			return nil, fmt.Errorf("fakeaws: %s=%q: %w", EnvRolePolicyDelay, d, err)
		}
		p.policyDelay = v
	}
	l, err := ParseLatency(os.Getenv(EnvLatency))
	if err != nil {
		return nil, err
	}
	p.latency = l
	faults, err := ParseFaults(os.Getenv(EnvFaults))
	if err != nil {
		return nil, err
	}
	if err := addEnvFaults(p.statePath, faults); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Provider) region() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reg == "" {
		return DefaultRegion
	}
	return p.reg
}

func (p *Provider) setPlace(region, account string) {
	p.mu.Lock()
	p.reg, p.acct = region, account
	p.mu.Unlock()
}

func (p *Provider) account() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.acct == "" {
		return Account
	}
	return p.acct
}

// env is where the provider writes: its region, the region's partition
// (aws-us-gov for us-gov-*, aws-cn for cn-*) and its account.
func (p *Provider) env() env {
	r := p.region()
	return env{region: r, partition: PartitionOf(r), account: p.account(), now: time.Now()}
}

// PartitionOf is the partition of a region.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	}
	return Partition
}

// create stores a new resource and returns its id and computed outputs.
func (p *Provider) create(typ, urn string, in map[string]any) (string, map[string]any, error) {
	return p.write("create", typ, urn, "", in, nil)
}

// update stores new inputs of a resource; old are its previous outputs.
func (p *Provider) update(typ, urn, id string, in, old map[string]any) (map[string]any, error) {
	_, outs, err := p.write("update", typ, urn, id, in, old)
	return outs, err
}

// write performs a create or update: the configured latency, an injected
// fault (before), the outputs, the type's immediate validation and
// propagation delay, then, under the state lock, the type's write-time
// checks and the store, and an injected fault (after).
func (p *Provider) write(op, typ, urn, id string, in, old map[string]any) (string, map[string]any, error) {
	sp, err := specFor(typ)
	if err != nil {
		return "", nil, err
	}
	time.Sleep(p.latency.For(op, typ))
	fault, err := p.takeFault(op, typ, urn)
	if err != nil {
		return "", nil, err
	}
	if fault != nil && fault.When == Before {
		return "", nil, faultError(fault, op, typ, urn, id)
	}
	newID, outs, err := p.store(sp, op, typ, urn, id, in, old)
	if err == nil && fault != nil {
		return "", nil, faultError(fault, op, typ, urn, newID)
	}
	return newID, outs, err
}

// store is a write once its latency and faults are done.
func (p *Provider) store(sp *spec, op, typ, urn, id string, in, old map[string]any) (string, map[string]any, error) {
	e := p.env()
	newID, outs, err := sp.computed(e, in, old)
	if err != nil {
		return "", nil, err
	}
	outs = sp.withAllOutputs(in, outs)
	if id == "" {
		id = newID
	}
	if sp.validate != nil {
		if err := inspect(p.statePath, func(s *State) error { return sp.validate(s, in) }); err != nil {
			return "", nil, err
		}
	}
	if sp.propagates {
		// The API call succeeded, but the change takes effect later.
		time.Sleep(p.policyDelay)
	}
	outputs := map[string]any{}
	for k, v := range in {
		outputs[k] = v
	}
	for k, v := range outs {
		outputs[k] = v
	}
	err = mutate(p.statePath, mutationCause(op, typ, urn, id), func(s *State) (bool, error) {
		if sp.check != nil {
			if err := sp.check(s, e, op, id, in); err != nil {
				return false, err
			}
		}
		if op == "update" && newID != id {
			s.remove(typ, id)
		}
		rec := &Record{Type: typ, URN: urn, ID: id, Inputs: in, Outputs: outputs}
		if sp.sameObject != nil {
			// One object in AWS whatever resource writes it: a put
			// overwrites what another resource wrote.
			s.removeWhere(func(r *Record) bool { return r.Type == typ && r.ID != id && sp.sameObject(r, rec) })
		}
		s.put(rec)
		return true, nil
	})
	if err != nil {
		return "", nil, err
	}
	return id, outs, nil
}

// delete removes a resource after the configured latency and an injected
// fault (before): the type's delete checks (IAM's DeleteConflict), then
// the record and what AWS deletes with it; an injected fault (after).
func (p *Provider) delete(typ, urn, id string, in map[string]any) error {
	sp, err := specFor(typ)
	if err != nil {
		return err
	}
	time.Sleep(p.latency.For("delete", typ))
	fault, err := p.takeFault("delete", typ, urn)
	if err != nil {
		return err
	}
	if fault != nil && fault.When == Before {
		return faultError(fault, "delete", typ, urn, id)
	}
	err = mutate(p.statePath, mutationCause("delete", typ, urn, id), func(s *State) (bool, error) {
		_, rec := s.find(typ, id)
		if rec == nil && sp.sameObject != nil {
			// The object may be stored as another resource wrote it.
			probe := &Record{Type: typ, ID: id, Inputs: in, Outputs: in}
			if str(in, "functionName") == "" {
				probe.Inputs = map[string]any{"functionName": id} // the id names the object too
			}
			for _, r := range s.Resources {
				if r.Type == typ && sp.sameObject(r, probe) {
					rec = r
					break
				}
			}
		}
		if rec == nil {
			return false, nil // already gone: AWS answers NotFound, which the provider ignores
		}
		if sp.deleteCheck != nil {
			if err := sp.deleteCheck(s, rec); err != nil {
				return false, err
			}
		}
		s.remove(typ, rec.ID)
		if sp.sameObject != nil {
			s.removeWhere(func(r *Record) bool { return r.Type == typ && sp.sameObject(r, rec) })
		}
		if sp.cascade != nil {
			sp.cascade(s, rec)
		}
		return true, nil
	})
	if err == nil && fault != nil {
		return faultError(fault, "delete", typ, urn, id)
	}
	return err
}

// stored returns a copy of the stored record of a resource, nil when it is
// not stored.
func (p *Provider) stored(typ, id string) (*Record, error) {
	var found *Record
	err := inspect(p.statePath, func(s *State) error {
		if _, r := s.find(typ, id); r != nil {
			c := *r
			found = &c
		}
		return nil
	})
	return found, err
}

// logOp appends op to the operation log, ending now.
func (p *Provider) logOp(op Op, err error) {
	op.End = time.Now()
	if err != nil {
		op.Error = err.Error()
	}
	if lerr := appendLog(p.logPath, op); lerr != nil {
		fmt.Fprintf(os.Stderr, "fakeaws: writing log: %v\n", lerr)
	}
}
