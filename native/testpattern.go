package native

import (
	"image/color"
	"math"
)

// yuvPicture is an I420 picture: a full-size luma plane and two
// half-size chroma planes, each with its row stride.
type yuvPicture struct {
	Y, U, V          []byte
	YStride, CStride int
	Width, Height    int
}

// testPattern draws a moving test picture, cheap to draw and to encode:
// colour bars over a grey ramp (drawn once), a white square that sweeps
// across and back every four seconds, and the frame number in
// seven-segment digits, so that a viewer sees at once that frames flow
// and which one is shown.
type testPattern struct {
	w, h          int
	y, u, v       []byte // the still background, without stride padding
	frame         int
	fps           float64
	square, digit int // square side and digit height, in pixels
}

// newTestPattern prepares a w×h pattern (both even) for fps frames a second.
func newTestPattern(w, h int, fps float64) *testPattern {
	p := &testPattern{w: w, h: h, fps: fps,
		y: make([]byte, w*h), u: make([]byte, w*h/4), v: make([]byte, w*h/4)}
	bars := []color.RGBA{
		{255, 255, 255, 255}, {255, 255, 0, 255}, {0, 255, 255, 255}, {0, 255, 0, 255},
		{255, 0, 255, 255}, {255, 0, 0, 255}, {0, 0, 255, 255}, {16, 16, 16, 255},
	}
	for row := 0; row < h; row += 2 {
		for col := 0; col < w; col += 2 {
			var c color.RGBA
			if row < h*2/3 {
				c = bars[col*len(bars)/w]
			} else {
				g := uint8(col * 255 / w)
				c = color.RGBA{g, g, g, 255}
			}
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			for dy := range 2 {
				for dx := range 2 {
					p.y[(row+dy)*w+col+dx] = yy
				}
			}
			p.u[row/2*w/2+col/2] = cb
			p.v[row/2*w/2+col/2] = cr
		}
	}
	p.square = max(h/8&^1, 2)
	p.digit = max(h/10&^1, 8)
	return p
}

// draw writes the next picture into pic, which has the pattern's size.
func (p *testPattern) draw(pic *yuvPicture) {
	w, h := p.w, p.h
	for row := range h {
		copy(pic.Y[row*pic.YStride:row*pic.YStride+w], p.y[row*w:(row+1)*w])
	}
	for row := range h / 2 {
		copy(pic.U[row*pic.CStride:row*pic.CStride+w/2], p.u[row*w/2:(row+1)*w/2])
		copy(pic.V[row*pic.CStride:row*pic.CStride+w/2], p.v[row*w/2:(row+1)*w/2])
	}
	// The square: a triangle wave over four seconds.
	period := 4 * p.fps
	phase := math.Mod(float64(p.frame), period) / period
	travel := 1 - math.Abs(2*phase-1)
	x := int(travel*float64(w-p.square)) &^ 1
	y := (h/2 - p.square/2) &^ 1
	fillRect(pic, x, y, p.square, p.square, 235, 128, 128)
	// The frame number on a black box, top left.
	digits := digitsOf(p.frame)
	dw := p.digit / 2
	pad := max(p.digit/8, 2) &^ 1
	boxW := len(digits)*(dw+pad) + pad
	fillRect(pic, 0, 0, min(boxW+pad, w)&^1, min(p.digit+2*pad, h)&^1, 16, 128, 128)
	for i, d := range digits {
		drawDigit(pic, pad+i*(dw+pad), pad, dw, p.digit, d)
	}
	p.frame++
}

// digitsOf returns the decimal digits of n, most significant first.
func digitsOf(n int) []int {
	if n <= 0 {
		return []int{0}
	}
	var d []int
	for ; n > 0; n /= 10 {
		d = append([]int{n % 10}, d...)
	}
	return d
}

// segments lists, per digit, the lit segments of a seven-segment display
// (bits a to g: top, top right, bottom right, bottom, bottom left, top
// left, middle).
var segments = [10]uint8{0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f}

// drawDigit draws digit d in white, w wide and h high, at x, y.
func drawDigit(pic *yuvPicture, x, y, w, h, d int) {
	t := max(h/8, 1) // stroke
	half := h / 2
	seg := segments[d]
	rects := [7][4]int{
		{x, y, w, t},                   // a
		{x + w - t, y, t, half},        // b
		{x + w - t, y + half, t, half}, // c
		{x, y + h - t, w, t},           // d
		{x, y + half, t, half},         // e
		{x, y, t, half},                // f
		{x, y + half - t/2, w, t},      // g
	}
	for i, r := range rects {
		if seg&(1<<i) != 0 {
			fillRect(pic, r[0], r[1], r[2], r[3], 235, 128, 128)
		}
	}
}

// fillRect paints a rectangle in one YCbCr colour, clipped to the picture.
func fillRect(pic *yuvPicture, x, y, w, h int, yy, cb, cr byte) {
	x0, y0 := max(x, 0), max(y, 0)
	x1, y1 := min(x+w, pic.Width), min(y+h, pic.Height)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	for row := y0; row < y1; row++ {
		line := pic.Y[row*pic.YStride+x0 : row*pic.YStride+x1]
		for i := range line {
			line[i] = yy
		}
	}
	for row := y0 / 2; row < (y1+1)/2; row++ {
		for col := x0 / 2; col < (x1+1)/2; col++ {
			pic.U[row*pic.CStride+col] = cb
			pic.V[row*pic.CStride+col] = cr
		}
	}
}

// tone makes a sine wave as 16-bit mono samples.
type tone struct {
	freq, rate float64
	n          int
}

// fill writes the next len(buf) samples at a quarter of full scale.
func (t *tone) fill(buf []int16) {
	for i := range buf {
		buf[i] = int16(8192 * math.Sin(2*math.Pi*t.freq*float64(t.n)/t.rate))
		t.n++
		if t.n == int(t.rate) { // a whole second is a whole number of periods for whole-Hz tones
			t.n = 0
		}
	}
}
