package rulebook

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/components/asyncroute"
	"github.com/asyncroute/asyncroute/components/asyncroutetest"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// The property: random valid stacks (1 to 20 functions over 1 to 3
// regions and 1 or 2 accounts, one function name used in several places,
// chains of on-success routes, failure queues, shared and brought roles)
// are accepted by both doors: the components refuse nothing and the rules
// raise nothing mandatory. Each stack is then broken by one mutation from
// a list tied to this rulebook's facts, and both doors refuse or flag it
// with that fact's words.

// place is a provider of a random stack: the default one (index 0) or an
// explicit one stating its region and account.
type place struct{ region, account string }

// fnSpec is one function of a random stack.
type fnSpec struct {
	place int
	name  string
	next  int // the function its on-success route goes to (an earlier one of its place), -1 for none
	queue bool
}

type stackSpec struct {
	places []place
	fns    []fnSpec
}

var (
	regions  = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}
	accounts = []string{acct, "210987654321"}
)

func randomStack(r *rand.Rand) stackSpec {
	var s stackSpec
	s.places = []place{{"us-east-1", acct}}
	nr, na := 1+r.IntN(3), 1+r.IntN(2)
	for i := 0; i < nr; i++ {
		for j := 0; j < na; j++ {
			if i == 0 && j == 0 {
				continue
			}
			s.places = append(s.places, place{regions[i], accounts[j]})
		}
	}
	n := 1 + r.IntN(20)
	for i := 0; i < n; i++ {
		f := fnSpec{place: r.IntN(len(s.places)), name: fmt.Sprintf("fn-%d", r.IntN(4)), next: -1, queue: r.IntN(2) == 0}
		// One name per place: a name taken there gets the index.
		for _, g := range s.fns {
			if g.place == f.place && g.name == f.name {
				f.name = fmt.Sprintf("fn-%d-%d", r.IntN(4), i)
			}
		}
		var earlier []int
		for j, g := range s.fns {
			if g.place == f.place {
				earlier = append(earlier, j)
			}
		}
		if len(earlier) > 0 && r.IntN(3) > 0 {
			f.next = earlier[r.IntN(len(earlier))]
		}
		s.fns = append(s.fns, f)
	}
	return s
}

func (p place) fnARN(name string) string {
	return "arn:aws:lambda:" + p.region + ":" + p.account + ":function:" + name
}

// providers makes the stack's explicit providers (nil for the default).
func (s stackSpec) providers(ctx *pulumi.Context) []pulumi.ResourceOption {
	opts := make([]pulumi.ResourceOption, len(s.places))
	for i, p := range s.places {
		if i == 0 {
			continue
		}
		prov := must(aws.NewProvider(ctx, fmt.Sprintf("p%d", i), &aws.ProviderArgs{
			Region: pulumi.String(p.region), AllowedAccountIds: pulumi.StringArray{pulumi.String(p.account)}}))
		opts[i] = pulumi.Provider(prov)
	}
	return opts
}

func with(o pulumi.ResourceOption) []pulumi.ResourceOption {
	if o == nil {
		return nil
	}
	return []pulumi.ResourceOption{o}
}

// mutation breaks a valid stack in one way; each side builds it, and want
// is the fact's words (rendered per door; loop is matched from its
// description on, since each door tells the loop from its own component).
type mutation struct {
	name string
	// applies says whether the stack can take it.
	applies func(s stackSpec) bool
	want    func(s stackSpec) string
	// within says want is matched anywhere in the message, not as its
	// end (each door ends it with a fix naming its own resources).
	within bool
}

// mutations are the facts of the rulebook that random stacks break.
var mutations = []mutation{
	{name: "function name too long", applies: func(stackSpec) bool { return true },
		want: func(stackSpec) string {
			return doors.TemplateOf(lambdafacts.CheckFunctionName(strings.Repeat("f", 65)))
		}},
	{name: "success loop", applies: func(s stackSpec) bool { return loopPair(s) >= 0 },
		want: func(stackSpec) string {
			return "each success invokes the loop again for as long as its functions succeed, and Lambda's recursive loop detection does not follow destinations or EventBridge rules; " +
				"allowed: on-success routes that end (remove one route of the loop, or send it to a queue, topic or bus no function of the loop reads)"
		}},
	{name: "role of another account", applies: func(stackSpec) bool { return true },
		want: func(s stackSpec) string {
			p := s.places[s.fns[0].place]
			other := accounts[0]
			if p.account == other {
				other = accounts[1]
			}
			return doors.TemplateOf(lambdafacts.CheckRolePlace("arn:aws:iam::"+other+":role/brought", lambdafacts.Place{Partition: "aws", Region: p.region, Account: p.account}))
		}},
	{name: "queue policy denies the role", applies: func(stackSpec) bool { return true }, within: true,
		want: func(stackSpec) string {
			return `the policy of aws:sqs/queue:Queue "q0" denies sqs:SendMessage on `
		}},
}

