package native

import (
	"errors"
	"io"
	"os"
	"slices"
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/h264reader"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The keyframes of the clips in testdata/media, as ffprobe finds them
// (ffprobe -show_packets -show_entries packet=flags).
var clipKeyframes = map[string][]int{
	"vp8-320x240-30fps-3s.ivf":   {0, 10, 20, 30, 40, 50, 60, 70, 80},
	"vp9-320x240-30fps-3s.ivf":   {0, 10, 20, 30, 40, 50, 60, 70, 80},
	"h264-320x240-30fps-3s.h264": {0, 10, 20, 30, 40, 50, 60, 70, 80},
	"av1-160x120-30fps-1s.ivf":   {0, 10, 20},
}

// ivfFrames reads the frames of an IVF clip.
func ivfFrames(t testing.TB, name string) [][]byte {
	t.Helper()
	f, err := os.Open("../testdata/media/" + name)
	require.NoError(t, err)
	defer f.Close()
	r, _, err := ivfreader.NewWith(f)
	require.NoError(t, err)
	var frames [][]byte
	for {
		frame, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			return frames
		}
		require.NoError(t, err)
		frames = append(frames, frame)
	}
}

// h264AccessUnits reads an H.264 clip as Annex B access units, one per
// frame: the NAL units up to and including a slice. nals gives each
// access unit's NAL units without start codes.
func h264AccessUnits(t *testing.T, name string) (aus [][]byte, nals [][][]byte) {
	t.Helper()
	f, err := os.Open("../testdata/media/" + name)
	require.NoError(t, err)
	defer f.Close()
	r, err := h264reader.NewReader(f)
	require.NoError(t, err)
	var au []byte
	var units [][]byte
	for {
		nal, err := r.NextNAL()
		if errors.Is(err, io.EOF) {
			return aus, nals
		}
		require.NoError(t, err)
		au = append(append(au, 0, 0, 0, 1), nal.Data...)
		units = append(units, nal.Data)
		if nal.UnitType == h264reader.NalUnitTypeCodedSliceIdr || nal.UnitType == h264reader.NalUnitTypeCodedSliceNonIdr {
			aus, nals, au, units = append(aus, au), append(nals, units), nil, nil
		}
	}
}

// keyframesAt returns the indexes of the frames isKeyframe accepts.
func keyframesAt(mime string, frames [][]byte) []int {
	var keys []int
	for i, f := range frames {
		if isKeyframe(mime, f) {
			keys = append(keys, i)
		}
	}
	return keys
}

// checkPackets packetizes every frame and checks that startsKeyframe
// accepts the first packet of each keyframe, perKeyframe packets of it in
// all (H.264 starts a keyframe with its parameter sets, and again with
// its IDR slice), and no packet of another frame. It returns the first
// packets of the keyframes.
func checkPackets(t *testing.T, mime string, frames [][]byte, keys []int, perKeyframe int, payload func([]byte) [][]byte) [][]byte {
	t.Helper()
	var firsts [][]byte
	multi := 0
	for i, f := range frames {
		pkts := payload(f)
		require.NotEmpty(t, pkts, "frame %d", i)
		if len(pkts) > 1 {
			multi++
		}
		accepted := 0
		for _, p := range pkts {
			if startsKeyframe(mime, p) {
				accepted++
			}
		}
		if !slices.Contains(keys, i) {
			assert.Zero(t, accepted, "packets accepted in inter frame %d", i)
			continue
		}
		assert.True(t, startsKeyframe(mime, pkts[0]), "first packet of keyframe %d", i)
		assert.Equal(t, perKeyframe, accepted, "packets accepted in keyframe %d", i)
		firsts = append(firsts, pkts[0])
	}
	assert.Positive(t, multi, "some frames take several packets")
	return firsts
}

// TestKeyframesOfIVF finds the keyframes of the VP8, VP9 and AV1 clips,
// as whole frames and as RTP packets from pion's payloaders.
func TestKeyframesOfIVF(t *testing.T) {
	for _, tc := range []struct {
		clip, mime string
		payloaders []rtp.Payloader
	}{
		{"vp8-320x240-30fps-3s.ivf", webrtc.MimeTypeVP8, []rtp.Payloader{&codecs.VP8Payloader{}, &codecs.VP8Payloader{EnablePictureID: true}}},
		{"vp9-320x240-30fps-3s.ivf", webrtc.MimeTypeVP9, []rtp.Payloader{&codecs.VP9Payloader{}, &codecs.VP9Payloader{FlexibleMode: true}}},
		{"av1-160x120-30fps-1s.ivf", webrtc.MimeTypeAV1, []rtp.Payloader{&codecs.AV1Payloader{}}},
	} {
		t.Run(tc.mime, func(t *testing.T) {
			frames := ivfFrames(t, tc.clip)
			keys := clipKeyframes[tc.clip]
			require.Equal(t, keys, keyframesAt(tc.mime, frames))
			for _, p := range tc.payloaders {
				checkPackets(t, tc.mime, frames, keys, 1, func(f []byte) [][]byte { return p.Payload(200, f) })
			}
		})
	}
}

