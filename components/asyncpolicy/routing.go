package asyncpolicy

import (
	"strings"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// Slots of a destination; slotEither is an invoke config's destination
// whose slot is unknown.
const (
	slotSuccess    = lambdafacts.SlotOnSuccess
	slotFailure    = lambdafacts.SlotOnFailure
	slotDeadLetter = lambdafacts.SlotDeadLetter
	slotMapping    = lambdafacts.SlotMapping
	slotEither     = lambdafacts.Slot("")
)

// slotLabel names a slot in messages.
func slotLabel(s lambdafacts.Slot) string {
	if s == slotEither {
		return "destination"
	}
	return s.Label()
}

// slotKey is the slot's key in an invoke config's destinationConfig.
func slotKey(s lambdafacts.Slot) string {
	if s == slotSuccess {
		return "onSuccess"
	}
	return "onFailure"
}

// dest is one place a function sends records to.
type dest struct {
	owner *Resource // the invoke config, the function for a DLQ, the mapping
	fn    *fnModel  // the function configured; nil when not in the stack
	slot  lambdafacts.Slot
	field string // input path on owner
	value string // the configured string, when known
	arn   string // the target's ARN, when known
	spec  *lambdafacts.KindSpec
	res   *Resource
	// source is the mapping's source kind for a mapping's destination
	// (nil when unknown).
	source *lambdafacts.SourceSpec
}

// describeLong names the target with its ARN, for ASYNC001's messages.
func (d dest) describeLong() string {
	label := "target"
	if d.spec != nil {
		label = d.spec.Label
	}
	switch {
	case d.res != nil && d.arn != "":
		return label + ` "` + d.res.Name + `" (` + d.arn + `)`
	case d.res != nil:
		return label + ` "` + d.res.Name + `"`
	case d.arn != "":
		return label + " " + d.arn
	}
	return label + " " + d.value
}

// describe names the target in messages as the components do: a resource
// of the stack by its Pulumi name, a target outside it by its ARN.
func (d dest) describe() string {
	label := "target"
	if d.spec != nil {
		label = d.spec.Label
	}
	switch {
	case d.res != nil:
		return lambdafacts.Describe(label, d.res.Name)
	case strings.HasPrefix(d.value, "kafka://"):
		return lambdafacts.Describe(label, strings.TrimPrefix(d.value, "kafka://"))
	case d.arn != "":
		return label + " " + d.arn
	}
	return label + " " + d.value
}

// configModel is an aws:lambda FunctionEventInvokeConfig.
type configModel struct {
	res        *Resource
	fn         *fnModel
	fnUnknown  bool // functionName unknown and not explained
	dests      []dest
	hasFailure bool // an on-failure destination is set (or may be)
	hasAny     bool // any destination is set (or may be)
}

// fnModel is a Lambda function with everything routing-related.
type fnModel struct {
	res     *Resource
	name    string
	arn     string // unqualified, when known
	configs []*configModel
	// mappings are the event source mappings invoking the function.
	mappings []*mappingModel
	dlq      *dest // nil without a dead-letter target
	dlqSet   bool  // deadLetterConfig.targetArn is set (known or not)
	role     ref   // the execution role
}

// model is the routing view of a stack.
type model struct {
	ix        *index
	functions []*fnModel
	byRes     map[*Resource]*fnModel
	configs   []*configModel
	mappings  []*mappingModel
	alarms    []*alarmModel
}

func buildModel(ix *index) *model {
	m := &model{ix: ix, byRes: map[*Resource]*fnModel{}}
	for _, r := range ix.byType[tFunction] {
		f := &fnModel{res: r, name: physicalName(r), arn: knownARN(r)}
		if f.arn != "" {
			f.arn = lambdafacts.UnqualifiedFunctionARN(f.arn)
		}
		f.role = ix.resolve(r, []string{"role"}, ix.roleFor, tRole)
		m.functions = append(m.functions, f)
		m.byRes[r] = f
	}
	for _, f := range m.functions {
		f.dlqSet = valueOf(f.res, "deadLetterConfig", "targetArn").st != absent
		if f.dlqSet {
			ds := m.resolveDest(f.res, f, []string{"deadLetterConfig", "targetArn"}, "deadLetterConfig", slotDeadLetter)
			f.dlq = &ds
		}
	}
	for _, r := range ix.byType[tInvokeConfig] {
		c := &configModel{res: r}
		fr := ix.functionRef(r, "functionName")
		if fr.res != nil {
			c.fn = m.byRes[fr.res]
			c.fn.configs = append(c.fn.configs, c)
		} else {
			c.fnUnknown = fr.unknown
		}
		m.configDests(c)
		m.configs = append(m.configs, c)
	}
	m.buildMappings()
	m.buildAlarms()
	return m
}

// configDests resolves an invoke config's on-success and on-failure targets.
func (m *model) configDests(c *configModel) {
	r := c.res
	whole := valueOf(r, "destinationConfig")
	if whole.unknown() {
		// Which slots are set is unknown: only the targets it depends on
		// are known, without their slot.
		c.hasAny, c.hasFailure = true, true
		for _, t := range m.ix.depsOfType(r, "destinationConfig", destinationTypes...) {
			c.dests = append(c.dests, m.destFor(r, c.fn, "destinationConfig", slotEither, "", t))
		}
		return
	}
	succ := valueOf(r, "destinationConfig", "onSuccess", "destination")
	fail := valueOf(r, "destinationConfig", "onFailure", "destination")
	c.hasAny = succ.st != absent || fail.st != absent
	c.hasFailure = fail.st != absent
	var taken []*Resource
	var unknownSlots []lambdafacts.Slot
	for _, s := range []struct {
		v    val
		slot lambdafacts.Slot
	}{{succ, slotSuccess}, {fail, slotFailure}} {
		switch s.v.st {
		case known:
			d := m.resolveDest(r, c.fn, []string{"destinationConfig", slotKey(s.slot), "destination"}, "destinationConfig", s.slot)
			if d.res != nil {
				taken = append(taken, d.res)
			}
			c.dests = append(c.dests, d)
		case unknown:
			unknownSlots = append(unknownSlots, s.slot)
		}
	}
	if len(unknownSlots) == 0 {
		return
	}
	var cands []*Resource
	for _, t := range m.ix.depsOfType(r, "destinationConfig", destinationTypes...) {
		if !containsRes(taken, t) {
			cands = append(cands, t)
		}
	}
	if len(cands) > 1 {
		if byKind := m.slotsByComponentKinds(r, unknownSlots, cands); byKind != nil {
			for _, slot := range unknownSlots {
				c.dests = append(c.dests, m.destFor(r, c.fn, "destinationConfig."+slotKey(slot)+".destination", slot, "", byKind[slot]))
			}
			return
		}
	}
	switch {
	case len(cands) == 1:
		for _, slot := range unknownSlots {
			c.dests = append(c.dests, m.destFor(r, c.fn, "destinationConfig."+slotKey(slot)+".destination", slot, "", cands[0]))
		}
	case len(unknownSlots) == 1:
		c.dests = append(c.dests, dest{owner: r, fn: c.fn, slot: unknownSlots[0], field: "destinationConfig." + slotKey(unknownSlots[0]) + ".destination"})
	default:
		for _, t := range cands {
			c.dests = append(c.dests, m.destFor(r, c.fn, "destinationConfig", slotEither, "", t))
		}
	}
}

func containsRes(list []*Resource, r *Resource) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// resolveDest reads a destination input; depKey is the top-level input its
// property dependencies are recorded under.
func (m *model) resolveDest(owner *Resource, fn *fnModel, path []string, depKey string, slot lambdafacts.Slot) dest {
	field := strings.Join(path, ".")
	v := valueOf(owner, path...)
	if s, ok := v.str(); ok {
		d := m.destFor(owner, fn, field, slot, s, m.ix.target(owner, s))
		return d
	}
	if v.known() {
		return dest{owner: owner, fn: fn, slot: slot, field: field}
	}
	if c := m.ix.depsOfType(owner, depKey, destinationTypes...); len(c) == 1 {
		return m.destFor(owner, fn, field, slot, "", c[0])
	}
	return dest{owner: owner, fn: fn, slot: slot, field: field}
}

func (m *model) destFor(owner *Resource, fn *fnModel, field string, slot lambdafacts.Slot, value string, res *Resource) dest {
	d := dest{owner: owner, fn: fn, slot: slot, field: field, value: value, res: res}
	if a, ok := parseARN(value); ok {
		d.arn = value
		d.spec, _ = lambdafacts.KindOfARN(a)
	} else if strings.HasPrefix(value, "kafka://") {
		d.spec, _ = lambdafacts.KindOf(lambdafacts.KindKafka)
	}
	if res != nil {
		if d.arn == "" {
			d.arn = knownARN(res)
		}
		d.spec = kindOfType(res.Type)
	}
	return d
}

// destinations returns every destination and DLQ of f, and the on-failure
// destinations of the event source mappings invoking it.
func (f *fnModel) destinations() []dest {
	var out []dest
	for _, c := range f.configs {
		out = append(out, c.dests...)
	}
	for _, mm := range f.mappings {
		if mm.onFailure != nil {
			out = append(out, *mm.onFailure)
		}
	}
	if f.dlq != nil {
		out = append(out, *f.dlq)
	}
	return out
}

// routes reports whether f has a destination or DLQ (or may have one).
func (f *fnModel) routes() bool {
	if f.dlqSet {
		return true
	}
	for _, c := range f.configs {
		if c.hasAny {
			return true
		}
	}
	return false
}

// slotsByComponentKinds assigns the candidate targets of an invoke config
// made by an asyncroute component to its unknown slots by the kinds the
// component recorded for them (onSuccessKind, onFailureKind), when each
// slot's kind names exactly one candidate; nil otherwise.
func (m *model) slotsByComponentKinds(config *Resource, slots []lambdafacts.Slot, cands []*Resource) map[lambdafacts.Slot]*Resource {
	parent := m.ix.byURN[config.Parent]
	if parent == nil || !strings.HasPrefix(parent.Type, "asyncroute:") {
		return nil
	}
	out := map[lambdafacts.Slot]*Resource{}
	for _, slot := range slots {
		kind, ok := lookup(parent.Inputs, []string{slot.InputKey()}).str()
		if !ok {
			return nil
		}
		var match *Resource
		for _, c := range cands {
			if k := kindOfType(c.Type); k != nil && string(k.Kind) == kind {
				if match != nil {
					return nil
				}
				match = c
			}
		}
		if match == nil {
			return nil
		}
		out[slot] = match
	}
	return out
}
