package asyncroute

import (
	"github.com/asyncroute/asyncroute/components/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ExistingRole is an execution role you bring instead of the one the
// component would create. Give the iam.Role when it is in your program, or
// its Name (the grant policy is attached by name) plus, for [NewFunction],
// its Arn. A role known only by its ARN cannot be granted to: that is an
// error unless SkipGrants is set.
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
// component creates the function and so must pass the role's ARN.
func checkExistingRole(errs *errorList, r *ExistingRole, opts *RoleOptions, skipGrants, needArn bool) {
	if opts.given() {
		errs.add("RoleOptions", "shape a role the component creates and cannot apply to Role; allowed: set RoleOptions or Role, not both")
	}
	if r.Role != nil {
		if !isNil(r.Name) || !isNil(r.Arn) {
			errs.add("Role", "both Role.Role and Role.Name/Role.Arn are set; allowed: the iam.Role, or its Name and Arn")
		}
		return
	}
	if needArn && isNil(r.Arn) {
		errs.add("Role.Arn", "is required to create the function with a brought role; allowed: the role's ARN, or Role.Role")
	}
	if isNil(r.Name) && !isNil(r.Arn) && !skipGrants {
		errs.add("Role", "a role known only by its ARN cannot be granted to; allowed: Role.Role (the iam.Role) or Role.Name, or SkipGrants: true to attach no grants")
	}
	if isNil(r.Name) && isNil(r.Arn) {
		errs.add("Role", "is empty; allowed: Role.Role, or Role.Name and Role.Arn")
	}
}

func existingRoleRef(r *ExistingRole) roleRef {
	if r.Role != nil {
		return roleRef{name: r.Role.Name, arn: r.Role.Arn}
	}
	ref := roleRef{}
	if !isNil(r.Name) {
		ref.name = r.Name
	}
	if !isNil(r.Arn) {
		ref.arn = r.Arn.ToStringOutput()
	} else {
		ref.arn = pulumi.String("").ToStringOutput()
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
