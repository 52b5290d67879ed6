package lambdafacts

import (
	"regexp"
	"strings"

	"github.com/asyncroute/asyncroute/internal/doors"
)

var kafkaKind = register(&KindSpec{
	Kind:      KindKafka,
	Label:     "Kafka topic",
	slots:     map[Slot]bool{SlotMapping: true},
	kafkaOnly: true,
	URI:       true,
	uriForm:   "kafka://<topic>",
	needs:     func(string) []Permission { return nil },
})

var kafkaTopicName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// CheckKafkaTopic checks a Kafka topic name.
func CheckKafkaTopic(topic string) error {
	if !kafkaTopicName.MatchString(topic) || topic == "." || topic == ".." {
		return doors.Errorf("%s %q is not a Kafka topic name; allowed: 1 to 249 letters, digits, '.', '_' or '-'", doors.Field("KafkaTopic.Topic"), topic)
	}
	return nil
}

// KafkaTopicURI is how Lambda names a Kafka topic destination.
func KafkaTopicURI(topic string) string { return "kafka://" + topic }

// KafkaTopicNeeds lists what the role needs to write failed records to a
// topic of an Amazon MSK cluster (a self-managed cluster authenticates
// Lambda through the mapping's source access configuration: nothing).
func KafkaTopicNeeds(clusterARN, topic string) []Permission {
	a, err := ParseARN(clusterARN)
	if err != nil || !strings.HasPrefix(a.Resource, "cluster/") {
		return nil
	}
	res := "topic/" + strings.TrimPrefix(a.Resource, "cluster/") + "/" + topic
	return ActionsOn(a.Regional("kafka", res), "kafka-cluster:WriteData")
}
