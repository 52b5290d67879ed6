//go:build engine

package engine

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/tests/deploybench"
	"github.com/asyncroute/asyncroute/tests/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInterruptedChainDeploy kills the CLI (SIGKILL, as a lost CI runner
// or a closed laptop does) while the first deployment of the benchmark's
// chain (six functions) is creating its grant policies, then recovers the
// way docs/changing-a-stack.md says: `pulumi cancel` (the stack's lock),
// `pulumi refresh --import-pending-creates <urn> <id> ...
// --clear-pending-creates` (what AWS finished is imported by the id AWS
// gave it, except grant policies and invoke configs, which are cleared:
// the next up writes the same ones again), `pulumi up`. The plugins of
// the killed CLI finish the writes they had started, as AWS would, so
// every pending grant policy exists in the double. The recovery converges
// with no window, nothing orphaned in the double, a preview without
// change, and a destroy that leaves nothing (a role with an orphaned
// inline policy would refuse its delete).
func TestInterruptedChainDeploy(t *testing.T) {
	t.Parallel()
	program := deploybench.Chain(deploybench.ChainLength, filepath.Join(repoRoot, "handler"))
	w := newWorld(t, "asyncroute-interrupted", program)
	w.stack.Workspace().SetEnvVar(fakeaws.EnvLatency, "create=1s")

	upDone := make(chan error, 1)
	go func() {
		_, err := w.stack.Up(w.ctx, optup.ProgressStreams(io.Discard))
		upDone <- err
	}()
	// Kill the CLI once the roles exist and the grant policies are being
	// written (each takes 1 s plus the 2 s the double takes to store it).
	require.Eventually(t, func() bool { return w.countOps("create", tRole) >= deploybench.ChainLength },
		2*time.Minute, 100*time.Millisecond, "the chain's roles are created")
	time.Sleep(1500 * time.Millisecond)
	mine := fakeaws.EnvState + "=" + w.state + "\x00"
	cli := w.processes(func(p proc) bool {
		return p.ppid == os.Getpid() && p.comm == "pulumi" && strings.Contains(p.environ, mine)
	})
	require.Equal(t, 1, len(cli), "the up's CLI process")
	require.NoError(t, syscall.Kill(cli[0].pid, syscall.SIGKILL))
	require.Error(t, <-upDone, "the killed up fails")

	// The killed CLI's provider plugins finish what they had started.
	w.waitQuiet(4 * time.Second)
	for _, p := range w.processes(func(p proc) bool { return strings.Contains(p.environ, mine) }) {
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
	pending := w.pendingCreates()
	require.NotEmpty(t, pending, "the state has pending creates")
	var grantsPending int
	for _, p := range pending {
		if p.Type == tRolePolicy {
			grantsPending++
		}
	}
	assert.NotZero(t, grantsPending, "grant policies were being created when the CLI died: %v", pending)

	// The recovery.
	require.NoError(t, w.stack.Cancel(w.ctx), "pulumi cancel removes the dead update's lock")
	// Grant policies and invoke configs are cleared: their names (a
	// policy's is its document's, a config's its function and qualifier)
	// make the next up write the same ones again. Anything else that
	// AWS finished is imported by its id.
	var imports []optrefresh.PendingCreate
	for _, p := range pending {
		if p.Type == tRolePolicy || p.Type == tInvokeConfig {
			continue
		}
		if id := w.storedID(p.URN); id != "" {
			imports = append(imports, optrefresh.PendingCreate{URN: p.URN, ID: id})
		}
	}
	t.Logf("pending creates: %d, of them grant policies: %d, imported: %d", len(pending), grantsPending, len(imports))
	var out bytes.Buffer
	_, err := w.stack.Refresh(w.ctx, optrefresh.ImportPendingCreates(imports), optrefresh.ClearPendingCreates(), optrefresh.ProgressStreams(&out))
	require.NoError(t, err, "refresh:\n%s", out.String())
	assert.Empty(t, w.pendingCreates(), "no pending create is left")
	n := w.logLen()
	_, err = w.up()
	require.NoError(t, err, "up after the refresh")
	assert.Empty(t, failedOps(w.ops(n)))
	w.assertNoWindows("interrupted deployment and recovery", 0)
	w.assertNoOrphans("after the recovery")
	_, err = w.preview(optpreview.ExpectNoChanges())
	require.NoError(t, err)
	w.destroy()
	assert.Empty(t, w.providerState().Live(), "destroy leaves nothing")
}

// countOps counts the successful writes of an op and type in the log.
func (w *world) countOps(op, typ string) int {
	n := 0
	for _, o := range w.ops(0) {
		if o.Op == op && o.Type == typ && o.Error == "" {
			n++
		}
	}
	return n
}

// waitQuiet waits until the double's log has not grown for quiet.
func (w *world) waitQuiet(quiet time.Duration) {
	w.t.Helper()
	last, since := w.logLen(), time.Now()
	for time.Since(since) < quiet {
		time.Sleep(200 * time.Millisecond)
		if n := w.logLen(); n != last {
			last, since = n, time.Now()
		}
	}
}

// proc is a process of this machine, as /proc shows it.
type proc struct {
	pid, ppid int
	comm      string
	environ   string // NUL-separated, with a NUL at the end
}

// processes lists the processes for which keep says so.
func (w *world) processes(keep func(proc) bool) []proc {
	w.t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(w.t, err)
	var out []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold blanks, so split after
		// its closing parenthesis.
		s := string(stat)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		fields := strings.Fields(s[close+1:])
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		p := proc{pid: pid, ppid: ppid, comm: s[open+1 : close], environ: string(env)}
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// pendingCreate is a create the state records as begun and not ended.
type pendingCreate struct{ URN, Type string }

// pendingCreates reads the state's pending creates.
func (w *world) pendingCreates() []pendingCreate {
	w.t.Helper()
	raw, _ := w.export()
	var d struct {
		Pending []struct {
			Type     string `json:"type"`
			Resource struct {
				URN  string `json:"urn"`
				Type string `json:"type"`
			} `json:"resource"`
		} `json:"pending_operations"`
	}
	require.NoError(w.t, json.Unmarshal(raw.Deployment, &d))
	var out []pendingCreate
	for _, p := range d.Pending {
		if p.Type == "creating" {
			out = append(out, pendingCreate{URN: p.Resource.URN, Type: p.Resource.Type})
		}
	}
	return out
}

// storedID is the id the double gave the resource of a URN, "" when it
// stored none: what a user reads in the console by the resource's name.
func (w *world) storedID(urn string) string {
	for _, r := range w.providerState().Resources {
		if r.URN == urn {
			return r.ID
		}
	}
	return ""
}
