package lambdafacts

import (
	"fmt"
	"strings"

	"github.com/asyncroute/asyncroute/internal/doors"
)

// ARN is an Amazon Resource Name split into its six fields.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

func (a ARN) String() string {
	return strings.Join([]string{"arn", a.Partition, a.Service, a.Region, a.Account, a.Resource}, ":")
}

// Name is the last segment of the resource: the part after its last "/"
// or ":" (the whole resource when it has neither). It is the name of a
// queue, topic, role, bus or bucket; for a qualified function ARN it is the
// qualifier, so use [FunctionName] for functions.
func (a ARN) Name() string {
	if i := strings.LastIndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[i+1:]
	}
	return a.Resource
}

// Regional builds an ARN in a's partition, region and account.
func (a ARN) Regional(service, resource string) string {
	return ARN{Partition: a.Partition, Service: service, Region: a.Region, Account: a.Account, Resource: resource}.String()
}

// ParseARN splits s and rejects the usual mistakes made where an ARN is
// needed: a queue URL, a bare name, a malformed ARN.
func ParseARN(s string) (ARN, error) {
	switch {
	case s == "":
		return ARN{}, fmt.Errorf("the ARN is empty; pass a full ARN such as arn:aws:sqs:us-east-1:123456789012:my-queue")
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		return ARN{}, doors.Errorf("%q is a URL, not an ARN; pass the ARN (%s): arn:<partition>:sqs:<region>:<account>:<queue-name>", s, doors.Term(doors.QueueArnNotURL))
	case !strings.HasPrefix(s, "arn:"):
		return ARN{}, fmt.Errorf("%q is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>", s)
	}
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[1] == "" || f[2] == "" || f[5] == "" {
		return ARN{}, fmt.Errorf("%q is a malformed ARN; expected arn:<partition>:<service>:<region>:<account>:<resource>", s)
	}
	return ARN{Partition: f[1], Service: f[2], Region: f[3], Account: f[4], Resource: f[5]}, nil
}

// Partitions Lambda runs in, and a name for each in messages.
var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

// checkConcrete rejects an ARN that names more than one resource or no
// place: a wildcard anywhere (IAM would read it as a pattern and the grant
// would cover every match), an unknown partition, and, where the service
// has them, an empty region or account.
func checkConcrete(a ARN, regional bool) error {
	s := a.String()
	if i := strings.IndexAny(s, "*?"); i >= 0 {
		return fmt.Errorf("%q has the wildcard %q, so it names more than one resource (and a grant on it would cover them all); allowed: the ARN of one resource", s, s[i:i+1])
	}
	if !partitions[a.Partition] {
		return fmt.Errorf("%q is in partition %q, which is not an AWS partition; allowed: aws, aws-cn, aws-us-gov (or an isolated aws-iso* partition)", s, a.Partition)
	}
	if regional && (a.Region == "" || a.Account == "") {
		return fmt.Errorf("%q has no %s; allowed: the ARN of one resource, with its region and account: arn:%s:%s:<region>:<account>:%s", s, missing(a), a.Partition, a.Service, a.Resource)
	}
	return nil
}

func missing(a ARN) string {
	switch {
	case a.Region == "" && a.Account == "":
		return "region and no account"
	case a.Region == "":
		return "region"
	}
	return "account"
}

// CheckPartition rejects a target in another partition than the function
// that sends to it: Lambda cannot deliver across partitions. An empty
// partition (not known) passes.
func CheckPartition(target ARN, functionPartition string) error {
	if functionPartition == "" || target.Partition == functionPartition {
		return nil
	}
	return fmt.Errorf("%q is in partition %q but the function is in %q; Lambda cannot deliver across partitions; allowed: a target in partition %q", target.String(), target.Partition, functionPartition, functionPartition)
}
