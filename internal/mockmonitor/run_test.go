package mockmonitor_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func queueProgram(ctx *pulumi.Context) error {
	_, err := sqs.NewQueue(ctx, "q", nil)
	return err
}

// Options apply in order: of two that set the project (or the stack), the
// later wins; ProjectFrom's name is asked for only when it wins.
func TestLaterOptionWins(t *testing.T) {
	asked := 0
	from := mockmonitor.ProjectFrom(func() (string, error) { asked++; return "fromfile", nil })

	g, err := mockmonitor.Run(queueProgram, from, mockmonitor.StackName("a"), mockmonitor.Project("shop"), mockmonitor.StackName("b"))
	require.NoError(t, err)
	assert.Equal(t, "urn:pulumi:b::shop::aws:sqs/queue:Queue::q", g.Resources[0].URN)
	assert.Zero(t, asked, "a later Project wins: the name is not asked for")

	g, err = mockmonitor.Run(queueProgram, mockmonitor.Project("shop"), from)
	require.NoError(t, err)
	assert.Equal(t, "urn:pulumi:dev::fromfile::aws:sqs/queue:Queue::q", g.Resources[0].URN)
	assert.Equal(t, 1, asked)

	ran := false
	g, err = mockmonitor.Run(func(*pulumi.Context) error { ran = true; return nil },
		mockmonitor.ProjectFrom(func() (string, error) { return "", errors.New("no name") }))
	assert.EqualError(t, err, "no name")
	assert.False(t, ran, "the program does not run without a project name")
	assert.Empty(t, g.Resources)
}

func TestProjectName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.yaml")

	_, err := mockmonitor.ProjectName(path)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	var pe *fs.PathError
	assert.ErrorAs(t, err, &pe, "a read error is os.ReadFile's")

	require.NoError(t, os.WriteFile(path, []byte("name: thumbnails\nruntime: go\n"), 0o644))
	name, err := mockmonitor.ProjectName(path)
	require.NoError(t, err)
	assert.Equal(t, "thumbnails", name)

	require.NoError(t, os.WriteFile(path, []byte("runtime: go\n"), 0o644))
	name, err = mockmonitor.ProjectName(path)
	require.NoError(t, err)
	assert.Empty(t, name)

	require.NoError(t, os.WriteFile(path, []byte("name: [\n"), 0o644))
	_, err = mockmonitor.ProjectName(path)
	assert.ErrorContains(t, err, "Pulumi.yaml: yaml: ")
	assert.False(t, errors.As(err, &pe), "a YAML error is not a read error")
}
