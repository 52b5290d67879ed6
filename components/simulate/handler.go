package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/components/records"
)

// Handler runs a function's code for one invocation: it gets the event
// and returns the response, or an error, which Lambda reports as a
// function error (retried when the invocation is asynchronous).
type Handler interface {
	Invoke(ctx context.Context, event json.RawMessage) (json.RawMessage, error)
}

// HandlerFunc is a Go function used as a Handler: the shape of a Lambda Go
// handler that takes and returns raw JSON.
type HandlerFunc func(ctx context.Context, event json.RawMessage) (json.RawMessage, error)

// Invoke calls f.
func (f HandlerFunc) Invoke(ctx context.Context, event json.RawMessage) (json.RawMessage, error) {
	return f(ctx, event)
}

// Info describes the invocation a handler runs for, as the Lambda
// context object does. InfoFrom reads it from the handler's context.
type Info struct {
	// RequestID is the invocation's request ID (the same on every
	// attempt of an asynchronous invocation).
	RequestID string
	// FunctionName is the function's name; InvokedFunctionArn the ARN it
	// was invoked with (qualified).
	FunctionName, InvokedFunctionArn string
	// Qualifier is $LATEST, a version or an alias; Version the version
	// that runs.
	Qualifier, Version string
	// Attempt counts the attempts of this event, from 1.
	Attempt int
	// Async is false for InvokeSync.
	Async bool
	// Timeout is the function's timeout setting.
	Timeout time.Duration
	// Log receives the handler's log lines; they appear in the trace.
	Log io.Writer
}

type infoKey struct{}

