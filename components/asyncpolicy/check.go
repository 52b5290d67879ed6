package asyncpolicy

import (
	"fmt"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"sort"
	"strings"
)

// Level is how a finding is enforced.
type Level string

// Enforcement levels, named as Pulumi names them.
const (
	Mandatory Level = "mandatory" // blocks the deployment / fails the check
	Advisory  Level = "advisory"  // reported only
	Disabled  Level = "disabled"  // not checked
)

// ParseLevel accepts "mandatory", "advisory" or "disabled" in any case.
func ParseLevel(s string) (Level, error) {
	switch l := Level(strings.ToLower(strings.TrimSpace(s))); l {
	case Mandatory, Advisory, Disabled:
		return l, nil
	}
	return "", fmt.Errorf("enforcement level %q is not one of mandatory, advisory, disabled", s)
}

// Rule describes one check.
type Rule struct {
	ID          string // "ASYNC001"
	Name        string // "destination-permission"
	Description string // one line
	Default     Level
}

// Rule ids.
const (
	RuleDestinationPermission = "ASYNC001"
	RuleDestinationValidity   = "ASYNC002"
	RuleFailurePath           = "ASYNC003"
	RuleNeverFires            = "ASYNC004"
	RuleBroadGrant            = "ASYNC005"
	RuleInvokedQualifier      = "ASYNC006"
	RuleDeliveryAlarm         = "ASYNC007"
	RuleSuccessLoop           = "ASYNC008"
	RuleLoop                  = "ASYNC009"
	RuleOutsideStack          = "ASYNC010"
)

var rules = []Rule{
	{RuleDestinationPermission, "destination-permission", "The function's execution role must allow delivery to every on-success/on-failure destination, dead-letter target and event source mapping on-failure destination, including KMS for targets encrypted with a customer key in the stack.", Mandatory},
	{RuleDestinationValidity, "destination-validity", fmt.Sprintf("Destinations must be valid for Lambda: S3 on failure only, no FIFO queue or topic as destination or dead-letter target, no self-destination, retries %d-%d, maximum event age %d-%d seconds; event source mappings: no on-failure destination for an SQS source, no FIFO on-failure destination, retries %d to %d, maximum record age %d or %d-%d seconds.",
		lambdafacts.MinRetries, lambdafacts.MaxRetries, int(lambdafacts.MinMaxEventAge.Seconds()), int(lambdafacts.MaxMaxEventAge.Seconds()),
		lambdafacts.RetryForever, lambdafacts.MaxMappingRetries, lambdafacts.RecordAgeForever, int(lambdafacts.MinMaxRecordAge.Seconds()), int(lambdafacts.MaxMaxRecordAge.Seconds())), Mandatory},
	{RuleFailurePath, "failure-path-required", "A function invoked asynchronously must have an on-failure destination or a dead-letter target.", Advisory},
	{RuleNeverFires, "destinations-never-fire", "Destinations of a function that is invoked only synchronously never receive a record.", Advisory},
	{RuleBroadGrant, "broad-destination-grant", "The execution role must not allow destination actions on more than one resource (\"*\", any other wildcard but a function's :* and a bucket's /*, or an ARN without region or account).", Mandatory},
	{RuleInvokedQualifier, "invoked-qualifier-has-config", "A trigger (S3 notification, SNS subscription, EventBridge target) must invoke a qualifier of the function that has its asynchronous invoke config, when another qualifier has one, and the stack's Lambda permissions for its service must cover the qualifier it invokes (a permission on the unqualified function covers $LATEST only).", Mandatory},
	{RuleDeliveryAlarm, "delivery-failures-alarm", "An invoke config with destinations that no asyncroute component made has a CloudWatch alarm on its function's DestinationDeliveryFailures (FunctionName, and Resource for an alias or version), and no alarm on a Lambda metric notifies a topic encrypted with alias/aws/sns.", Advisory},
	{RuleSuccessLoop, "success-loop", "On-success routes (destinations, and EventBridge rules that pass a function's success records to the next function) must not lead back to a function they start from: Lambda's recursive loop detection does not follow them.", Mandatory},
	{RuleLoop, "redrive-loop", "A loop through an on-failure destination, a dead-letter target or a queue, topic or bucket that triggers a function of the loop again is reported, so that each pass is sure to end.", Advisory},
	{RuleOutsideStack, "authorization-outside-stack", "A delivery that AWS authorizes with a policy outside the stack (the role's permissions boundary, the resource-based policy of a target in another account, the key policy of a customer-managed key) is reported once per function and target, with what that policy must allow and to which role or account.", Advisory},
}

