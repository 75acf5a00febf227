//go:build !mediadevices

package native

import "errors"

// DeviceOptions choose and tune the devices of a DeviceSource.
type DeviceOptions struct {
	// Test uses pion/mediadevices' synthetic devices instead of a camera
	// and a microphone: colour bars with a noise area, and a 480 Hz tone.
	Test bool
	// Video and Audio choose the tracks; when both are false, both are on.
	Video, Audio bool
	// VideoDevice and AudioDevice pick a device by its mediadevices id,
	// label or name (for V4L2 cameras the label is the /dev path); by
	// default mediadevices picks the best match.
	VideoDevice, AudioDevice string
	// Width, Height and FrameRate are the capture format asked of the
	// camera (default 640x480 at 30 fps; a camera gives its closest
	// format).
	Width, Height int
	FrameRate     float64
	// VideoBitrate and AudioBitrate are the encoders' bitrates in bit/s
	// (default 1_000_000 and 64_000).
	VideoBitrate, AudioBitrate int
	// KeyframeInterval is the VP8 keyframe interval in frames (default
	// 60); keyframe requests (PLI, FIR) are answered at once anyway.
	KeyframeInterval int
	// StreamID is the media stream id of the tracks (default "gojanus").
	StreamID string
}

// DeviceSource captures a camera and a microphone through
// pion/mediadevices. This build has no mediadevices support, so it
// returns an error: build with -tags mediadevices (cgo and libvpx-dev
// needed) to get it.
func DeviceSource(opts DeviceOptions) (Source, error) {
	return nil, errors.New("native: device sources need a build with the mediadevices tag " +
		"(go build -tags mediadevices, which needs cgo and libvpx-dev); " +
		"ffmpeg or GStreamer sources can read devices too (ffmpeg:-f v4l2 -i /dev/video0)")
}
