package lambdafacts_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// arnSeeds are ARNs of every kind and source, the usual mistakes and the
// holes of issue 10; the committed corpus (testdata/fuzz) adds the
// regressions.
var arnSeeds = []string{
	"arn:aws:sqs:us-east-1:123456789012:jobs",
	"arn:aws:sqs:us-east-1:123456789012:jobs.fifo",
	"arn:aws:sqs:us-east-1:123456789012:*",
	"arn:aws:sqs::123456789012:jobs",
	"arn:aws-cn:sqs:cn-north-1:123456789012:jobs",
	"arn:aws:sns:us-east-1:123456789012:alerts",
	"arn:aws:sns:us-east-1:123456789012:alerts:6b0e71bd-7e97-4d97-80ce-4a0994e55286",
	"arn:aws:lambda:us-east-1:123456789012:function:next",
	"arn:aws:lambda:us-east-1:123456789012:function:next:live",
	"arn:aws:lambda:us-east-1:123456789012:function:next:7",
	"arn:aws:lambda:us-east-1:123456789012:function:next:$LATEST",
	"arn:aws:events:us-east-1:123456789012:event-bus/default",
	"arn:aws:events:us-east-1:123456789012:rule/r",
	"arn:aws:s3:::failures",
	"arn:aws:s3:::failures/key",
	"arn:aws:kafka:us-east-1:123456789012:cluster/c/0b0b0b0b-0b0b-0b0b-0b0b-0b0b0b0b0b0b-1",
	"arn:aws:kinesis:us-east-1:123456789012:stream/s",
	"arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1700000000",
	"arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000",
	"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"arn:aws:kms:us-east-1:123456789012:alias/aws/sqs",
	"https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
	"kafka://topic",
	"jobs",
	"arn:",
	"",
}

// FuzzARN feeds arbitrary strings to the ARN parser, kind detection, every
// kind's CheckARN, RequiredPermissions, the grants and the source checks.
// None may panic. An ARN that parses prints back as itself; an ARN a kind
// accepts names one concrete resource of that kind; every permission
// asked for it is on that ARN or on one derived from it, with no wildcard
// but the documented ones (a Lambda grant's <function>:* and an S3
// bucket's <bucket>/*).
func FuzzARN(f *testing.F) {
	for _, s := range arnSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := lambdafacts.ParseARN(s)
		if err == nil {
			checkParsed(t, s, a)
		}
		kind, kerr := lambdafacts.KindOfARN(a)
		if err == nil && kerr == nil && (string(kind.Kind) != a.Service || kind.URI) {
			t.Fatalf("KindOfARN(%q) = %q", s, kind.Kind)
		}
		accepted := 0
		for _, k := range lambdafacts.Kinds() {
			if k.CheckARN(s) != nil {
				continue
			}
			accepted++
			checkAccepted(t, s, k)
		}
		if accepted > 1 {
			t.Fatalf("%q is accepted by %d kinds", s, accepted)
		}
		perms, perr := lambdafacts.RequiredPermissions(s)
		if (perr == nil) != (accepted == 1) {
			t.Fatalf("RequiredPermissions(%q): error %v, but %d kinds accept it", s, perr, accepted)
		}
		if perr == nil {
			k, _ := lambdafacts.KindOfARN(a)
			if want := referenceNeeds(k.Kind, s); !samePermissions(perms, want) {
				t.Fatalf("RequiredPermissions(%q) = %v, want %v", s, perms, want)
			}
		}
		checkSource(t, s)
		lambdafacts.UnqualifiedFunctionARN(s)
		lambdafacts.CheckKeyRef("X", s, lambdafacts.AWSManagedSQSKey)
		_ = lambdafacts.CheckKeyARN("Key", s)
		_, _ = lambdafacts.KeyARN(s, "arn:aws:s3:::b", "us-east-1", "123456789012")
		_, _ = lambdafacts.KeyARN("k", s, "", "")
		lambdafacts.KafkaTopicNeeds(s, "t")
		_ = lambdafacts.CheckKafkaTopic(s)
	})
}

