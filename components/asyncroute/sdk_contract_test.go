package asyncroute_test

// The contract with the Pulumi Go SDK that the components' two phases rest
// on (package internal/phase; the package documentation, "Preview, update
// and the time a deployment takes"), pinned for
// github.com/pulumi/pulumi/sdk/v3 v3.274.1 under its mocks
// (pulumi.WithMocks with the repository's recording monitor,
// internal/mockmonitor):
//
//   - during an update (not a dry run) an output of a resource resolves
//     only once the engine has created the resource, and phase.Read
//     reports it unknown at once, so a component registers its children
//     while its destination is still being created;
//   - during a preview an awaited output of a planned resource resolves,
//     known and with its value, as soon as the engine has planned it.
//
// When an SDK upgrade makes this test fail, the components would either
// hold every deployment up behind AWS's create latency or stop reporting
// at preview what they check there: read internal/phase again before
// changing anything here.

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/mockmonitor"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contractWait bounds every wait of the contract tests: far more than a
// registration round takes, so that only a program that waits for the
// blocked create runs into it.
const contractWait = 20 * time.Second

// blockingMonitor is the recording monitor, except that the engine's
// registration of one resource (type typ, name name) does not return
// until release is called: during an update, the time AWS takes to create
// it; during a preview, the time the engine takes to plan it.
type blockingMonitor struct {
	*mockmonitor.Monitor
	typ, name string
	entered   chan struct{} // closed when that registration has started
	release   func()
	released  chan struct{}
}

func newBlockingMonitor(preview bool, typ, name string) *blockingMonitor {
	m := &blockingMonitor{
		Monitor: &mockmonitor.Monitor{Preview: preview, Project: "project", Stack: "dev"},
		typ:     typ, name: name,
		entered: make(chan struct{}), released: make(chan struct{}),
	}
	m.release = sync.OnceFunc(func() { close(m.released) })
	return m
}

func (m *blockingMonitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken == m.typ && args.Name == m.name {
		close(m.entered)
		<-m.released
	}
	return m.Monitor.NewResource(args)
}

// has reports whether the monitor has recorded a resource of typ named name
// (a registration that has returned).
func (m *blockingMonitor) has(typ, name string) bool {
	for _, r := range m.Resources() {
		if r.Type == typ && r.Name == name {
			return true
		}
	}
	return false
}

// waitFor waits until ch is ready, failing the test after contractWait.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(contractWait):
		require.FailNow(t, "timed out", "waited %s for %s", contractWait, what)
		panic("unreachable")
	}
}

// run starts program under the monitor; the returned channel gets its
// result. The test releases the blocked registration before it returns.
func (m *blockingMonitor) run(t *testing.T, program pulumi.RunFunc, preview bool) <-chan error {
	t.Cleanup(m.release)
	done := make(chan error, 1)
	go func() {
		done <- pulumi.RunErr(program, pulumi.WithMocks("project", "dev", m), func(info *pulumi.RunInfo) { info.DryRun = preview })
	}()
	return done
}

