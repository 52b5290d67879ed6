// Package asyncroutetest is the test helper for stacks built with
// asyncroute: it runs a Pulumi program under the recording mock monitor of
// package mockmonitor and hands the test a [Stack] (the stackgraph.Graph, with finders that fail the test)
// to assert exact resources, inputs, policies and dependencies, without a
// cloud account. The monitor answers like AWS would: ARNs, names, URLs and
// key ids in the real formats, in the region of the provider each resource
// uses (an explicit aws.Provider's region, else the `aws:region` config, else
// us-east-1).
//
//	st, err := asyncroutetest.Run(program)
//	cfg := st.Require(t, asyncroutetest.TypeInvokeConfig, "orders-async-config")
//	grants := st.Require(t, asyncroutetest.TypeRolePolicy, "orders-async-grants")
//	doc, err := asyncroutetest.DecodePolicy(grants.Inputs["policy"])
//	deps := st.Dependencies(cfg) // ["aws:iam/rolePolicy:RolePolicy/orders-async-grants", ...]
//
// The project name is the one in ./Pulumi.yaml when there is one (so URNs
// match `go run . plan`), else "asyncroute"; set it with [Project].
// [Preview] runs the program as a first `pulumi preview` does: what AWS
// assigns is [Unknown], and so is everything made from it.
//
// # What the components create
//
// Children are named after the component (<name> below) and are its
// children. <slot> is on-success, on-failure or dead-letter: the field
// (OnSuccess, OnFailure, DeadLetter) a created target or rule serves.
//
//	child                              type               when
//	<name>-role                        TypeRole           the component creates the role (no Role given)
//	<name>-async-grants                TypeRolePolicy     Function, AsyncInvoke: one inline policy with every grant
//	<name>-mapping-grants              TypeRolePolicy     EventSourceMapping: the same for a mapping
//	<name>                             TypeFunction       Function: the lambda.Function
//	<name>                             TypeEventSourceMapping  EventSourceMapping: the mapping
//	<name>-<alias>                     TypeAlias          Function with Alias: the alias the config is on
//	<name>-async-config                TypeInvokeConfig   Function, AsyncInvoke: the FunctionEventInvokeConfig
//	<name>-<slot>                      TypeQueue, TypeTopic   NewQueue{} or NewTopic{} (e.g. <name>-on-failure)
//	<name>-<slot>-key-grants           TypeRolePolicy     the KMS grant of a created target encrypted with KmsKey or KmsKeyArn
//	<name>-<slot>-response             TypeEventRule      ResponseOnly{}: the rule on the default bus
//	<name>-<slot>-response-target      TypeEventTarget    ResponseOnly{}: its target, the next function
//	<name>-<slot>-response-permission  TypePermission     ResponseOnly{}: lets the rule invoke it
//
// The components' own types are [TypeFunctionComponent],
// [TypeAsyncInvokeComponent] and [TypeEventSourceMappingComponent].
package asyncroutetest
