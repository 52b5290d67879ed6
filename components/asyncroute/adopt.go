package asyncroute

import (
	"github.com/asyncroute/asyncroute/internal/doors"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Adopt names resources of the stack, written by hand (raw lambda.Function,
// iam.Role, iam.RolePolicy, lambda.FunctionEventInvokeConfig, lambda.Alias),
// that a component takes over instead of creating new ones: each child
// gets an alias of the resource it replaces in the program, so `pulumi up`
// updates the deployed function, role and invoke config in place. Give
// each as its logical name (the name it was declared with, at the stack's
// root) or as its full URN (for one declared under a parent). Resources
// made outside Pulumi are imported first (docs/adopting.md has the order).
//
// What the component guarantees while it adopts: no function, role or
// config is replaced (the same function keeps its ARN and the events
// queued for it; the config object is updated, never written again and
// deleted); the grants the config needs exist before the config is
// updated, and an adopted Policy is deleted only after (its replacement
// is a new policy named after its document). The function's execution
// role does not change in the adopting deployment: a component that
// creates the role adopts the deployed role (Role), or the program brings
// the role the function has (FunctionArgs.Role).
type Adopt struct {
	// Function is the deployed lambda.Function (NewFunction only). Give
	// FunctionArgs.Function.Name its name too, or Lambda would be asked
	// to rename it (a replacement).
	Function string
	// Role is the deployed execution role, taken over by the role the
	// component creates (NewFunction without Role only).
	Role string
	// Policy is the deployed inline policy with the grants; it is
	// replaced by the component's grant policy, created before and
	// deleted after the config is updated. Leave it empty to let the
	// program's own removal of the policy delete it (also after).
	Policy string
	// InvokeConfig is the deployed lambda.FunctionEventInvokeConfig of
	// the same function and qualifier. The component keeps the way the
	// adopted config names its function and qualifier (a name or an ARN,
	// $LATEST given or left out) while Adopt is set: the provider would
	// replace the config for a new spelling, and a replacement of the one
	// config a function and qualifier have writes it and then deletes it.
	InvokeConfig string
	// Alias is the deployed lambda.Alias the config is on (with
	// FunctionArgs.Alias of the same alias name).
	Alias string
}

// adoptOpts is the resource option that makes a child take over the
// resource named (nil when none is).
func adoptOpts(name string) []pulumi.ResourceOption {
	if name == "" {
		return nil
	}
	if strings.HasPrefix(name, "urn:") {
		return []pulumi.ResourceOption{pulumi.Aliases([]pulumi.Alias{{URN: pulumi.URN(name)}})}
	}
	return []pulumi.ResourceOption{pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(name), NoParent: pulumi.Bool(true)}})}
}

// checkAdoptName checks one name of Adopt: a logical name, or a URN
// (urn:pulumi:<stack>::<project>::<type>::<name>).
func checkAdoptName(errs *errorList, field, name string) {
	switch {
	case name == "":
	case strings.HasPrefix(name, "urn:"):
		if !strings.HasPrefix(name, "urn:pulumi:") || strings.Count(name, "::") < 3 {
			errs.add(field, "%q is not a resource URN; allowed: urn:pulumi:<stack>::<project>::<type>::<name>, or the resource's logical name", name)
		}
	case strings.TrimSpace(name) != name:
		errs.add(field, "%q has leading or trailing blanks; allowed: the resource's logical name or URN", name)
	}
}

// checkAdoptFunction checks a Function's Adopt against its other args.
func checkAdoptFunction(errs *errorList, args *FunctionArgs) {
	ad := args.Adopt
	if ad == nil {
		return
	}
	for _, f := range []struct{ field, name string }{{"Adopt.Function", ad.Function}, {"Adopt.Role", ad.Role},
		{"Adopt.Policy", ad.Policy}, {"Adopt.InvokeConfig", ad.InvokeConfig}, {"Adopt.Alias", ad.Alias}} {
		checkAdoptName(errs, f.field, f.name)
	}
	switch {
	case ad.Role != "" && args.Role != nil:
		errs.add("Adopt.Role", "is set with %s: the component creates no role to adopt it with; allowed: one of them", doors.Field("Role"))
	case ad.Function != "" && ad.Role == "" && args.Role == nil:
		errs.add("Adopt.Role", "is empty while %s is set and the component creates the role: the adopted function would change role in the deployment that adopts it; allowed: the function's deployed role (its logical name or URN), or %s naming it", doors.Field("Adopt.Function"), doors.Field("Role"))
	}
	if ad.Alias != "" && args.Alias == "" {
		errs.add("Adopt.Alias", "is set without %s: the component creates no alias to adopt it with; allowed: %s, the adopted alias's name", doors.Field("Alias"), doors.Field("Alias"))
	}
	if ad.Function == "" && (ad.Role != "" || ad.Alias != "") {
		errs.add("Adopt.Function", "is empty while %s or %s is set: they belong to the adopted function; allowed: the deployed function's logical name or URN", doors.Field("Adopt.Role"), doors.Field("Adopt.Alias"))
	}
}

// checkAdoptAsyncInvoke checks an AsyncInvoke's Adopt: it takes over a
// policy and a config only.
func checkAdoptAsyncInvoke(errs *errorList, ad *Adopt) {
	if ad == nil {
		return
	}
	checkAdoptName(errs, "Adopt.Policy", ad.Policy)
	checkAdoptName(errs, "Adopt.InvokeConfig", ad.InvokeConfig)
	for _, f := range []struct{ field, name string }{{"Adopt.Function", ad.Function}, {"Adopt.Role", ad.Role}, {"Adopt.Alias", ad.Alias}} {
		if f.name != "" {
			errs.add(f.field, "is set: an AsyncInvoke creates no function, role or alias to adopt it with; allowed: %s and %s", doors.Field("Adopt.Policy"), doors.Field("Adopt.InvokeConfig"))
		}
	}
}

// adoptedConfigOpts are the options of an invoke config that adopts one:
// the alias, and the function and qualifier kept as the adopted config
// spells them (see Adopt.InvokeConfig).
func adoptedConfigOpts(name string) []pulumi.ResourceOption {
	if name == "" {
		return nil
	}
	return append(adoptOpts(name), pulumi.IgnoreChanges([]string{"functionName", "qualifier"}))
}
