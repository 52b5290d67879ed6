// Command asyncroute-check checks a Pulumi stack for AWS Lambda async-
// routing mistakes, offline, from a file the Pulumi CLI or the offline
// planner wrote:
//
//	pulumi stack export --file stack.json
//	asyncroute-check stack.json
//
//	pulumi preview --json > preview.json
//	asyncroute-check --format json preview.json
//
//	go run . plan -json -fail-on none > plan.json   # no Pulumi CLI needed
//	asyncroute-check plan.json
//
// The format is detected: a stack export (or a DIY backend's checkpoint),
// a preview, or the plan's JSON (package plan), reported as "stack
// export", "preview" and "plan".
//
// It runs the same rules as the asyncpolicy library and the policy pack
// (ASYNC001-ASYNC010) and prints the findings as text or JSON.
//
// Exit status: 0 when there is no finding or only advisory ones, 1 when a
// mandatory rule is violated, 2 when the input cannot be read or is none
// of the three formats (or the command line is wrong).
//
// Flags:
//
//	--format text|json   output format (default text)
//	--level RULE=LEVEL   change a rule's level: mandatory, advisory or
//	                     disabled (repeatable), e.g. --level ASYNC003=mandatory
//	--rules              list the rules and exit
//
// Use "-" as the file to read standard input.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/asyncroute/asyncroute/components/asyncpolicy"
	"github.com/asyncroute/asyncroute/internal/stackgraph/stackfile"
)

// Exit statuses.
const (
	exitClean     = 0
	exitMandatory = 1
	exitBadInput  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// levels collects --level flags.
type levels map[string]asyncpolicy.Level

func (l levels) String() string { return "" }

func (l levels) Set(s string) error {
	id, lv, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("expected RULE=LEVEL, e.g. ASYNC003=mandatory")
	}
	rule, found := asyncpolicy.RuleByID(strings.TrimSpace(id))
	if !found {
		return fmt.Errorf("unknown rule %q; see --rules", id)
	}
	level, err := asyncpolicy.ParseLevel(lv)
	if err != nil {
		return err
	}
	l[rule.ID] = level
	return nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("asyncroute-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	lv := levels{}
	fs.Var(lv, "level", "RULE=LEVEL: change a rule's level (mandatory, advisory, disabled); repeatable")
	listRules := fs.Bool("rules", false, "list the rules and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: asyncroute-check [--format text|json] [--level RULE=LEVEL]... FILE")
		fmt.Fprintln(stderr, "FILE is the output of `pulumi stack export`, `pulumi preview --json` or `go run . plan -json`; - reads standard input.")
		fmt.Fprintln(stderr, "exit status: 0 no mandatory finding; 1 mandatory findings; 2 unreadable input or bad flags")
		fs.PrintDefaults()
	}
	// Accept flags before and after the file name.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitClean
			}
			return exitBadInput
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *listRules {
		for _, r := range asyncpolicy.Rules() {
			fmt.Fprintf(stdout, "%s  %-24s %-9s %s\n", r.ID, r.Name, r.Default, r.Description)
		}
		return exitClean
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "asyncroute-check: --format %q: expected text or json\n", *format)
		return exitBadInput
	}
	if len(files) != 1 {
		fs.Usage()
		return exitBadInput
	}

	data, err := readInput(files[0], stdin)
	if err != nil {
		fmt.Fprintf(stderr, "asyncroute-check: %v\n", err)
		return exitBadInput
	}
	graph, kind, err := stackfile.Decode(data)
	if err != nil {
		fmt.Fprintf(stderr, "asyncroute-check: %s: %v\n", files[0], err)
		return exitBadInput
	}
	findings := asyncpolicy.Check(*graph, asyncpolicy.Config{Levels: lv})

	switch *format {
	case "json":
		if err := writeJSON(stdout, files[0], kind, len(graph.Resources), findings); err != nil {
			fmt.Fprintf(stderr, "asyncroute-check: %v\n", err)
			return exitBadInput
		}
	default:
		writeText(stdout, files[0], kind, len(graph.Resources), findings)
	}
	if asyncpolicy.HasMandatory(findings) {
		return exitMandatory
	}
	return exitClean
}

// readInput reads at most one byte more than stackfile.MaxFileSize, so a
// huge input is refused by the reader's limit without being held whole.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	const limit = stackfile.MaxFileSize + 1
	if name == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, limit))
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return data, nil
	}
	f, err := os.Open(name)
	if err == nil {
		defer f.Close()
		var data []byte
		if data, err = io.ReadAll(io.LimitReader(f, limit)); err == nil {
			return data, nil
		}
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return nil, fmt.Errorf("cannot read %s: %w", name, err)
}

func counts(fs []asyncpolicy.Finding) (mandatory, advisory int) {
	for _, f := range fs {
		if f.Level == asyncpolicy.Mandatory {
			mandatory++
		} else {
			advisory++
		}
	}
	return
}

func writeText(w io.Writer, file string, kind stackfile.Format, resources int, fs []asyncpolicy.Finding) {
	for _, f := range fs {
		fmt.Fprintf(w, "%s %s: %s\n    urn: %s\n", f.RuleID, f.Level, f.Message, f.URN)
	}
	m, a := counts(fs)
	if len(fs) == 0 {
		fmt.Fprintf(w, "%s (%s, %d resources): no findings\n", file, kind, resources)
		return
	}
	noun := "findings"
	if len(fs) == 1 {
		noun = "finding"
	}
	fmt.Fprintf(w, "%s (%s, %d resources): %d %s, %d mandatory, %d advisory\n", file, kind, resources, len(fs), noun, m, a)
}

// report is the --format json document.
type report struct {
	File      string                `json:"file"`
	Format    string                `json:"format"`
	Resources int                   `json:"resources"`
	Findings  []asyncpolicy.Finding `json:"findings"`
	Mandatory int                   `json:"mandatory"`
	Advisory  int                   `json:"advisory"`
}

func writeJSON(w io.Writer, file string, kind stackfile.Format, resources int, fs []asyncpolicy.Finding) error {
	if fs == nil {
		fs = []asyncpolicy.Finding{}
	}
	m, a := counts(fs)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(report{File: file, Format: string(kind), Resources: resources, Findings: fs, Mandatory: m, Advisory: a})
}
