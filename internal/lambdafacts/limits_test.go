package lambdafacts_test

import (
	"testing"

	"github.com/asyncroute/asyncroute/internal/lambdafacts"
	"github.com/stretchr/testify/assert"
)

func TestDefaultsWithinLimits(t *testing.T) {
	assert.NoError(t, lambdafacts.CheckRetries(lambdafacts.DefaultMaxRetries))
	assert.NoError(t, lambdafacts.CheckEventAge(lambdafacts.DefaultMaxEventAge))
}
