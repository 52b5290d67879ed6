package asyncpolicy

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// checkValidity is ASYNC002: on raw stacks, what the components refuse,
// in the components' words (package lambdafacts holds both).
func checkValidity(m *model, emit emitFunc) {
	for _, c := range m.configs {
		r := c.res
		if n, ok := wholeNumber(r, "maximumRetryAttempts", false, emit); ok {
			report(emit, r, "maximumRetryAttempts", lambdafacts.CheckRetries(n))
		}
		if n, ok := wholeNumber(r, "maximumEventAgeInSeconds", true, emit); ok {
			report(emit, r, "maximumEventAgeInSeconds", lambdafacts.CheckEventAge(time.Duration(n)*time.Second))
		}
		checkQualifier(c, emit)
		for _, d := range c.dests {
			checkDest(m, d, emit)
		}
	}
	checkDuplicateConfigs(m, emit)
	for _, f := range m.functions {
		if f.dlq != nil {
			checkDest(m, *f.dlq, emit)
		}
	}
	checkMappings(m, emit)
	checkQuotas(m, emit)
}

// report emits a rulebook problem as a finding on r's field.
func report(emit emitFunc, r *Resource, field string, problem error) {
	if problem != nil {
		emit(r, field, fmt.Sprintf("%s, field %s: %s", labelOf(r), field, problem))
	}
}

// wholeNumber reads a whole-number setting; zeroUnset treats 0 as not set
// (the provider stores an unset maximum age as 0). A number with a
// fraction is reported here.
func wholeNumber(r *Resource, field string, zeroUnset bool, emit emitFunc) (int, bool) {
	n, ok := inputOf(r, field).num()
	if !ok || (zeroUnset && n == 0) {
		return 0, false
	}
	if n != math.Trunc(n) || math.Abs(n) > 1e9 {
		report(emit, r, field, fmt.Errorf("%s is not a whole number", strconv.FormatFloat(n, 'f', -1, 64)))
		return 0, false
	}
	return int(n), true
}

// checkDest checks one destination the way the components check theirs:
// the ARN (a URL, a bare name, a malformed ARN, another service, a
// wildcard, a missing region or account, a rule's, subscription's or
// object's ARN), where the kind may go, FIFO, the function itself, and
// the partition.
func checkDest(m *model, d dest, emit emitFunc) {
	bad := func(err error) { report(emit, d.owner, d.field, err) }
	if d.value != "" && d.res == nil && !strings.HasPrefix(d.value, "kafka://") {
		a, err := lambdafacts.ParseARN(d.value)
		if err != nil {
			bad(err)
			return
		}
		if _, err := lambdafacts.KindOfARN(a); err != nil && d.slot != slotMapping {
			bad(err)
			return
		}
	}
	if d.spec == nil {
		return
	}
	what := d.describe()
	if d.slot != slotEither {
		if err := lambdafacts.CheckUse(d.spec, d.slot, d.source, what); err != nil {
			bad(err)
			return
		}
	}
	if d.res != nil && d.spec.FIFO {
		if b, ok := valueOf(d.res, d.spec.FIFOFlag).boolean(); (ok && b) || strings.HasSuffix(physicalName(d.res), ".fifo") {
			bad(lambdafacts.FIFOProblem(what))
			return
		}
	}
	if d.arn != "" && !d.spec.URI {
		if err := d.spec.CheckARN(d.arn); err != nil {
			bad(err)
			return
		}
	}
	if self := m.selfDestination(d); self != nil {
		bad(self)
		return
	}
	if d.arn != "" && d.fn != nil && d.fn.arn != "" && !d.spec.URI {
		a, _ := lambdafacts.ParseARN(d.arn)
		f, err := lambdafacts.ParseARN(d.fn.arn)
		if err == nil {
			bad(lambdafacts.CheckPartition(a, f.Partition))
		}
	}
}

// selfDestination reports a Lambda destination that is the configured
// function: the same resource, or the same function by identity (see
// lambdafacts.FunctionID: the same partition, account, region and name).
// A target outside the stack is named by the function name in its ARN, as
// the components name it.
func (m *model) selfDestination(d dest) error {
	if d.spec == nil || d.spec.Kind != lambdafacts.KindLambda || d.slot == slotMapping {
		return nil
	}
	if d.res != nil && d.fn != nil && d.res == d.fn.res {
		return lambdafacts.SelfDestination(d.describe())
	}
	self, ok := m.configuredIdentity(d)
	if !ok || d.arn == "" {
		return nil
	}
	a, ok := parseARN(d.arn)
	if !ok {
		return nil
	}
	ref, ok := functionOf(a)
	if !ok || !m.ix.refIdentity(d.owner, ref).Same(self) {
		return nil
	}
	if d.res != nil {
		return lambdafacts.SelfDestination(d.describe())
	}
	return lambdafacts.SelfDestination(lambdafacts.Describe("Lambda function", ref.Name))
}

