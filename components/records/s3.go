package records

import (
	"fmt"
	"strings"
	"time"
)

// S3KeyPrefix is the prefix of every object an S3 on-failure destination
// writes.
const S3KeyPrefix = "aws/lambda/async/"

// s3TimeLayout is the time part of the object's name.
const s3TimeLayout = "2006-01-02T15.04.05"

// S3Key is the key of an object an S3 on-failure destination wrote, laid out
// as AWS documents it:
//
//	aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>
type S3Key struct {
	// FunctionName is the <function-name> segment.
	FunctionName string
	// Time is the time in the object's name (UTC, whole seconds).
	Time time.Time
	// ID is the random UUID that ends the key.
	ID string
}

// String lays the key out.
func (k S3Key) String() string {
	t := k.Time.UTC()
	return S3KeyPrefix + k.FunctionName + "/" + t.Format("2006/01/02") + "/" + t.Format(s3TimeLayout) + "-" + k.ID
}

// ParseS3Key parses the key of an object an S3 destination wrote. Keys taken
// from S3 event notifications are URL-encoded: decode them first (with
// aws-lambda-go, events.S3Object.URLDecodedKey).
func ParseS3Key(key string) (S3Key, error) {
	bad := func(found string) (S3Key, error) {
		return S3Key{}, &Error{Where: "S3 key", Expected: expectS3Key, Found: found}
	}
	rest, ok := strings.CutPrefix(key, S3KeyPrefix)
	if !ok {
		return bad(fmt.Sprintf("%q, which does not start with %q", key, S3KeyPrefix))
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 5 {
		return bad(fmt.Sprintf("%q, which has %d segments after %q instead of 5", key, len(parts), S3KeyPrefix))
	}
	fn, dir, name := parts[0], parts[1]+"/"+parts[2]+"/"+parts[3], parts[4]
	if fn == "" {
		return bad(fmt.Sprintf("%q, which has an empty function name", key))
	}
	if len(name) < len(s3TimeLayout)+2 || name[len(s3TimeLayout)] != '-' {
		return bad(fmt.Sprintf("%q, whose last segment is not YYYY-MM-DDTHH.MM.SS-<UUID>", key))
	}
	t, err := time.Parse(s3TimeLayout, name[:len(s3TimeLayout)])
	if err != nil {
		return bad(fmt.Sprintf("%q, whose time %q does not parse", key, name[:len(s3TimeLayout)]))
	}
	if want := t.Format("2006/01/02"); dir != want {
		return bad(fmt.Sprintf("%q, whose folders %s do not match its time (%s)", key, dir, want))
	}
	return S3Key{FunctionName: fn, Time: t, ID: name[len(s3TimeLayout)+1:]}, nil
}

// FromS3Object reads an object an S3 on-failure destination wrote: its key
// and its body, the invocation record. An empty key is not parsed.
func FromS3Object(key string, body []byte) (*Record, S3Key, error) {
	var k S3Key
	if key != "" {
		var err error
		if k, err = ParseS3Key(key); err != nil {
			return nil, S3Key{}, err
		}
	}
	r, err := parseRecord("S3 object", body)
	if err != nil {
		return nil, S3Key{}, err
	}
	return r, k, nil
}
