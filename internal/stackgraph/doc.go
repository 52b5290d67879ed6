// Package stackgraph is the stack graph every door into a Pulumi stack
// shares: the recording mock monitor (package mockmonitor), the offline
// planner, the policy rules, the policy pack and the stack-file checker all
// describe a stack as one [Graph] of [Resource] values whose inputs and
// outputs are plain Go values:
//
//   - string, float64, bool, nil, []any and map[string]any;
//   - [Unknown] for a value that is not known until deploy (preview);
//   - secrets read through (the graph is for checking, not for display);
//   - a resource reference as the referenced resource's URN;
//   - an asset as "asset:<path or URI>", an archive as
//     "archive:<path or URI>" (an asset archive made of in-memory assets
//     is "archive:").
//
// [FromPropertyMap] and [FromPropertyValue] are the one conversion from the
// engine's values (resource.PropertyMap, as a resource monitor or provider
// receives them) to those plain values; [FromProperties] reads the newer
// property.Map (policy packs) through it. Package
// stackgraph/stackfile reads `pulumi stack export` and
// `pulumi preview --json` into a Graph.
package stackgraph
