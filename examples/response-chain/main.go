// The response-chain example's entry point; the program is in package
// stack.
//
//	go run . plan   # offline plan, no cloud
//	pulumi up       # deploy
package main

import (
	"github.com/asyncroute/asyncroute/components/plan"
	"github.com/asyncroute/asyncroute/examples/response-chain/stack"
)

func main() { plan.RunOrPlan(stack.Program) }
