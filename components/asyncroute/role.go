package asyncroute

import (
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/iampolicy"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
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
	// Arn is the role's ARN, when Role is not given.
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

// checkExistingRole validates a brought role. needArn is true when the
// component creates the function and so must pass the role's ARN. A name
// or ARN known while the program runs is checked now; one known only at
// deploy is checked by existingRoleRef's outputs.
func checkExistingRole(ctx *pulumi.Context, errs *errorList, r *ExistingRole, opts *RoleOptions, needArn bool) error {
	if opts.given() {
		errs.add("RoleOptions", "shape a role the component creates and cannot apply to %s; allowed: set %s or %s, not both", doors.Field("Role"), doors.Field("RoleOptions"), doors.Field("Role"))
	}
	if r.Role != nil {
		if !isNil(r.Name) || !isNil(r.Arn) {
			errs.add("Role", "both Role.Role and Role.Name/Role.Arn are set; allowed: the iam.Role, or its Arn and/or Name")
		}
		return nil
	}
	if needArn && isNil(r.Arn) {
		errs.add("Role.Arn", "is required to create the function with a brought role; allowed: the role's ARN%s", doors.Term(doors.OrRoleResource))
	}
	if isNil(r.Name) && isNil(r.Arn) {
		errs.add("Role", "is empty; allowed: %s", doors.Term(doors.RoleChoices))
		return nil
	}
	name, err := await(ctx, r.Name)
	if err != nil {
		return err
	}
	arn, err := await(ctx, r.Arn)
	if err != nil {
		return err
	}
	if arn.known && arn.set {
		if _, err := lambdafacts.RoleNameFromARN(arn.str); err != nil {
			errs.addErr("Role.Arn", err)
			return nil
		}
		if name.known && name.set {
			errs.addErr("Role", lambdafacts.SameRole(name.str, arn.str))
		}
	}
	return nil
}

// existingRoleRef is a brought role as the components use it: the name
// the grant policy is attached to (from Role.Name, or read from Role.Arn)
// and the ARN the function takes. Values known only at deploy are checked
// in these outputs, so a grant is never attached to a role the ARN does
// not name.
func existingRoleRef(component string, r *ExistingRole) roleRef {
	if r.Role != nil {
		return roleRef{name: r.Role.Name, arn: r.Role.Arn}
	}
	ref := roleRef{arn: pulumi.String("").ToStringOutput()}
	switch {
	case !isNil(r.Arn) && !isNil(r.Name):
		ref.name = pulumi.All(r.Name, r.Arn).ApplyT(func(v []any) (string, error) {
			if err := lambdafacts.SameRole(v[0].(string), v[1].(string)); err != nil {
				return "", inputErrorOf(component, "Role", err)
			}
			return v[0].(string), nil
		}).(pulumi.StringOutput)
	case !isNil(r.Arn):
		ref.name = r.Arn.ToStringOutput().ApplyT(func(s string) (string, error) {
			name, err := lambdafacts.RoleNameFromARN(s)
			if err != nil {
				return "", inputErrorOf(component, "Role.Arn", err)
			}
			return name, nil
		}).(pulumi.StringOutput)
	default:
		ref.name = r.Name
	}
	if !isNil(r.Arn) {
		ref.arn = r.Arn.ToStringOutput()
	}
	return ref
}

// newExecutionRole creates the function's role.
func newExecutionRole(ctx *pulumi.Context, name string, opts *RoleOptions, tags pulumi.StringMapInput, parent pulumi.Resource) (*iam.Role, error) {
	args := &iam.RoleArgs{
		AssumeRolePolicy:  pulumi.String(iampolicy.TrustPolicy("lambda.amazonaws.com").JSON()),
		ManagedPolicyArns: pulumi.StringArray{pulumi.String(string(iam.ManagedPolicyAWSLambdaBasicExecutionRole))},
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
	return iam.NewRole(ctx, name+"-role", args, pulumi.Parent(parent))
}

func pulumiStringPtr(in pulumi.StringInput) pulumi.StringPtrInput {
	if isNil(in) {
		return nil
	}
	return in.ToStringOutput().ToStringPtrOutput()
}
