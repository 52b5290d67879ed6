package lambdafacts

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/asyncroute/asyncroute/internal/doors"
)

// Quota is one AWS limit that decides whether a deployment succeeds, with
// the page of AWS's documentation it comes from.
type Quota struct {
	// Name names the limit in this table.
	Name string
	// Limit is the number (0 for a pattern).
	Limit int
	// Pattern is the characters allowed, for name limits.
	Pattern *regexp.Regexp
	// Source is the AWS page that states it.
	Source string
}

// The quotas the components check and the rules flag.
var (
	FunctionNameQuota = Quota{"function name", 64, regexp.MustCompile(`^[a-zA-Z0-9_-]+$`),
		"Lambda API reference, CreateFunction, FunctionName (the function name: 1 to 64 characters, letters, digits, hyphens and underscores)"}
	RoleNameQuota = Quota{"role name", 64, regexp.MustCompile(`^[\w+=,.@-]+$`),
		"IAM API reference, CreateRole, RoleName (1 to 64 characters, [\\w+=,.@-])"}
	RoleNamePrefixQuota = Quota{"role name prefix", 38, regexp.MustCompile(`^[\w+=,.@-]+$`),
		"IAM RoleName's 64 characters less the 26 the provider appends to a name prefix (pulumi-aws iam.Role namePrefix)"}
	TagsQuota = Quota{"tags per resource", 50, nil,
		"Tagging AWS resources, \"Tag naming limits and requirements\" (50 tags per resource; the aws: prefix is reserved)"}
	InlinePolicySizeQuota = Quota{"inline policies per role", 10240, nil,
		"IAM user guide, \"IAM and AWS STS quotas\" (role policy size: the inline policies of a role together, 10,240 characters, white space not counted)"}
	FIFOBatchSizeQuota = Quota{"FIFO queue batch size", 10, nil,
		"Lambda developer guide, \"Using Lambda with Amazon SQS\" (BatchSize: at most 10 for a FIFO queue)"}
	// derivedName is the characters every name the components derive from
	// a component's name may hold: the intersection of what Lambda
	// functions, SQS queues, SNS topics, EventBridge rules and IAM roles
	// and policies allow.
	derivedName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// CheckFunctionName checks a function's physical name.
func CheckFunctionName(name string) error {
	q := FunctionNameQuota
	switch {
	case len(name) > q.Limit:
		return fmt.Errorf("%q has %d characters; allowed: at most %d", name, len(name), q.Limit)
	case !q.Pattern.MatchString(name):
		return fmt.Errorf("%q is not a function name; allowed: 1 to %d letters, digits, - or _", name, q.Limit)
	}
	return nil
}

// CheckRoleNamePrefix checks the name prefix of a role the components
// create.
func CheckRoleNamePrefix(prefix string) error {
	q := RoleNamePrefixQuota
	switch {
	case len(prefix) > q.Limit:
		return fmt.Errorf("%q has %d characters; allowed: at most %d (the provider appends 26 to make the role's name, which has at most %d)", prefix, len(prefix), q.Limit, RoleNameQuota.Limit)
	case !q.Pattern.MatchString(prefix):
		return fmt.Errorf("%q is not a role name prefix; allowed: letters, digits and + = , . @ _ -", prefix)
	}
	return nil
}

// CheckDerivedName checks a component's name, which prefixes the physical
// names of the children it creates (functions, roles, queues, topics,
// rules, policies): they allow letters, digits, - and _ in common.
func CheckDerivedName(name string) error {
	if name == "" || derivedName.MatchString(name) {
		return nil
	}
	var bad []string
	seen := map[rune]bool{}
	for _, r := range name {
		if !seen[r] && !(r < unicode.MaxASCII && derivedName.MatchString(string(r))) {
			seen[r] = true
			bad = append(bad, fmt.Sprintf("%q", r))
		}
	}
	return fmt.Errorf("%q has %s, which the physical names of the children (%q, ...) cannot hold; allowed: a name of letters, digits, - and _",
		name, strings.Join(bad, ", "), name+"-role")
}

// CheckTags checks the tags a resource gets (the component's and its own
// together): at most 50, and none with the reserved aws: prefix.
func CheckTags(keys []string) error {
	q := TagsQuota
	if len(keys) > q.Limit {
		return fmt.Errorf("%d tags; allowed: at most %d per resource, counting the component's tags and the resource's own", len(keys), q.Limit)
	}
	for _, k := range keys {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return fmt.Errorf("tag %q has the prefix aws:, which AWS reserves; allowed: another key", k)
		}
	}
	return nil
}

// PolicySize is the size IAM counts of a policy document: its characters
// without white space.
func PolicySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// CheckRolePolicies checks the inline policies that will be on one role
// together: sizes by who writes them (a component, or a raw policy). With
// replaced, the documents are grant policies the components replace
// create-before-delete, so a changed one is on the role twice for a
// moment: the largest counts twice.
func CheckRolePolicies(role string, sizes map[string]int, replaced bool) error {
	total, largest := 0, 0
	var who []string
	for w, n := range sizes {
		total += n
		largest = max(largest, n)
		who = append(who, w)
	}
	sort.Strings(who)
	if replaced {
		total += largest
	}
	limit := InlinePolicySizeQuota.Limit
	if total <= limit {
		return nil
	}
	return doors.Errorf("role %s gets %d characters of inline policies from %s (white space not counted, a replaced grant policy counted with its successor); "+
		"allowed: at most %d per role; give each function its own role (%s)", role, total, strings.Join(who, ", "), limit, doors.Term(doors.RolePerFunction))
}

// CheckFIFOBatchSize checks a mapping's batch size for a FIFO queue.
func CheckFIFOBatchSize(n int) error {
	if n > FIFOBatchSizeQuota.Limit {
		return fmt.Errorf("%d is more than a FIFO queue allows; allowed: 1 to %d", n, FIFOBatchSizeQuota.Limit)
	}
	return nil
}

// CheckSymmetricKey checks that a customer-managed key that encrypts an
// SQS queue or SNS topic is symmetric: spec is the key's
// customerMasterKeySpec ("" for the default, SYMMETRIC_DEFAULT).
// (SQS developer guide, "Encryption at rest": SQS supports symmetric KMS
// keys only; SNS likewise.)
func CheckSymmetricKey(what, spec string) error {
	if spec == "" || spec == "SYMMETRIC_DEFAULT" {
		return nil
	}
	return fmt.Errorf("%s is encrypted with a KMS key of spec %s; allowed: a symmetric key (SYMMETRIC_DEFAULT): SQS, SNS and Kinesis encrypt with symmetric keys only", what, spec)
}
