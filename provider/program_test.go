package provider

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The engine calls Construct once per component of a program, and the SDK
// gives each call a Context of its own. These tests construct several
// components of one program into one world (one deployment) the way a
// YAML program does, the second taking the first's outputs, and check
// that what the components keep per program is kept per program: resource
// hook names are unique (the engine refuses a second hook of one name, and
// a refused hook failed the function's registration and every child that
// depends on it: "invalid dependency URN: missing required URN"), and one
// invoke config per function and qualifier holds across components.

// outputOf is a component's output as a YAML program passes it on: the
// value, with the dependencies the engine reported for it.
func outputOf(t *testing.T, resp *pulumirpc.ConstructResponse, key string) (resource.PropertyValue, []string) {
	t.Helper()
	v, ok := resp.GetState().AsMap()[key].(string)
	require.Truef(t, ok, "output %s: %v", key, resp.GetState().AsMap()[key])
	deps := resp.GetStateDependencies()[key].GetUrns()
	require.NotEmpty(t, deps, "output %s has dependencies", key)
	var urns []resource.URN
	for _, d := range deps {
		urns = append(urns, resource.URN(d))
	}
	out := resource.Output{Element: resource.NewStringProperty(v), Known: true, Dependencies: urns}
	if v == plugin.UnknownStringValue { // not known until the engine creates it (a preview)
		out = resource.Output{Element: resource.NewNullProperty(), Dependencies: urns}
	}
	return resource.NewOutputProperty(out), deps
}

func TestComponentsOfOneProgram(t *testing.T) {
	for _, preview := range []bool{true, false} {
		name := map[bool]string{true: "preview", false: "update"}[preview]
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, preview)
			mailer, err := w.construct(Token("Function"), "mailer", map[string]any{
				"function":  orderSettings(t),
				"onFailure": map[string]any{"kind": "newQueue"},
			})
			require.NoError(t, err)

			// (a) a Lambda destination on another component's functionArn,
			// and (c) dependsOn on that component.
			arn, arnDeps := outputOf(t, mailer, "functionArn")
			renderer, err := w.constructWith(Token("Function"), "renderer", map[string]any{
				"function":  orderSettings(t),
				"onSuccess": map[string]any{"kind": "lambda", "arn": arn},
				"onFailure": map[string]any{"kind": "newQueue"},
			}, map[string][]string{"onSuccess": arnDeps}, []string{mailer.GetUrn()})
			require.NoError(t, err)

			// (b) a response-only link to the renderer.
			rArn, rDeps := outputOf(t, renderer, "functionArn")
			_, err = w.constructWith(Token("Function"), "ingest", map[string]any{
				"function":  orderSettings(t),
				"onSuccess": map[string]any{"kind": "responseOnly", "arn": rArn},
				"onFailure": map[string]any{"kind": "newQueue"},
			}, map[string][]string{"onSuccess": rDeps}, nil)
			require.NoError(t, err)

			// (d) AsyncInvoke and EventSourceMapping on a Function
			// component's outputs.
			fnName, nameDeps := outputOf(t, mailer, "functionName")
			roleArn, roleDeps := outputOf(t, mailer, "roleArn")
			role := map[string]any{"arn": roleArn}
			_, err = w.constructWith(Token("AsyncInvoke"), "mailer-live", map[string]any{
				"functionName": fnName,
				"qualifier":    "live",
				"role":         role,
				"onFailure":    map[string]any{"kind": "sns", "arn": "arn:aws:sns:us-east-1:123456789012:alerts"},
			}, map[string][]string{"functionName": nameDeps, "role": roleDeps}, nil)
			require.NoError(t, err)
			queueArn, queueDeps := outputOf(t, renderer, "onFailureArn")
			_, err = w.constructWith(Token("EventSourceMapping"), "redrive", map[string]any{
				"eventSourceArn": queueArn,
				"functionName":   fnName,
				"role":           role,
				"source":         "sqs",
				"batchSize":      5.0,
			}, map[string][]string{"eventSourceArn": queueDeps, "functionName": nameDeps, "role": roleDeps}, nil)
			require.NoError(t, err)

			// The AsyncInvoke's grants go to the mailer's role, by the name
			// its ARN ends in.
			var liveRole any
			for _, r := range w.mocks.Resources() {
				if r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Name == "mailer-live-async-grants" {
					liveRole = r.Inputs["role"]
				}
			}
			if !preview {
				mailerRole := mailer.GetState().AsMap()["roleArn"].(string)
				assert.Equal(t, mailerRole[strings.LastIndex(mailerRole, "/")+1:], liveRole)
			}

			if preview {
				assert.Empty(t, w.fake.hookNames(), "a preview registers no hook")
			} else {
				assert.Equal(t, []string{
					"asyncroute-grants-before-role-change:asyncroute:lambda:Function:ingest",
					"asyncroute-grants-before-role-change:asyncroute:lambda:Function:mailer",
					"asyncroute-grants-before-role-change:asyncroute:lambda:Function:renderer",
					"asyncroute-role-and-routes:asyncroute:lambda:Function:ingest",
					"asyncroute-role-and-routes:asyncroute:lambda:Function:mailer",
					"asyncroute-role-and-routes:asyncroute:lambda:Function:renderer",
				}, w.fake.hookNames(), "one hook per function and one per component, named after the component")
			}

			// The renderer's grant lets it invoke the mailer, and its config
			// waits for that grant.
			var grants *registeredResource
			for _, r := range w.mocks.Resources() {
				if r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Name == "renderer-async-grants" {
					grants = &registeredResource{inputs: r.Inputs}
				}
			}
			require.NotNil(t, grants, "the renderer's grant policy is registered")
			if preview {
				return // the mailer's ARN, and so the document, is known at deploy
			}
			mailerArn := mailer.GetState().AsMap()["functionArn"].(string)
			rendererQueue := renderer.GetState().AsMap()["onFailureArn"].(string)
			assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[`+
				`{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["`+mailerArn+`","`+mailerArn+`:*"]},`+
				`{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":["`+rendererQueue+`"]}]}`, grants.inputs["policy"].(string))

			var deps []string
			for _, r := range w.mocks.Resources() {
				if r.Type == "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig" && r.Name == "renderer-async-config" {
					deps = r.Dependencies
				}
			}
			require.NotEmpty(t, deps, "the renderer's invoke config is registered, with dependencies")
			assert.Contains(t, deps, "urn:pulumi:test::asyncroute::asyncroute:lambda:Function$aws:iam/rolePolicy:RolePolicy::renderer-async-grants")
		})
	}
}

