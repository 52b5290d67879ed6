package fakeaws

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// This file is the persistence of what the provider has "deployed": the
// state file, shared by every plugin process of a test under a file lock.

// Record is one resource the provider has "deployed" (or one seeded as
// existing outside any stack). Inputs and Outputs are plain JSON values.
type Record struct {
	Type    string         `json:"type"`
	URN     string         `json:"urn,omitempty"`
	ID      string         `json:"id"`
	Inputs  map[string]any `json:"inputs,omitempty"`
	Outputs map[string]any `json:"outputs"`
	// External marks a resource that exists outside the stacks under test
	// (seeded by the test); destroy leaves it alone.
	External bool `json:"external,omitempty"`
}

// State is the content of the state file.
type State struct {
	Resources []*Record `json:"resources"`
	// Windows are the delivery-time permission windows recorded so far
	// (see [Windows]), in the order they opened.
	Windows []*Window `json:"windows,omitempty"`
	// Faults are the injected faults, waiting or fired (see [Fault]).
	Faults []*Fault `json:"faults,omitempty"`
}

// Live returns the records that are not External: what the stacks under
// test still have deployed.
func (s *State) Live() []*Record {
	var out []*Record
	for _, r := range s.Resources {
		if !r.External {
			out = append(out, r)
		}
	}
	return out
}

func (s *State) find(typ, id string) (int, *Record) {
	for i, r := range s.Resources {
		if r.Type == typ && r.ID == id {
			return i, r
		}
	}
	return -1, nil
}

// byOutput returns the last record of type typ whose output key is value.
func (s *State) byOutput(typ, key, value string) *Record {
	var found *Record
	for _, r := range s.Resources {
		if r.Type == typ && str(r.Outputs, key) == value {
			found = r
		}
	}
	return found
}

func (s *State) roleByName(name string) *Record { return s.byOutput(typeRole, "name", name) }
func (s *State) roleByArn(arn string) *Record   { return s.byOutput(typeRole, "arn", arn) }

// functionByRef finds a function by name or (qualified) ARN.
func (s *State) functionByRef(ref string) *Record {
	return s.byOutput(typeFunction, "name", functionNameOf(ref))
}

// rolePolicies returns the inline policy documents stored for a role name.
func (s *State) rolePolicies(role string) []string {
	var docs []string
	for _, r := range s.Resources {
		if r.Type == typeRolePolicy && str(r.Inputs, "role") == role {
			docs = append(docs, str(r.Inputs, "policy"))
		}
	}
	return docs
}

func (s *State) put(r *Record) {
	if i, _ := s.find(r.Type, r.ID); i >= 0 {
		s.Resources[i] = r
		return
	}
	s.Resources = append(s.Resources, r)
}

// removeWhere removes every record for which drop says so.
func (s *State) removeWhere(drop func(*Record) bool) {
	kept := s.Resources[:0]
	for _, r := range s.Resources {
		if !drop(r) {
			kept = append(kept, r)
		}
	}
	s.Resources = kept
}

// Find returns the stored record of a type and id, nil when none.
func (s *State) Find(typ, id string) *Record {
	_, r := s.find(typ, id)
	return r
}

// Remove removes the record of a type and id; false when none was stored.
func (s *State) Remove(typ, id string) bool { return s.remove(typ, id) }

// Put stores a record, replacing the one of its type and id.
func (s *State) Put(r *Record) { s.put(r) }

// OfType returns the stored records of a type (External ones included).
func (s *State) OfType(typ string) []*Record {
	var out []*Record
	for _, r := range s.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func (s *State) remove(typ, id string) bool {
	i, _ := s.find(typ, id)
	if i < 0 {
		return false
	}
	s.Resources = append(s.Resources[:i], s.Resources[i+1:]...)
	return true
}

// LoadState reads a state file; a missing file is an empty state.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("fakeaws: state file %s: %w", path, err)
	}
	return &s, nil
}

