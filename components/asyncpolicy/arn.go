package asyncpolicy

import (
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// parseARN reads s as an ARN; ok is false for anything else (the rules
// report why with lambdafacts.ParseARN where it matters).
func parseARN(s string) (lambdafacts.ARN, bool) {
	a, err := lambdafacts.ParseARN(s)
	return a, err == nil
}

// functionOf returns the function a Lambda function ARN names.
func functionOf(a lambdafacts.ARN) (lambdafacts.FunctionRef, bool) {
	if a.Service != "lambda" {
		return lambdafacts.FunctionRef{}, false
	}
	ref, err := lambdafacts.ParseFunctionRef(a.String())
	return ref, err == nil
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
