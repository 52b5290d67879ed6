package fakeaws

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

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

func (s *State) put(r *Record) {
	if i, _ := s.find(r.Type, r.ID); i >= 0 {
		s.Resources[i] = r
		return
	}
	s.Resources = append(s.Resources, r)
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

// withState runs fn on the state file under an exclusive lock and writes the
// state back when fn succeeds and says it changed something.
func withState(path string, fn func(*State) (changed bool, err error)) error {
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

// Seed adds resources that exist outside the stacks under test (marked
// External) to the state file at path.
func Seed(path string, records ...Record) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return withState(path, func(s *State) (bool, error) {
		for _, r := range records {
			r := r
			r.External = true
			s.put(&r)
		}
		return true, nil
	})
}

// ExistingFunction returns the records of a Lambda function and its
// execution role deployed outside the stack, for [Seed].
func ExistingFunction(region, function, role string) []Record {
	roleArn := fmt.Sprintf("arn:%s:iam::%s:role/%s", Partition, Account, role)
	fnArn := fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", Partition, region, Account, function)
	return []Record{
		{Type: typeRole, ID: role, Outputs: map[string]any{"name": role, "arn": roleArn, "path": "/"}},
		{Type: typeFunction, ID: function, Outputs: map[string]any{"name": function, "arn": fnArn, "role": roleArn, "version": "$LATEST"}},
	}
}

// Op is one line of the operation log.
type Op struct {
	// Op is "create", "update" or "delete".
	Op   string `json:"op"`
	Type string `json:"type"`
	URN  string `json:"urn"`
	ID   string `json:"id,omitempty"`
	// Inputs are the resource's inputs (new inputs for an update; the last
	// inputs for a delete), as plain JSON values.
	Inputs map[string]any `json:"inputs,omitempty"`
	// OldInputs are the inputs before an update.
	OldInputs map[string]any `json:"oldInputs,omitempty"`
	// Start is when the provider received the request, End when it answered.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Error is the error returned to the engine; "" on success.
	Error string `json:"error,omitempty"`
}

// Name returns the resource's logical name (the last URN component).
func (o Op) Name() string {
	for i := len(o.URN) - 1; i > 0; i-- {
		if o.URN[i] == ':' && o.URN[i-1] == ':' {
			return o.URN[i+1:]
		}
	}
	return o.URN
}

func appendLog(path string, op Op) error {
	if path == "" {
		return nil
	}
	b, err := json.Marshal(op)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck
	_, err = f.Write(append(b, '\n'))
	return err
}

// ReadLog reads the operation log; a missing file is an empty log.
func ReadLog(path string) ([]Op, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ops []Op
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var op Op
		if err := json.Unmarshal(sc.Bytes(), &op); err != nil {
			return nil, fmt.Errorf("fakeaws: log %s: %w", path, err)
		}
		ops = append(ops, op)
	}
	return ops, sc.Err()
}
