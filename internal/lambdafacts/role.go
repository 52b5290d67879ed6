package lambdafacts

import (
	"fmt"
	"regexp"
	"strings"
)

// roleName is IAM's pattern for a role name (IAM API reference, CreateRole,
// RoleName: 1 to 64 characters of [\w+=,.@-]).
var roleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// RoleNameFromARN returns the name of the IAM role an ARN names: the last
// segment of arn:<partition>:iam::<account>:role/<path>/<name> (IAM's
// identifiers page: a role ARN carries its path before the name).
func RoleNameFromARN(s string) (string, error) {
	a, err := ParseARN(s)
	if err != nil {
		return "", err
	}
	const want = "arn:<partition>:iam::<account>:role/<name> (or role/<path>/<name>)"
	if a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return "", fmt.Errorf("%q is not an IAM role ARN; expected %s", s, want)
	}
	if err := checkConcrete(a, false); err != nil {
		return "", err
	}
	if a.Region != "" || a.Account == "" {
		return "", fmt.Errorf("%q is not an IAM role ARN: IAM ARNs have an account and no region; expected %s", s, want)
	}
	name := a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	if !roleName.MatchString(name) {
		return "", fmt.Errorf("%q does not end in a role name; allowed: 1 to 64 letters, digits or + = , . @ _ -; expected %s", s, want)
	}
	return name, nil
}

// SameRole checks that a role's name and ARN, both given, name one role.
func SameRole(name, arn string) error {
	fromArn, err := RoleNameFromARN(arn)
	if err != nil {
		return err
	}
	if fromArn != name {
		return fmt.Errorf("name %q and ARN %q name different roles; allowed: the name and the ARN of one role (or only one of them)", name, arn)
	}
	return nil
}

// BasicExecutionPolicyARN is the ARN of the AWS managed policy
// AWSLambdaBasicExecutionRole in a partition (managed policies are named
// arn:<partition>:iam::aws:policy/...; IAM user guide, "AWS managed
// policies").
func BasicExecutionPolicyARN(partition string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}