// loopPair is a function whose next function has no route of its own (so
// a route from it back makes a loop of two), or -1.
func loopPair(s stackSpec) int {
	for i, f := range s.fns {
		if f.next >= 0 && s.fns[f.next].next < 0 {
			return i
		}
	}
	return -1
}

// construct is the stack with the components; m is the mutation (nil
// for the valid stack).
func (s stackSpec) construct(ctx *pulumi.Context, m *mutation) error {
	opts := s.providers(ctx)
	made := make([]*asyncroute.Function, len(s.fns))
	loopAt := -1
	if m != nil && m.name == "success loop" {
		loopAt = loopPair(s)
	}
	for i, f := range s.fns {
		args := &asyncroute.FunctionArgs{Function: fnArgs(f.name), MaxRetries: pulumi.IntRef(1)}
		if f.queue {
			args.OnFailure = asyncroute.NewQueue{}
		} else {
			args.OnFailure = asyncroute.DefaultEventBus{}
		}
		if f.next >= 0 {
			args.OnSuccess = made[f.next].AsDestination()
		}
		if loopAt >= 0 && i == s.fns[loopAt].next {
			// Back to the function that will route here.
			args.OnSuccess = asyncroute.ARN{Arn: pulumi.String(s.places[f.place].fnARN(s.fns[loopAt].name))}
		}
		if m != nil && i == 0 {
			switch m.name {
			case "function name too long":
				args.Function.Name = pulumi.String(strings.Repeat("f", 65))
			case "role of another account":
				args.Role = &asyncroute.ExistingRole{Arn: pulumi.String(roleOfOtherAccount(s))}
			case "queue policy denies the role":
				q := must(sqs.NewQueue(ctx, "q0", &sqs.QueueArgs{Policy: pulumi.String(perimeter)}, with(opts[f.place])...))
				args.OnFailure = asyncroute.SQSQueue{Queue: q}
			}
		}
		fn, err := asyncroute.NewFunction(ctx, fmt.Sprintf("c%d", i), args, with(opts[f.place])...)
		if err != nil {
			return err
		}
		made[i] = fn
	}
	return nil
}

func roleOfOtherAccount(s stackSpec) string {
	p := s.places[s.fns[0].place]
	other := accounts[0]
	if p.account == other {
		other = accounts[1]
	}
	return "arn:aws:iam::" + other + ":role/brought"
}

