package native

import (
	"fmt"
	"strconv"
)

// TestPatternOptions tune a TestPatternSource.
type TestPatternOptions struct {
	// Video and Audio choose the tracks; when both are false, both are on.
	Video, Audio bool
	// Width and Height are the picture size (default 640x480, both even);
	// FrameRate its rate (default 30).
	Width, Height int
	FrameRate     float64
	// VideoBitrate is the VP8 bitrate in bit/s (default 1_000_000; the
	// pattern is simple and often needs less).
	VideoBitrate int
	// KeyframeInterval is the longest run of frames between keyframes
	// (default 150, five seconds at 30 fps). Keyframe requests are
	// answered at once whatever it is; regular keyframes only matter for
	// receivers that never ask.
	KeyframeInterval int
	// ToneFrequency is the audio tone in Hz (default 440); AudioBitrate the
	// Opus bitrate in bit/s (default 32_000).
	ToneFrequency float64
	AudioBitrate  int
	// StreamID is the media stream id of the tracks (default "gojanus").
	StreamID string
}

// InProcessEncoding tells whether this build encodes video in this
// process (libvpx through cgo, with the mediadevices build tag), so that
// the test pattern and device sources make a keyframe as soon as a
// receiver asks. Builds without it make the test pattern with ffmpeg,
// which cannot hear keyframe requests (see FFmpegSource).
const InProcessEncoding = inProcessEncoding

// NoInProcessEncodingNote explains, for a user, what a build without the
// in-process encoder does instead and how to get one.
const NoInProcessEncodingNote = "this build has no in-process video encoder (it needs the mediadevices build tag: " +
	"cgo and libvpx-dev; `go tool mage deps` installs libvpx-dev and mage builds use the tag), " +
	"so the test pattern comes from ffmpeg, which cannot answer keyframe requests: " +
	"a new subscriber may wait up to a second for its first picture"

// TestPatternSource publishes a moving VP8 test picture (colour bars, a
// sweeping square, the frame number) and an Opus sine tone. With
// InProcessEncoding both are encoded in this process and every keyframe
// request (PLI, FIR) from Janus is answered by the next frame, within one
// frame interval; without it the source is ffmpeg's lavfi test pattern and
// tone, with a keyframe every second (see NoInProcessEncodingNote).
func TestPatternSource(opts TestPatternOptions) (Source, error) {
	if !opts.Video && !opts.Audio {
		opts.Video, opts.Audio = true, true
	}
	if opts.Width == 0 && opts.Height == 0 {
		opts.Width, opts.Height = 640, 480
	}
	if opts.Width <= 0 || opts.Height <= 0 || opts.Width%2 != 0 || opts.Height%2 != 0 {
		return nil, fmt.Errorf("native: test pattern size %dx%d must be even and positive", opts.Width, opts.Height)
	}
	if opts.FrameRate <= 0 {
		opts.FrameRate = 30
	}
	if opts.VideoBitrate <= 0 {
		opts.VideoBitrate = 1_000_000
	}
	if opts.KeyframeInterval <= 0 {
		opts.KeyframeInterval = 150
	}
	if opts.ToneFrequency <= 0 {
		opts.ToneFrequency = 440
	}
	if opts.AudioBitrate <= 0 {
		opts.AudioBitrate = 32_000
	}
	if opts.StreamID == "" {
		opts.StreamID = "gojanus"
	}
	if InProcessEncoding {
		return encodedTestPattern(opts)
	}
	var input []string
	if opts.Video {
		input = append(input, "-f", "lavfi", "-i", fmt.Sprintf("testsrc=size=%dx%d:rate=%s",
			opts.Width, opts.Height, strconv.FormatFloat(opts.FrameRate, 'f', -1, 64)))
	}
	if opts.Audio {
		input = append(input, "-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%s:sample_rate=48000",
			strconv.FormatFloat(opts.ToneFrequency, 'f', -1, 64)))
	}
	return FFmpegSource(input, FFmpegOptions{Video: opts.Video, Audio: opts.Audio,
		VideoBitrate: strconv.Itoa(opts.VideoBitrate), AudioBitrate: strconv.Itoa(opts.AudioBitrate),
		StreamID: opts.StreamID})
}
