package main

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHandler runs the Python handler's unit tests.
func TestHandler(t *testing.T) {
	py, err := exec.LookPath("python3")
	require.NoError(t, err, "python3 is needed for the handler tests")
	cmd := exec.Command(py, "-m", "unittest", "-v")
	cmd.Dir = "handler"
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "Ran 5 tests")
}
