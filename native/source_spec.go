package native

import (
	"errors"
	"fmt"
	"strings"
)

// ParseSource turns a source description, as the gojanus command takes
// it, into a Source:
//
//	clip.ivf,voice.ogg          media files (comma separated), looped
//	test                        a VP8 test pattern with a 440 Hz tone (TestPatternSource)
//	ffmpeg:ARGS                 ffmpeg input arguments, e.g. ffmpeg:-i movie.mp4
//	gst:PIPELINE[;PIPELINE]     GStreamer pipelines ending in RTP payloaders
//	device                      the default camera and microphone (build tag mediadevices)
//
// Arguments in ffmpeg:ARGS are split on spaces; single or double quotes
// keep spaces inside one argument.
func ParseSource(spec string) (Source, error) {
	switch {
	case spec == "":
		return nil, errors.New("native: empty source")
	case spec == "test":
		return TestPatternSource(TestPatternOptions{})
	case spec == "device":
		return DeviceSource(DeviceOptions{})
	case strings.HasPrefix(spec, "ffmpeg:"):
		args, err := splitArgs(strings.TrimPrefix(spec, "ffmpeg:"))
		if err != nil {
			return nil, err
		}
		return FFmpegSource(args, FFmpegOptions{})
	case strings.HasPrefix(spec, "gst:"):
		var pipes []string
		for _, p := range strings.Split(strings.TrimPrefix(spec, "gst:"), ";") {
			if p = strings.TrimSpace(p); p != "" {
				pipes = append(pipes, p)
			}
		}
		return GStreamerSource(GStreamerOptions{}, pipes...)
	default:
		return FileSource(FileOptions{Loop: true}, strings.Split(spec, ",")...)
	}
}

// splitArgs splits a command line on spaces, honouring quotes.
func splitArgs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	var quote rune
	inArg := false
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == ' ' || r == '\t':
			if inArg {
				out = append(out, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("native: unterminated quote in %q", s)
	}
	if inArg {
		out = append(out, cur.String())
	}
	if len(out) == 0 {
		return nil, errors.New("native: no ffmpeg arguments")
	}
	return out, nil
}
