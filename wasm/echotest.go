//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
)

var echoTestProto js.Value

func initEchoTestProto() {
	echoTestProto = newProto(handleProto, map[string]func(js.Value, []js.Value) any{
		"configure": method("EchoTest handle", echoConfigure),
		"start":     method("EchoTest handle", echoStart),
	})
}

// echoTestView is the typed view of a handle attached to the EchoTest
// plugin.
type echoTestView struct{ h *echotest.Handle }

func (hs *handleState) echoTest() (*echotest.Handle, error) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.plugin.echotest == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not an EchoTest handle"}
	}
	return hs.plugin.echotest.h, nil
}

// sessionAttachEchoTest({opaqueId}) -> EchoTest handle.
func sessionAttachEchoTest(ctx context.Context, ss *sessionState, args []js.Value) (any, error) {
	ao, err := attachOptions(arg(args, 0))
	if err != nil {
		return nil, err
	}
	h, err := echotest.Attach(ctx, ss.s, ao...)
	if err != nil {
		return nil, err
	}
	hs := newHandleState(ss, h.Handle)
	hs.plugin.echotest = &echoTestView{h: h}
	obj := hs.addObject(echoTestProto)
	hs.start()
	return obj, nil
}

// echoConfigure(settings, {jsep}) sends the plugin's settings ({audio,
// video, bitrate, record, ...}), with an SDP offer when jsep is given, and
// resolves with {jsep} (Janus's answer, if an offer was sent).
func echoConfigure(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	h, err := hs.echoTest()
	if err != nil {
		return nil, err
	}
	var req echotest.ConfigureRequest
	if err := fromJS(arg(args, 0), &req); err != nil {
		return nil, err
	}
	var offer *core.JSEP
	if o := arg(args, 1); o.Type() == js.TypeObject && isSet(o.Get("jsep")) {
		offer = &core.JSEP{}
		if err := fromJS(o.Get("jsep"), offer); err != nil {
			return nil, err
		}
	}
	answer, err := h.Configure(ctx, req, offer)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if answer != nil {
		m["jsep"] = answer
	}
	return m, nil
}

// echoStart(media, settings) sends local media ({audio, video} from
// getUserMedia, or {stream} / {tracks}) to the plugin, which sends it
// back: resolves with {stream, remoteStream}; the echoed tracks also
// arrive as "track" events.
func echoStart(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	h, err := hs.echoTest()
	if err != nil {
		return nil, err
	}
	var req echotest.ConfigureRequest
	if err := fromJS(arg(args, 1), &req); err != nil {
		return nil, err
	}
	if req.Audio == nil {
		req.Audio = core.Ptr(true)
	}
	if req.Video == nil {
		req.Video = core.Ptr(true)
	}
	if !mediaAvailable() {
		return nil, errNoMedia
	}
	opts := arg(args, 0)
	ms, err := newMediaState(opts)
	if err != nil {
		return nil, err
	}
	stop := ms.bind(ctx)
	defer stop()
	if err := ms.addLocal(ctx, opts); err != nil {
		ms.close()
		return nil, err
	}
	hs.setMedia(ms)
	core.LinkCandidates(ms.ctx, h.Handle, ms.peer, onTrickleErr)
	offer, err := ms.peer.CreateOffer(ms.ctx)
	if err == nil {
		var answer *core.JSEP
		answer, err = h.Configure(ms.ctx, req, offer)
		if err == nil {
			err = ms.peer.SetRemoteDescription(ms.ctx, answer)
		}
	}
	if err != nil {
		hs.closeMedia()
		return nil, err
	}
	res := jsObject.New()
	res.Set("stream", ms.local)
	res.Set("remoteStream", ms.remote)
	return res, nil
}
