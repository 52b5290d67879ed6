package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// PackName and PackVersion identify the pack to the engine.
const (
	PackName    = "asyncroute"
	PackVersion = "0.1.0"
)

// PolicyName is the policy that enforces rule r, e.g.
// "async001-destination-permission".
func PolicyName(r asyncpolicy.Rule) string {
	return strings.ToLower(r.ID) + "-" + r.Name
}

func enforcement(l asyncpolicy.Level) policyx.EnforcementLevel {
	switch l {
	case asyncpolicy.Mandatory:
		return policyx.EnforcementLevelMandatory
	case asyncpolicy.Disabled:
		return policyx.EnforcementLevelDisabled
	}
	return policyx.EnforcementLevelAdvisory
}

// NewPack builds the policy pack: one stack validation policy per rule.
func NewPack() (policyx.PolicyPack, error) {
	var policies []policyx.Policy
	for _, r := range asyncpolicy.Rules() {
		policies = append(policies, policyx.NewStackValidationPolicy(PolicyName(r), policyx.StackValidationPolicyArgs{
			Description:      fmt.Sprintf("%s: %s", r.ID, r.Description),
			EnforcementLevel: enforcement(r.Default),
			ValidateStack:    validateRule(r.ID),
		}))
	}
	return policyx.NewPolicyPack(PackName, semver.MustParse(PackVersion), policyx.EnforcementLevelAdvisory, policies)
}

// validateRule returns the validation function of one rule: it converts
// the stack into the asyncpolicy graph, runs Check and reports that
// rule's findings on their resources. The engine applies the policy's
// enforcement level, so Check runs with every rule enabled.
func validateRule(id string) func(context.Context, policyx.StackValidationArgs) error {
	return func(_ context.Context, args policyx.StackValidationArgs) error {
		for _, f := range asyncpolicy.Check(GraphOf(args.Resources), asyncpolicy.Config{}) {
			if f.RuleID == id {
				args.Manager.ReportViolation(f.Message, f.URN)
			}
		}
		return nil
	}
}
