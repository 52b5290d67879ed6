// Package programscope says which Pulumi program a *pulumi.Context belongs
// to, so that what the components keep per program (the one-config-per-
// function-and-qualifier registry, the names of resource hooks) is kept per
// program whatever runs them.
//
// A Go program has one Context, made by pulumi.Run: it is the program. A
// component provider is different: the engine calls Construct once per
// component, and the SDK makes a new Context for each call, so a YAML or
// TypeScript program with three components reaches the library through
// three Contexts. The provider marks each of them with the deployment they
// belong to (With), and the library keys its per-program state by that
// mark when it is there (Key).
package programscope

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

type key struct{}

// With returns ctx marked as part of the program run identified by id (for a
// component provider: the deployment's resource monitor endpoint, project
// and stack, which every Construct call of one deployment shares).
func With(ctx *pulumi.Context, id string) *pulumi.Context {
	return ctx.WithValue(key{}, id)
}

// Key returns the program run ctx was marked with, if any.
func Key(ctx *pulumi.Context) (string, bool) {
	id, ok := ctx.Value(key{}).(string)
	return id, ok && id != ""
}

type renderKey struct{}

// WithRender returns ctx whose components' warnings are rendered by
// render: a component provider's door (its schema's names for fields),
// where a Go program has the Go package's.
func WithRender(ctx *pulumi.Context, render func(error) string) *pulumi.Context {
	return ctx.WithValue(renderKey{}, render)
}

// Render is err in the words of ctx's door: the renderer WithRender set,
// else err's own text.
func Render(ctx *pulumi.Context, err error) string {
	if r, ok := ctx.Value(renderKey{}).(func(error) string); ok && r != nil {
		return r(err)
	}
	return err.Error()
}
