package doors

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRender(t *testing.T) {
	text := Field("MaxEventAge") + ": " + Seconds(90500*time.Millisecond) + " is out of range; allowed: " +
		SecondsRange(time.Minute, 6*time.Hour) + "; or " + Term(RetryForever) + "; see " + Field("Mapping.SelfManagedEventSource")
	assert.Equal(t, "MaxEventAge: 1m30.5s is out of range; allowed: 60s to 6h (60 to 21600 whole seconds); "+
		"or -1 (asyncroute.RetryForever, until the records expire); see Mapping.SelfManagedEventSource", Go.Render(text))
	assert.Equal(t, "maxEventAge: 90.5 is out of range; allowed: 60 to 21600 whole seconds; "+
		"or -1 (until the records expire); see selfManagedEventSource", Raw.Render(text))
	schema := Schema(func(p string) string { return map[string]string{"MaxEventAge": "maxEventAgeSeconds"}[p] })
	assert.Equal(t, "maxEventAgeSeconds: 90.5 is out of range; allowed: 60 to 21600 whole seconds; "+
		"or -1 (until the records expire); see ", schema.Render(text))
	assert.Equal(t, "no marks «at all", Go.Render("no marks «at all"), "an unclosed mark is left as it is")
}

func TestErrorRendersTheRawDoor(t *testing.T) {
	err := Errorf("%s is out of range; allowed: %s or 0 to 10000", "-2", Term(RetryForever))
	assert.Equal(t, "-2 is out of range; allowed: -1 (until the records expire) or 0 to 10000", err.Error())
	assert.Equal(t, "-2 is out of range; allowed: «t:retry-forever» or 0 to 10000", TemplateOf(err))
}

func TestLowerCamel(t *testing.T) {
	for in, want := range map[string]string{"MaxRetries": "maxRetries", "ARN": "arn", "KmsKeyArn": "kmsKeyArn", "SQSQueue": "sqsQueue", "x": "x", "": ""} {
		assert.Equal(t, want, LowerCamel(in), in)
	}
}
