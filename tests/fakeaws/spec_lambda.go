package fakeaws

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
)

const (
	typeFunction     = "aws:lambda/function:Function"
	typeAlias        = "aws:lambda/alias:Alias"
	typeInvokeConfig = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	typeMapping      = "aws:lambda/eventSourceMapping:EventSourceMapping"
	typePermission   = "aws:lambda/permission:Permission"
)

// functionSpec: id is the name; publishing bumps the version on every
// write. Lambda checks the role and the dead-letter target's grant.
var functionSpec = &spec{
	token:           typeFunction,
	schema:          lambda.Function{},
	args:            lambda.FunctionArgs{},
	naming:          naming{nameKey: "name", maxLen: 64},
	replaceOnChange: []string{"name", "packageType"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		name := str(in, "name")
		arn := e.arn("lambda", "function:"+name)
		version := "$LATEST"
		if b, _ := in["publish"].(bool); b {
			version = "1"
			if old != nil {
				if n, err := strconv.Atoi(str(old, "version")); err == nil {
					version = strconv.Itoa(n + 1)
				}
			}
		}
		return name, map[string]any{
			"name": name, "arn": arn, "version": version,
			"qualifiedArn": arn + ":" + version, "invokeArn": e.invokeArn(arn), "qualifiedInvokeArn": e.invokeArn(arn + ":" + version),
			"lastModified": e.timestamp(), "sourceCodeHash": randomHex(64),
		}, nil
	},
	check: checkFunctionWrite,
	// Lambda deletes a function's invoke configs with it.
	cascade: func(s *State, r *Record) {
		name := str(r.Outputs, "name")
		s.removeWhere(func(c *Record) bool {
			n, _ := functionRefOf(configObject(c))
			return c.Type == typeInvokeConfig && n == name
		})
	},
}

var aliasSpec = &spec{
	token:           typeAlias,
	schema:          lambda.Alias{},
	args:            lambda.AliasArgs{},
	replaceOnChange: []string{"name", "functionName"},
	computed: func(e env, in, _ map[string]any) (string, map[string]any, error) {
		arn := e.arn("lambda", "function:"+functionNameOf(str(in, "functionName"))+":"+str(in, "name"))
		return arn, map[string]any{"arn": arn, "invokeArn": e.invokeArn(arn)}, nil
	},
}

// invokeConfigSpec: id <function>[:<qualifier>] as the resource names
// them. Lambda keeps one config per function and qualifier: a create or
// update puts it (overwriting what another resource wrote), a delete
// removes it whichever resource asks (sameObject).
var invokeConfigSpec = &spec{
	token:           typeInvokeConfig,
	schema:          lambda.FunctionEventInvokeConfig{},
	args:            lambda.FunctionEventInvokeConfigArgs{},
	replaceOnChange: []string{"functionName", "qualifier"},
	computed: func(_ env, in, _ map[string]any) (string, map[string]any, error) {
		id := str(in, "functionName")
		if q := str(in, "qualifier"); q != "" {
			id += ":" + q
		}
		return id, map[string]any{}, nil
	},
	check:      checkInvokeConfigWrite,
	sameObject: func(a, b *Record) bool { return configObject(a) == configObject(b) },
}

// configObject is the config a record writes: the function's name and the
// qualifier ($LATEST when none), from functionName (a name, name:qualifier
// or a maybe qualified ARN) and qualifier.
func configObject(r *Record) string {
	in := r.Inputs
	if in == nil {
		in = r.Outputs
	}
	name, q := functionRefOf(str(in, "functionName"))
	if v := str(in, "qualifier"); v != "" {
		q = v
	}
	if q == "" {
		q = "$LATEST"
	}
	return name + ":" + q
}

// functionRefOf splits a function reference into its name and qualifier.
func functionRefOf(ref string) (name, qualifier string) {
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.Split(ref, ":")
		if len(parts) >= 7 && parts[5] == "function" {
			if len(parts) >= 8 {
				return parts[6], parts[7]
			}
			return parts[6], ""
		}
		return ref, ""
	}
	name, qualifier, _ = strings.Cut(ref, ":")
	return name, qualifier
}

var mappingSpec = &spec{
	token:  typeMapping,
	schema: lambda.EventSourceMapping{},
	args:   lambda.EventSourceMappingArgs{},
	replaceOnChange: []string{"eventSourceArn", "startingPosition", "startingPositionTimestamp", "topics", "queues",
		"selfManagedEventSource", "amazonManagedKafkaEventSourceConfig", "selfManagedKafkaEventSourceConfig"},
	computed: func(e env, in, old map[string]any) (string, map[string]any, error) {
		id := keep(old, "uuid", uuid())
		return id, map[string]any{
			"uuid": id, "arn": e.arn("lambda", "event-source-mapping:"+id),
			"functionArn": e.arn("lambda", "function:"+functionNameOf(str(in, "functionName"))),
			"state":       "Enabled", "lastModified": e.timestamp(),
		}, nil
	},
	check: checkMappingWrite,
}

var permissionSpec = &spec{
	token:  typePermission,
	schema: lambda.Permission{},
	args:   lambda.PermissionArgs{},
	replaceOnChange: []string{"action", "functionName", "principal", "qualifier", "sourceArn", "sourceAccount",
		"statementId", "statementIdPrefix", "eventSourceToken", "principalOrgId", "functionUrlAuthType"},
	computed: func(_ env, in, old map[string]any) (string, map[string]any, error) {
		sid := str(in, "statementId")
		if sid == "" {
			sid = keep(old, "statementId", str(in, "statementIdPrefix")+"terraform-"+randomHex(26))
		}
		return sid, map[string]any{"statementId": sid}, nil
	},
}

// invokeArn is API Gateway's ARN for invoking a function ARN.
func (e env) invokeArn(fnArn string) string {
	return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", e.partition, e.region, fnArn)
}

// functionNameOf accepts a function name, name:qualifier or (qualified)
// function ARN.
func functionNameOf(ref string) string {
	name, _ := functionRefOf(ref)
	return name
}
