package asyncpolicy

import (
	"fmt"
	"strings"
)

const tMapping = "aws:lambda/eventSourceMapping:EventSourceMapping"

// mappingFailureField is where an event source mapping's on-failure
// destination is set.
const mappingFailureField = "destinationConfig.onFailure.destinationArn"

// mappingModel is an aws:lambda EventSourceMapping: the function it invokes
// (synchronously) and the on-failure destination of its discarded batches.
type mappingModel struct {
	res       *Resource
	fn        *fnModel // nil when the function is not in the stack or unknown
	onFailure *dest    // nil without an on-failure destination
}

// buildMappings reads the stack's event source mappings.
func (m *model) buildMappings() {
	for _, r := range m.ix.byType[tMapping] {
		mm := &mappingModel{res: r}
		if fr := m.ix.functionRef(r, "functionName"); fr.res != nil {
			mm.fn = m.byRes[fr.res]
			mm.fn.mappings = append(mm.fn.mappings, mm)
		}
		path := strings.Split(mappingFailureField, ".")
		if valueOf(r, path...).st != absent {
			d := m.resolveDest(r, mm.fn, path, "destinationConfig", slotFailure)
			mm.onFailure = &d
		}
		m.mappings = append(m.mappings, mm)
	}
}

// mappingSource returns the mapping's event source as a target (its kind from
// the ARN, or a queue of the stack it depends on), or ok false when it is
// not known.
func (m *model) mappingSource(mm *mappingModel) (dest, bool) {
	r := mm.res
	v := valueOf(r, "eventSourceArn")
	if s, ok := v.str(); ok {
		return m.destFor(r, nil, "eventSourceArn", "", s, m.ix.target(s)), true
	}
	if v.unknown() {
		if c := m.ix.depsOfType(r, "eventSourceArn", tQueue); len(c) == 1 && len(propDeps(r, "eventSourceArn")) == 1 {
			return m.destFor(r, nil, "eventSourceArn", "", "", c[0]), true
		}
	}
	return dest{}, false
}

// checkMappings is the ASYNC002 part for event source mappings.
func checkMappings(m *model, emit emitFunc) {
	const what = "event source mapping"
	for _, mm := range m.mappings {
		r := mm.res
		checkRangeOf(r, "maximumRetryAttempts", -1, 10000, nil, "-1 (retry until the record expires) or 0 to 10000", false, what, emit)
		checkRangeOf(r, "maximumRecordAgeInSeconds", 60, 604800, []float64{-1}, "-1 (no maximum age) or 60 to 604800 seconds", true, what, emit)
		if mm.onFailure == nil {
			continue
		}
		if src, ok := m.mappingSource(mm); ok && src.kind == kindSQS {
			queue := "the source queue"
			if src.res != nil {
				queue = labelOf(src.res)
			}
			emit(r, mappingFailureField, message(r, mappingFailureField,
				fmt.Sprintf("the event source is %s, and Lambda accepts no on-failure destination on a mapping of an SQS queue (a message that keeps failing goes to the queue's dead-letter queue), so it rejects the %s", src.describe(), what),
				fmt.Sprintf("remove destinationConfig.onFailure, and set a redrivePolicy (deadLetterTargetArn and maxReceiveCount) on %s", queue)))
			continue
		}
		if d := *mm.onFailure; isFIFO(d) {
			std := "a standard SQS queue (fifoQueue unset)"
			if d.kind == kindSNS {
				std = "a standard SNS topic (fifoTopic unset)"
			}
			emit(r, d.field, message(r, d.field,
				fmt.Sprintf("the on-failure destination %s is FIFO, and Lambda rejects FIFO queues and topics as on-failure destinations of an %s", d.describe(), what),
				"use "+std))
		}
	}
}

// mappingRoutes reports whether an event source mapping invoking f has an
// on-failure destination.
func (f *fnModel) mappingRoutes() bool {
	for _, mm := range f.mappings {
		if mm.onFailure != nil {
			return true
		}
	}
	return false
}
