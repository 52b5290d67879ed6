package lambdafacts

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/asyncroute/asyncroute/internal/doors"
)

// Limits Lambda enforces on an asynchronous invoke config.
const (
	MinRetries     = 0
	MaxRetries     = 2
	MinMaxEventAge = 60 * time.Second
	MaxMaxEventAge = 6 * time.Hour
)

// Lambda's defaults for an asynchronous invocation without an invoke
// config, or for a setting an invoke config leaves out.
const (
	DefaultMaxRetries  = 2
	DefaultMaxEventAge = 6 * time.Hour
)

// Limits Lambda enforces on the error handling of a stream or Kafka event
// source mapping.
const (
	RetryForever      = -1
	MaxMappingRetries = 10000
	// RecordAgeForever never discards a record for its age.
	RecordAgeForever time.Duration = -1
	MinMaxRecordAge                = time.Minute
	MaxMaxRecordAge                = 7 * 24 * time.Hour
)

// CheckRetries checks an invoke config's maximum retry attempts.
func CheckRetries(n int) error {
	if n < MinRetries || n > MaxRetries {
		return fmt.Errorf("%d is out of range; allowed: %s", n, RetriesAllowed())
	}
	return nil
}

// CheckEventAge checks an invoke config's maximum event age. The message
// has marks (package internal/doors): each door shows the duration as its
// users write it.
func CheckEventAge(d time.Duration) error {
	return checkSeconds(d, doors.SecondsRange(MinMaxEventAge, MaxMaxEventAge), MinMaxEventAge, MaxMaxEventAge)
}

// checkSeconds checks a duration that AWS takes in whole seconds.
func checkSeconds(d time.Duration, allowed string, lo, hi time.Duration) error {
	switch {
	case d%time.Second != 0:
		return doors.Errorf("%s is not a whole number of seconds; allowed: %s", doors.Seconds(d), allowed)
	case d < lo || d > hi:
		return doors.Errorf("%s is out of range; allowed: %s", doors.Seconds(d), allowed)
	}
	return nil
}

// CheckMappingRetries checks a mapping's maximum retry attempts.
func CheckMappingRetries(n int) error {
	if n < RetryForever || n > MaxMappingRetries {
		return doors.Errorf("%d is out of range; allowed: %s or %d to %d", n, doors.Term(doors.RetryForever), 0, MaxMappingRetries)
	}
	return nil
}

// CheckRecordAge checks a mapping's maximum record age.
func CheckRecordAge(d time.Duration) error {
	if d == RecordAgeForever {
		return nil
	}
	return checkSeconds(d, doors.Term(doors.RecordAgeForever)+" or "+doors.SecondsRange(MinMaxRecordAge, MaxMaxRecordAge), MinMaxRecordAge, MaxMaxRecordAge)
}

// RetriesAllowed lists an invoke config's allowed retry counts: "0, 1 or 2".
func RetriesAllowed() string {
	var list []string
	for n := MinRetries; n <= MaxRetries; n++ {
		list = append(list, strconv.Itoa(n))
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}
