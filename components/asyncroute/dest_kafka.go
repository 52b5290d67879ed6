package asyncroute

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// KindKafka is a Kafka topic as the on-failure destination of a Kafka event
// source mapping. It is written as a URI (kafka://<topic>), not an ARN, so
// it is not a kind [ARN] accepts.
const KindKafka Kind = "kafka"

// kafkaTopicKind is not registered with the ARN kinds: Lambda names the
// destination by URI.
var kafkaTopicKind = &kindSpec{
	kind:        KindKafka,
	label:       "Kafka topic",
	mapping:     true,
	kafkaOnly:   true,
	uri:         true,
	permissions: func(string) []Permission { return nil },
}

var kafkaTopicName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// KafkaTopic sends the records a Kafka event source mapping (Amazon MSK or
// self-managed Apache Kafka) could not process to a topic of the same
// cluster, a dead-letter topic: Lambda produces the failed records
// themselves, with failure metadata. Lambda writes the destination as
// kafka://<topic>.
//
// The topic must exist in the source cluster and must not be one of the
// mapping's source topics (Lambda refuses the loop; so does the component
// when Mapping.Topics is known at preview). For an MSK source the role gets
// kafka-cluster:WriteData on the topic's ARN (topic/<cluster>/<uuid>/<topic>,
// derived from the cluster ARN); a self-managed cluster authenticates
// Lambda through the mapping's source access configuration and needs no
// IAM grant.
type KafkaTopic struct {
	// Topic is the dead-letter topic's name.
	Topic string
}

func (d KafkaTopic) resolve(env *resolveEnv) (*target, error) {
	if !kafkaTopicName.MatchString(d.Topic) || d.Topic == "." || d.Topic == ".." {
		return nil, fmt.Errorf("KafkaTopic.Topic %q is not a Kafka topic name; allowed: 1 to 249 letters, digits, '.', '_' or '-'", d.Topic)
	}
	what := describe(kafkaTopicKind.label, d.Topic)
	uri := "kafka://" + d.Topic
	t := &target{spec: kafkaTopicKind, arn: fixedARN(pulumi.String(uri).ToStringOutput()), known: uri, describe: what}
	if src := env.source; src != nil && src.topicsIn != nil {
		topic := d.Topic
		err := t.checkWhenKnown(env, func(v []any) error {
			if isUnknown(v[0]) {
				return errNeedsValues
			}
			if list, _ := v[0].([]string); slices.Contains(list, topic) {
				return fmt.Errorf("%s is a source topic of this mapping, so failed records would be read again; allowed: another topic of the same cluster", what)
			}
			return nil
		}, src.topicsIn)
		if err != nil {
			return nil, err
		}
	}
	t.grantsAt = func(b *buildEnv, _ pulumi.StringOutput) []grant {
		if b.source == nil || !b.source.hasARN {
			return nil
		}
		topic := d.Topic
		return []grant{b.source.arn.ApplyT(func(cluster string) []Permission {
			a, err := parseARN(cluster)
			if err != nil || !strings.HasPrefix(a.resource, "cluster/") {
				return nil
			}
			res := "topic/" + strings.TrimPrefix(a.resource, "cluster/") + "/" + topic
			return actionsOn(regionalARN(a, "kafka", res), "kafka-cluster:WriteData")
		}).(pulumi.AnyOutput)}
	}
	return t, nil
}
