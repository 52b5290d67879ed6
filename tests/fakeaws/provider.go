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
// [EnvLog], [EnvRolePolicyDelay], [EnvLatency]).
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

// write performs a create or update: the configured latency, the outputs,
// the type's immediate validation and propagation delay, then, under the
// state lock, the type's write-time checks and the store.
func (p *Provider) write(op, typ, urn, id string, in, old map[string]any) (string, map[string]any, error) {
	sp, err := specFor(typ)
	if err != nil {
		return "", nil, err
	}
	time.Sleep(p.latency.For(op, typ))
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
		s.put(&Record{Type: typ, URN: urn, ID: id, Inputs: in, Outputs: outputs})
		return true, nil
	})
	if err != nil {
		return "", nil, err
	}
	return id, outs, nil
}

// delete removes a resource after the configured latency.
func (p *Provider) delete(typ, urn, id string) error {
	time.Sleep(p.latency.For("delete", typ))
	return mutate(p.statePath, mutationCause("delete", typ, urn, id), func(s *State) (bool, error) {
		return s.remove(typ, id), nil
	})
}

// exists reports whether a resource is stored.
func (p *Provider) exists(typ, id string) (bool, error) {
	found := false
	err := inspect(p.statePath, func(s *State) error {
		_, r := s.find(typ, id)
		found = r != nil
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
