package asyncpolicy

import "strings"

// arn is an Amazon Resource Name split into its fields.
type arn struct {
	partition, service, region, account, resource string
}

func parseARN(s string) (arn, bool) {
	if !strings.HasPrefix(s, "arn:") {
		return arn{}, false
	}
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[1] == "" || f[2] == "" || f[5] == "" {
		return arn{}, false
	}
	return arn{partition: f[1], service: f[2], region: f[3], account: f[4], resource: f[5]}, true
}

func (a arn) String() string {
	return strings.Join([]string{"arn", a.partition, a.service, a.region, a.account, a.resource}, ":")
}

// lambdaFunction returns the function name and qualifier of a Lambda
// function ARN (arn:...:lambda:<region>:<account>:function:<name>[:<q>]).
func (a arn) lambdaFunction() (name, qualifier string, ok bool) {
	if a.service != "lambda" {
		return "", "", false
	}
	f := strings.Split(a.resource, ":")
	if len(f) < 2 || len(f) > 3 || f[0] != "function" || f[1] == "" {
		return "", "", false
	}
	if len(f) == 3 {
		qualifier = f[2]
	}
	return f[1], qualifier, true
}

// unqualified drops a Lambda function ARN's version or alias.
func (a arn) unqualified() arn {
	if name, _, ok := a.lambdaFunction(); ok {
		a.resource = "function:" + name
	}
	return a
}

// lastSegment is the part of an ARN's resource after the last "/" or ":"
// (a role's or queue's name).
func (a arn) lastSegment() string {
	r := a.resource
	if i := strings.LastIndexAny(r, "/:"); i >= 0 {
		return r[i+1:]
	}
	return r
}

// functionARNInURI extracts the function ARN from an API Gateway
// integration URI (arn:aws:apigateway:<region>:lambda:path/2015-03-31/
// functions/<function-arn>/invocations); other strings come back as they are.
func functionARNInURI(uri string) string {
	const marker = "/functions/"
	i := strings.Index(uri, marker)
	if i < 0 {
		return uri
	}
	rest := uri[i+len(marker):]
	if j := strings.Index(rest, "/invocations"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
