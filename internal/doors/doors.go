// Package doors writes each message of the library once and lets each
// door show it in its user's words. The library has three doors: the Go
// components (package asyncroute), the component provider (YAML,
// TypeScript, Python programs, which write the schema's property names)
// and the rules (package asyncpolicy, which read raw resources' inputs).
// A fact's words are the same through every door; what a door's user
// writes differently is marked in the text and rendered per door:
//
//   - a field of a component's arguments, by its Go path ([Field]):
//     MaxEventAge in Go, maxEventAgeSeconds through the provider;
//   - a term, such as the value meaning "forever" ([Term]): -1
//     (asyncroute.RetryForever, ...) in Go, -1 elsewhere;
//   - a duration ([Seconds]) and a range of durations ([SecondsRange]):
//     Go prints 1m30s and the others whole seconds, as their users write
//     them.
//
// Texts with marks travel as an [*Error]; its Error method renders the
// raw-stack door's words, so that a rule (or anyone) that prints it shows
// no Go identifier. The Go components render the Go door's words, the
// provider the schema's (see [Faults]).
package doors

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Marks are «kind:value»; the guillemets appear in no message.
const (
	open, close = "«", "»"
)

// Field marks a field of a component's arguments, by its Go path
// ("MaxRetries", "Role.Arn", "OnSuccess", "ResponseOnly.FunctionArn").
func Field(goPath string) string { return open + "f:" + goPath + close }

// Term marks a word a door spells its own way (see the Term constants).
func Term(key string) string { return open + "t:" + key + close }

// Seconds marks a duration.
func Seconds(d time.Duration) string { return open + "s:" + strconv.FormatInt(int64(d), 10) + close }

// SecondsRange marks an allowed range of durations.
func SecondsRange(lo, hi time.Duration) string {
	return open + "r:" + strconv.FormatInt(int64(lo), 10) + ":" + strconv.FormatInt(int64(hi), 10) + close
}

// Terms.
const (
	// RetryForever is a mapping's retry count that never gives up.
	RetryForever = "retry-forever"
	// RecordAgeForever is a mapping's record age that never discards.
	RecordAgeForever = "record-age-forever"
	// QueueArnNotURL tells which of a queue's values is its ARN.
	QueueArnNotURL = "queue-arn-not-url"
	// RoleChoices are the ways to give a brought role.
	RoleChoices = "role-choices"
	// OrRoleResource adds the Go door's other way to give a role.
	OrRoleResource = "or-role-resource"
	// WithEventBus says how to send to an event bus.
	WithEventBus = "with-event-bus"
	// RolePerFunction says how to give each function its own role.
	RolePerFunction = "role-per-function"
)

// spelling is a term in each door's words.
type spelling struct{ goes, schema, raw string }

var terms = map[string]spelling{
	RetryForever:     {"-1 (asyncroute.RetryForever, until the records expire)", "-1 (until the records expire)", "-1 (until the records expire)"},
	RecordAgeForever: {"asyncroute.RecordAgeForever (-1, until the records expire)", "-1 (until the records expire)", "-1 (until the records expire)"},
	QueueArnNotURL:   {"for a queue, queue.Arn, not queue.Url", "for a queue, its arn output, not its url", "for a queue, its arn, not its url"},
	RoleChoices:      {"Role.Role, Role.Arn or Role.Name", "role.arn or role.name", "the role's ARN or name"},
	OrRoleResource:   {", or Role.Role", "", ""},
	WithEventBus:     {" with EventBus", " (kind events)", ""},
	RolePerFunction:  {"the default: leave Role unset", "the default: leave role out", "one execution role per function"},
}

func termIn(door func(spelling) string) func(string) string {
	return func(key string) string {
		if sp, ok := terms[key]; ok {
			return door(sp)
		}
		return key
	}
}

// Door renders marks in one door's words.
type Door struct {
	// Name is the door's name, for tests and messages.
	Name string
	// Field renders a field's Go path; nil keeps the Go path.
	Field func(goPath string) string
	// Term renders a term's key.
	Term func(key string) string
	// Go is true for the Go door: durations as Go prints them.
	Go bool
}

