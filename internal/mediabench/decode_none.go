//go:build !js && !mediadevices

package mediabench

import "errors"

// DecodesFrames reports whether KeyframeWatch decodes the first keyframe
// with libvpx (build tag mediadevices) rather than only assembling it.
const DecodesFrames = false

// decodeVP8 is not called without libvpx.
func decodeVP8([]byte) error {
	return errors.New("mediabench: built without libvpx (build tag mediadevices)")
}
