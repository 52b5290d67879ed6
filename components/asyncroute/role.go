package asyncroute

import (
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ExistingRole is an execution role you bring instead of the one the
// component would create. Give the iam.Role when it is in your program, or
// its Arn (the grant policy is attached to the role the ARN names, by the
// last segment of arn:<partition>:iam::<account>:role/<path>/<name>), or
// its Name. [NewFunction] needs the ARN (Role.Role or Role.Arn); when both
// Name and Arn are given they must name one role.
type ExistingRole struct {
	// Role is the role resource.
	Role *iam.Role
	// Name is the role's name, when Role is not given.
	Name pulumi.StringInput
	// Arn is the role's ARN, when Role is not given. A function takes a
	// role of its own account and partition only (iam:PassRole does not
	// cross accounts): another is refused, at preview when the provider's
	// account is known then, else before the function is written.
	Arn pulumi.StringInput
}

// RoleOptions shape the execution role the component creates, for
// organisations that require boundaries, paths or naming rules.
type RoleOptions struct {
	// PermissionsBoundary is the ARN of the policy that bounds the role.
	PermissionsBoundary pulumi.StringInput
	// Path is the role's path, e.g. "/service-roles/". Default "/".
	Path pulumi.StringInput
	// NamePrefix makes the role's physical name start with this prefix
	// (at most 38 characters); the rest is generated.
	NamePrefix pulumi.StringInput
	// ManagedPolicyArns replaces the managed policies attached to the role.
	// Default: AWSLambdaBasicExecutionRole (in the aws partition). Give the
	// partition's own ARN in aws-cn or aws-us-gov, or add
	// AWSLambdaVPCAccessExecutionRole for functions in a VPC.
	ManagedPolicyArns pulumi.StringArrayInput
}

// roleRef is the role the components grant to: a created or brought role.
type roleRef struct {
	created *iam.Role
	name    pulumi.StringInput // nil: cannot attach a policy
	arn     pulumi.StringOutput
}

func (o *RoleOptions) given() bool {
	return o != nil && (!isNil(o.PermissionsBoundary) || !isNil(o.Path) || !isNil(o.NamePrefix) || !isNil(o.ManagedPolicyArns))
}

// broughtRole is a brought role once checked: checks are those of its
// name and ARN that wait for values known only at deploy time.
type broughtRole struct {
	r      *ExistingRole
	checks phase.Checks
}

// checkExistingRole validates a brought role. needArn is true when the
// component creates the function and so must pass the role's ARN; then
// the ARN must be a role of the function's partition and account, as far
// as the component's place (at) is known while the program runs. A name
// or ARN known while the program runs is checked now; one known only at
// deploy is checked inside the role name the grant policy takes (see
// broughtRole.ref).
func checkExistingRole(ctx *pulumi.Context, errs *errorList, r *ExistingRole, opts *RoleOptions, needArn bool, at lambdafacts.Place) (*broughtRole, error) {
	b := &broughtRole{r: r}
	if opts.given() {
		errs.add("RoleOptions", "shape a role the component creates and cannot apply to %s; allowed: set %s or %s, not both", doors.Field("Role"), doors.Field("RoleOptions"), doors.Field("Role"))
	}
	if r.Role != nil {
		if !isNil(r.Name) || !isNil(r.Arn) {
			errs.add("Role", "both Role.Role and Role.Name/Role.Arn are set; allowed: the iam.Role, or its Arn and/or Name")
		}
		return b, nil
	}
	if needArn && isNil(r.Arn) {
		errs.add("Role.Arn", "is required to create the function with a brought role; allowed: the role's ARN%s", doors.Term(doors.OrRoleResource))
	}
	if isNil(r.Name) && isNil(r.Arn) {
		errs.add("Role", "is empty; allowed: %s", doors.Term(doors.RoleChoices))
		return b, nil
	}
	if !needArn {
		at = lambdafacts.Place{}
	}
	return b, errs.fault("Role", b.checks.Now(ctx, roleCheck(errs.component, at), r.Name, r.Arn))
}

// roleCheck checks a brought role's name and ARN (nil when not given):
// the ARN is a role's, of the place at (where the function is created;
// the parts of it known), and the name and the ARN name one role.
func roleCheck(component string, at lambdafacts.Place) phase.Check {
	return func(v []any) error {
		if phase.IsUnknown(v[1]) {
			return phase.ErrLater
		}
		arn, ok := v[1].(string)
		if !ok {
			return nil
		}
		if _, err := lambdafacts.RoleNameFromARN(arn); err != nil {
			return inputErrorOf(component, "Role.Arn", err)
		}
		if err := lambdafacts.CheckRolePlace(arn, at); err != nil {
			return inputErrorOf(component, "Role.Arn", err)
		}
		if phase.IsUnknown(v[0]) {
			return phase.ErrLater
		}
		if name, ok := v[0].(string); ok {
			if err := lambdafacts.SameRole(name, arn); err != nil {
				return inputErrorOf(component, "Role", err)
			}
		}
		return nil
	}
}

// checkGrantRole checks the role of a component that configures a function
// it does not create: Role, unless SkipGrants. Nil when none is given.
func checkGrantRole(ctx *pulumi.Context, errs *errorList, r *ExistingRole, skipGrants bool) (*broughtRole, error) {
	switch {
	case r != nil:
		return checkExistingRole(ctx, errs, r, nil, false, lambdafacts.Place{})
	case !skipGrants:
		errs.add("Role", "is nil; allowed: the function's execution role (%s), or %s: true to attach no grants", doors.Term(doors.RoleChoices), doors.Field("SkipGrants"))
	}
	return nil, nil
}

// grantTo is the name of the role the grants go to; nil with SkipGrants.
func (b *broughtRole) grantTo(component string, skipGrants bool) pulumi.StringInput {
	if skipGrants {
		return nil
	}
	return b.ref(component).name
}

// ref is a brought role as the components use it: the name the grant
// policy is attached to (from Role.Name, or read from Role.Arn), once the
// checks that waited for deploy time have passed, and the ARN the function
// takes. So a grant is never attached to a role the ARN does not name.
func (b *broughtRole) ref(component string) roleRef {
	r := b.r
	if r.Role != nil {
		return roleRef{name: r.Role.Name, arn: r.Role.Arn}
	}
	ref := roleRef{arn: pulumi.String("").ToStringOutput()}
	if !isNil(r.Arn) {
		ref.arn = r.Arn.ToStringOutput()
	}
	var name pulumi.StringOutput
	switch {
	case !isNil(r.Arn) && !isNil(r.Name):
		name = pulumi.All(r.Name, r.Arn).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput)
	case !isNil(r.Arn):
		name = r.Arn.ToStringOutput().ApplyT(func(s string) string {
			n, _ := lambdafacts.RoleNameFromARN(s) // a bad ARN fails the checks
			return n
		}).(pulumi.StringOutput)
	default:
		ref.name = r.Name // nothing to check without an ARN
		return ref
	}
	ref.name = phase.Gate[string](&b.checks, name, func(err error) error { return err }).(pulumi.StringOutput)
	return ref
}

