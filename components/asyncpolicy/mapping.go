package asyncpolicy

import (
	"github.com/asyncroute/asyncroute/internal/awstypes"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

const tMapping = awstypes.TokenEventSourceMapping

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
			d := m.resolveDest(r, mm.fn, path, "destinationConfig", slotMapping)
			d.source = m.mappingSource(mm)
			mm.onFailure = &d
		}
		m.mappings = append(m.mappings, mm)
	}
}

// mappingSource returns the kind of the mapping's event source (from its
// ARN, or a queue of the stack it depends on), or nil when it is not known.
func (m *model) mappingSource(mm *mappingModel) *lambdafacts.SourceSpec {
	r := mm.res
	v := valueOf(r, "eventSourceArn")
	if s, ok := v.str(); ok {
		if a, ok := parseARN(s); ok {
			spec, _ := lambdafacts.SourceOf(lambdafacts.SourceKind(a.Service))
			return spec
		}
		return nil
	}
	if _, ok := valueOf(r, "selfManagedEventSource").v.(map[string]any); ok {
		spec, _ := lambdafacts.SourceOf(lambdafacts.SourceKafka)
		return spec
	}
	if v.unknown() {
		if c := m.ix.depsOfType(r, "eventSourceArn", tQueue); len(c) == 1 && len(propDeps(r, "eventSourceArn")) == 1 {
			spec, _ := lambdafacts.SourceOf(lambdafacts.SourceSQS)
			return spec
		}
	}
	return nil
}

// checkMappings is the ASYNC002 part for event source mappings.
func checkMappings(m *model, emit emitFunc) {
	for _, mm := range m.mappings {
		r := mm.res
		if src, ok := valueOf(r, "eventSourceArn").str(); ok {
			report(emit, r, "eventSourceArn", lambdafacts.CheckSourceRegion(src, m.mappingFunction(mm).Region))
		}
		if n, ok := wholeNumber(r, "maximumRetryAttempts", false, emit); ok {
			report(emit, r, "maximumRetryAttempts", lambdafacts.CheckMappingRetries(n))
		}
		if n, ok := wholeNumber(r, "maximumRecordAgeInSeconds", true, emit); ok {
			d := time.Duration(n) * time.Second
			if n == -1 {
				d = lambdafacts.RecordAgeForever
			}
			report(emit, r, "maximumRecordAgeInSeconds", lambdafacts.CheckRecordAge(d))
		}
		if mm.onFailure == nil {
			continue
		}
		if src := mm.onFailure.source; src != nil && !src.Failure {
			report(emit, r, mappingFailureField, lambdafacts.NoMappingFailure(src))
			continue
		}
		checkDest(m, *mm.onFailure, emit)
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

// mappingFunction is the identity of the function a mapping invokes: the
// function of the stack, else its functionName resolved in the mapping's
// place (a zero ID when not known).
func (m *model) mappingFunction(mm *mappingModel) lambdafacts.FunctionID {
	if mm.fn != nil {
		return m.ix.identityOf(mm.fn.res)
	}
	s, ok := valueOf(mm.res, "functionName").str()
	if !ok {
		return lambdafacts.FunctionID{}
	}
	ref, err := lambdafacts.ParseFunctionRef(functionARNInURI(s))
	if err != nil {
		return lambdafacts.FunctionID{}
	}
	return m.ix.refIdentity(mm.res, ref)
}
