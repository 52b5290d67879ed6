package fakeaws

import (
	"fmt"
	"testing"
	"time"

	"github.com/asyncroute/asyncroute/internal/stackgraph"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Records as the provider stores them, for state-level tests.

func qArn(name string) string  { return "arn:aws:sqs:us-east-1:" + Account + ":" + name }
func tArn(name string) string  { return "arn:aws:sns:us-east-1:" + Account + ":" + name }
func fnArn(name string) string { return "arn:aws:lambda:us-east-1:" + Account + ":function:" + name }
func keyArn(id string) string  { return "arn:aws:kms:us-east-1:" + Account + ":key/" + id }

func rec(typ, name, id string, in map[string]any, outs map[string]any) *Record {
	all := map[string]any{}
	for k, v := range in {
		all[k] = v
	}
	for k, v := range outs {
		all[k] = v
	}
	return &Record{Type: typ, URN: testURN(typ, name), ID: id, Inputs: in, Outputs: all}
}

func roleRec(name string) *Record {
	return rec(typeRole, name, name, map[string]any{"name": name}, map[string]any{"arn": roleArn("/", name)})
}

func policyRec(role, name string, pairs ...[2]string) *Record {
	return rec(typeRolePolicy, name, role+":"+name, map[string]any{"role": role, "name": name, "policy": policyJSON(pairs...)}, nil)
}

func fnRec(name, role, deadLetter string) *Record {
	in := map[string]any{"name": name, "role": roleArn("/", role)}
	if deadLetter != "" {
		in["deadLetterConfig"] = map[string]any{"targetArn": deadLetter}
	}
	return rec(typeFunction, name, name, in, map[string]any{"arn": fnArn(name)})
}

func configRec(fn, onSuccess, onFailure string) *Record {
	dc := map[string]any{}
	if onSuccess != "" {
		dc["onSuccess"] = map[string]any{"destination": onSuccess}
	}
	if onFailure != "" {
		dc["onFailure"] = map[string]any{"destination": onFailure}
	}
	return rec(typeInvokeConfig, fn+"-async-config", fn+":$LATEST", map[string]any{"functionName": fn, "qualifier": "$LATEST", "destinationConfig": dc}, nil)
}

func mappingRec(name, fn, source, onFailure string) *Record {
	return rec(typeMapping, name, "uuid-"+name, map[string]any{"functionName": fn, "eventSourceArn": source,
		"destinationConfig": map[string]any{"onFailure": map[string]any{"destinationArn": onFailure}}}, nil)
}

func queueRec(name, key string) *Record {
	in := map[string]any{"name": name}
	if key != "" {
		in["kmsMasterKeyId"] = key
	}
	return rec(typeQueue, name, "https://sqs.us-east-1.amazonaws.com/"+Account+"/"+name, in, map[string]any{"arn": qArn(name)})
}

func topicRec(name, key string) *Record {
	in := map[string]any{"name": name}
	if key != "" {
		in["kmsMasterKeyId"] = key
	}
	return rec(typeTopic, name, tArn(name), in, map[string]any{"arn": tArn(name)})
}

// Mutations of a sequence.
type mutation func(*State)

func put(r *Record) mutation { return func(s *State) { s.put(r) } }
func del(r *Record) mutation { return func(s *State) { s.remove(r.Type, r.ID) } }
func both(ms ...mutation) mutation { // one mutation made of several changes
	return func(s *State) {
		for _, m := range ms {
			m(s)
		}
	}
}

// wantWindow is a window by the indexes of the mutations that opened and
// closed it (closed -1: still open).
type wantWindow struct {
	owner, field, target string
	missing              []string
	role                 string
	opened, closed       int
}

var (
	sqsSend = [2]string{"sqs:SendMessage", qArn("q")}
	kmsAll  = [][2]string{{"kms:GenerateDataKey*", keyArn("k1")}, {"kms:Decrypt", keyArn("k1")}}
)

const (
	onSuccess = "destinationConfig.onSuccess.destination"
	onFailure = "destinationConfig.onFailure.destination"
	dlqField  = "deadLetterConfig.targetArn"
	esmField  = "destinationConfig.onFailure.destinationArn"
)

func TestWindows(t *testing.T) {
	base := []mutation{put(roleRec("r")), put(fnRec("f", "r", "")), put(queueRec("q", ""))} // mutations 0-2
	withBase := func(ms ...mutation) []mutation { return append(append([]mutation{}, base...), ms...) }
	kmsPolicy := policyRec("r", "p", append([][2]string{sqsSend}, kmsAll...)...)

	cases := []struct {
		name  string
		steps []mutation
		want  []wantWindow
	}{
		{"grant stored before the config: no window",
			withBase(put(policyRec("r", "p", sqsSend)), put(configRec("f", "", qArn("q")))), nil},
		{"config stored before its grant",
			withBase(put(configRec("f", "", qArn("q"))), put(policyRec("r", "p", sqsSend))),
			[]wantWindow{{"f-async-config", onFailure, qArn("q"), []string{"sqs:SendMessage"}, "r", 3, 4}}},
		{"grant dropped before the config stops using the target",
			withBase(put(queueRec("q2", "")),
				put(policyRec("r", "p", sqsSend, [2]string{"sqs:SendMessage", qArn("q2")})), // 4
				put(configRec("f", qArn("q"), qArn("q2"))),                                  // 5
				put(policyRec("r", "p", [2]string{"sqs:SendMessage", qArn("q2")})),          // 6 opens
				put(configRec("f", "", qArn("q2")))),                                        // 7 closes
			[]wantWindow{{"f-async-config", onSuccess, qArn("q"), []string{"sqs:SendMessage"}, "r", 6, 7}}},
		{"config stops using the target before the grant goes: no window",
			withBase(put(queueRec("q2", "")),
				put(policyRec("r", "p", sqsSend, [2]string{"sqs:SendMessage", qArn("q2")})),
				put(configRec("f", qArn("q"), qArn("q2"))),
				put(configRec("f", "", qArn("q2"))),
				put(policyRec("r", "p", [2]string{"sqs:SendMessage", qArn("q2")})),
				del(queueRec("q", ""))), nil},
		{"switch to another role before it is granted",
			withBase(put(roleRec("r2")), put(policyRec("r", "p", sqsSend)), put(configRec("f", "", qArn("q"))), // 3-5
				put(fnRec("f", "r2", "")),           // 6 opens on r2
				put(policyRec("r2", "p2", sqsSend)), // 7 closes
				del(policyRec("r", "p", sqsSend))),  // 8 nothing: r is no longer used
			[]wantWindow{{"f-async-config", onFailure, qArn("q"), []string{"sqs:SendMessage"}, "r2", 6, 7}}},
		{"customer key without its grant, then the missing actions change",
			[]mutation{put(roleRec("r")), put(fnRec("f", "r", "")), put(queueRec("q", "k1")), // 0-2
				put(policyRec("r", "p", sqsSend)),  // 3
				put(configRec("f", "", qArn("q"))), // 4 opens: KMS missing
				del(policyRec("r", "p")),           // 5 closes and opens: everything missing
				put(kmsPolicy)},                    // 6 closes
			[]wantWindow{
				{"f-async-config", onFailure, qArn("q"), []string{"kms:Decrypt", "kms:GenerateDataKey"}, "r", 4, 5},
				{"f-async-config", onFailure, qArn("q"), []string{"kms:Decrypt", "kms:GenerateDataKey", "sqs:SendMessage"}, "r", 5, 6},
			}},
		{"a key added to a live destination queue before its grant",
			withBase(put(policyRec("r", "p", sqsSend)), put(configRec("f", "", qArn("q"))), // 3-4
				put(queueRec("q", "k1")), // 5 opens
				put(kmsPolicy),           // 6 closes
				put(queueRec("q", "")),   // 7 key removed: still permitted
				put(policyRec("r", "p", sqsSend))),
			[]wantWindow{{"f-async-config", onFailure, qArn("q"), []string{"kms:Decrypt", "kms:GenerateDataKey"}, "r", 5, 6}}},
		{"key id of a queue becomes the key ARN in the queue's region",
			[]mutation{put(roleRec("r")), put(fnRec("f", "r", "")), put(queueRec("q", "k1")),
				put(kmsPolicy), put(configRec("f", "", qArn("q")))}, nil},
		{"key ARN of a topic",
			[]mutation{put(roleRec("r")), put(fnRec("f", "r", "")), put(topicRec("t", keyArn("k1"))),
				put(policyRec("r", "p", [2]string{"sns:Publish", tArn("t")}, kmsAll[0])), // Decrypt missing
				put(configRec("f", tArn("t"), ""))},
			[]wantWindow{{"f-async-config", onSuccess, tArn("t"), []string{"kms:Decrypt"}, "r", 4, -1}}},
		{"AWS-managed keys and aliases need no grant",
			[]mutation{put(roleRec("r")), put(fnRec("f", "r", "")), put(queueRec("q", "alias/aws/sqs")), put(topicRec("t", "alias/aws/sns")),
				put(policyRec("r", "p", sqsSend, [2]string{"sns:Publish", tArn("t")})), put(configRec("f", qArn("q"), tArn("t")))}, nil},
		{"dead-letter target set before its grant, then removed",
			[]mutation{put(roleRec("r")), put(topicRec("t", "")),
				put(fnRec("f", "r", tArn("t"))), // 2 opens
				put(fnRec("f", "r", ""))},       // 3 closes: the function stops using it
			[]wantWindow{{"f", dlqField, tArn("t"), []string{"sns:Publish"}, "r", 2, 3}}},
		{"mapping's on-failure destination, closed by the mapping's delete",
			withBase(put(mappingRec("m", "f", "arn:aws:kinesis:us-east-1:"+Account+":stream/s", qArn("q"))), // 3 opens
				del(mappingRec("m", "", "", ""))), // 4 closes
			[]wantWindow{{"m", esmField, qArn("q"), []string{"sqs:SendMessage"}, "r", 3, 4}}},
		{"function deleted: its routes are no longer live",
			withBase(put(configRec("f", "", qArn("q"))), del(fnRec("f", "r", ""))),
			[]wantWindow{{"f-async-config", onFailure, qArn("q"), []string{"sqs:SendMessage"}, "r", 3, 4}}},
		{"role policy replaced create-before-delete: no window",
			withBase(put(policyRec("r", "p-1111111", sqsSend)), put(configRec("f", "", qArn("q"))),
				put(policyRec("r", "p-2222222", sqsSend)), del(policyRec("r", "p-1111111"))), nil},
		{"role policy replaced delete-before-create",
			withBase(put(policyRec("r", "p-1111111", sqsSend)), put(configRec("f", "", qArn("q"))),
				del(policyRec("r", "p-1111111")),           // 5 opens
				put(policyRec("r", "p-2222222", sqsSend))), // 6 closes
			[]wantWindow{{"f-async-config", onFailure, qArn("q"), []string{"sqs:SendMessage"}, "r", 5, 6}}},
		{"Lambda, EventBridge and S3 targets",
			withBase(put(fnRec("g", "r", "")),
				put(policyRec("r", "p", [2]string{"lambda:InvokeFunction", fnArn("g")}, [2]string{"lambda:InvokeFunction", fnArn("g") + ":*"},
					[2]string{"events:PutEvents", "arn:aws:events:us-east-1:" + Account + ":event-bus/default"},
					[2]string{"s3:PutObject", "arn:aws:s3:::b/*"})),
				put(configRec("f", fnArn("g")+":live", "arn:aws:s3:::b")),
				put(configRec("f", fnArn("g"), "arn:aws:events:us-east-1:"+Account+":event-bus/default")),
				put(configRec("f", "", "arn:aws:events:us-east-1:"+Account+":event-bus/other"))), // 7 opens
			[]wantWindow{{"f-async-config", onFailure, "arn:aws:events:us-east-1:" + Account + ":event-bus/other", []string{"events:PutEvents"}, "r", 7, -1}}},
		{"one mutation that both fixes and breaks",
			withBase(put(queueRec("q2", "")), put(policyRec("r", "p", sqsSend)), put(configRec("f", "", qArn("q"))), // 3-5
				both(put(configRec("f", "", qArn("q2"))), put(configRec("g", "", qArn("q"))))), // 6 opens for q2; g has no function
			[]wantWindow{{"f-async-config", onFailure, qArn("q2"), []string{"sqs:SendMessage"}, "r", 6, -1}}},
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &State{}
			for i, m := range c.steps {
				m(s)
				s.recordWindows(at(i), fmt.Sprintf("mutation %d", i))
			}
			var got []wantWindow
			for _, w := range s.Windows {
				g := wantWindow{owner: stackgraph.NameFromURN(w.OwnerURN), field: w.Field, target: w.Target, missing: w.Missing,
					role: w.Role[len("arn:aws:iam::"+Account+":role/"):], opened: int(w.Start.Sub(t0) / time.Second), closed: -1}
				assert.Equal(t, fmt.Sprintf("mutation %d", g.opened), w.OpenedBy)
				if w.End != nil {
					g.closed = int(w.End.Sub(t0) / time.Second)
					assert.Equal(t, fmt.Sprintf("mutation %d", g.closed), w.ClosedBy)
				} else {
					assert.Empty(t, w.ClosedBy)
				}
				got = append(got, g)
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestKMSNeed(t *testing.T) {
	cases := []struct {
		key, target, want string
	}{
		{"", qArn("q"), ""},
		{"<unknown>", qArn("q"), ""},
		{"alias/aws/sqs", qArn("q"), ""},
		{"alias/aws/sns", tArn("t"), ""},
		{"arn:aws:kms:us-east-1:" + Account + ":alias/aws/sqs", qArn("q"), ""},
		{"alias/custom", qArn("q"), ""}, // not resolvable by the double
		{"arn:aws:kms:us-east-1:" + Account + ":alias/custom", qArn("q"), ""},
		{"1234abcd-12ab-34cd-56ef-1234567890ab", qArn("q"), keyArn("1234abcd-12ab-34cd-56ef-1234567890ab")},
		{"k1", "arn:aws:sqs:eu-west-1:210987654321:q", "arn:aws:kms:eu-west-1:210987654321:key/k1"},
		{"k1", "arn:aws-us-gov:sns:us-gov-west-1:" + Account + ":t", "arn:aws-us-gov:kms:us-gov-west-1:" + Account + ":key/k1"},
		{keyArn("k2"), "arn:aws:sqs:eu-west-1:210987654321:q", keyArn("k2")},
	}
	for _, c := range cases {
		needs := kmsNeeds(c.key, c.target)
		if c.want == "" {
			assert.Empty(t, needs, "%q", c.key)
			continue
		}
		assert.Equal(t, []need{{"kms:GenerateDataKey", "GenerateDataKey", c.want}, {"kms:Decrypt", "Decrypt", c.want}}, needs, "%q", c.key)
	}

	// Through the state: only stored queues and topics are looked up.
	s := &State{Resources: []*Record{queueRec("q", "k1"), topicRec("t", "")}}
	for target, want := range map[string][]string{
		qArn("q"):     {"kms:Decrypt", "kms:GenerateDataKey", "sqs:SendMessage"},
		qArn("other"): {"sqs:SendMessage"},
		tArn("t"):     {"sns:Publish"},
	} {
		needs, err := s.deliveryNeeds(target)
		require.NoError(t, err)
		assert.Equal(t, want, missingActions(nil, needs), target)
	}
	// kms:GenerateDataKey* in a policy allows kms:GenerateDataKey.
	needs, err := s.deliveryNeeds(qArn("q"))
	require.NoError(t, err)
	assert.Empty(t, missingActions([]string{policyJSON(append([][2]string{sqsSend}, kmsAll...)...)}, needs))
}
