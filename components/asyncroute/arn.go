package asyncroute

import (
	"fmt"
	"sort"
	"strings"
)

// arnParts is an Amazon Resource Name split into its six fields.
type arnParts struct {
	partition, service, region, account, resource string
}

func (a arnParts) String() string {
	return strings.Join([]string{"arn", a.partition, a.service, a.region, a.account, a.resource}, ":")
}

// parseARN splits s and rejects the usual mistakes made where an ARN is
// needed: a queue URL, a bare name, a malformed ARN.
func parseARN(s string) (arnParts, error) {
	switch {
	case s == "":
		return arnParts{}, fmt.Errorf("the ARN is empty; pass a full ARN such as arn:aws:sqs:us-east-1:123456789012:my-queue")
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		return arnParts{}, fmt.Errorf("%q is a URL, not an ARN; pass the ARN (for a queue, queue.Arn, not queue.Url): arn:<partition>:sqs:<region>:<account>:<queue-name>", s)
	case !strings.HasPrefix(s, "arn:"):
		return arnParts{}, fmt.Errorf("%q is not an ARN (a bare name?); pass the full ARN arn:<partition>:<service>:<region>:<account>:<resource>", s)
	}
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[1] == "" || f[2] == "" || f[5] == "" {
		return arnParts{}, fmt.Errorf("%q is a malformed ARN; expected arn:<partition>:<service>:<region>:<account>:<resource>", s)
	}
	return arnParts{partition: f[1], service: f[2], region: f[3], account: f[4], resource: f[5]}, nil
}

// kindOfARN infers the destination kind from an ARN's service field.
func kindOfARN(a arnParts) (*kindSpec, error) {
	if k, ok := kinds[Kind(a.service)]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%q is an ARN of service %q, which cannot be a destination; allowed services: %s", a.String(), a.service, allowedServices())
}

func allowedServices() string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, string(k))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// regionalARN builds an ARN in the same partition, region and account as a.
func regionalARN(a arnParts, service, resource string) string {
	return arnParts{partition: a.partition, service: service, region: a.region, account: a.account, resource: resource}.String()
}