// (a) During an update the destination queue's create is held up; the
// component reads the queue's outputs without waiting for it (phase.Read
// reports them unknown within the same registration round) and registers
// its children meanwhile. Awaiting the same output directly does wait: it
// resolves only once the create returns.
func TestSDKContractUpdateReportsOutputsUnknownAtOnce(t *testing.T) {
	m := newBlockingMonitor(false, queueType, "jobs")
	read := make(chan phase.Value, 1)
	awaited := make(chan internals.UnsafeAwaitOutputResult, 1)
	constructed := make(chan *asyncroute.Function, 1)
	done := m.run(t, func(ctx *pulumi.Context) error {
		if ctx.DryRun() {
			return errors.New("not an update")
		}
		q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String("jobs")})
		if err != nil {
			return err
		}
		go func() {
			r, _ := internals.UnsafeAwaitOutput(ctx.Context(), q.Arn)
			awaited <- r
		}()
		v, err := phase.Read(ctx, q.Arn)
		if err != nil {
			return err
		}
		read <- v
		fn, err := asyncroute.NewFunction(ctx, "orders", &asyncroute.FunctionArgs{
			Function:  lambdaArgs("orders"),
			OnFailure: asyncroute.SQSQueue{Queue: q},
		})
		if err != nil {
			return err
		}
		constructed <- fn
		return nil
	}, false)

	waitFor(t, m.entered, "the queue's create to start")
	v := waitFor(t, read, "phase.Read of the queue's ARN while its create is held up")
	assert.Equal(t, phase.Value{Set: true}, v, "an output during an update is unknown now")
	fn := waitFor(t, constructed, "NewFunction to return while the queue's create is held up")
	assert.NotNil(t, fn.Role)
	assert.NotNil(t, fn.Policy)
	assert.NotNil(t, fn.Function)
	assert.NotNil(t, fn.InvokeConfig)

	// The engine has the component, its role and its function before the
	// queue exists; the grant policy and the invoke config, whose inputs
	// are the queue's ARN, wait for it in the SDK, not in the program.
	deadline := time.Now().Add(contractWait)
	for !(m.has(functionComponentType, "orders") && m.has(roleType, "orders-role") && m.has(lambdaType, "orders")) {
		require.True(t, time.Now().Before(deadline), "children not registered while the queue's create was held up: %v", m.Resources())
		time.Sleep(5 * time.Millisecond)
	}
	assert.False(t, m.has(queueType, "jobs"))
	assert.False(t, m.has(configType, "orders-async-config"))
	select {
	case r := <-awaited:
		t.Fatalf("an awaited output resolved before its resource was created: %+v", r)
	default:
	}

	m.release()
	require.NoError(t, waitFor(t, done, "the program to finish"))
	r := waitFor(t, awaited, "the awaited ARN once the queue is created")
	assert.True(t, r.Known)
	assert.Equal(t, arnOf("sqs", "jobs"), r.Value)
	assert.True(t, m.has(configType, "orders-async-config"))
}

// (b) During a preview an awaited output of a resource resolves, known and
// with its value, once the engine has planned the resource (here: once its
// registration returns), and phase.Read awaits it: a check that needs it
// runs before the component registers anything. An output the engine
// computes at create is unknown, and reading it does not block.
func TestSDKContractPreviewAwaitsPlannedOutputs(t *testing.T) {
	m := newBlockingMonitor(true, queueType, "jobs")
	awaited := make(chan internals.UnsafeAwaitOutputResult, 1)
	read := make(chan phase.Value, 2)
	done := m.run(t, func(ctx *pulumi.Context) error {
		if !ctx.DryRun() {
			return errors.New("not a preview")
		}
		q, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String("jobs")})
		if err != nil {
			return err
		}
		r, err := internals.UnsafeAwaitOutput(ctx.Context(), q.Name)
		if err != nil {
			return err
		}
		awaited <- r
		for _, o := range []pulumi.StringOutput{q.Name, q.Arn} {
			v, err := phase.Read(ctx, o)
			if err != nil {
				return err
			}
			read <- v
		}
		return nil
	}, true)

	waitFor(t, m.entered, "the queue's registration to start")
	select {
	case r := <-awaited:
		t.Fatalf("an awaited output resolved before its resource was planned: %+v", r)
	case <-time.After(50 * time.Millisecond):
	}
	m.release()
	r := waitFor(t, awaited, "the awaited name once the queue is planned")
	assert.True(t, r.Known, "a planned resource's output given as input is known at preview")
	assert.Equal(t, "jobs", r.Value)

	name := waitFor(t, read, "phase.Read of the queue's name")
	assert.True(t, name.Known)
	assert.Equal(t, "jobs", name.Str())
	assert.False(t, name.Literal)
	require.Len(t, name.Deps, 1)
	assert.Equal(t, "jobs", name.Deps[0].PulumiResourceName())
	arn := waitFor(t, read, "phase.Read of the queue's ARN")
	assert.Equal(t, phase.Value{Set: true, Deps: arn.Deps}, arn, "an output computed at create is unknown at preview")
	require.NoError(t, waitFor(t, done, "the program to finish"))
}
