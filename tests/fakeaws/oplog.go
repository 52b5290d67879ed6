package fakeaws

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
)

// This file is the operation log: one JSON line per create, update and
// delete the engine asked for ([EnvLog]).

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
	// Start is when the provider received the request, End when it
	// answered; the configured latency ([EnvLatency]) and the role-policy
	// delay are inside this interval.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Error is the error returned to the engine; "" on success.
	Error string `json:"error,omitempty"`
}

// Name returns the resource's logical name (the last URN component).
func (o Op) Name() string { return stackgraph.NameFromURN(o.URN) }

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
