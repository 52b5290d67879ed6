package records

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// kind is what a piece of JSON looks like.
type kind int

const (
	kindNotJSON kind = iota
	kindEmpty
	kindString
	kindNumber
	kindBool
	kindNull
	kindArray
	kindObject          // an object of no known shape
	kindRecord          // an invocation record, version 1.x
	kindRecordVersion   // a record-shaped object of another version
	kindNotification    // SNS notification (Type "Notification")
	kindSNSOther        // SNS SubscriptionConfirmation and the like
	kindSNSEvent        // Lambda SNS event {"Records":[{"Sns":...}]}
	kindSNSRecord       // one entry of it
	kindSQSEvent        // Lambda SQS event {"Records":[{"body":...}]}
	kindSQSMessage      // one entry of it
	kindSQSReceive      // SQS ReceiveMessage output {"Messages":[...]}
	kindEventBridge     // EventBridge event from a Lambda destination
	kindEventBridgeElse // other EventBridge event
	kindS3Event         // S3 event notification
	kindAPIGateway      // API Gateway or ALB proxy event
	kindEmptyRecords    // {"Records":[]}
)

// shape is the result of sniffing: the kind and a few facts for messages.
type shape struct {
	kind   kind
	err    error    // kindNotJSON
	inner  kind     // kindString: what the string holds
	ver    string   // kindRecordVersion
	source string   // kindEventBridge*
	dtype  string   // kindEventBridge*
	typ    string   // kindSNSOther
	keys   []string // kindObject
}

// sniff looks at data without decoding it fully.
func sniff(data []byte) shape { return sniffDepth(data, 0) }

func sniffDepth(data []byte, depth int) shape {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return shape{kind: kindEmpty}
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		return shape{kind: kindNotJSON, err: err}
	}
	switch data[0] {
	case '"':
		if depth > 0 {
			return shape{kind: kindString}
		}
		var s string
		_ = json.Unmarshal(data, &s)
		return shape{kind: kindString, inner: sniffDepth([]byte(s), depth+1).kind}
	case '[':
		return shape{kind: kindArray}
	case 't', 'f':
		return shape{kind: kindBool}
	case 'n':
		return shape{kind: kindNull}
	case '{':
	default:
		return shape{kind: kindNumber}
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return shape{kind: kindObject}
	}
	return sniffObject(m, true)
}

