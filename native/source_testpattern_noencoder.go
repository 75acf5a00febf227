//go:build !mediadevices

package native

import (
	"context"
	"errors"
)

// inProcessEncoding is false: this build has no libvpx encoder.
const inProcessEncoding = false

// errNoEncoder is what the in-process encoders return in this build.
var errNoEncoder = errors.New("native: " + NoInProcessEncodingNote)

func encodedTestPattern(TestPatternOptions) (Source, error) { return nil, errNoEncoder }

func (s *Simulcast) runEncoded(context.Context, rtpTracks) error { return errNoEncoder }
