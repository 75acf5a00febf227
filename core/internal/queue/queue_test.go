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

// funcs lets a test set DroppedFunc after making the queue.
type funcs struct{ Funcs[int] }

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
		Consumer: &funcs{Funcs: Funcs[int]{
			DeliverFunc: func(v, dropped int) bool {
				if first {
					first = false
					close(took)
				}
				<-release
				got <- delivered{v, dropped}
				return true
			},
			EndedFunc: func() { close(ended) },
		}},
	}
	return q, took, release, got, ended
}

func TestOrderDropsAndClose(t *testing.T) {
	q, took, release, got, ended := blockedConsumer(3)
	var drops []int
	q.Consumer.(*funcs).DroppedFunc = func(total int) { drops = append(drops, total) }
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
	out := &Chan[int]{C: make(chan int, 2), Quit: make(chan struct{}), Notice: negative{}}
	q := &Queue[int]{Max: 10, Consumer: out}
	for v := 1; v <= 5; v++ {
		q.Push(v)
	}
	q.Close()
	var all []int
	for v := range out.C {
		all = append(all, v)
	}
	assert.Equal(t, []int{1, 2, 3, 4, 5}, all, "in order, across the fast path and the pump")
}

// negative is the drop notice of TestChan: -n for n dropped values.
type negative struct{ total *int }

func (negative) DropNotice(n int) int { return -n }

func (d negative) Dropped(total int) { *d.total = total }

func TestChan(t *testing.T) {
	total := 0
	quit := make(chan struct{})
	c := &Chan[int]{C: make(chan int, 3), Quit: quit, Notice: negative{&total}}
	assert.True(t, c.Offer(1))
	assert.True(t, c.Deliver(4, 2), "the notice of 2 drops, then 4")
	assert.False(t, c.Offer(5), "no room")
	c.Dropped(3)
	assert.Equal(t, 3, total, "Dropped reaches the notice's Dropped")
	assert.Equal(t, []int{1, -2}, []int{<-c.C, <-c.C})
	assert.Equal(t, 4, <-c.C)
	for v := 6; v <= 8; v++ {
		assert.True(t, c.Deliver(v, 0))
	}
	close(quit)
	assert.False(t, c.Deliver(9, 0), "full, and the reader is gone")
	c.Ended()
	var rest []int
	for v := range c.C {
		rest = append(rest, v)
	}
	assert.Equal(t, []int{6, 7, 8}, rest, "closed after what it held")
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
	q2 := &Queue[int]{Max: 10, Consumer: Funcs[int]{DeliverFunc: func(int, int) bool { return false }, EndedFunc: func() { close(gaveUp) }}}
	q2.Push(1)
	q2.Push(2)
	<-gaveUp
	q2.Push(3) // ended: ignored, no goroutine
	q2.Close()
}
