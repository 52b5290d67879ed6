package fakeaws

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
)

const (
	typeRole       = "aws:iam/role:Role"
	typeRolePolicy = "aws:iam/rolePolicy:RolePolicy"
)

var roleSpec = &spec{
	token:           typeRole,
	schema:          iam.Role{},
	args:            iam.RoleArgs{},
	naming:          roleNaming,
	replaceOnChange: []string{"name", "namePrefix", "path"},
	defaults:        map[string]any{"path": "/"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := roleNaming.nameOrPrefixed(in, old)
		path := str(in, "path")
		if path == "" {
			path = "/"
		}
		return name, map[string]any{
			"name": name, "path": path,
			"arn":        fmt.Sprintf("arn:%s:iam::%s:role%s%s", e.partition, e.account, path, name),
			"uniqueId":   keep(old, "uniqueId", "AROA"+strings.ToUpper(randomHex(17))),
			"createDate": keep(old, "createDate", e.timestamp()),
		}, nil
	},
	check:       checkRoleWrite,
	deleteCheck: checkRoleDelete,
	cascade: func(s *State, r *Record) {
		// force_detach_policies deletes the inline policies first.
		name := str(r.Outputs, "name")
		s.removeWhere(func(p *Record) bool {
			return p.Type == typeRolePolicy && strings.EqualFold(str(p.Inputs, "role"), name)
		})
	},
}

// checkRoleWrite: a new role's name is free in the account, in every
// region and whatever its case (IAM role names are global and
// case-insensitive).
func checkRoleWrite(s *State, _ env, op, id string, _ map[string]any) error {
	if op != "create" {
		return nil
	}
	for _, r := range s.OfType(typeRole) {
		if strings.EqualFold(str(r.Outputs, "name"), id) {
			//lint:ignore ST1005 the provider's own message, word for word
			return fmt.Errorf("creating IAM Role (%s): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: %s, EntityAlreadyExists: Role with name %s already exists.", id, uuid(), id)
		}
	}
	return nil
}

// checkRoleDelete: IAM refuses to delete a role that still has inline
// policies, unless the resource detaches them (forceDetachPolicies).
func checkRoleDelete(s *State, r *Record) error {
	if b, _ := r.Inputs["forceDetachPolicies"].(bool); b {
		return nil
	}
	name := str(r.Outputs, "name")
	for _, p := range s.OfType(typeRolePolicy) {
		if strings.EqualFold(str(p.Inputs, "role"), name) {
			//lint:ignore ST1005 the provider's own message, word for word
			return fmt.Errorf("deleting IAM Role (%s): operation error IAM: DeleteRole, https response error StatusCode: 409, RequestID: %s, DeleteConflict: Cannot delete entity, must delete policies first.", name, uuid())
		}
	}
	return nil
}

// rolePolicySpec is an inline policy: id <role>:<name>; without a name it
// is auto-named <logical name>-<7 hex>; a new role, name or prefix is a new
// policy (replace), so a create-before-delete replacement stores the new
// policy under a new name next to the old one. The role must exist when the
// policy is written; the policy is stored after the propagation delay.
var rolePolicySpec = &spec{
	token:           typeRolePolicy,
	schema:          iam.RolePolicy{},
	args:            iam.RolePolicyArgs{},
	naming:          rolePolicyNaming,
	replaceOnChange: []string{"role", "name", "namePrefix"},
	computed: func(_ env, in, old map[string]any) (string, map[string]any, error) {
		name := rolePolicyNaming.nameOrPrefixed(in, old)
		return str(in, "role") + ":" + name, map[string]any{"name": name}, nil
	},
	validate: func(s *State, in map[string]any) error {
		role := str(in, "role")
		if s.roleByName(role) != nil {
			return nil
		}
		//lint:ignore ST1005 the provider's own message, word for word
		return fmt.Errorf("putting IAM Role (%s) Policy: operation error IAM: PutRolePolicy, https response error StatusCode: 404, RequestID: %s, NoSuchEntity: The role with name %s cannot be found.", role, uuid(), role)
	},
	propagates: true,
}

func roleArn(path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", Partition, Account, path, name)
}

var roleNaming = naming{nameKey: "name", prefixKey: "namePrefix", maxLen: 64}

var rolePolicyNaming = naming{nameKey: "name", prefixKey: "namePrefix", maxLen: 128}
