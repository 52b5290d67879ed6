package lambdafacts_test

import (
	"strings"
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
)

// referenceAliasOK is Lambda's rule for an alias name: 1 to 128 letters,
// digits, - or _, not all digits.
func referenceAliasOK(name string) bool {
	return len(name) >= 1 && len(name) <= 128 && qualifierChars.MatchString(name) && strings.Trim(name, "0123456789") != ""
}

// FuzzFunctionRef feeds arbitrary references and qualifiers to
// ParseFunctionRef, ResolveQualifier, CheckQualifier and CheckAliasName.
// None may panic; a reference reads back as what it was written from; a
// resolved qualifier is one Lambda accepts and is the one given (or
// $LATEST when none is); the qualifier and alias checks agree with
// Lambda's rules.
func FuzzFunctionRef(f *testing.F) {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:legacy"
	for _, c := range [][2]string{
		{"legacy", ""}, {"legacy", "live"}, {"legacy:live", ""}, {fn + ":live", ""}, {fn + ":live", "live"},
		{fn + ":7", ""}, {fn + ":live", "prod"}, {fn + ":live", "$LATEST"}, {"legacy:live", "prod"}, {"legacy", "0"},
		{"legacy:00", ""}, {"legacy", "bad name!"}, {fn, ""}, {fn + ":", ""}, {"legacy:", ""}, {":live", ""},
		{"arn:aws:sqs:us-east-1:123456789012:jobs", ""}, {"", ""}, {"", "live"}, {"legacy", strings.Repeat("1", 129)},
		{"123456789012:function:legacy", ""}, {"123456789012:function:legacy:live", ""}, {"123456789012:function:legacy:live", "prod"},
		{"12345678901:function:legacy", ""}, {"123456789012:function:", ""}, {"123456789012:function:legacy:", ""},
		{"arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:legacy:7", ""}, {"arn:aws-cn:lambda:cn-north-1:123456789012:function:legacy", ""},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, s, explicit string) {
		ref, err := lambdafacts.ParseFunctionRef(s)
		if err == nil {
			checkRef(t, s, ref)
			q, qerr := lambdafacts.ResolveQualifier(ref, explicit)
			want, ok := referenceResolve(ref.Qualifier, explicit)
			if (qerr == nil) != ok || (ok && q != want) {
				t.Fatalf("ResolveQualifier(%q, %q) = %q, %v; want %q (valid: %v)", s, explicit, q, qerr, want, ok)
			}
		}
		for _, q := range []string{s, explicit} {
			if got, want := lambdafacts.CheckQualifier(q) == nil, referenceQualifierOK(q); got != want {
				t.Fatalf("CheckQualifier(%q) accepts: %v, Lambda: %v", q, got, want)
			}
			if got, want := lambdafacts.CheckAliasName(q) == nil, referenceAliasOK(q); got != want {
				t.Fatalf("CheckAliasName(%q) accepts: %v, Lambda: %v", q, got, want)
			}
		}
	})
}

func checkRef(t *testing.T, s string, ref lambdafacts.FunctionRef) {
	t.Helper()
	switch {
	case s == "":
		if ref != (lambdafacts.FunctionRef{}) {
			t.Fatalf("ParseFunctionRef(\"\") = %#v", ref)
		}
	case ref.ARN != nil:
		if ref.ARN.String() != s || ref.ARN.Service != "lambda" || ref.Name == "" {
			t.Fatalf("ParseFunctionRef(%q) = %#v (ARN %q)", s, ref, ref.ARN.String())
		}
		want := "function:" + ref.Name
		if ref.Qualifier != "" {
			want += ":" + ref.Qualifier
		}
		if ref.ARN.Resource != want {
			t.Fatalf("ParseFunctionRef(%q): name %q and qualifier %q, but the resource is %q", s, ref.Name, ref.Qualifier, ref.ARN.Resource)
		}
		if u := lambdafacts.UnqualifiedFunctionARN(s); u != ref.ARN.Regional("lambda", "function:"+ref.Name) {
			t.Fatalf("UnqualifiedFunctionARN(%q) = %q", s, u)
		}
	default:
		back := ref.Name
		if ref.Qualifier != "" {
			back += ":" + ref.Qualifier
		}
		if ref.Account != "" {
			back = ref.Account + ":function:" + back // a partial ARN
		}
		if back != s || ref.Name == "" {
			t.Fatalf("ParseFunctionRef(%q) = %#v", s, ref)
		}
	}
	// Resolved in a place, the parts the reference writes win and the
	// others are the place's; a reference is the same function as itself
	// once every part is known, and never the same as another name.
	at := lambdafacts.Place{Provider: "p", Partition: "aws", Region: "eu-west-1", Account: "210987654321"}
	id := ref.In(at)
	wantPartition, wantRegion, wantAccount := at.Partition, at.Region, at.Account
	if ref.ARN != nil {
		wantPartition, wantRegion = ref.ARN.Partition, ref.ARN.Region
	}
	if ref.Account != "" {
		wantAccount = ref.Account
	}
	if s != "" && (id.Name != ref.Name || id.Partition != wantPartition || id.Region != wantRegion || id.Account != wantAccount) {
		t.Fatalf("ParseFunctionRef(%q).In(%+v) = %+v", s, at, id)
	}
	if s != "" && !id.Same(ref.In(at)) {
		t.Fatalf("%q in %+v is not the same function as itself", s, at)
	}
	if other := (lambdafacts.FunctionRef{Name: ref.Name + "x"}).In(at); id.Same(other) {
		t.Fatalf("%q is the same function as %q", s, ref.Name+"x")
	}
}

// referenceResolve is the qualifier a config applies to: the one the
// reference carries or the explicit one (they must agree when both are
// given), $LATEST when neither is; ok is false when they disagree or the
// qualifier is one Lambda refuses.
func referenceResolve(carried, explicit string) (string, bool) {
	switch {
	case carried == "" && explicit == "":
		return lambdafacts.Latest, true
	case carried != "" && explicit != "" && carried != explicit:
		return "", false
	case carried == "":
		return explicit, referenceQualifierOK(explicit)
	}
	return carried, referenceQualifierOK(carried)
}