func checkParsed(t *testing.T, s string, a lambdafacts.ARN) {
	t.Helper()
	if a.String() != s {
		t.Fatalf("ParseARN(%q).String() = %q", s, a.String())
	}
	if a.Partition == "" || a.Service == "" || a.Resource == "" {
		t.Fatalf("ParseARN(%q) = %#v has an empty partition, service or resource", s, a)
	}
	for _, f := range []string{a.Partition, a.Service, a.Region, a.Account} {
		if strings.Contains(f, ":") {
			t.Fatalf("ParseARN(%q) = %#v: a field before the resource holds a colon", s, a)
		}
	}
}

var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

// checkAccepted holds for an ARN kind k accepts: it names one resource of
// kind k, and what is needed and granted for it stays on it.
func checkAccepted(t *testing.T, s string, k *lambdafacts.KindSpec) {
	t.Helper()
	a, err := lambdafacts.ParseARN(s)
	if err != nil {
		t.Fatalf("%s accepts %q, which does not parse: %v", k.Kind, s, err)
	}
	switch {
	case k.URI:
		t.Fatalf("%s (written as a URI) accepts the ARN %q", k.Kind, s)
	case a.Service != string(k.Kind):
		t.Fatalf("%s accepts %q of service %q", k.Kind, s, a.Service)
	case strings.ContainsAny(s, "*?"):
		t.Fatalf("%s accepts %q, which has a wildcard", k.Kind, s)
	case !partitions[a.Partition]:
		t.Fatalf("%s accepts %q in partition %q", k.Kind, s, a.Partition)
	case k.Kind != lambdafacts.KindS3 && (a.Region == "" || a.Account == ""):
		t.Fatalf("%s accepts %q without a region or account", k.Kind, s)
	case k.Kind == lambdafacts.KindS3 && (a.Region != "" || a.Account != "" || strings.Contains(a.Resource, "/")):
		t.Fatalf("s3 accepts %q, which is not a bucket ARN", s)
	case (k.Kind == lambdafacts.KindSQS || k.Kind == lambdafacts.KindSNS) && (strings.ContainsAny(a.Resource, "/:") || strings.HasSuffix(a.Resource, ".fifo")):
		t.Fatalf("%s accepts %q, which is not a standard queue or topic", k.Kind, s)
	case k.Kind == lambdafacts.KindEventBridge && !regexp.MustCompile(`^event-bus/[^/]+$`).MatchString(a.Resource):
		t.Fatalf("events accepts %q, which is not an event bus ARN", s)
	}
	if k.Kind == lambdafacts.KindLambda {
		checkFunctionARN(t, s, a)
	}
	for _, p := range k.Needs(s) {
		if p.Resource != s && !(k.Kind == lambdafacts.KindS3 && p.Resource == s+"/*") {
			t.Fatalf("%s.Needs(%q) asks for %v, on another resource", k.Kind, s, p)
		}
		checkAction(t, s, p)
	}
	base := lambdafacts.UnqualifiedFunctionARN(s)
	for _, p := range k.Grants(s) {
		switch {
		case p.Resource == s:
		case k.Kind == lambdafacts.KindS3 && p.Resource == s+"/*":
		case k.Kind == lambdafacts.KindLambda && (p.Resource == base || p.Resource == base+":*"):
			// The function's unqualified ARN (and its versions and
			// aliases): a prefix of the ARN, itself accepted.
			if !strings.HasPrefix(s, base) || k.CheckARN(base) != nil {
				t.Fatalf("lambda.Grants(%q) grants on %q, which is not the function's unqualified ARN", s, base)
			}
		default:
			t.Fatalf("%s.Grants(%q) grants %v, on another resource", k.Kind, s, p)
		}
		checkAction(t, s, p)
	}
}

