package asyncroute

import (
	"fmt"
	"slices"

	"github.com/asyncroute/asyncroute/components/asyncroute/internal/phase"
	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// KafkaTopic sends the records a Kafka event source mapping (Amazon MSK or
// self-managed Apache Kafka) could not process to a topic of the same
// cluster, a dead-letter topic: Lambda produces the failed records
// themselves, with failure metadata. Lambda writes the destination as
// kafka://<topic>.
//
// The topic must exist in the source cluster and must not be one of the
// mapping's source topics (Lambda refuses the loop; so does the component
// when Mapping.Topics is known). For an MSK source the role gets
// kafka-cluster:WriteData on the topic's ARN (topic/<cluster>/<uuid>/<topic>,
// derived from the cluster ARN); a self-managed cluster authenticates
// Lambda through the mapping's source access configuration and needs no
// IAM grant.
type KafkaTopic struct {
	// Topic is the dead-letter topic's name.
	Topic string
}

// kafkaRoute is a Kafka topic's URI; its grant comes from the mapping's
// cluster.
type kafkaRoute struct{ topic string }

func (r kafkaRoute) build(*buildEnv, *routeUse) (pulumi.StringOutput, error) {
	return pulumi.String(lambdafacts.KafkaTopicURI(r.topic)).ToStringOutput(), nil
}

func (r kafkaRoute) grants(b *buildEnv, _ pulumi.StringOutput) []grant {
	if b.source == nil || !b.source.hasARN {
		return nil
	}
	return []grant{grantOf(b.source.arn, func(cluster string) []Permission { return lambdafacts.KafkaTopicNeeds(cluster, r.topic) })}
}

func (d KafkaTopic) resolve(env *resolveEnv) (*target, error) {
	if err := lambdafacts.CheckKafkaTopic(d.Topic); err != nil {
		return nil, err
	}
	spec, _ := lambdafacts.KindOf(KindKafka)
	what := lambdafacts.Describe(spec.Label, d.Topic)
	t := &target{spec: spec, route: kafkaRoute{d.Topic}, known: lambdafacts.KafkaTopicURI(d.Topic), describe: what, fromResource: true}
	if src := env.source; src != nil && src.topicsIn != nil {
		topic := d.Topic
		err := t.later.Now(env.ctx, phase.Known(func(v []any) error {
			if list, _ := v[0].([]string); slices.Contains(list, topic) {
				return fmt.Errorf("%s is a source topic of this mapping, so failed records would be read again; allowed: another topic of the same cluster", what)
			}
			return nil
		}), src.topicsIn)
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}
