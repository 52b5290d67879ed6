package fakeaws

import (
	"fmt"
	"strings"
)

// This file is Lambda's write-time checks: what Lambda verifies when a
// function, an invoke config or an event source mapping is written. (Its
// delivery-time view is in lambda_delivery.go.) The write-time check reads
// the execution role's inline policies as stored so far and does not look
// at KMS keys.

func lambdaError(what, call, id, msg string) error {
	return fmt.Errorf("%s (%s): operation error Lambda: %s, https response error StatusCode: 400, RequestID: %s, %s", what, id, call, uuid(), msg)
}

// apiNames returns Lambda's wording and API call for a write.
func apiNames(op, resource, createCall, updateCall string) (what, call string) {
	if op == "update" {
		return "updating " + resource, updateCall
	}
	return "creating " + resource, createCall
}

// checkFunctionWrite: a new function's name is free in the account and
// region; the role must exist; a dead-letter target must be granted.
func checkFunctionWrite(s *State, e env, op, id string, in map[string]any) error {
	what, call := "creating Lambda Function", "CreateFunction"
	if op == "update" {
		what, call = "updating Lambda Function configuration", "UpdateFunctionConfiguration"
	}
	if op == "create" {
		if other := s.Find(typeFunction, id); other != nil && regionOfARN(str(other.Outputs, "arn")) == e.region {
			return fmt.Errorf("%s (%s): operation error Lambda: %s, https response error StatusCode: 409, RequestID: %s, ResourceConflictException: Function already exist: %s", what, id, call, uuid(), id)
		}
	}
	role := s.roleByArn(str(in, "role"))
	if role == nil {
		return lambdaError(what, call, id, "InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda.")
	}
	if target := str(obj(in, "deadLetterConfig"), "targetArn"); target != "" {
		return checkGrant(s, str(role.Outputs, "name"), target, func(msg string) error { return lambdaError(what, call, id, msg) })
	}
	return nil
}

// checkMappingWrite: the function must exist, its role must read the
// source and be granted the on-failure destination.
func checkMappingWrite(s *State, e env, op, id string, in map[string]any) error {
	what, call := apiNames(op, "Lambda Event Source Mapping", "CreateEventSourceMapping", "UpdateEventSourceMapping")
	fail := func(msg string) error { return lambdaError(what, call, id, msg) }
	roleName, err := functionRole(s, e, str(in, "functionName"), fail)
	if err != nil {
		return err
	}
	if err := checkSourceGrant(s, roleName, str(in, "eventSourceArn"), fail); err != nil {
		return err
	}
	if target := str(obj(in, "destinationConfig", "onFailure"), "destinationArn"); target != "" {
		return checkGrant(s, roleName, target, fail)
	}
	return nil
}

// checkInvokeConfigWrite: the function must exist and its role be granted
// every destination.
func checkInvokeConfigWrite(s *State, e env, op, id string, in map[string]any) error {
	what, call := apiNames(op, "Lambda Function Event Invoke Config", "PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig")
	fail := func(msg string) error { return lambdaError(what, call, id, msg) }
	roleName, err := functionRole(s, e, str(in, "functionName"), fail)
	if err != nil {
		return err
	}
	for _, when := range []string{"onSuccess", "onFailure"} {
		if target := str(obj(in, "destinationConfig", when), "destination"); target != "" {
			if err := checkGrant(s, roleName, target, fail); err != nil {
				return err
			}
		}
	}
	return nil
}

// functionRole returns the name of the execution role of a function this
// provider knows (created or seeded), given its name or ARN.
func functionRole(s *State, e env, ref string, fail func(string) error) (string, error) {
	fn := s.functionByRef(ref)
	if fn == nil {
		return "", fail(fmt.Sprintf("ResourceNotFoundException: Function not found: %s", e.arn("lambda", "function:"+functionNameOf(ref))))
	}
	return roleNameOf(s, str(fn.Outputs, "role")), nil
}

// regionOfARN is the region field of an ARN, "" when there is none.
func regionOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// roleNameOf returns the name of the role with this ARN: the stored role's
// name, else the ARN's last path segment.
func roleNameOf(s *State, roleArn string) string {
	if role := s.roleByArn(roleArn); role != nil {
		return str(role.Outputs, "name")
	}
	return roleArn[strings.LastIndex(roleArn, "/")+1:]
}

// sourceReads are the calls Lambda's poller makes on an event source, in
// the order Lambda checks them, and the service name in its message.
var sourceReads = map[string]struct {
	label   string
	actions []string
}{
	"kinesis":  {"Kinesis", []string{"kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"}},
	"sqs":      {"SQS", []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}},
	"dynamodb": {"DynamoDB", []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}},
}

// checkSourceGrant fails unless the role may read the event source (Kinesis,
// SQS and DynamoDB streams; other sources are not checked).
func checkSourceGrant(s *State, role, source string, fail func(string) error) error {
	parts := strings.SplitN(source, ":", 6)
	if len(parts) < 6 {
		return nil
	}
	reads, ok := sourceReads[parts[2]]
	if !ok {
		return nil
	}
	for _, action := range reads.actions {
		ok, err := allows(s.rolePolicies(role), action, source)
		if err != nil {
			return fail(err.Error())
		}
		if !ok {
			call := action[strings.Index(action, ":")+1:]
			return fail(fmt.Sprintf("InvalidParameterValueException: The provided execution role does not have permissions to call %s on %s", call, reads.label))
		}
	}
	return nil
}

// checkGrant fails unless the role's stored inline policies allow the call
// Lambda makes to deliver to target.
func checkGrant(s *State, role, target string, fail func(string) error) error {
	n, err := needFor(target)
	if err != nil {
		return fail(err.Error())
	}
	ok, err := allows(s.rolePolicies(role), n.action, n.resource)
	if err != nil {
		return fail(err.Error())
	}
	if !ok {
		return fail(fmt.Sprintf("InvalidParameterValueException: The function's execution role does not have permissions to call %s on %s", n.call, target))
	}
	return nil
}