func checkAction(t *testing.T, s string, p lambdafacts.Permission) {
	t.Helper()
	if p.Action == "" || strings.ContainsAny(p.Action, "*?") || !strings.Contains(p.Action, ":") {
		t.Fatalf("a permission for %q has the action %q", s, p.Action)
	}
}

// checkFunctionARN: a function ARN a destination check accepts is one a
// function reference accepts, and its qualifier, if any, is one Lambda
// accepts.
func checkFunctionARN(t *testing.T, s string, a lambdafacts.ARN) {
	t.Helper()
	ref, err := lambdafacts.ParseFunctionRef(s)
	if err != nil {
		t.Fatalf("lambda accepts %q as a destination but not as a function reference: %v", s, err)
	}
	if ref.Name == "" || strings.Contains(ref.Name, ":") {
		t.Fatalf("lambda accepts %q with the function name %q", s, ref.Name)
	}
	if strings.Count(a.Resource, ":") == 2 && !referenceQualifierOK(ref.Qualifier) {
		t.Fatalf("lambda accepts %q, whose qualifier %q Lambda refuses", s, ref.Qualifier)
	}
}

// referenceNeeds is what AWS documents that Lambda checks for each kind
// ("Adding a destination", Lambda Developer Guide), written out here
// rather than read from the kinds.
func referenceNeeds(k lambdafacts.Kind, arn string) []lambdafacts.Permission {
	switch k {
	case lambdafacts.KindSQS:
		return []lambdafacts.Permission{{Action: "sqs:SendMessage", Resource: arn}}
	case lambdafacts.KindSNS:
		return []lambdafacts.Permission{{Action: "sns:Publish", Resource: arn}}
	case lambdafacts.KindLambda:
		return []lambdafacts.Permission{{Action: "lambda:InvokeFunction", Resource: arn}}
	case lambdafacts.KindEventBridge:
		return []lambdafacts.Permission{{Action: "events:PutEvents", Resource: arn}}
	case lambdafacts.KindS3:
		return []lambdafacts.Permission{{Action: "s3:PutObject", Resource: arn + "/*"}, {Action: "s3:ListBucket", Resource: arn}}
	}
	return nil
}

func samePermissions(a, b []lambdafacts.Permission) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkSource: a source ARN that is accepted names one resource, and what
// is needed to read it is on it (a stream consumer: also on its stream).
func checkSource(t *testing.T, s string) {
	t.Helper()
	spec, a, err := lambdafacts.SourceOfARN(s)
	perms, perr := lambdafacts.SourcePermissions(s)
	if (err == nil) != (perr == nil) {
		t.Fatalf("SourceOfARN(%q): %v but SourcePermissions: %v", s, err, perr)
	}
	if err != nil {
		return
	}
	if string(spec.Kind) != a.Service || strings.ContainsAny(s, "*?") || a.Region == "" || a.Account == "" || !partitions[a.Partition] {
		t.Fatalf("SourceOfARN accepts %q as %s", s, spec.Kind)
	}
	for _, p := range perms {
		checkAction(t, s, p)
		if p.Resource == s {
			continue
		}
		if spec.Kind != lambdafacts.SourceKinesis || !strings.HasPrefix(s, p.Resource+"/consumer/") {
			t.Fatalf("SourcePermissions(%q) asks for %v, on another resource", s, p)
		}
	}
}

// qualifierChars is what Lambda's API accepts in a qualifier besides
// $LATEST; versions are numbers from 1.
var qualifierChars = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// referenceQualifierOK is Lambda's rule for a qualifier ($LATEST, a
// version from 1 or an alias name; 1 to 128 characters), written
// independently of CheckQualifier.
func referenceQualifierOK(q string) bool {
	if q == "$LATEST" {
		return true
	}
	if len(q) == 0 || len(q) > 128 || !qualifierChars.MatchString(q) {
		return false
	}
	return strings.Trim(q, "0123456789") != "" || strings.Trim(q, "0") != ""
}