// TestKeyframesOfH264 finds the keyframes of the H.264 clip, as access
// units and as RTP packets: STAP-A, single NAL units and FU-A.
func TestKeyframesOfH264(t *testing.T) {
	aus, nals := h264AccessUnits(t, "h264-320x240-30fps-3s.h264")
	keys := clipKeyframes["h264-320x240-30fps-3s.h264"]
	require.Equal(t, keys, keyframesAt(webrtc.MimeTypeH264, aus))

	// Slices alone, as when SPS and PPS go out of band.
	slices := make([][]byte, len(nals))
	for i, units := range nals {
		slices[i] = append([]byte{0, 0, 0, 1}, units[len(units)-1]...)
	}
	for _, tc := range []struct {
		name        string
		payloader   *codecs.H264Payloader
		mtu         uint16
		frames      [][]byte
		perKeyframe int
		first       byte // the NAL unit type of a keyframe's first packet
	}{
		// pion sends SPS and PPS together in a STAP-A before each IDR.
		{"STAP-A", &codecs.H264Payloader{}, 1200, aus, 2, 24},
		{"single NAL units", &codecs.H264Payloader{DisableStapA: true}, 1200, aus, 2, 7},
		{"FU-A", &codecs.H264Payloader{}, 300, slices, 1, 28},
	} {
		t.Run(tc.name, func(t *testing.T) {
			firsts := checkPackets(t, webrtc.MimeTypeH264, tc.frames, keys, tc.perKeyframe,
				func(f []byte) [][]byte { return tc.payloader.Payload(tc.mtu, f) })
			for _, f := range firsts {
				assert.Equal(t, tc.first, f[0]&0x1f, "NAL unit type of a keyframe's first packet")
			}
		})
	}
}

// TestKeyframesNegative checks payloads and frames that start no
// keyframe.
func TestKeyframesNegative(t *testing.T) {
	vp8 := ivfFrames(t, "vp8-320x240-30fps-3s.ivf")
	key := (&codecs.VP8Payloader{}).Payload(1200, vp8[0])[0]
	for _, tc := range []struct {
		name, mime string
		payload    []byte
	}{
		{"empty", webrtc.MimeTypeVP8, nil},
		{"audio", webrtc.MimeTypeOpus, key},
		{"unknown codec", webrtc.MimeTypeH265, key},
		{"VP8 descriptor only", webrtc.MimeTypeVP8, key[:1]},
		{"VP8 not a partition start", webrtc.MimeTypeVP8, append([]byte{key[0] &^ 0x10}, key[1:]...)},
		{"VP9 inter frame", webrtc.MimeTypeVP9, []byte{0x48, 0x82, 0x49, 0x83}},
		{"H.264 truncated STAP-A", webrtc.MimeTypeH264, []byte{24, 0, 9, 0x67, 1}},
		{"H.264 empty STAP-A entry", webrtc.MimeTypeH264, []byte{24, 0, 0, 0, 2, 0x67, 1}},
		{"H.264 FU-A middle of an IDR", webrtc.MimeTypeH264, []byte{28, 0x05, 1, 2}},
		{"H.264 FU-A of a non-IDR slice", webrtc.MimeTypeH264, []byte{28, 0x81, 1, 2}},
		{"H.264 non-IDR slice", webrtc.MimeTypeH264, []byte{0x41, 0x9a}},
		{"AV1 without N", webrtc.MimeTypeAV1, []byte{0x10, 0x32}},
	} {
		assert.False(t, startsKeyframe(tc.mime, tc.payload), "startsKeyframe: %s", tc.name)
	}
	assert.False(t, isKeyframe(webrtc.MimeTypeVP8, nil), "no frame")
	assert.False(t, isKeyframe(webrtc.MimeTypeOpus, vp8[0]), "audio")
	assert.False(t, isKeyframe(webrtc.MimeTypeVP8, vp8[1]), "a VP8 inter frame")
	assert.False(t, isKeyframe(webrtc.MimeTypeVP9, []byte{0x86}), "a VP9 inter frame")
	assert.False(t, isKeyframe(webrtc.MimeTypeVP9, []byte{0x88}), "a VP9 shown existing frame")
	assert.False(t, isKeyframe(webrtc.MimeTypeH264, []byte{0, 0, 0, 1, 0x41, 0x9a, 0, 0, 1, 0x06, 5}), "Annex B without IDR")
	assert.False(t, isKeyframe(webrtc.MimeTypeAV1, []byte{0x32, 0x05, 1, 2}), "AV1 temporal unit without a sequence header")
}

// rtpOf wraps a payload in an RTP packet.
func rtpOf(seq uint16, ts uint32, payload []byte) *rtp.Packet {
	return &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, SSRC: 1234}, Payload: payload}
}