func sniffObject(m map[string]json.RawMessage, top bool) shape {
	str := func(k string) (string, bool) {
		v, ok := m[k]
		if !ok {
			return "", false
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			return "", false
		}
		return s, true
	}
	if rc, ok := m["requestContext"]; ok {
		if _, ok := m["httpMethod"]; ok {
			return shape{kind: kindAPIGateway}
		}
		if _, ok := m["routeKey"]; ok {
			return shape{kind: kindAPIGateway}
		}
		var ctx map[string]json.RawMessage
		if json.Unmarshal(rc, &ctx) == nil {
			_, fn := ctx["functionArn"]
			_, cond := ctx["condition"]
			_, count := ctx["approximateInvokeCount"]
			if fn || cond || count {
				v, _ := str("version")
				if strings.HasPrefix(v, "1.") {
					return shape{kind: kindRecord}
				}
				return shape{kind: kindRecordVersion, ver: v}
			}
		}
	}
	if src, ok := str("source"); ok {
		if dt, ok := str("detail-type"); ok {
			if (src == EventBridgeSource || src == "aws.lambda") && (dt == DetailTypeSuccess || dt == DetailTypeFailure) {
				return shape{kind: kindEventBridge, source: src, dtype: dt}
			}
			return shape{kind: kindEventBridgeElse, source: src, dtype: dt}
		}
	}
	if t, ok := str("Type"); ok {
		_, msg := m["Message"]
		_, topic := m["TopicArn"]
		if t == "Notification" && msg {
			return shape{kind: kindNotification}
		}
		if topic {
			return shape{kind: kindSNSOther, typ: t}
		}
	}
	if recs, ok := m["Records"]; ok && top {
		var list []map[string]json.RawMessage
		if json.Unmarshal(recs, &list) == nil {
			if len(list) == 0 {
				return shape{kind: kindEmptyRecords}
			}
			switch sub := sniffObject(list[0], false); sub.kind {
			case kindSNSRecord:
				return shape{kind: kindSNSEvent}
			case kindSQSMessage:
				return shape{kind: kindSQSEvent}
			}
			if _, ok := list[0]["s3"]; ok {
				return shape{kind: kindS3Event}
			}
		}
	}
	if _, ok := m["Sns"]; ok {
		return shape{kind: kindSNSRecord}
	}
	if _, ok := m["body"]; ok {
		_, rh := m["receiptHandle"]
		_, id := m["messageId"]
		if rh || id {
			return shape{kind: kindSQSMessage}
		}
	}
	if _, ok := m["Messages"]; ok {
		return shape{kind: kindSQSReceive}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return shape{kind: kindObject, keys: keys}
}

// describe says what s is, for the "found ..." part of an error.
func (s shape) describe() string {
	switch s.kind {
	case kindNotJSON:
		return fmt.Sprintf("bytes that are not JSON (%v)", s.err)
	case kindEmpty:
		return "nothing (empty input)"
	case kindString:
		switch s.inner {
		case kindRecord:
			return "a JSON string holding an invocation record (encoded twice?)"
		case kindNotification:
			return "a JSON string holding an SNS notification (encoded twice?)"
		}
		return "a JSON string"
	case kindNumber:
		return "a JSON number"
	case kindBool:
		return "a JSON boolean"
	case kindNull:
		return "JSON null"
	case kindArray:
		return "a JSON array"
	case kindRecord:
		return "an invocation record"
	case kindRecordVersion:
		return fmt.Sprintf("an invocation record of version %q", s.ver)
	case kindNotification:
		return "an SNS notification"
	case kindSNSOther:
		return fmt.Sprintf("an SNS message of Type %q", s.typ)
	case kindSNSEvent:
		return "a Lambda SNS event (Records[].Sns)"
	case kindSNSRecord:
		return "an SNS event record (with Sns)"
	case kindSQSEvent:
		return "a Lambda SQS event (Records[].body)"
	case kindSQSMessage:
		return "an SQS message (with body)"
	case kindSQSReceive:
		return "an SQS ReceiveMessage response (Messages)"
	case kindEventBridge:
		return fmt.Sprintf("an EventBridge event (source %q, detail-type %q)", s.source, s.dtype)
	case kindEventBridgeElse:
		return fmt.Sprintf("an EventBridge event with source %q and detail-type %q", s.source, s.dtype)
	case kindS3Event:
		return "an S3 event notification"
	case kindAPIGateway:
		return "an API Gateway or load balancer request event"
	case kindEmptyRecords:
		return "an event with no Records"
	}
	if len(s.keys) == 0 {
		return "an empty JSON object"
	}
	keys := s.keys
	more := ""
	if len(keys) > 6 {
		more = fmt.Sprintf(" and %d more", len(keys)-6)
		keys = keys[:6]
	}
	return fmt.Sprintf("a JSON object with keys %s%s", strings.Join(keys, ", "), more)
}

// hint names the reader for what s is, when there is one.
func (s shape) hint() string {
	switch s.kind {
	case kindRecord:
		return "use FromLambda (Lambda destination, S3 object), FromSQSBody (SQS body, SNS raw delivery) or Decode"
	case kindRecordVersion:
		return `this package reads records of version "1.x"`
	case kindNotification:
		return "use FromSNSNotification or Decode"
	case kindSNSEvent:
		return "use FromSNSEntity on each Records[].Sns, or Decode"
	case kindSNSRecord:
		return "use FromSNSEntity on its Sns, or Decode"
	case kindSQSEvent:
		return "use FromSQSMessage on each Records[] entry, or Decode"
	case kindSQSMessage:
		return "use FromSQSMessage or Decode"
	case kindSQSReceive:
		return "pass each Messages[].Body to FromSQSBody, or use Decode"
	case kindEventBridge:
		return "use FromEventBridge or Decode"
	case kindS3Event:
		return "an S3 notification only names the object: read it and use FromS3Object"
	case kindString:
		if s.inner == kindRecord || s.inner == kindNotification {
			return "unquote the string first"
		}
	}
	return ""
}

// mismatch builds the error for a reader that expected something else.
func mismatch(where, expected string, s shape) *Error {
	return &Error{Where: where, Expected: expected, Found: s.describe(), Hint: s.hint(), Err: s.err}
}
