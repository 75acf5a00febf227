package earlycand_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/earlycand"
)

func TestQueue(t *testing.T) {
	var q earlycand.Queue
	a, b, c := core.Candidate{Candidate: "a"}, core.Candidate{Completed: true}, core.Candidate{Candidate: "c"}
	assert.True(t, q.Hold(a), "held before the description")
	assert.True(t, q.Hold(b))
	assert.Equal(t, []core.Candidate{a, b}, q.Described(), "in order")
	assert.False(t, q.Hold(c), "added at once after it")
	assert.Empty(t, q.Described())
}