func saveState(path string, s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// locked runs fn on the state file under an exclusive lock and writes the
// state back when fn succeeds and says it changed something.
func locked(path string, fn func(*State) (changed bool, err error)) error {
	if path == "" {
		return fmt.Errorf("fakeaws: %s is not set", EnvState)
	}
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck
	s, err := LoadState(path)
	if err != nil {
		return err
	}
	changed, err := fn(s)
	if err != nil || !changed {
		return err
	}
	return saveState(path, s)
}

// inspect runs fn on the state under the lock without writing it.
func inspect(path string, fn func(*State) error) error {
	return locked(path, func(s *State) (bool, error) { return false, fn(s) })
}

// mutate runs fn on the state under the lock; when fn changed the state,
// Lambda's delivery-time view is brought up to date (the windows opened or
// closed by this mutation, described by cause) before the state is saved.
func mutate(path, cause string, fn func(*State) (changed bool, err error)) error {
	return locked(path, func(s *State) (bool, error) {
		changed, err := fn(s)
		if err != nil || !changed {
			return changed, err
		}
		s.recordWindows(time.Now(), cause)
		return true, nil
	})
}

// Seed adds resources that exist outside the stacks under test (marked
// External) to the state file at path.
func Seed(path string, records ...Record) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return mutate(path, "seed", func(s *State) (bool, error) {
		for _, r := range records {
			r := r
			r.External = true
			s.put(&r)
		}
		return true, nil
	})
}

// SeedUnmanaged adds resources that exist in AWS without any stack
// managing them yet (made in the console, by SAM or CloudFormation and
// retained, or by Terraform and removed from its state), to be imported:
// unlike [Seed]'s they are not External, so once imported they are the
// stack's like any other.
func SeedUnmanaged(path string, records ...Record) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return mutate(path, "seed", func(s *State) (bool, error) {
		for _, r := range records {
			r := r
			r.External = false
			s.put(&r)
		}
		return true, nil
	})
}

// Routing returns the records of a function routed by hand, as another
// tool leaves it: role <function>-role, inline policy <role>:<function>-grants
// allowing sqs:SendMessage on queue <function>-failures, the queue, the
// function and its invoke config on $LATEST with that queue on failure
// and retries as given. Every record has inputs, so that an import reads
// them.
func Routing(region, function string, retries int) []Record {
	role, queue := function+"-role", function+"-failures"
	rArn := roleArn("/", role)
	qArn := fmt.Sprintf("arn:%s:sqs:%s:%s:%s", Partition, region, Account, queue)
	qURL := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, Account, queue)
	fnArn := fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", Partition, region, Account, function)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	grant := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"%s"}]}`, qArn)
	with := func(in map[string]any, outs map[string]any) map[string]any {
		all := map[string]any{}
		for k, v := range in {
			all[k] = v
		}
		for k, v := range outs {
			all[k] = v
		}
		return all
	}
	roleIn := map[string]any{"name": role, "path": "/", "assumeRolePolicy": trust}
	policyIn := map[string]any{"role": role, "name": function + "-grants", "policy": grant}
	queueIn := map[string]any{"name": queue}
	fnIn := map[string]any{"name": function, "role": rArn, "runtime": "python3.12", "handler": "handler.handler"}
	configIn := map[string]any{"functionName": function, "maximumRetryAttempts": float64(retries),
		"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": qArn}}}
	return []Record{
		{Type: typeRole, ID: role, Inputs: roleIn, Outputs: with(roleIn, map[string]any{"arn": rArn})},
		{Type: typeRolePolicy, ID: role + ":" + function + "-grants", Inputs: policyIn, Outputs: with(policyIn, nil)},
		{Type: typeQueue, ID: qURL, Inputs: queueIn, Outputs: with(queueIn, map[string]any{"arn": qArn, "url": qURL})},
		{Type: typeFunction, ID: function, Inputs: fnIn, Outputs: with(fnIn, map[string]any{"arn": fnArn, "version": "$LATEST"})},
		{Type: typeInvokeConfig, ID: function, Inputs: configIn, Outputs: with(configIn, nil)},
	}
}

// EditOutOfBand changes what the double has stored as a console user or
// another tool would, outside any stack: fn changes, adds or removes
// records (with [State.Find], [State.Put], [State.Remove]); the windows
// are brought up to date with the cause "out-of-band <what>".
func EditOutOfBand(path, what string, fn func(*State) error) error {
	return mutate(path, "out-of-band "+what, func(s *State) (bool, error) {
		return true, fn(s)
	})
}

// ExistingFunction returns the records of a Lambda function and its
// execution role deployed outside the stack, for [Seed].
func ExistingFunction(region, function, role string) []Record {
	rArn := roleArn("/", role)
	fnArn := fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", Partition, region, Account, function)
	return []Record{
		{Type: typeRole, ID: role, Outputs: map[string]any{"name": role, "arn": rArn, "path": "/"}},
		{Type: typeFunction, ID: function, Outputs: map[string]any{"name": function, "arn": fnArn, "role": rArn, "version": "$LATEST"}},
	}
}
