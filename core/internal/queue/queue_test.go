package queue

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// delivered is what a consumer got: each value with the drops reported
// just before it.
type delivered struct{ v, dropped int }

// blockedConsumer returns a queue whose consumer, once it has taken its
// first value (took closes), waits for release before handing anything
// over, and the channel of what it got.
func blockedConsumer(max int) (q *Queue[int], took, release chan struct{}, got chan delivered, ended chan struct{}) {
	took, release = make(chan struct{}), make(chan struct{})
	got = make(chan delivered, 100)
	ended = make(chan struct{})
	first := true
	q = &Queue[int]{
		Max: max,
		Deliver: func(v, dropped int) bool {
			if first {
				first = false
				close(took)
			}
			<-release
			got <- delivered{v, dropped}
			return true
		},
		OnEnd: func() { close(ended) },
	}
	return q, took, release, got, ended
}

func TestOrderDropsAndClose(t *testing.T) {
	q, took, release, got, ended := blockedConsumer(3)
	var drops []int
	q.OnDrop = func(total int) { drops = append(drops, total) }
	q.Push(1)
	<-took
	for v := 2; v <= 6; v++ {
		q.Push(v)
	}
	// The pump holds 1 while it waits; 2 and 3 were dropped to make room
	// for 5 and 6.
	q.Close()
	q.Push(7) // after Close: ignored
	close(release)
	<-ended
	close(got)
	var all []delivered
	for d := range got {
		all = append(all, d)
	}
	assert.Equal(t, []delivered{{1, 0}, {4, 2}, {5, 0}, {6, 0}}, all)
	assert.Equal(t, []int{1, 2}, drops)
	assert.Equal(t, 2, q.Dropped())
}

func TestTryFirstWhileNothingIsQueued(t *testing.T) {
	ch := make(chan int, 2)
	ended := make(chan struct{})
	q := &Queue[int]{
		Max: 10,
		Try: func(v int) bool {
			select {
			case ch <- v:
				return true
			default:
				return false
			}
		},
		Deliver: func(v, _ int) bool { ch <- v; return true },
		OnEnd:   func() { close(ch); close(ended) },
	}
	for v := 1; v <= 5; v++ {
		q.Push(v)
	}
	q.Close()
	var all []int
	for v := range ch {
		all = append(all, v)
	}
	<-ended
	assert.Equal(t, []int{1, 2, 3, 4, 5}, all, "in order, across the fast path and the pump")
}

func TestAbortDiscardsAndDeliverCanGiveUp(t *testing.T) {
	q, took, release, got, ended := blockedConsumer(10)
	q.Push(1)
	<-took
	q.Push(2)
	q.Push(3)
	q.Abort()
	close(release)
	<-ended
	require.Equal(t, delivered{1, 0}, <-got, "the value being delivered still is")
	assert.Empty(t, got)

	gaveUp := make(chan struct{})
	q2 := &Queue[int]{Max: 10, Deliver: func(int, int) bool { return false }, OnEnd: func() { close(gaveUp) }}
	q2.Push(1)
	q2.Push(2)
	<-gaveUp
	q2.Push(3) // ended: ignored, no goroutine
	q2.Close()
}
