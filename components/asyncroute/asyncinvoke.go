package asyncroute

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/doors"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"reflect"
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

	FunctionName pulumi.StringOutput `pulumi:"functionName"` // the function's name or ARN as given
	// QualifiedArn is the ARN of the qualifier that has the invoke config;
	// give it to asynchronous invokers.
	QualifiedArn  pulumi.StringOutput    `pulumi:"qualifiedArn"`
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
	a, err := start(ctx, "AsyncInvoke", name, args == nil, "&asyncroute.AsyncInvokeArgs{...}")
	if err != nil {
		return nil, err
	}
	errs := a.errs
	r := routing{dests: dests(map[lambdafacts.Slot]Destination{slotSuccess: args.OnSuccess, slotFailure: args.OnFailure}),
		maxRetries: args.MaxRetries, maxEventAge: args.MaxEventAge,
		fields: "OnSuccess, OnFailure, MaxRetries, MaxEventAge"}

	// The function: its reference (name or ARN, maybe qualified) and, when
	// known now, its name and the qualifier it carries. refQualifierKnown
	// says whether that qualifier is known now: a function given as a
	// resource carries none in its name, known or not.
	var fnIn pulumi.StringInput
	var ref lambdafacts.FunctionRef
	refQualifierKnown := true
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
		ref = lambdafacts.FunctionRef{Name: n.str}
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
		refQualifierKnown = n.known
		if ref, err = lambdafacts.ParseFunctionRef(n.str); err != nil {
			errs.addErr("FunctionName", err)
		}
	default:
		errs.add("Function", "neither Function nor FunctionName is set; allowed: the *lambda.Function, or its name or ARN")
	}

	// The qualifier: given, carried by the reference, or $LATEST; "" when
	// it is known only at deploy time.
	explicit, explicitKnown := "", true
	if !isNil(args.Qualifier) {
		q, err := await(ctx, args.Qualifier)
		if err != nil {
			return nil, err
		}
		explicit, explicitKnown = q.str, q.known
		if q.known && q.str == "" {
			errs.addErr("Qualifier", lambdafacts.CheckQualifier(""))
		}
	}
	qualifier := ""
	if refQualifierKnown && explicitKnown {
		q, err := resolveQualifier(ref, explicit)
		if err != nil {
			errs.addErr(err.field, err.err)
		}
		qualifier = q
	}

	switch {
	case args.Role != nil:
		if err := checkExistingRole(ctx, errs, args.Role, nil, false); err != nil {
			return nil, err
		}
	case !args.SkipGrants:
		errs.add("Role", "is nil; allowed: the function's execution role (%s), or %s: true to attach no grants", doors.Term(doors.RoleChoices), doors.Field("SkipGrants"))
	}

	a.routing(r, me)
	configs := configsOf(ctx)
	var resPtr pulumi.Resource
	if args.Function != nil {
		resPtr = args.Function
	}
	keys := functionKeys(resPtr, ref.Name)
	for _, f := range depFns {
		keys = append(keys, functionKeys(f, "")...)
	}
	if qualifier != "" {
		if prev, ok := configs.check(keys, qualifier, errs.component); !ok {
			label := ref.Name // a function given as a resource is named by its Pulumi name
			if args.Function != nil {
				label = args.Function.PulumiResourceName()
			}
			errs.add("Qualifier", "%s", duplicateConfig(label, qualifier, prev))
		}
	}

	c := &AsyncInvoke{}
	// The component records the qualifier only when the program gave it
	// by literals: one derived from an output is known at a preview of a
	// deployed stack but not during an update, and a recorded input that
	// differs between the two would show as a change on every preview.
	recorded := qualifier
	// (A function given as a resource carries no qualifier in its name.)
	if (args.Function == nil && holdsOutput(reflect.ValueOf(args.FunctionName))) || holdsOutput(reflect.ValueOf(args.Qualifier)) {
		recorded = ""
	}
	if err := a.register(AsyncInvokeType, c, a.routingInputs(r, recorded, args.SkipGrants), opts); err != nil {
		return nil, err
	}
	if qualifier != "" {
		configs.claim(keys, qualifier, errs.component)
	}

	var grantTo pulumi.StringInput
	if !args.SkipGrants {
		grantTo = existingRoleRef(errs.component, args.Role).name
	}
	b, built, err := a.build(c, nil, grantTo, me, nil)
	if err != nil {
		return nil, err
	}
	if grantTo != nil {
		if c.Policy, err = grantPolicy(ctx, name+"-async-grants", grantTo, built.grants, c); err != nil {
			return nil, err
		}
	}

	// What the config is written for: the function without a qualifier,
	// and the qualifier (checked at deploy time when not known now).
	var qualIn pulumi.Input = pulumi.String("")
	if !isNil(args.Qualifier) {
		qualIn = args.Qualifier
	}
	component := errs.component
	target := pulumi.All(fnIn, qualIn).ApplyT(func(v []any) ([]string, error) {
		ref, err := lambdafacts.ParseFunctionRef(v[0].(string))
		if err != nil {
			return nil, inputErrorOf(component, "FunctionName", err)
		}
		q, qerr := resolveQualifier(ref, v[1].(string))
		if qerr != nil {
			return nil, inputErrorOf(component, qerr.field, qerr.err)
		}
		fn := ref.Name
		if ref.ARN != nil {
			fn = lambdafacts.UnqualifiedFunctionARN(ref.ARN.String())
		}
		return []string{fn, q}, nil
	}).(pulumi.StringArrayOutput)
	fnOut, qualifierIn := target.Index(pulumi.Int(0)), target.Index(pulumi.Int(1))
	if qualifier != "" {
		qualifierIn = pulumi.String(qualifier).ToStringOutput()
	}

	var after []pulumi.Resource
	source := qualifiedSource(b, args.Function, fnOut, qualifierIn)
	if after, err = built.createAfter(b, source); err != nil {
		return nil, err
	}
	var extraKeys []functionKey
	if resPtr != nil {
		extraKeys = functionKeys(resPtr, "")
	}
	for _, f := range depFns {
		extraKeys = append(extraKeys, functionKeys(f, "")...)
	}
	configFn := claimAtDeploy(ctx, errs.component, "Qualifier", fnOut, qualifierIn, extraKeys)
	if c.InvokeConfig, err = invokeConfig(ctx, name, configFn, qualifierIn, r, built, c.Policy, c, after...); err != nil {
		return nil, err
	}

	c.OnSuccessCreated, c.OnFailureCreated = built.created(slotSuccess), built.created(slotFailure)
	c.FunctionName = fnIn.ToStringOutput()
	c.Qualifier = qualifierIn
	c.QualifiedArn = source
	c.OnSuccessArn = built.arnPtr(slotSuccess)
	c.OnFailureArn = built.arnPtr(slotFailure)
	c.GrantsSkipped = pulumi.Bool(args.SkipGrants).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"functionName":  c.FunctionName,
		"qualifier":     c.Qualifier,
		"qualifiedArn":  c.QualifiedArn,
		"onSuccessArn":  c.OnSuccessArn,
		"onFailureArn":  c.OnFailureArn,
		"grantsSkipped": c.GrantsSkipped,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// qualifierError is a qualifier fault and the field it is reported on.