// configuredIdentity is the identity of the function a destination's
// owner configures, in the stack or named by the config.
func (m *model) configuredIdentity(d dest) (lambdafacts.FunctionID, bool) {
	if d.fn != nil {
		return m.ix.identityOf(d.fn.res), true
	}
	if d.owner.Type != tInvokeConfig {
		return lambdafacts.FunctionID{}, false
	}
	s, ok := valueOf(d.owner, "functionName").str()
	if !ok {
		return lambdafacts.FunctionID{}, false
	}
	ref, err := lambdafacts.ParseFunctionRef(s)
	if err != nil {
		return lambdafacts.FunctionID{}, false
	}
	return m.ix.refIdentity(d.owner, ref), true
}

// configTarget is the function (by resource, or by name when outside the
// stack) and the qualifier an invoke config is for; ok is false when not
// known.
func configTarget(c *configModel) (key, name, qualifier string, ok bool, err error) {
	q, _ := valueOf(c.res, "qualifier").str()
	s, known := valueOf(c.res, "functionName").str()
	var ref lambdafacts.FunctionRef
	if known {
		if ref, err = lambdafacts.ParseFunctionRef(s); err != nil {
			return "", "", "", false, err
		}
	}
	if c.fn == nil && !known {
		return "", "", "", false, nil
	}
	if !known && valueOf(c.res, "functionName").unknown() {
		// The function is in the stack but its name is unknown: it can
		// carry no qualifier of its own.
		ref = lambdafacts.FunctionRef{}
	}
	qualifier, err = lambdafacts.ResolveQualifier(ref, q)
	if err != nil {
		return "", "", "", false, err
	}
	if c.fn != nil {
		return "resource:" + c.fn.res.URN, c.fn.res.Name, qualifier, true, nil
	}
	return "name:" + ref.Name, ref.Name, qualifier, true, nil
}

// checkQualifier checks an invoke config's qualifier against the one its
// function name or ARN carries.
func checkQualifier(c *configModel, emit emitFunc) {
	if q, ok := valueOf(c.res, "qualifier").str(); ok {
		if err := lambdafacts.CheckQualifier(q); err != nil {
			report(emit, c.res, "qualifier", err)
			return
		}
	}
	if _, _, _, _, err := configTarget(c); err != nil {
		field := "qualifier"
		if s, ok := valueOf(c.res, "functionName").str(); ok {
			if _, perr := lambdafacts.ParseFunctionRef(s); perr != nil {
				field = "functionName"
			}
		}
		report(emit, c.res, field, err)
	}
}

// checkDuplicateConfigs reports every invoke config after the first for
// the same function and qualifier, whoever declared them (a component's
// child, a raw resource): the same function resource, or the same
// function by identity (see lambdafacts.FunctionID: a name in two
// regions, or in two accounts, names two functions). Lambda keeps one
// config object per function and qualifier, so deleting either resource
// removes the other's.
func checkDuplicateConfigs(m *model, emit emitFunc) {
	type seen struct {
		c         *configModel
		id        lambdafacts.FunctionID
		qualifier string
	}
	var firsts []seen
	configs := append([]*configModel(nil), m.configs...)
	sort.SliceStable(configs, func(i, j int) bool { return configs[i].res.URN < configs[j].res.URN })
	for _, c := range configs {
		_, name, q, ok, err := configTarget(c)
		if !ok || err != nil {
			continue
		}
		id := m.targetIdentity(c)
		dup := false
		for _, f := range firsts {
			if f.qualifier != q {
				continue
			}
			if (c.fn != nil && f.c.fn == c.fn) || id.Same(f.id) {
				report(emit, c.res, "functionName", lambdafacts.DuplicateConfig(name, q, labelOf(f.c.res)))
				dup = true
				break
			}
		}
		if !dup {
			firsts = append(firsts, seen{c: c, id: id, qualifier: q})
		}
	}
}

// targetIdentity is the identity of the function an invoke config
// configures: its resource's in the stack, else its reference's.
func (m *model) targetIdentity(c *configModel) lambdafacts.FunctionID {
	if c.fn != nil {
		return m.ix.identityOf(c.fn.res)
	}
	s, _ := valueOf(c.res, "functionName").str()
	ref, _ := lambdafacts.ParseFunctionRef(s)
	return m.ix.refIdentity(c.res, ref)
}
