package asyncroute

import (
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AsyncInvokeType is the type token of [AsyncInvoke].
const AsyncInvokeType = "asyncroute:lambda:AsyncInvoke"

// AsyncInvokeArgs configures [NewAsyncInvoke]. Give the function as a
// resource (Function) or by name or ARN (FunctionName), and the role to
// grant to (Role) unless SkipGrants is set.
type AsyncInvokeArgs struct {
	// Function is the function to configure, when it is in this program.
	Function *lambda.Function
	// FunctionName is the name or ARN of the function, when Function is
	// not given.
	FunctionName pulumi.StringInput
	// Qualifier is the version or alias the config applies to; default
	// $LATEST. Pass an alias's Name output so the config waits for it.
	Qualifier pulumi.StringInput
	// Role is the function's execution role, which receives the grants.
	Role *ExistingRole
	// SkipGrants attaches no grant policy (GrantsSkipped output is true).
	SkipGrants bool

	// OnSuccess receives a record for each successful invocation. Not S3.
	OnSuccess Destination
	// OnFailure receives a record when retries are exhausted or the event
	// is too old.
	OnFailure Destination
	// MaxRetries: 0, 1 or 2; nil leaves Lambda's default (2).
	MaxRetries *int
	// MaxEventAge: 60s to 6h in whole seconds; nil leaves Lambda's default.
	MaxEventAge *time.Duration
}

// AsyncInvoke is asynchronous-invocation routing attached to a function
// that already exists: one grant policy on its role and the invoke config.
type AsyncInvoke struct {
	pulumi.ResourceState

	// Policy is the inline policy on the function's role; nil when nothing
	// is granted.
	Policy *iam.RolePolicy
	// InvokeConfig is the function's asynchronous invoke config.
	InvokeConfig *lambda.FunctionEventInvokeConfig
	// OnSuccessCreated and OnFailureCreated hold what the component
	// created for that field (see [CreatedTarget]); nil when nothing.
	OnSuccessCreated, OnFailureCreated *CreatedTarget

	FunctionName  pulumi.StringOutput    `pulumi:"functionName"`  // the function's name or ARN as given
	Qualifier     pulumi.StringOutput    `pulumi:"qualifier"`     // $LATEST or the qualifier given
	OnSuccessArn  pulumi.StringPtrOutput `pulumi:"onSuccessArn"`  // nil when none
	OnFailureArn  pulumi.StringPtrOutput `pulumi:"onFailureArn"`  // nil when none
	GrantsSkipped pulumi.BoolOutput      `pulumi:"grantsSkipped"` // true when SkipGrants was set
}

// NewAsyncInvoke attaches destinations, retry settings and grants to an
// existing function. Bad input returns an error before anything is
// registered. Functions made with [NewFunction] already have their config;
// a second one for the same qualifier is an error.
func NewAsyncInvoke(ctx *pulumi.Context, name string, args *AsyncInvokeArgs, opts ...pulumi.ResourceOption) (*AsyncInvoke, error) {
	errs := &errorList{component: fmt.Sprintf("AsyncInvoke %q", name)}
	if args == nil {
		errs.add("args", "is nil; allowed: &asyncroute.AsyncInvokeArgs{...}")
		return nil, errs.err()
	}
	r := routing{onSuccess: args.OnSuccess, onFailure: args.OnFailure, maxRetries: args.MaxRetries, maxEventAge: args.MaxEventAge,
		fields: "OnSuccess, OnFailure, MaxRetries, MaxEventAge"}

	var fnIn pulumi.StringInput
	var fnName string
	var depFns []pulumi.Resource
	me := self{}
	switch {
	case args.Function != nil && !isNil(args.FunctionName):
		errs.add("Function", "both Function and FunctionName are set; allowed: one of them")
	case args.Function != nil:
		fnIn = args.Function.Name
		me = self{res: args.Function, name: args.Function.Name}
		n, err := await(ctx, args.Function.Name)
		if err != nil {
			return nil, err
		}
		fnName = n.str
	case !isNil(args.FunctionName):
		fnIn = args.FunctionName
		me = self{name: args.FunctionName}
		n, err := await(ctx, args.FunctionName)
		if err != nil {
			return nil, err
		}
		// A name output of a function in this program (an auto-named
		// NewFunction's FunctionName, say) identifies that function.
		for _, d := range n.deps {
			if f, ok := d.(*lambda.Function); ok {
				depFns = append(depFns, f)
			}
		}
		fnName, err = functionNameOf(n.str)
		if err != nil {
			errs.add("FunctionName", "%s", err)
		}
	default:
		errs.add("Function", "neither Function nor FunctionName is set; allowed: the *lambda.Function, or its name or ARN")
	}

	qualifier := latest
	if !isNil(args.Qualifier) {
		q, err := await(ctx, args.Qualifier)
		if err != nil {
			return nil, err
		}
		qualifier = q.str
		if !q.known {
			qualifier = ""
		} else if q.str == "" {
			errs.add("Qualifier", "is empty; allowed: $LATEST, a version number or an alias name (or nil for $LATEST)")
		}
	}

	switch {
	case args.Role != nil:
		checkExistingRole(errs, args.Role, nil, args.SkipGrants, false)
	case !args.SkipGrants:
		errs.add("Role", "is nil; allowed: the function's execution role (Role.Role or Role.Name), or SkipGrants: true to attach no grants")
	}

	res := checkRouting(ctx, errs, r, me)
	configs := configsOf(ctx)
	var resPtr pulumi.Resource
	if args.Function != nil {
		resPtr = args.Function
	}
	keys := functionKeys(resPtr, fnName)
	for _, f := range depFns {
		keys = append(keys, functionKeys(f, "")...)
	}
	if qualifier != "" {
		if prev, ok := configs.check(keys, qualifier, errs.component); !ok {
			label := fnName // a function given as a resource is named by its Pulumi name
			if args.Function != nil {
				label = args.Function.PulumiResourceName()
			}
			errs.add("Qualifier", "%s", duplicateConfig(label, qualifier, prev))
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}

	c := &AsyncInvoke{}
	if err := ctx.RegisterComponentResourceV2(AsyncInvokeType, name, componentInputs(r, qualifier, args.SkipGrants, res), c, opts...); err != nil {
		return nil, err
	}
	if qualifier != "" {
		configs.claim(keys, qualifier, errs.component)
	}

	b := newBuildEnv(ctx, c, name, nil)
	if !args.SkipGrants {
		b.grantTo = existingRoleRef(args.Role).name
	}
	built, err := buildRouting(b, errs.component, res, me)
	if err != nil {
		return nil, err
	}
	if !args.SkipGrants {
		role := existingRoleRef(args.Role)
		if c.Policy, err = grantPolicyResource(ctx, name, role.name, built.grants, c); err != nil {
			return nil, err
		}
	}
	qualifierIn := pulumi.String(latest).ToStringOutput()
	if !isNil(args.Qualifier) {
		qualifierIn = args.Qualifier.ToStringOutput()
	}
	var after []pulumi.Resource
	if len(built.pending) > 0 {
		if after, err = built.createAfter(b, qualifiedSource(b, args.Function, fnIn, qualifierIn)); err != nil {
			return nil, err
		}
	}
	var extraKeys []string
	if resPtr != nil {
		extraKeys = functionKeys(resPtr, "")
	}
	for _, f := range depFns {
		extraKeys = append(extraKeys, functionKeys(f, "")...)
	}
	configFn := claimAtDeploy(ctx, errs.component, "Qualifier", fnIn, qualifierIn, extraKeys)
	if c.InvokeConfig, err = invokeConfig(ctx, name, configFn, qualifierIn, r, built, c.Policy, c, after...); err != nil {
		return nil, err
	}

	c.OnSuccessCreated, c.OnFailureCreated = built.created(0), built.created(1)
	c.FunctionName = fnIn.ToStringOutput()
	c.Qualifier = qualifierIn
	c.OnSuccessArn = optionalARN(built.success, built.has[0])
	c.OnFailureArn = optionalARN(built.failure, built.has[1])
	c.GrantsSkipped = pulumi.Bool(args.SkipGrants).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"functionName":  c.FunctionName,
		"qualifier":     c.Qualifier,
		"onSuccessArn":  c.OnSuccessArn,
		"onFailureArn":  c.OnFailureArn,
		"grantsSkipped": c.GrantsSkipped,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// functionNameOf accepts a function name or function ARN and returns the
// name; "" when unknown.
func functionNameOf(s string) (string, error) {
	name, _, err := functionRef(s)
	return name, err
}

// functionRef splits a function reference as Lambda accepts it (a name,
// name:qualifier, a function ARN or a qualified function ARN) into the
// function's name and the qualifier it carries ("" for none).
func functionRef(s string) (name, qualifier string, err error) {
	if s == "" {
		return "", "", nil
	}
	if strings.HasPrefix(s, "arn:") {
		a, err := parseARN(s)
		if err != nil {
			return "", "", err
		}
		name, ok := lambdaFunctionName(a)
		if !ok || a.service != "lambda" {
			return "", "", fmt.Errorf("%q is not a Lambda function ARN; allowed: a function name or arn:<partition>:lambda:<region>:<account>:function:<name>", s)
		}
		if f := strings.Split(a.resource, ":"); len(f) == 3 {
			qualifier = f[2]
		}
		return name, qualifier, nil
	}
	name, qualifier, _ = strings.Cut(s, ":")
	return name, qualifier, nil
}

// qualifiedSource is the configured function's ARN qualified as the config
// is, as Lambda names it in the records it sends: from the resource, from
// an ARN given as FunctionName, or built from a name and the provider's
// partition, region and account.
func qualifiedSource(b *buildEnv, fn *lambda.Function, fnIn pulumi.StringInput, qualifier pulumi.StringOutput) pulumi.StringOutput {
	if fn != nil {
		return pulumi.Sprintf("%s:%s", fn.Arn, qualifier)
	}
	id := b.identity()
	return pulumi.All(fnIn, qualifier, id.partition, id.region, id.account).ApplyT(func(v []any) string {
		ref, q := v[0].(string), v[1].(string)
		if len(ref) > 4 && ref[:4] == "arn:" {
			return unqualifiedFunctionARN(ref) + ":" + q
		}
		return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s:%s", v[2], v[3], v[4], ref, q)
	}).(pulumi.StringOutput)
}