type qualifierError struct {
	field string
	err   error
}

// resolveQualifier works out the qualifier of a config: the one given
// (explicit; "" when not), the one the function reference carries, or
// $LATEST. They must agree; a version starts at 1.
func resolveQualifier(ref lambdafacts.FunctionRef, explicit string) (string, *qualifierError) {
	if explicit != "" {
		if err := lambdafacts.CheckQualifier(explicit); err != nil {
			return "", &qualifierError{"Qualifier", err}
		}
	}
	if ref.Qualifier != "" {
		if err := lambdafacts.CheckQualifier(ref.Qualifier); err != nil {
			return "", &qualifierError{"FunctionName", err}
		}
	}
	q, err := lambdafacts.ResolveQualifier(ref, explicit)
	if err != nil {
		return "", &qualifierError{"Qualifier", err}
	}
	return q, nil
}

// qualifiedSource is the configured function's ARN qualified as the config
// is, as Lambda names it in the records it sends: from the resource, from
// an ARN given as FunctionName, or built from a name and the provider's
// partition, region and account.
func qualifiedSource(b *buildEnv, fn *lambda.Function, fnIn pulumi.StringOutput, qualifier pulumi.StringOutput) pulumi.StringOutput {
	if fn != nil {
		return pulumi.Sprintf("%s:%s", fn.Arn, qualifier)
	}
	id := b.identity()
	return pulumi.All(fnIn, qualifier, id.partition, id.region, id.account).ApplyT(func(v []any) string {
		ref, q := v[0].(string), v[1].(string)
		if strings.HasPrefix(ref, "arn:") {
			return lambdafacts.UnqualifiedFunctionARN(ref) + ":" + q
		}
		return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s:%s", v[2], v[3], v[4], ref, q)
	}).(pulumi.StringOutput)
}
