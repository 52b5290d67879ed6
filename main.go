// The root stack: an order processor whose asynchronous invocations are
// routed by asyncroute (the program is in package stacks/orders).
//
//	go run . plan   # offline plan, no cloud
//	pulumi up       # deploy
package main

import (
	"github.com/asyncroute/asyncroute/components/plan"
	"github.com/asyncroute/asyncroute/stacks/orders"
)

func main() { plan.RunOrPlan(orders.Program) }