// Rules returns the rules in id order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// RuleByID returns the rule with this id.
func RuleByID(id string) (Rule, bool) {
	for _, r := range rules {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return Rule{}, false
}

// Config changes how Check enforces rules.
type Config struct {
	// Levels overrides the default level per rule id, e.g.
	// {"ASYNC003": Mandatory} or {"ASYNC005": Disabled}.
	Levels map[string]Level
}

// Level returns the level of rule id under this config.
func (c Config) Level(id string) Level {
	for k, l := range c.Levels {
		if strings.EqualFold(k, id) && l != "" {
			return l
		}
	}
	r, _ := RuleByID(id)
	return r.Default
}

// Finding is one violation.
type Finding struct {
	RuleID  string `json:"ruleId"`
	Level   Level  `json:"level"`
	URN     string `json:"urn"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s [%s] %s", f.RuleID, f.Level, f.Message)
}

// Check runs every enabled rule on g and returns the findings sorted by
// rule id, URN, field and message: Analyze(g).Check(cfg).
func Check(g Graph, cfg Config) []Finding { return Analyze(g).Check(cfg) }

// Check runs every enabled rule and returns the findings sorted by rule
// id, URN, field and message.
func (a *Analysis) Check(cfg Config) []Finding {
	m := a.m
	// Three rules read who invokes which function: the analysis works it
	// out once, for the first of them that runs.
	invs := a.invokers
	var out []Finding
	checks := map[string]func(emitFunc){
		RuleDestinationPermission: func(emit emitFunc) { checkPermissions(m, emit) },
		RuleDestinationValidity:   func(emit emitFunc) { checkValidity(m, emit) },
		RuleFailurePath:           func(emit emitFunc) { checkFailurePath(m, invs(), emit) },
		RuleNeverFires:            func(emit emitFunc) { checkNeverFires(m, invs(), emit) },
		RuleBroadGrant:            func(emit emitFunc) { checkBroadGrants(m, emit) },
		RuleInvokedQualifier: func(emit emitFunc) {
			flagged := checkInvokedQualifiers(m, invs(), emit)
			checkInvokePermissions(m, invs(), flagged, emit)
		},
		RuleDeliveryAlarm: func(emit emitFunc) { checkDeliveryAlarms(m, emit) },
		RuleSuccessLoop:   func(emit emitFunc) { checkLoops(m, true, emit) },
		RuleLoop:          func(emit emitFunc) { checkLoops(m, false, emit) },
		RuleOutsideStack:  func(emit emitFunc) { checkOutsideStack(m, emit) },
	}
	for _, r := range rules {
		if cfg.Level(r.ID) == Disabled {
			continue
		}
		id := r.ID
		check, ok := checks[id]
		if !ok {
			continue // a rule without a check reports nothing (TestMixedSampleCoversEveryRule holds every rule to a finding)
		}
		check(func(res *Resource, field, msg string) {
			out = append(out, Finding{RuleID: id, URN: res.URN, Type: res.Type, Name: res.Name, Field: field, Message: msg})
		})
	}
	seen := map[Finding]bool{}
	final := out[:0]
	for _, f := range out {
		f.Level = cfg.Level(f.RuleID)
		if !seen[f] {
			seen[f] = true
			final = append(final, f)
		}
	}
	sort.Slice(final, func(i, j int) bool {
		a, b := final[i], final[j]
		switch {
		case a.RuleID != b.RuleID:
			return a.RuleID < b.RuleID
		case a.URN != b.URN:
			return a.URN < b.URN
		case a.Field != b.Field:
			return a.Field < b.Field
		}
		return a.Message < b.Message
	})
	return final
}

// emitFunc records a finding of the running rule on r.
type emitFunc func(r *Resource, field, msg string)

// HasMandatory reports whether any finding is mandatory.
func HasMandatory(fs []Finding) bool {
	for _, f := range fs {
		if f.Level == Mandatory {
			return true
		}
	}
	return false
}

// message renders a finding's text: the resource, the field, the problem
// and the fix.
func message(r *Resource, field, problem, fix string) string {
	return fmt.Sprintf("%s, field %s: %s. Fix: %s.", labelOf(r), field, problem, fix)
}
