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

// CheckRolePlace checks that a function created in place p can take the
// execution role roleArn: a role of the function's partition and account.
// Lambda's CreateFunction passes the role with iam:PassRole, which passes
// only roles of the caller's own account ("Cross-account pass role is not
// allowed"); an ARN of another partition names nothing the function's
// partition can reach. A part of p that is not known is not compared; an
// ARN that is not a role's is RoleNameFromARN's to refuse.
func CheckRolePlace(roleArn string, p Place) error {
	a, err := ParseARN(roleArn)
	if err != nil || a.Service != "iam" {
		return nil
	}
	switch {
	case p.Partition != "" && a.Partition != p.Partition:
		return fmt.Errorf("%q is a role of partition %s, but the function is created in partition %s (region %s); allowed: a role of partition %s", roleArn, a.Partition, p.Partition, p.Region, p.Partition)
	case p.Account != "" && a.Account != p.Account:
		return fmt.Errorf("%q is a role of account %s, but the function is created in account %s; allowed: a role of account %s (Lambda takes the execution role with iam:PassRole, and a role cannot be passed to another account)", roleArn, a.Account, p.Account, p.Account)
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