// WithInfo returns ctx carrying info, for calling a Handler outside the
// simulator (a handler's own tests).
func WithInfo(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoFrom returns the invocation a handler runs for.
func InfoFrom(ctx context.Context) (Info, bool) {
	i, ok := ctx.Value(infoKey{}).(Info)
	return i, ok
}

// Logf writes a log line of the invocation running under ctx to the
// trace (and nowhere when ctx is not a simulated invocation's).
func Logf(ctx context.Context, format string, args ...any) {
	if i, ok := InfoFrom(ctx); ok && i.Log != nil {
		fmt.Fprintf(i.Log, format+"\n", args...)
	}
}

// Error is a function error as a runtime reports it: the error object
// Lambda puts in the response payload (errorMessage, errorType,
// stackTrace, ...). A handler may return one to set the error type; any
// other error is reported the way the Go runtime reports it (errorType is
// the error's Go type name).
type Error struct {
	Type    string
	Message string
	// Payload is the error object as the runtime wrote it; when nil it is
	// built from Type and Message.
	Payload json.RawMessage
}

func (e *Error) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// payload returns the error object for the record's responsePayload.
func (e *Error) payload() json.RawMessage {
	if len(e.Payload) > 0 {
		return e.Payload
	}
	b, _ := json.Marshal(records.FunctionError{ErrorMessage: e.Message, ErrorType: e.Type})
	return b
}

// functionError turns what a handler returned into the error Lambda
// reports.
func functionError(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return &Error{Type: t.Name(), Message: err.Error()}
}

// SetupError is a handler that could not run at all (the command is not
// installed, say): not a function error, so the simulation stops.
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return "simulate: handler cannot run: " + e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// Command returns a handler that runs a command for each invocation, in
// dir: the event is its standard input, and its standard output the
// response (JSON; empty means null). A non-zero exit is a function error:
// its standard output, when it is a JSON object with errorMessage, is the
// error object; otherwise the last line of its standard error is the
// message. Standard error is the function's log. The environment carries
// AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION, AWS_REGION,
// ASYNCROUTE_SIMULATE_REQUEST_ID and ASYNCROUTE_SIMULATE_INVOKED_ARN.
func Command(dir string, argv ...string) Handler {
	return &command{dir: dir, argv: argv}
}

type command struct {
	dir  string
	argv []string
}

func (c *command) Invoke(ctx context.Context, event json.RawMessage) (json.RawMessage, error) {
	if len(c.argv) == 0 {
		return nil, &SetupError{Err: errors.New("empty command")}
	}
	cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	info, _ := InfoFrom(ctx)
	if info.InvokedFunctionArn != "" {
		region := ""
		if parts := strings.Split(info.InvokedFunctionArn, ":"); len(parts) > 3 {
			region = parts[3]
		}
		cmd.Env = append(cmd.Env,
			"AWS_LAMBDA_FUNCTION_NAME="+info.FunctionName,
			"AWS_LAMBDA_FUNCTION_VERSION="+info.Version,
			"AWS_REGION="+region,
			"AWS_DEFAULT_REGION="+region,
			"ASYNCROUTE_SIMULATE_REQUEST_ID="+info.RequestID,
			"ASYNCROUTE_SIMULATE_INVOKED_ARN="+info.InvokedFunctionArn,
			fmt.Sprintf("ASYNCROUTE_SIMULATE_TIMEOUT_MS=%d", info.Timeout.Milliseconds()),
		)
	}
	cmd.Stdin = bytes.NewReader(event)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if info.Log != nil && stderr.Len() > 0 {
		info.Log.Write(stderr.Bytes())
	}
	out := bytes.TrimSpace(stdout.Bytes())
	var exit *exec.ExitError
	switch {
	case err == nil:
		if len(out) == 0 {
			return json.RawMessage("null"), nil
		}
		if !json.Valid(out) {
			return nil, &Error{Type: "Runtime.InvalidResponse", Message: "the handler's output is not JSON: " + cut(string(out), 200)}
		}
		return json.RawMessage(out), nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.As(err, &exit):
		var obj struct {
			ErrorMessage *string `json:"errorMessage"`
			ErrorType    string  `json:"errorType"`
		}
		if json.Unmarshal(out, &obj) == nil && obj.ErrorMessage != nil {
			return nil, &Error{Type: obj.ErrorType, Message: *obj.ErrorMessage, Payload: json.RawMessage(out)}
		}
		msg := lastLine(stderr.String())
		if msg == "" {
			msg = exit.Error()
		}
		return nil, &Error{Type: "Runtime.ExitError", Message: fmt.Sprintf("%s (%s)", msg, exit)}
	default:
		return nil, &SetupError{Err: err}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// Python returns a handler that runs a Python handler ("module.function",
// the function's Handler setting) from dir with python3, the way the
// Lambda Python runtime calls it: handler(event, context), with a context
// object carrying aws_request_id, function_name, function_version,
// invoked_function_arn, memory_limit_in_mb and
// get_remaining_time_in_millis(). The handler's module runs unchanged.
// What it prints is its log. An exception becomes the error object the
// runtime reports: errorMessage, errorType (the exception's class),
// requestId and stackTrace (paths in dir shown under /var/task, as in
// Lambda). One python3 process runs per invocation (a cold start every
// time: module state does not carry over).
func Python(dir, handler string) Handler { return PythonWith("", dir, handler) }

// PythonWith is Python with another interpreter than python3 ("" is
// python3).
func PythonWith(python, dir, handler string) Handler {
	return Command(dir, pythonName(python), "-B", "-c", pythonShim, handler)
}

// pythonShim calls the handler as the Lambda Python runtime does and
// writes the response, or the runtime's error object (exit status 1), to
// standard output; the handler's own output goes to standard error (its
// log).
const pythonShim = `
import importlib, json, os, sys, time, traceback
out, sys.stdout = sys.stdout, sys.stderr
spec = sys.argv[1]
module_name, _, func_name = spec.rpartition(".")
class LambdaContext:
    pass
ctx = LambdaContext()
ctx.aws_request_id = os.environ.get("ASYNCROUTE_SIMULATE_REQUEST_ID", "")
ctx.invoked_function_arn = os.environ.get("ASYNCROUTE_SIMULATE_INVOKED_ARN", "")
ctx.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
ctx.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
ctx.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
ctx.log_group_name = "/aws/lambda/" + ctx.function_name
ctx.log_stream_name = "simulate"
deadline = time.time() + int(os.environ.get("ASYNCROUTE_SIMULATE_TIMEOUT_MS", "3000")) / 1000.0
ctx.get_remaining_time_in_millis = lambda: max(0, int((deadline - time.time()) * 1000))
cwd = os.getcwd() + os.sep
def fail(message, kind, frames=()):
    for f in frames:
        try:
            if f.filename.startswith(cwd):
                f.filename = "/var/task/" + f.filename[len(cwd):]
        except AttributeError:
            pass
    out.write(json.dumps({"errorMessage": message, "errorType": kind, "requestId": ctx.aws_request_id,
                          "stackTrace": traceback.format_list(list(frames))}))
    out.flush()
    sys.exit(1)
try:
    module = importlib.import_module(module_name)
except Exception as e:
    fail("Unable to import module '%s': %s" % (module_name, e), "Runtime.ImportModuleError")
handler = getattr(module, func_name, None)
if handler is None:
    fail("Handler '%s' missing on module '%s'" % (func_name, module_name), "Runtime.HandlerNotFound")
event = json.loads(sys.stdin.read() or "null")
try:
    result = handler(event, ctx)
except Exception as e:
    fail(str(e), type(e).__name__, traceback.extract_tb(e.__traceback__)[1:])
try:
    body = json.dumps(result)
except (TypeError, ValueError) as e:
    fail("Unable to marshal response: %s" % e, "Runtime.MarshalError")
out.write(body)
out.flush()
`
