package whip

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/core"
)

// TestQuietTimer: the timer runs only while every stream that had media
// is reported without it (simulcast substreams count apart), stops when
// one comes back, and never runs with a timeout of 0 or less.
func TestQuietTimer(t *testing.T) {
	media := func(mid string, receiving bool, substream ...int) *core.Media {
		m := &core.Media{Mid: mid, Receiving: receiving}
		if len(substream) > 0 {
			m.Substream = &substream[0]
		}
		return m
	}
	q := newQuietTimer(time.Hour)
	defer q.stop()
	assert.Nil(t, q.c(), "no media yet")
	q.media(media("0", true))
	q.media(media("1", true))
	q.media(media("1", false))
	assert.Nil(t, q.c(), "audio quiet, video flowing")
	q.media(media("0", false))
	assert.NotNil(t, q.c(), "every stream quiet")
	q.media(media("1", true))
	assert.Nil(t, q.c(), "audio is back")
	q.media(media("1", false))
	q.media(media("0", true, 0))
	assert.Nil(t, q.c(), "a simulcast substream flows")
	q.media(media("0", false, 0))
	assert.NotNil(t, q.c())

	off := newQuietTimer(-1)
	off.media(media("0", true))
	off.media(media("0", false))
	assert.Nil(t, off.c(), "a negative MediaTimeout never reaps")
}
