package native

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// MimeTypeTelephoneEvent is the codec of DTMF sent in the media (RFC
// 4733, formerly RFC 2833). A MediaEngine must register it (8000 Hz) for
// a DTMFTrack to send anything.
const MimeTypeTelephoneEvent = "audio/telephone-event"

// dtmfEvents maps the digits to their RFC 4733 event codes.
const dtmfEvents = "0123456789*#ABCD"

// DTMFTrack is an audio track that sends DTMF digits as RFC 4733
// telephone-events, as a browser's RTCDTMFSender does: to a SIP peer
// through Janus's SIP plugin, for example. It sends nothing else: it is
// the peer's only audio track, on a MediaEngine with Opus (or PCMU) and
// MimeTypeTelephoneEvent.
type DTMFTrack struct {
	id, streamID string

	mu    sync.Mutex
	binds map[string]dtmfBinding
	seq   uint16
	ts    uint32
	sent  int
}

type dtmfBinding struct {
	ssrc webrtc.SSRC
	pt   webrtc.PayloadType
	w    webrtc.TrackLocalWriter
}

// NewDTMFTrack returns a DTMF track with the given track and stream ids.
func NewDTMFTrack(id, streamID string) *DTMFTrack {
	return &DTMFTrack{id: id, streamID: streamID, binds: map[string]dtmfBinding{},
		seq: uint16(rand.Uint32()), ts: rand.Uint32()}
}

// ID returns the track's id.
func (t *DTMFTrack) ID() string { return t.id }

// RID returns "": the track has no simulcast layers.
func (t *DTMFTrack) RID() string { return "" }

// StreamID returns the track's media stream id.
func (t *DTMFTrack) StreamID() string { return t.streamID }

// Kind returns audio.
func (t *DTMFTrack) Kind() webrtc.RTPCodecType { return webrtc.RTPCodecTypeAudio }

// Bind is called by pion when the track is negotiated: it needs
// telephone-event among the negotiated codecs, and reports the first
// audio codec as the track's.
func (t *DTMFTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	var audio, event *webrtc.RTPCodecParameters
	for _, c := range ctx.CodecParameters() {
		switch {
		case strings.EqualFold(c.MimeType, MimeTypeTelephoneEvent) && c.ClockRate == 8000:
			if event == nil {
				event = &c
			}
		case audio == nil:
			audio = &c
		}
	}
	if event == nil || audio == nil {
		return webrtc.RTPCodecParameters{}, errors.New("native: DTMF track: telephone-event/8000 and an audio codec must be negotiated")
	}
	t.mu.Lock()
	t.binds[ctx.ID()] = dtmfBinding{ssrc: ctx.SSRC(), pt: event.PayloadType, w: ctx.WriteStream()}
	t.mu.Unlock()
	return *audio, nil
}

// Unbind is called by pion when the track stops being sent.
func (t *DTMFTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	delete(t.binds, ctx.ID())
	t.mu.Unlock()
	return nil
}

// Sent returns how many digits were sent to at least one peer.
func (t *DTMFTrack) Sent() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sent
}

// dtmfPacketInterval is how often a digit's packets go out while it
// lasts (RFC 4733 suggests 50 ms).
const dtmfPacketInterval = 50 * time.Millisecond

// SendDigits sends digits (0-9, *, #, A-D) one after the other, each
// lasting duration (at least 50 ms) and followed by a pause of gap, in
// real time: packets every 50 ms while a digit lasts, the first with the
// marker bit, the last three with the end bit. It fails for an unknown
// digit before sending anything, and when the track is not negotiated.
func (t *DTMFTrack) SendDigits(ctx context.Context, digits string, duration, gap time.Duration) error {
	for _, d := range digits {
		if !strings.ContainsRune(dtmfEvents, d) {
			return fmt.Errorf("native: DTMF track: %q is not a DTMF digit", d)
		}
	}
	duration = max(duration, dtmfPacketInterval)
	for _, d := range digits {
		if err := t.sendDigit(ctx, byte(strings.IndexRune(dtmfEvents, d)), duration); err != nil {
			return err
		}
		if err := pause(ctx, gap); err != nil {
			return err
		}
	}
	return nil
}

// sendDigit sends one event: its packets share a timestamp and carry the
// growing duration in 8 kHz units.
func (t *DTMFTrack) sendDigit(ctx context.Context, event byte, duration time.Duration) error {
	const volume = 10 // -10 dBm0
	units := func(d time.Duration) uint16 { return uint16(min(d.Milliseconds()*8, 0xffff)) }
	start := time.Now()
	first := true
	tick := time.NewTicker(dtmfPacketInterval)
	defer tick.Stop()
	for {
		elapsed := min(time.Since(start)+dtmfPacketInterval, duration)
		end := elapsed >= duration
		payload := []byte{event, volume, 0, 0}
		n := units(elapsed)
		payload[2], payload[3] = byte(n>>8), byte(n)
		repeats := 1
		if end {
			payload[1] |= 0x80
			repeats = 3 // the end packet is sent three times
		}
		for range repeats {
			if err := t.write(payload, first); err != nil {
				return err
			}
			first = false
		}
		if end {
			t.mu.Lock()
			t.ts += uint32(units(duration)) + 8*uint32(dtmfPacketInterval.Milliseconds())
			t.sent++
			t.mu.Unlock()
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// write sends one telephone-event packet to every binding.
func (t *DTMFTrack) write(payload []byte, marker bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.binds) == 0 {
		return errors.New("native: DTMF track: not negotiated")
	}
	t.seq++
	for _, b := range t.binds {
		h := rtp.Header{Version: 2, Marker: marker, PayloadType: uint8(b.pt), SequenceNumber: t.seq,
			Timestamp: t.ts, SSRC: uint32(b.ssrc)}
		if _, err := b.w.WriteRTP(&h, payload); err != nil {
			return err
		}
	}
	return nil
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
