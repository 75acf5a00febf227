//go:build !js && mediadevices

package mediabench

import (
	"bytes"

	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/prop"
)

// DecodesFrames reports whether KeyframeWatch decodes the first keyframe
// with libvpx (build tag mediadevices) rather than only assembling it.
const DecodesFrames = true

// decodeVP8 decodes one VP8 frame with a new libvpx decoder, which reads
// the whole frame in one Read.
func decodeVP8(frame []byte) error {
	d, err := vpx.NewDecoder(bytes.NewReader(frame), prop.Media{})
	if err != nil {
		return err
	}
	defer d.Close()
	_, release, err := d.Read()
	if err != nil {
		return err
	}
	release()
	return nil
}
