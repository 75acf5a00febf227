package native

import (
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// defaultInterceptors registers pion's defaults (NACK generator and
// responder, RTCP sender/receiver reports, TWCC header extension and
// stats) and then the keyframe requests of RegisterKeyframeRequests, last
// so that its PLIs pass through pion's statistics.
func defaultInterceptors(me *webrtc.MediaEngine) (*interceptor.Registry, error) {
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		return nil, err
	}
	RegisterKeyframeRequests(ir)
	return ir, nil
}