type registeredResource struct{ inputs map[string]any }

// TestOneConfigPerQualifierAcrossComponents: two components of one program
// that configure the same function and qualifier are refused, with the
// message the Go package gives for two Go components; the same component
// in the next deployment (a new world) is not.
func TestOneConfigPerQualifierAcrossComponents(t *testing.T) {
	args := func(extra map[string]any) map[string]any {
		m := map[string]any{"functionName": "legacy-billing", "role": map[string]any{"name": "legacy-billing-role"}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, preview := range []bool{true, false} {
		w := newWorld(t, preview)
		_, err := w.construct(Token("AsyncInvoke"), "first", args(map[string]any{"onFailure": map[string]any{"kind": "defaultEventBus"}}))
		require.NoError(t, err)
		_, err = w.construct(Token("AsyncInvoke"), "second", args(map[string]any{"maxRetries": 0.0}))
		require.Error(t, err, "preview=%v", preview)
		assert.Contains(t, err.Error(), `asyncroute: AsyncInvoke "second": qualifier: function "legacy-billing" already has an async invoke config `+
			`for qualifier "$LATEST" from AsyncInvoke "first"; Lambda keeps one config per function and qualifier: each write overwrites the other's and deleting either removes both; allowed: one config per function and qualifier`)

		next := newWorld(t, preview)
		_, err = next.construct(Token("AsyncInvoke"), "second", args(map[string]any{"maxRetries": 0.0}))
		require.NoError(t, err, "another deployment starts afresh")
	}
}