// raw is the same stack with plain resources: per function a role, a
// grant policy, the function, a failure queue or the default bus, and the
// invoke config.
func (s stackSpec) raw(ctx *pulumi.Context, m *mutation) {
	opts := s.providers(ctx)
	made := make([]*lambda.Function, len(s.fns))
	loopAt := -1
	if m != nil && m.name == "success loop" {
		loopAt = loopPair(s)
	}
	for i, f := range s.fns {
		o := with(opts[f.place])
		p := s.places[f.place]
		r := must(iam.NewRole(ctx, fmt.Sprintf("r%d", i), &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		}, o...))
		a := fnArgs(f.name)
		a.Role = r.Arn
		if m != nil && i == 0 {
			switch m.name {
			case "function name too long":
				a.Name = pulumi.String(strings.Repeat("f", 65))
			case "role of another account":
				a.Role = pulumi.String(roleOfOtherAccount(s))
			}
		}
		fn := must(lambda.NewFunction(ctx, fmt.Sprintf("f%d", i), &a, o...))
		made[i] = fn
		failure := pulumi.String("arn:aws:events:" + p.region + ":" + p.account + ":event-bus/default").ToStringOutput()
		action := "events:PutEvents"
		denied := m != nil && i == 0 && m.name == "queue policy denies the role"
		if f.queue || denied {
			args := &sqs.QueueArgs{}
			if denied {
				args.Policy = pulumi.String(perimeter)
			}
			failure = must(sqs.NewQueue(ctx, fmt.Sprintf("q%d", i), args, o...)).Arn
			action = "sqs:SendMessage"
		}
		dc := &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: failure}}
		stmts := []pulumi.StringOutput{pulumi.Sprintf(`{"Effect":"Allow","Action":"%s","Resource":"%s"}`, action, failure)}
		var success pulumi.StringInput
		if f.next >= 0 {
			success = made[f.next].Arn
		}
		if loopAt >= 0 && i == s.fns[loopAt].next {
			success = pulumi.String(p.fnARN(s.fns[loopAt].name))
		}
		if success != nil {
			dc.OnSuccess = &lambda.FunctionEventInvokeConfigDestinationConfigOnSuccessArgs{Destination: success}
			stmts = append(stmts, pulumi.Sprintf(`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["%s","%s:*"]}`, success, success))
		}
		policy := pulumi.All(stmtInputs(stmts)...).ApplyT(func(v []any) string {
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = x.(string)
			}
			return `{"Version":"2012-10-17","Statement":[` + strings.Join(parts, ",") + `]}`
		}).(pulumi.StringOutput)
		grants := must(iam.NewRolePolicy(ctx, fmt.Sprintf("g%d", i), &iam.RolePolicyArgs{Role: r.Name, Policy: policy}, o...))
		must(lambda.NewFunctionEventInvokeConfig(ctx, fmt.Sprintf("cfg%d", i), &lambda.FunctionEventInvokeConfigArgs{
			FunctionName: fn.Name, MaximumRetryAttempts: pulumi.Int(1), DestinationConfig: dc,
		}, append(o, pulumi.DependsOn([]pulumi.Resource{grants}))...))
	}
}

func stmtInputs(s []pulumi.StringOutput) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

func mandatory(fs []asyncpolicy.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Level == asyncpolicy.Mandatory {
			out = append(out, f.String())
		}
	}
	return out
}

func TestRandomStacksBothDoors(t *testing.T) {
	const stacks = 40
	tried := map[string]int{}
	for seed := uint64(1); seed <= stacks; seed++ {
		r := rand.New(rand.NewPCG(seed, 16))
		s := randomStack(r)
		t.Run(fmt.Sprintf("seed-%d", seed), func(t *testing.T) {
			problems := constructProblems(t, func(ctx *pulumi.Context) error { return s.construct(ctx, nil) })
			require.Empty(t, problems, "the components refuse a valid stack (%+v)", s)
			st, err := asyncroutetest.Run(func(ctx *pulumi.Context) error { s.raw(ctx, nil); return nil })
			require.NoError(t, err)
			require.Empty(t, mandatory(asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{})), "the rules flag a valid stack (%+v)", s)

			var fits []mutation
			for _, m := range mutations {
				if m.applies(s) {
					fits = append(fits, m)
				}
			}
			m := fits[r.IntN(len(fits))]
			tried[m.name]++
			want := m.want(s)
			matches := func(msg, want string) bool {
				if m.within {
					return strings.Contains(msg, want)
				}
				return strings.HasSuffix(msg, want)
			}
			problems = constructProblems(t, func(ctx *pulumi.Context) error { return s.construct(ctx, &m) })
			found := false
			for _, p := range problems {
				found = found || matches(p, doors.Go.Render(want))
			}
			require.True(t, found, "%s: the components must refuse it with\n  %s\ngot\n  %s", m.name, doors.Go.Render(want), strings.Join(problems, "\n  "))
			st, err = asyncroutetest.Run(func(ctx *pulumi.Context) error { s.raw(ctx, &m); return nil })
			require.NoError(t, err)
			got := mandatory(asyncpolicy.Check(asyncpolicy.FromStack(st), asyncpolicy.Config{}))
			found = false
			for _, f := range got {
				found = found || matches(f, doors.Raw.Render(want))
			}
			require.True(t, found, "%s: the rules must flag it (mandatory) with\n  %s\ngot\n  %s", m.name, doors.Raw.Render(want), strings.Join(got, "\n  "))
		})
	}
	t.Logf("mutations tried: %v", tried)
	for _, m := range mutations {
		require.NotZero(t, tried[m.name], "mutation %q never tried: widen the seeds", m.name)
	}
}
