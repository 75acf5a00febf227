package plugin

// RecordingFiles returns the paths of the .mjr files the SIP and NoSIP
// plugins write for a "recording" start with base path filename: filename
// followed by "-user-audio.mjr", "-user-video.mjr", "-peer-audio.mjr" and
// "-peer-video.mjr" for the media asked for. Without a filename Janus
// names the files itself, and there are none to tell (nil).
func RecordingFiles(filename string, audio, video, peerAudio, peerVideo bool) []string {
	if filename == "" {
		return nil
	}
	var out []string
	for _, f := range []struct {
		on     bool
		suffix string
	}{{audio, "-user-audio"}, {video, "-user-video"}, {peerAudio, "-peer-audio"}, {peerVideo, "-peer-video"}} {
		if f.on {
			out = append(out, filename+f.suffix+".mjr")
		}
	}
	return out
}
