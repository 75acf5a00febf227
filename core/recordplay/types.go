package recordplay

import "github.com/gojanus/gojanus/core"

// ListRequest is the "list" request.
type ListRequest struct {
	// AdminKey, when it is the plugin's admin_key, lists the private
	// recordings too (Janus 1.3.1; older servers have no private
	// recordings).
	AdminKey string `json:"admin_key,omitempty"`
}

// UpdateRequest is the "update" request.
type UpdateRequest struct {
	// AdminKey is required when the plugin is configured with admin_key
	// (Janus 1.3.1).
	AdminKey string `json:"admin_key,omitempty"`
}

// RecordingInfo describes a completed recording, as List returns it.
type RecordingInfo struct {
	// Recording is the recording's id, for Play.
	Recording core.ID `json:"id"`
	Name      string  `json:"name"`
	// Date is when the recording started, in the server's local time
	// ("2026-12-06 12:00:00").
	Date string `json:"date"`
	// Audio, Video and Data tell which media were recorded.
	Audio bool `json:"audio"`
	Video bool `json:"video"`
	Data  bool `json:"data"`
	// AudioCodec and VideoCodec are the recorded codecs.
	AudioCodec core.Codec `json:"audio_codec,omitempty"`
	VideoCodec core.Codec `json:"video_codec,omitempty"`
	// AudioRED is set when the audio was recorded with RED (opusred).
	AudioRED bool `json:"audio_red,omitempty"`
	// IsPrivate is set for a private recording, listed only with the
	// admin_key (Janus 1.3.1; always false before).
	IsPrivate bool `json:"is_private,omitempty"`
}

// ConfigureRequest is the "configure" request: what the plugin asks of
// the peer it records. Zero fields are not sent.
type ConfigureRequest struct {
	// VideoBitrateMax caps the sender's video bitrate, in bits per second
	// (REMB; the plugin's default is 1048576).
	VideoBitrateMax int `json:"video-bitrate-max,omitempty"`
	// VideoKeyframeInterval is how often the plugin asks the sender for a
	// keyframe (PLI), in milliseconds, which the plugin rounds down to
	// whole seconds (its default is 15000). The plugin's documentation
	// says seconds; its code counts milliseconds.
	VideoKeyframeInterval int `json:"video-keyframe-interval,omitempty"`
}

// ConfigureResult holds the settings in force after a Configure.
type ConfigureResult struct {
	VideoBitrateMax       int `json:"video-bitrate-max"`
	VideoKeyframeInterval int `json:"video-keyframe-interval"`
}

// RecordRequest is the "record" request, sent with an SDP offer.
type RecordRequest struct {
	// Recording is the new recording's id; the plugin picks one when
	// zero. The plugin's ids are numbers.
	Recording core.ID `json:"id,omitzero"`
	// Name names the recording (required).
	Name string `json:"name"`
	// IsPrivate, when set, says whether the recording is private: left
	// out of List without the admin_key, playable by whoever knows its
	// id. The default is the plugin's configuration (Janus 1.3.1).
	IsPrivate *bool `json:"is_private,omitempty"`
	// Filename is the base name of the files in the recordings folder
	// ("-audio.mjr", "-video.mjr", "-data.mjr" are appended); default
	// "rec-ID". Without a folder: Janus refuses a path there, writes no
	// file, and still lists the recording (it cannot be played).
	Filename string `json:"filename,omitempty"`
	// AudioCodec and VideoCodec pick the codec to record among those
	// offered (default: the offer's first); VideoProfile a VP9 or H.264
	// profile.
	AudioCodec   core.Codec `json:"audiocodec,omitempty"`
	VideoCodec   core.Codec `json:"videocodec,omitempty"`
	VideoProfile string     `json:"videoprofile,omitempty"`
	// OpusRED records Opus with RED when the offer has it.
	OpusRED bool `json:"opusred,omitempty"`
	// TextData says whether a data channel is recorded as text (true, the
	// plugin's default) or binary.
	TextData *bool `json:"textdata,omitempty"`
	// Update marks the offer as a renegotiation of the recording in
	// progress.
	Update bool `json:"update,omitempty"`
}

// PlayRequest is the "play" request.
type PlayRequest struct {
	// Recording is the id of the recording to play (required).
	Recording core.ID `json:"id"`
	// Restart asks for a new offer, with an ICE restart, for the playout
	// in progress.
	Restart bool `json:"restart,omitempty"`
}
