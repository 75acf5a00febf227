package native

import (
	"testing"

	"github.com/pion/rtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seqWriter records the sequence numbers written to it.
type seqWriter struct {
	seqs   []uint16
	closed bool
}

func (w *seqWriter) WriteRTP(p *rtp.Packet) error {
	w.seqs = append(w.seqs, p.SequenceNumber)
	return nil
}
func (w *seqWriter) Close() error { w.closed = true; return nil }

func TestWholeFrames(t *testing.T) {
	inner := &seqWriter{}
	f := &wholeFrames{w: inner}
	pkt := func(seq uint16, ts uint32, marker bool) *rtp.Packet {
		return &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker}}
	}
	require.NoError(t, f.WriteRTP(pkt(1, 100, false)))
	require.NoError(t, f.WriteRTP(pkt(2, 100, false)))
	assert.Empty(t, inner.seqs, "nothing before the frame is complete")
	require.NoError(t, f.WriteRTP(pkt(3, 100, true)))
	assert.Equal(t, []uint16{1, 2, 3}, inner.seqs, "the whole frame at its marker")

	// The marker packet of frame 200 is lost: frame 200 is written as
	// received when frame 300 starts.
	require.NoError(t, f.WriteRTP(pkt(4, 200, false)))
	require.NoError(t, f.WriteRTP(pkt(6, 300, false)))
	assert.Equal(t, []uint16{1, 2, 3, 4}, inner.seqs)

	// Frame 300 is still open at Close: left out.
	require.NoError(t, f.WriteRTP(pkt(7, 300, false)))
	require.NoError(t, f.Close())
	assert.True(t, inner.closed)
	assert.Equal(t, []uint16{1, 2, 3, 4}, inner.seqs)
}
