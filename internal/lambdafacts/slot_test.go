package lambdafacts_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
)

// The inputs the components record their targets' kinds in, which policy
// checks read back: a mapping's on-failure destination shares the invoke
// config's key.
func TestSlotInputKey(t *testing.T) {
	want := map[lambdafacts.Slot]string{
		lambdafacts.SlotOnSuccess:  "onSuccessKind",
		lambdafacts.SlotOnFailure:  "onFailureKind",
		lambdafacts.SlotDeadLetter: "deadLetterKind",
		lambdafacts.SlotMapping:    "onFailureKind",
	}
	for _, s := range lambdafacts.Slots {
		assert.Equal(t, want[s], s.InputKey(), s)
	}
}
