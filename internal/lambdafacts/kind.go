package lambdafacts

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Kind names a destination service. Its value is the service field of the
// target's ARN ("kafka" for a Kafka topic, which Lambda names by URI).
type Kind string

// The destination kinds Lambda accepts.
const (
	KindSQS         Kind = "sqs"    // standard SQS queue
	KindSNS         Kind = "sns"    // standard SNS topic
	KindLambda      Kind = "lambda" // Lambda function
	KindEventBridge Kind = "events" // EventBridge event bus
	KindS3          Kind = "s3"     // S3 bucket, on failure only
	// KindKafka is a topic of a Kafka event source mapping's own cluster,
	// its on-failure destination only; written kafka://<topic>.
	KindKafka Kind = "kafka"
)

// KindSpec is everything known about one destination kind. Each kind's
// file declares one.
type KindSpec struct {
	Kind  Kind
	Label string // "SQS queue"
	// slots are where the kind may go; kafkaOnly narrows SlotMapping to
	// mappings of a Kafka source.
	slots     map[Slot]bool
	kafkaOnly bool
	// URI says the destination is written as a URI (kafka://topic), not an
	// ARN, so no ARN check applies (CheckARN refuses every ARN); uriForm
	// is how the URI is written, for messages.
	URI     bool
	uriForm string
	// Keyed says the target may be encrypted with a customer-managed KMS key
	// that the sender must be allowed to use; KeyActions are what it needs
	// on that key, KeyGrants what a grant gives (a superset).
	Keyed                 bool
	KeyActions, KeyGrants []string
	// FIFO says the kind has FIFO variants, which Lambda refuses.
	FIFO bool
	// ResourceTypes are the Pulumi AWS type tokens of the kind's resources.
	ResourceTypes []string
	// FIFOFlag is the resource property that marks a FIFO queue or topic.
	FIFOFlag string
	// checkResource reports what is wrong with the resource part of an
	// ARN of this kind (wrong resource type, FIFO), or nil.
	checkResource func(a ARN) error
	// regional says the ARN has a region and an account.
	regional bool
	needs    func(arn string) []Permission
	grants   func(arn string) []Permission
}

var kinds = map[Kind]*KindSpec{}

// kindOrder is the order kinds are listed in messages.
var kindOrder = []Kind{KindSQS, KindSNS, KindLambda, KindEventBridge, KindS3, KindKafka}

func register(k *KindSpec) *KindSpec {
	kinds[k.Kind] = k
	return k
}

// KindOf returns the spec of a kind.
func KindOf(k Kind) (*KindSpec, bool) {
	s, ok := kinds[k]
	return s, ok
}

// Kinds lists every kind in message order.
func Kinds() []*KindSpec {
	out := make([]*KindSpec, 0, len(kindOrder))
	for _, k := range kindOrder {
		out = append(out, kinds[k])
	}
	return out
}

// byResourceType indexes the kinds by their resource types (filled on
// first use, after every kind has registered).
var byResourceType = sync.OnceValue(func() map[string]*KindSpec {
	m := map[string]*KindSpec{}
	for _, k := range Kinds() {
		for _, t := range k.ResourceTypes {
			m[t] = k
		}
	}
	return m
})

// KindOfResourceType returns the kind of a Pulumi AWS resource type, or nil.
func KindOfResourceType(typ string) *KindSpec { return byResourceType()[typ] }

// KindOfARN infers the destination kind from an ARN's service field.
func KindOfARN(a ARN) (*KindSpec, error) {
	if k, ok := kinds[Kind(a.Service)]; ok && !k.URI {
		return k, nil
	}
	return nil, fmt.Errorf("%q is an ARN of service %q, which cannot be a destination; allowed services: %s", a.String(), a.Service, AllowedServices())
}

// AllowedServices lists the services a destination ARN may name, sorted.
func AllowedServices() string {
	var names []string
	for _, k := range kinds {
		if !k.URI {
			names = append(names, string(k.Kind))
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// KindList renders the labels of the kinds keep accepts, for messages.
func KindList(keep func(*KindSpec) bool) string {
	var labels []string
	for _, k := range Kinds() {
		if !k.URI && keep(k) {
			labels = append(labels, k.Label)
		}
	}
	return strings.Join(labels, ", ")
}

// CheckARN checks a known ARN against the kind it must be: its service,
// its resource part (FIFO included) and that it names one concrete
// resource.
func (k *KindSpec) CheckARN(arn string) error {
	a, err := ParseARN(arn)
	if err != nil {
		return err
	}
	if k.URI {
		// No ARN names it (a Kafka topic is kafka://<topic>), so none passes.
		return fmt.Errorf("%q is an ARN, but a %s is named by URI, not by ARN; allowed: %s", arn, k.Label, k.uriForm)
	}
	if Kind(a.Service) != k.Kind {
		return fmt.Errorf("%q is not an ARN of kind %q (%s); allowed: arn:<partition>:%s:<region>:<account>:<resource>", arn, k.Kind, k.Label, k.Kind)
	}
	if err := k.checkResource(a); err != nil {
		return err
	}
	return checkConcrete(a, k.regional)
}

// Needs lists what Lambda checks that the execution role may do to deliver
// to the target with this ARN (not counting a customer-managed KMS key;
// see [KeyNeeds]).
func (k *KindSpec) Needs(arn string) []Permission { return k.needs(arn) }

// Grants lists what the components grant for the target with this ARN: its
// Needs, or a superset where Lambda calls a qualified ARN.
func (k *KindSpec) Grants(arn string) []Permission {
	if k.grants != nil {
		return k.grants(arn)
	}
	return k.needs(arn)
}

// FIFOProblem is the error for a FIFO queue or topic, named by what.
func FIFOProblem(what string) error {
	return fmt.Errorf("%s is FIFO; allowed: a standard SQS queue or SNS topic (Lambda rejects FIFO destinations and dead-letter targets)", what)
}

// Describe names a target in messages: its label and, if known, its name.
func Describe(label, name string) string {
	if name == "" {
		return label
	}
	return fmt.Sprintf("%s %q", label, name)
}

// WithArticle puts "a" or "an" before a kind's label, as it is read aloud
// ("an SQS queue", "a Lambda function").
func WithArticle(label string) string {
	if label != "" && strings.ContainsRune("AEIOSaeio", rune(label[0])) {
		return "an " + label
	}
	return "a " + label
}

// RequiredPermissions lists the permissions an execution role needs to
// deliver invocation records to the destination with this ARN (not
// counting a customer-managed KMS key; see [KeyNeeds]). The ARN must be
// one Lambda accepts as a destination.
func RequiredPermissions(arn string) ([]Permission, error) {
	a, err := ParseARN(arn)
	if err != nil {
		return nil, err
	}
	k, err := KindOfARN(a)
	if err != nil {
		return nil, err
	}
	if err := k.CheckARN(arn); err != nil {
		return nil, err
	}
	return k.Needs(arn), nil
}
