package lambdafacts

import (
	"fmt"
	"time"
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
		return fmt.Errorf("%d is out of range; allowed: 0, 1 or 2", n)
	}
	return nil
}

// CheckEventAge checks an invoke config's maximum event age.
func CheckEventAge(d time.Duration) error {
	const allowed = "60s to 6h (60 to 21600 whole seconds)"
	switch {
	case d%time.Second != 0:
		return fmt.Errorf("%s is not a whole number of seconds; allowed: %s", d, allowed)
	case d < MinMaxEventAge || d > MaxMaxEventAge:
		return fmt.Errorf("%s is out of range; allowed: %s", d, allowed)
	}
	return nil
}

// CheckMappingRetries checks a mapping's maximum retry attempts.
func CheckMappingRetries(n int) error {
	if n < RetryForever || n > MaxMappingRetries {
		return fmt.Errorf("%d is out of range; allowed: -1 (asyncroute.RetryForever, until the records expire) or 0 to 10000", n)
	}
	return nil
}

// CheckRecordAge checks a mapping's maximum record age.
func CheckRecordAge(d time.Duration) error {
	if d == RecordAgeForever {
		return nil
	}
	const allowed = "asyncroute.RecordAgeForever (-1, until the records expire) or 60s to 168h (60 to 604800 whole seconds)"
	switch {
	case d%time.Second != 0:
		return fmt.Errorf("%s is not a whole number of seconds; allowed: %s", d, allowed)
	case d < MinMaxRecordAge || d > MaxMaxRecordAge:
		return fmt.Errorf("%s is out of range; allowed: %s", d, allowed)
	}
	return nil
}