// Render replaces every mark in text with the door's words.
func (d Door) Render(text string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, open)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.Index(text[i:], close)
		if j < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString(d.mark(text[i+len(open) : i+j]))
		text = text[i+j+len(close):]
	}
}

func (d Door) mark(m string) string {
	kind, v, _ := strings.Cut(m, ":")
	switch kind {
	case "f":
		if d.Field != nil {
			return d.Field(v)
		}
		return v
	case "t":
		if d.Term != nil {
			return d.Term(v)
		}
		return v
	case "s":
		n, _ := strconv.ParseInt(v, 10, 64)
		return d.duration(time.Duration(n))
	case "r":
		lo, hi, _ := strings.Cut(v, ":")
		l, _ := strconv.ParseInt(lo, 10, 64)
		h, _ := strconv.ParseInt(hi, 10, 64)
		secs := fmt.Sprintf("%d to %d whole seconds", time.Duration(l)/time.Second, time.Duration(h)/time.Second)
		if d.Go {
			return fmt.Sprintf("%s to %s (%s)", short(time.Duration(l)), short(time.Duration(h)), secs)
		}
		return secs
	}
	return m
}

func (d Door) duration(t time.Duration) string {
	if d.Go {
		return t.String()
	}
	return strconv.FormatFloat(t.Seconds(), 'f', -1, 64)
}

// short prints a bound of a range: whole days (from two) as 14 days, whole
// hours as 6h, whole seconds as 60s.
func short(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d >= 2*day && d%day == 0:
		return fmt.Sprintf("%d days", d/day)
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// Go is the Go components' door: Go paths, Go identifiers, Go durations.
var Go = Door{Name: "go", Go: true, Term: termIn(func(s spelling) string { return s.goes })}

// Raw is the rules' door: raw resources' input names (the last part of a
// Go path in lower camel case: Mapping.SelfManagedEventSource reads
// selfManagedEventSource), numbers and whole seconds.
var Raw = Door{Name: "raw", Term: termIn(func(s spelling) string { return s.raw }), Field: func(p string) string {
	return LowerCamel(p[strings.LastIndex(p, ".")+1:])
}}

// Schema returns the provider's door: field paths as the schema writes
// them (rename maps a Go path to the schema's), numbers and whole seconds.
func Schema(rename func(goPath string) string) Door {
	return Door{Name: "schema", Term: termIn(func(s spelling) string { return s.schema }), Field: rename}
}

// LowerCamel lower-cases the first letter of s, and a leading initialism
// (ARN, KMS, SQS) whole: MaxRetries -> maxRetries, ARN -> arn.
func LowerCamel(s string) string {
	n := 0
	for n < len(s) && s[n] >= 'A' && s[n] <= 'Z' {
		n++
	}
	switch {
	case n == 0:
		return s
	case n == 1 || n == len(s):
		return strings.ToLower(s[:n]) + s[n:]
	}
	return strings.ToLower(s[:n-1]) + s[n-1:]
}

// Error is a message with marks. Error renders the raw-stack door's words.
type Error struct {
	text string
}

// Errorf makes an *Error; format and args may hold marks.
func Errorf(format string, args ...any) *Error {
	return &Error{text: fmt.Sprintf(format, args...)}
}

// Error renders the message in the rules' words (see [Raw]).
func (e *Error) Error() string { return Raw.Render(e.text) }

// Template is the message with its marks.
func (e *Error) Template() string { return e.text }

// TemplateOf is err's text with marks when err is an *Error (not wrapped
// in more text), else err's text.
func TemplateOf(err error) string {
	if e, ok := err.(*Error); ok {
		return e.text
	}
	return err.Error()
}

// Fault is one input error of a component, with its field's Go path and
// its problem's template.
type Fault struct {
	Component string // e.g. `Function "orders"`
	Field     string // the Go path, e.g. "MaxRetries"
	Template  string // the problem with marks
}

// Faults returns the input errors in err as faults; package asyncroute
// sets it (its InputError keeps the template). Nil until then.
var Faults func(err error) []Fault