// newExecutionRole creates the function's role, in the partition of the
// component's provider (partition "" when not known while the program
// runs: the provider is asked). Lambda's service principal is
// lambda.amazonaws.com in every partition; the managed policy's ARN
// carries the partition.
func newExecutionRole(ctx *pulumi.Context, name, partition string, opts *RoleOptions, tags pulumi.StringMapInput, parent pulumi.Resource, extra ...pulumi.ResourceOption) (*iam.Role, error) {
	basic := pulumi.String(lambdafacts.BasicExecutionPolicyARN(partition)).ToStringOutput()
	if partition == "" {
		basic = aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, pulumi.Parent(parent)).Partition().ApplyT(lambdafacts.BasicExecutionPolicyARN).(pulumi.StringOutput)
	}
	args := &iam.RoleArgs{
		AssumeRolePolicy:  pulumi.String(iampolicy.TrustPolicy("lambda.amazonaws.com").JSON()),
		ManagedPolicyArns: pulumi.StringArray{basic},
		Tags:              tags,
	}
	if opts != nil {
		args.PermissionsBoundary = pulumiStringPtr(opts.PermissionsBoundary)
		args.Path = pulumiStringPtr(opts.Path)
		args.NamePrefix = pulumiStringPtr(opts.NamePrefix)
		if !isNil(opts.ManagedPolicyArns) {
			args.ManagedPolicyArns = opts.ManagedPolicyArns
		}
	}
	return iam.NewRole(ctx, name+"-role", args, append([]pulumi.ResourceOption{pulumi.Parent(parent)}, extra...)...)
}

func pulumiStringPtr(in pulumi.StringInput) pulumi.StringPtrInput {
	if isNil(in) {
		return nil
	}
	return in.ToStringOutput().ToStringPtrOutput()
}

// checkBoundary checks, at preview, the permissions boundary of the role
// the component creates against what its destinations need, with the
// rules' decision (lambdafacts.BoundaryBlocks): a boundary known while the
// program runs that is an AWS managed policy of iampolicy's table. (A
// policy of the program or outside it is not read here: the rules read a
// policy of the stack, and say when it is outside.)
func checkBoundary(a *assembly, opts *RoleOptions) error {
	if opts == nil || isNil(opts.PermissionsBoundary) {
		return nil
	}
	v, err := phase.Read(a.ctx, opts.PermissionsBoundary)
	if err != nil || !v.Known {
		return err
	}
	doc, ok := iampolicy.Managed(v.Str())
	if !ok {
		return nil
	}
	name := "AWS managed policy " + v.Str()[strings.LastIndex(v.Str(), "/")+1:]
	var blocked, denied, actions []string
	seen := map[string]bool{}
	for _, slot := range lambdafacts.Slots {
		t := a.targets[slot]
		if t == nil || t.spec == nil {
			continue
		}
		// The table's statements name every resource ("*"): any name
		// stands for the target's ARN, which may not be known yet.
		b, d, _ := lambdafacts.BoundaryBlocks(doc, t.spec.Needs("target"))
		for _, x := range append(b, d...) {
			if action := strings.SplitN(x, " on ", 2)[0]; !seen[action] {
				seen[action] = true
				actions = append(actions, action)
			}
		}
		for _, x := range b {
			blocked = append(blocked, strings.SplitN(x, " on ", 2)[0]+" on "+t.describe)
		}
		for _, x := range d {
			denied = append(denied, strings.SplitN(x, " on ", 2)[0]+" on "+t.describe)
		}
	}
	for _, c := range []struct {
		what []string
		deny bool
	}{{blocked, false}, {denied, true}} {
		if len(c.what) > 0 {
			a.errs.add("RoleOptions.PermissionsBoundary", "%q: the role %s, so Lambda rejects the configuration; allowed: a boundary that allows %s",
				v.Str(), lambdafacts.BoundaryProblem(name, c.what, c.deny), strings.Join(actions, ", "))
		}
	}
	return nil
}
