package lambdafacts

import (
	"fmt"
	"strings"
)

// Place is where a function reference that does not say it all (a name,
// name:qualifier or a partial ARN) is resolved: the partition, region and
// account of the provider the referring resource is registered under.
// Provider identifies that provider ("" for the stack's default provider);
// a part AWS would take from it is "" when it is not known.
//
// AWS knows a function by its full ARN (API reference,
// PutFunctionEventInvokeConfig, FunctionName: a name, name:qualifier, a
// partial ARN 123456789012:function:name or a full ARN): two references
// name one function only when partition, account, region and name are all
// the same.
type Place struct {
	Provider                   string
	Partition, Region, Account string
}

// FunctionID is a function as AWS knows it. A part that is not known is
// "", and Provider says which provider a part came from when it was not
// written in the reference (see [Place]).
type FunctionID struct {
	Provider                         string
	Partition, Account, Region, Name string
	// fromPlace records which parts came from the place, not from the
	// reference: those of two IDs under one provider are the same even
	// when not known.
	fromPlace struct{ partition, account, region bool }
}

// In resolves a reference against the place of the resource that holds
// it: the parts the reference does not write are the place's.
func (r FunctionRef) In(p Place) FunctionID {
	id := FunctionID{Provider: p.Provider, Name: r.Name}
	id.Partition, id.fromPlace.partition = pick(r.partition(), p.Partition)
	id.Account, id.fromPlace.account = pick(r.Account, p.Account)
	id.Region, id.fromPlace.region = pick(r.region(), p.Region)
	return id
}

func pick(written, place string) (string, bool) {
	if written != "" {
		return written, false
	}
	return place, true
}

func (r FunctionRef) partition() string {
	if r.ARN != nil {
		return r.ARN.Partition
	}
	return ""
}

func (r FunctionRef) region() string {
	if r.ARN != nil {
		return r.ARN.Region
	}
	return ""
}

// Same reports whether a and b certainly name one function: the same name
// and, for each of partition, account and region, the same known value, or
// both taken from one provider (the same value, known or not). A part not
// known on either side makes them possibly different functions: never the
// same.
func (a FunctionID) Same(b FunctionID) bool {
	if a.Name == "" || a.Name != b.Name {
		return false
	}
	sameProvider := a.Provider == b.Provider
	part := func(x, y string, xPlace, yPlace bool) bool {
		if xPlace && yPlace && sameProvider {
			return true
		}
		return x != "" && x == y
	}
	return part(a.Partition, b.Partition, a.fromPlace.partition, b.fromPlace.partition) &&
		part(a.Account, b.Account, a.fromPlace.account, b.fromPlace.account) &&
		part(a.Region, b.Region, a.fromPlace.region, b.fromPlace.region)
}

// String renders the ID as an ARN, with <unknown> for parts not known.
func (a FunctionID) String() string {
	or := func(s string) string {
		if s == "" {
			return "<unknown>"
		}
		return s
	}
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", or(a.Partition), or(a.Region), or(a.Account), a.Name)
}

// PartitionOfRegion is the partition of a region ("" for "").
func PartitionOfRegion(region string) string {
	switch {
	case region == "":
		return ""
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// Deployed is the identity of a function resource registered under the
// provider of place: its name, and the partition, account and region of
// its ARN when known (arn ""), else the place's. Every part is its
// provider's, so a reference resolved in the same place names it even
// when a part is not known.
func Deployed(name string, p Place, arn string) FunctionID {
	id := FunctionID{Provider: p.Provider, Name: name, Partition: p.Partition, Account: p.Account, Region: p.Region}
	if a, err := ParseARN(arn); err == nil && arn != "" {
		id.Partition, id.Account, id.Region = a.Partition, a.Account, a.Region
		if n, ok := FunctionName(a); ok {
			id.Name = n
		}
	}
	id.fromPlace.partition, id.fromPlace.account, id.fromPlace.region = true, true, true
	return id
}
