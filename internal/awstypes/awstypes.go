// Package awstypes is the one table of the AWS resource types the library
// reads or fakes: for each type, its Pulumi type token, how people call it,
// how the offline plan's diagram draws it, which of its inputs name it, the
// ARN AWS gives it and the outputs AWS assigns when it creates it (which a
// preview does not know). The rules (package asyncpolicy), the planner
// (package plan), the simulator (package simulate), the mock monitor
// (internal/mockmonitor) and the test helpers read it.
//
// The test-double provider (tests/fakeaws) keeps its own per-type specs on
// purpose: it is the independent oracle the engine tests compare the
// library with, so it must be able to disagree.
package awstypes

import (
	"fmt"
	"strings"
)

// Type is one AWS resource type.
type Type struct {
	// Token is the Pulumi type token.
	Token string
	// Label is how messages, the plan and the simulator name the type
	// ("SQS queue").
	Label string
	// Shape is the Mermaid node shape the diagram draws it with, as its
	// opening and closing brackets; zero when the diagram does not draw
	// the type as a node of its own.
	Shape Shape
	// NameKey is the input holding the physical name ("name", "bucket",
	// "statementId"); "" for types without one.
	NameKey string
	// Computed are the outputs AWS assigns on create: unknown in a preview
	// of a new stack.
	Computed []string
	// PolicyInputs are the inputs that hold an IAM policy document.
	PolicyInputs []string
	// fake returns the id and the outputs AWS would add for a resource
	// created in f's place (the mock monitor's answer).
	fake func(f Faker, r Resource) (id string, outs map[string]any)
}

// Shape is a Mermaid node shape: its opening and closing brackets.
type Shape struct{ Open, Close string }

// Resource is what a fake needs of a resource: its URN, logical name and
// inputs (plain values).
type Resource struct {
	URN, Name string
	Inputs    map[string]any
}

// Place is where a resource is created: account, region, and the
// partition and DNS suffix that follow from the region.
type Place struct {
	Account, Region, Partition, DNSSuffix string
	// ReverseDNSPrefix is the partition's reversed DNS suffix
	// (com.amazonaws), as aws.getPartition reports it.
	ReverseDNSPrefix string
}

// PlaceIn derives the partition and DNS suffix of a region.
func PlaceIn(account, region string) Place {
	p := Place{Account: account, Region: region, Partition: "aws", DNSSuffix: "amazonaws.com", ReverseDNSPrefix: "com.amazonaws"}
	switch {
	case strings.HasPrefix(region, "cn-"):
		p.Partition, p.DNSSuffix, p.ReverseDNSPrefix = "aws-cn", "amazonaws.com.cn", "cn.com.amazonaws"
	case strings.HasPrefix(region, "us-gov-"):
		p.Partition = "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		p.Partition, p.DNSSuffix, p.ReverseDNSPrefix = "aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s"
	case strings.HasPrefix(region, "us-iso-"):
		p.Partition, p.DNSSuffix, p.ReverseDNSPrefix = "aws-iso", "c2s.ic.gov", "gov.ic.c2s"
	}
	return p
}

// ARN renders a regional ARN in the place's account.
func (p Place) ARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", p.Partition, service, p.Region, p.Account, resource)
}

// Global renders the ARN of a resource of a global service (IAM; S3,
// which has no account either).
func (p Place) Global(service, account, resource string) string {
	return fmt.Sprintf("arn:%s:%s::%s:%s", p.Partition, service, account, resource)
}

// IsComputed says whether AWS assigns output key on create.
func (t *Type) IsComputed(key string) bool {
	if t == nil {
		return false
	}
	for _, k := range t.Computed {
		if k == key {
			return true
		}
	}
	return false
}

// Faker makes up what AWS assigns: where, and the stand-in for Pulumi's
// random auto-name suffix (deterministic, from the URN).
type Faker struct {
	Place
	Suffix func(urn string) string
}

// Fake returns the id and outputs AWS would give r; a type without a fake
// (or not in the table: t nil) gets an id from its name and no outputs.
func (t *Type) Fake(f Faker, r Resource) (string, map[string]any) {
	if t == nil || t.fake == nil {
		return r.Name + "-" + f.Suffix(r.URN), nil
	}
	return t.fake(f, r)
}

// PhysicalName is what Pulumi's auto-naming calls r: the name input given
// (key), else namePrefix plus a suffix, else the logical name plus one.
func (f Faker) PhysicalName(r Resource, key string) string {
	if n := Str(r.Inputs, key); n != "" {
		return n
	}
	if p := Str(r.Inputs, "namePrefix"); p != "" {
		return p + f.Suffix(r.URN)
	}
	return r.Name + "-" + f.Suffix(r.URN)
}

// UUID is a deterministic UUID-shaped id for r; salt tells ids of
// different kinds apart.
func (f Faker) UUID(r Resource, salt string) string {
	h := f.Suffix(r.URN)
	for _, c := range salt {
		h += f.Suffix(r.URN + string(c))
	}
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// Str is m[k] as a string, "" when it is not one.
func Str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

var byToken = map[string]*Type{}

func register(t *Type) *Type {
	if _, dup := byToken[t.Token]; dup {
		panic("awstypes: " + t.Token + " registered twice")
	}
	byToken[t.Token] = t
	return t
}

// Of returns the type of a token, or nil when the table has none.
func Of(token string) *Type { return byToken[token] }

// LabelOf is a token's label, or the token itself.
func LabelOf(token string) string {
	if t := Of(token); t != nil {
		return t.Label
	}
	return token
}
