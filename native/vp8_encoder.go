//go:build mediadevices

package native

/*
#cgo pkg-config: vpx
#include <stdlib.h>
#include <string.h>
#include <vpx/vpx_encoder.h>
#include <vpx/vp8cx.h>

// gj_vp8 is one libvpx VP8 encoder with its picture buffer.
typedef struct {
	vpx_codec_ctx_t ctx;
	vpx_image_t img;
} gj_vp8;

static int gj_vp8_open(gj_vp8 *e, unsigned w, unsigned h, unsigned fps, unsigned kbps,
                       unsigned kf_max, int cpu_used) {
	vpx_codec_enc_cfg_t cfg;
	if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg, 0)) return -1;
	cfg.g_w = w;
	cfg.g_h = h;
	cfg.g_timebase.num = 1;
	cfg.g_timebase.den = fps;
	cfg.g_threads = 1;
	cfg.g_lag_in_frames = 0;
	cfg.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
	cfg.g_pass = VPX_RC_ONE_PASS;
	cfg.rc_end_usage = VPX_CBR;
	cfg.rc_target_bitrate = kbps;
	cfg.rc_min_quantizer = 4;
	cfg.rc_max_quantizer = 56;
	cfg.rc_undershoot_pct = 100;
	cfg.rc_overshoot_pct = 15;
	cfg.rc_buf_initial_sz = 500;
	cfg.rc_buf_optimal_sz = 600;
	cfg.rc_buf_sz = 1000;
	cfg.rc_resize_allowed = 0;
	cfg.rc_dropframe_thresh = 0;
	cfg.kf_mode = VPX_KF_AUTO;
	cfg.kf_min_dist = 0;
	cfg.kf_max_dist = kf_max;
	if (vpx_codec_enc_init(&e->ctx, vpx_codec_vp8_cx(), &cfg, 0)) return -2;
	vpx_codec_control(&e->ctx, VP8E_SET_CPUUSED, cpu_used);
	vpx_codec_control(&e->ctx, VP8E_SET_STATIC_THRESHOLD, 1);
	vpx_codec_control(&e->ctx, VP8E_SET_NOISE_SENSITIVITY, 0);
	if (!vpx_img_alloc(&e->img, VPX_IMG_FMT_I420, w, h, 16)) {
		vpx_codec_destroy(&e->ctx);
		return -3;
	}
	return 0;
}

// gj_vp8_encode encodes the picture and copies the frame into out (cap
// bytes). It returns the frame's size, 0 if the encoder made none, or -1
// on error; *key tells whether it is a keyframe. *need is set when out is
// too small (the frame is then lost, as encoders do on overflow).
static int gj_vp8_encode(gj_vp8 *e, long long pts, int force_kf, unsigned char *out, int cap,
                         int *key, int *need) {
	vpx_enc_frame_flags_t flags = force_kf ? VPX_EFLAG_FORCE_KF : 0;
	if (vpx_codec_encode(&e->ctx, &e->img, pts, 1, flags, VPX_DL_REALTIME)) return -1;
	int n = 0;
	*key = 0;
	*need = 0;
	vpx_codec_iter_t it = NULL;
	const vpx_codec_cx_pkt_t *pkt;
	while ((pkt = vpx_codec_get_cx_data(&e->ctx, &it)) != NULL) {
		if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
		if (pkt->data.frame.flags & VPX_FRAME_IS_KEY) *key = 1;
		size_t sz = pkt->data.frame.sz;
		if (n + (int)sz > cap) {
			*need = n + (int)sz;
			continue;
		}
		memcpy(out + n, pkt->data.frame.buf, sz);
		n += (int)sz;
	}
	return n;
}

static void gj_vp8_close(gj_vp8 *e) {
	vpx_img_free(&e->img);
	vpx_codec_destroy(&e->ctx);
}

static unsigned char *gj_plane(gj_vp8 *e, int i) { return e->img.planes[i]; }
static int gj_stride(gj_vp8 *e, int i) { return e->img.stride[i]; }
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// vp8Encoder is libvpx's VP8 encoder in real-time mode, set up as WebRTC
// senders use it: constant bitrate, no lookahead, error resilient, one
// thread, and a keyframe whenever the caller asks for one.
type vp8Encoder struct {
	e       *C.gj_vp8
	w, h    int
	pts     int64
	out     []byte
	picture yuvPicture
}

// vp8EncoderCPUUsed is libvpx's speed setting for real time (-16 to 16;
// higher is faster and a little worse): at 16 a 640x480 test pattern
// frame takes about 0.7 ms here, 2% of a core at 30 fps
// (BenchmarkTestPatternEncode), against 1.1 ms at 12.
const vp8EncoderCPUUsed = 16

// newVP8Encoder opens an encoder for w×h pictures at fps frames a second,
// bitrate bit/s and a keyframe at least every kfInterval frames.
func newVP8Encoder(w, h int, fps float64, bitrate, kfInterval int) (*vp8Encoder, error) {
	if w <= 0 || h <= 0 || w%2 != 0 || h%2 != 0 {
		return nil, fmt.Errorf("native: vp8 encoder: size %dx%d must be even and positive", w, h)
	}
	e := (*C.gj_vp8)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gj_vp8{}))))
	if e == nil {
		return nil, errors.New("native: vp8 encoder: out of memory")
	}
	if rc := C.gj_vp8_open(e, C.uint(w), C.uint(h), C.uint(fps+0.5), C.uint(bitrate/1000),
		C.uint(kfInterval), C.int(vp8EncoderCPUUsed)); rc != 0 {
		C.free(unsafe.Pointer(e))
		return nil, fmt.Errorf("native: vp8 encoder: libvpx setup failed (%d)", int(rc))
	}
	enc := &vp8Encoder{e: e, w: w, h: h, out: make([]byte, 256<<10)}
	ys, cs := int(C.gj_stride(e, 0)), int(C.gj_stride(e, 1))
	enc.picture = yuvPicture{
		Y:       unsafe.Slice((*byte)(C.gj_plane(e, 0)), ys*h),
		U:       unsafe.Slice((*byte)(C.gj_plane(e, 1)), cs*h/2),
		V:       unsafe.Slice((*byte)(C.gj_plane(e, 2)), cs*h/2),
		YStride: ys, CStride: cs, Width: w, Height: h,
	}
	return enc, nil
}

// Picture is the encoder's input buffer: draw the next picture into it,
// then call Encode.
func (v *vp8Encoder) Picture() *yuvPicture { return &v.picture }

// Encode encodes the picture, as a keyframe when forceKeyframe is set,
// and returns the frame (valid until the next call) and whether it is a
// keyframe. A nil frame means the encoder dropped this picture.
func (v *vp8Encoder) Encode(forceKeyframe bool) ([]byte, bool, error) {
	force := C.int(0)
	if forceKeyframe {
		force = 1
	}
	var key, need C.int
	for {
		n := C.gj_vp8_encode(v.e, C.longlong(v.pts), force, (*C.uchar)(unsafe.Pointer(&v.out[0])), C.int(len(v.out)), &key, &need)
		if n < 0 {
			return nil, false, errors.New("native: vp8 encoder: libvpx failed to encode")
		}
		if need == 0 {
			v.pts++
			if n == 0 {
				return nil, false, nil
			}
			return v.out[:n], key != 0, nil
		}
		// The frame did not fit: grow the buffer and make a keyframe
		// again, as the lost frame cannot be referenced.
		v.out = make([]byte, int(need)*2)
		v.pts++
		force = 1
	}
}

// Close frees the encoder.
func (v *vp8Encoder) Close() {
	if v.e != nil {
		C.gj_vp8_close(v.e)
		C.free(unsafe.Pointer(v.e))
		v.e = nil
	}
}
