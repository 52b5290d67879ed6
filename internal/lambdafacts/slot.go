package lambdafacts

import "fmt"

// Slot is a place a destination may go.
type Slot string

// The slots of an invoke config, a function and an event source mapping.
const (
	SlotOnSuccess  Slot = "OnSuccess"  // invoke config, on success
	SlotOnFailure  Slot = "OnFailure"  // invoke config, on failure
	SlotDeadLetter Slot = "DeadLetter" // the function's dead-letter target
	SlotMapping    Slot = "Mapping"    // an event source mapping's on failure
)

// Slots lists the slots in their usual order.
var Slots = []Slot{SlotOnSuccess, SlotOnFailure, SlotDeadLetter, SlotMapping}

// Label names the slot in messages.
func (s Slot) Label() string {
	switch s {
	case SlotOnSuccess:
		return "on-success destination"
	case SlotOnFailure:
		return "on-failure destination"
	case SlotDeadLetter:
		return "dead-letter target"
	}
	return "on-failure destination"
}

// Property is where a raw stack holds the slot: the property path of the
// invoke config, function or event source mapping.
func (s Slot) Property() string {
	switch s {
	case SlotOnSuccess:
		return "destinationConfig.onSuccess.destination"
	case SlotOnFailure:
		return "destinationConfig.onFailure.destination"
	case SlotDeadLetter:
		return "deadLetterConfig.targetArn"
	}
	return "destinationConfig.onFailure.destinationArn"
}

// InputKey is the input in which an asyncroute component records the kind
// of the slot's target ("onSuccessKind", "onFailureKind", "deadLetterKind";
// a mapping's on-failure destination is "onFailureKind"), which policy
// checks read back.
func (s Slot) InputKey() string {
	switch s {
	case SlotOnSuccess:
		return "onSuccessKind"
	case SlotDeadLetter:
		return "deadLetterKind"
	}
	return "onFailureKind"
}

// Accepts reports whether the kind may go in the slot.
func (k *KindSpec) Accepts(s Slot) bool { return k.slots[s] }

// CheckUse rejects a kind in a slot where Lambda does not accept it. what
// names the target (`S3 bucket "failures"`); source is the mapping's
// source for SlotMapping (nil when not known).
func CheckUse(k *KindSpec, s Slot, source *SourceSpec, what string) error {
	switch {
	case s == SlotMapping && !k.slots[SlotMapping]:
		return fmt.Errorf("%s cannot receive an event source mapping's failure records; allowed: %s", what, MappingDestinations(source))
	case s == SlotMapping && k.kafkaOnly && source != nil && source.Kind != SourceKafka:
		return fmt.Errorf("%s can receive failure records of a Kafka source only, and this mapping reads %s; allowed: %s", what, WithArticle(source.Label), MappingDestinations(source))
	case s != SlotMapping && k.kafkaOnly:
		return fmt.Errorf("%s can be the on-failure destination of a Kafka event source mapping only; allowed: %s", what,
			KindList(func(x *KindSpec) bool { return x.slots[s] }))
	case s == SlotOnSuccess && !k.slots[s]:
		return fmt.Errorf("%s can receive failure records only; allowed on success: %s", what, KindList(func(x *KindSpec) bool { return x.slots[SlotOnSuccess] }))
	case s == SlotDeadLetter && !k.slots[s]:
		return fmt.Errorf("%s cannot be a dead-letter target; allowed: %s", what, KindList(func(x *KindSpec) bool { return x.slots[SlotDeadLetter] }))
	}
	return nil
}

// MappingDestinations lists what a mapping of source may send failures to.
func MappingDestinations(source *SourceSpec) string {
	list := KindList(func(k *KindSpec) bool { return k.slots[SlotMapping] })
	if source != nil && source.Kind == SourceKafka {
		list += ", " + kafkaKind.Label
	}
	return list
}

// SelfDestination is the error for a function that would be its own
// destination, named by what.
func SelfDestination(what string) error {
	return fmt.Errorf("%s is the function being configured; a function must not be its own destination", what)
}
