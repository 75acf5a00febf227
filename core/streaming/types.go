package streaming

import "github.com/gojanus/gojanus/core"

// ListRequest is the "list" request.
type ListRequest struct {
	// AdminKey, when it is the plugin's admin_key, lists the private
	// mountpoints too.
	AdminKey string `json:"admin_key,omitempty"`
}

// InfoRequest is the "info" request.
type InfoRequest struct {
	Mountpoint core.ID `json:"id"`
	// Secret, when right (or when the mountpoint has none), adds the
	// private details: name, secret, PIN, viewers, ports, recordings.
	Secret string `json:"secret,omitempty"`
}

// Mountpoint describes a mountpoint, as listed by List (the generic
// fields) or returned by Info (all the fields the plugin has for it).
type Mountpoint struct {
	ID core.ID `json:"id"`
	// Type is StreamingLive or StreamingOnDemand.
	Type        string `json:"type"`
	Description string `json:"description"`
	Metadata    string `json:"metadata,omitempty"`
	Enabled     bool   `json:"enabled"`
	// Media are the mountpoint's streams (RTP and RTSP mountpoints; one
	// audio stream for file mountpoints, in Info only).
	Media []StreamInfo `json:"media"`

	// Info only: Name, Secret, Pin, IsPrivate, Viewers, Filename and Host
	// need the right secret (or a mountpoint without one).
	Name      string `json:"name,omitempty"`
	Secret    string `json:"secret,omitempty"`
	Pin       string `json:"pin,omitempty"`
	IsPrivate bool   `json:"is_private,omitempty"`
	Viewers   int    `json:"viewers,omitempty"`
	// Filename is the file streamed by live and on-demand file mountpoints.
	Filename string `json:"filename,omitempty"`
	// Host is the address an RTP mountpoint bound to, when it was bound
	// to an interface or multicast group (the last stream's).
	Host string `json:"host,omitempty"`
	// SRTP is true when the RTP mountpoint expects SRTP.
	SRTP bool `json:"srtp,omitempty"`
	// Collision is the SSRC collision window in ms, Threads the number of
	// helper threads.
	Collision int `json:"collision,omitempty"`
	Threads   int `json:"threads,omitempty"`
	// RTSP mountpoints: RTSP is true; URL, RTSPUser, RTSPPassword and
	// RTSPQuirk need the secret.
	RTSP         bool   `json:"rtsp,omitempty"`
	URL          string `json:"url,omitempty"`
	RTSPUser     string `json:"rtsp_user,omitempty"`
	RTSPPassword string `json:"rtsp_pwd,omitempty"`
	RTSPQuirk    bool   `json:"rtsp_quirk,omitempty"`
	// BufferKFMS and BufferKFBytes are the keyframe buffering of the
	// mountpoint (CreateRequest.BufferKFMS): Janus 1.3.3 and later.
	BufferKFMS    int `json:"bufferkf_ms,omitempty"`
	BufferKFBytes int `json:"bufferkf_bytes,omitempty"`
}

// StreamInfo is one stream of a mountpoint.
type StreamInfo struct {
	// Mid is the stream's media id in the SDP; Type is MediaAudio,
	// MediaVideo or MediaData.
	Mid   string `json:"mid"`
	Type  string `json:"type"`
	Label string `json:"label,omitempty"`
	// MSID is "stream track" when one was configured.
	MSID string `json:"msid,omitempty"`
	// AgeMS is how long ago, in ms, the stream last received media (since
	// it was created, if it never did); nil when it has no socket.
	AgeMS *int64 `json:"age_ms,omitempty"`

	// Info only.
	MIndex int        `json:"mindex"`
	PT     int        `json:"pt,omitempty"`
	Codec  core.Codec `json:"codec,omitempty"`
	RTPMap string     `json:"rtpmap,omitempty"`
	FMTP   string     `json:"fmtp,omitempty"`
	// BufferKeyframe, Simulcast, SVC and SkewCompensation are the
	// stream's options (the plugin names them videobufferkf,
	// videosimulcast, videosvc and skew_compensation here).
	// BufferKeyframe is reported up to Janus 1.3.2 only; later versions
	// buffer per mountpoint (Mountpoint.BufferKFMS).
	BufferKeyframe   bool `json:"videobufferkf,omitempty"`
	Simulcast        bool `json:"videosimulcast,omitempty"`
	SVC              bool `json:"videosvc,omitempty"`
	SkewCompensation bool `json:"skew_compensation,omitempty"`
	// Port, RTCPPort, Port2 and Port3 (simulcast) are the local UDP
	// ports; they need the secret.
	Port     int `json:"port,omitempty"`
	RTCPPort int `json:"rtcpport,omitempty"`
	Port2    int `json:"port2,omitempty"`
	Port3    int `json:"port3,omitempty"`
	// Recording is the file being recorded to, if any (needs the secret).
	Recording string `json:"recording,omitempty"`
	// DataType is "text" or "binary" for data streams (Janus 1.1.3 and
	// later).
	DataType string `json:"datatype,omitempty"`
}

// CreateRequest is the "create" request. Type selects the source
// (SourceRTP, SourceLive, SourceOnDemand, SourceRTSP) and which of the
// other fields apply. RTP mountpoints describe their streams in Media;
// the flat audio*/video*/data* fields are the plugin's deprecated single
// audio/video/data form for RTP, and the only form for file and RTSP
// mountpoints.
type CreateRequest struct {
	// AdminKey is required when the plugin is configured with admin_key.
	AdminKey string `json:"admin_key,omitempty"`
	Type     string `json:"type"`
	// Mountpoint is the new mountpoint's id, chosen by the server when
	// zero (a random number, or a UUID with string_ids).
	Mountpoint core.ID `json:"id,omitzero"`
	// Name defaults to "mp-<id>"; Description defaults to the name.
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Metadata    string `json:"metadata,omitempty"`
	// Secret protects managing the mountpoint; Pin protects watching it.
	Secret string `json:"secret,omitempty"`
	Pin    string `json:"pin,omitempty"`
	// IsPrivate hides the mountpoint from List (without admin_key).
	IsPrivate bool `json:"is_private,omitempty"`
	// Permanent saves the mountpoint to the plugin's configuration file.
	Permanent bool `json:"permanent,omitempty"`

	// Media are the streams of an RTP mountpoint, in SDP order.
	Media []StreamConfig `json:"media,omitempty"`
	// DataType ("text" or "binary") and BufferMessage (send the last
	// message to new viewers) configure data streams. Janus 1.1.2 reads
	// them from the top level of the request even for streams in Media.
	DataType      string `json:"datatype,omitempty"`
	BufferMessage bool   `json:"buffermsg,omitempty"`
	// Collision is the SSRC collision window in ms (0 disables it).
	Collision int `json:"collision,omitempty"`
	// Threads is the number of helper threads relaying to viewers.
	Threads int `json:"threads,omitempty"`
	// SRTPSuite (32 or 80) and SRTPCrypto (base64 SDES key) make the
	// mountpoint decrypt SRTP.
	SRTPSuite  int    `json:"srtpsuite,omitempty"`
	SRTPCrypto string `json:"srtpcrypto,omitempty"`
	// E2EE marks the relayed media as end-to-end encrypted.
	E2EE bool `json:"e2ee,omitempty"`
	// PlayoutDelayExt negotiates the playout-delay RTP extension.
	PlayoutDelayExt bool `json:"playoutdelay_ext,omitempty"`
	// AbsCaptureTimeExtID (1-14) is the id of the abs-capture-time RTP
	// extension in the incoming RTP; the mountpoint then offers the
	// extension to its viewers and relays it. Janus 1.2.2 and later.
	AbsCaptureTimeExtID int `json:"abscapturetime_src_ext_id,omitempty"`
	// BufferKFMS and BufferKFBytes make the mountpoint keep the last
	// keyframe and the frames after it, up to this many milliseconds or
	// bytes (the first limit reached ends the buffer), and send them to
	// each new viewer at once, so that its video starts without waiting
	// for the source's next keyframe (a burst of data on every join).
	// They apply to every video stream except simulcast ones, of RTP and
	// RTSP mountpoints, and replace StreamConfig.BufferKeyframe and
	// VideoBufferKF, which these versions ignore. Janus 1.3.3 and later.
	BufferKFMS    int `json:"bufferkf_ms,omitempty"`
	BufferKFBytes int `json:"bufferkf_bytes,omitempty"`

	// Audio, Video and Data enable the single streams of the flat form.
	// File mountpoints need Audio (and no Video).
	Audio bool `json:"audio,omitempty"`
	Video bool `json:"video,omitempty"`
	Data  bool `json:"data,omitempty"`
	// Audio stream of the flat form: AudioPort is required for RTP
	// (core.Ptr(0) lets the plugin pick one from its rtp_port_range);
	// AudioRTCPPort enables RTCP. AudioRTPMap is the deprecated
	// alternative to AudioCodec.
	AudioPort     *int       `json:"audioport,omitempty"`
	AudioRTCPPort *int       `json:"audiortcpport,omitempty"`
	AudioPT       int        `json:"audiopt,omitempty"`
	AudioCodec    core.Codec `json:"audiocodec,omitempty"`
	AudioRTPMap   string     `json:"audiortpmap,omitempty"`
	AudioFMTP     string     `json:"audiofmtp,omitempty"`
	AudioMcast    string     `json:"audiomcast,omitempty"`
	AudioIface    string     `json:"audioiface,omitempty"`
	AudioSkew     bool       `json:"audioskew,omitempty"`
	// Video stream of the flat form, as for audio; VideoPort2 and
	// VideoPort3 receive the other simulcast substreams.
	VideoPort      *int       `json:"videoport,omitempty"`
	VideoRTCPPort  *int       `json:"videortcpport,omitempty"`
	VideoPT        int        `json:"videopt,omitempty"`
	VideoCodec     core.Codec `json:"videocodec,omitempty"`
	VideoRTPMap    string     `json:"videortpmap,omitempty"`
	VideoFMTP      string     `json:"videofmtp,omitempty"`
	VideoMcast     string     `json:"videomcast,omitempty"`
	VideoIface     string     `json:"videoiface,omitempty"`
	VideoBufferKF  bool       `json:"videobufferkf,omitempty"`
	VideoSimulcast bool       `json:"videosimulcast,omitempty"`
	VideoPort2     int        `json:"videoport2,omitempty"`
	VideoPort3     int        `json:"videoport3,omitempty"`
	VideoSkew      bool       `json:"videoskew,omitempty"`
	VideoSVC       bool       `json:"videosvc,omitempty"`
	// Data stream of the flat form (text over UDP relayed on a
	// datachannel).
	DataPort      *int   `json:"dataport,omitempty"`
	DataMcast     string `json:"datamcast,omitempty"`
	DataIface     string `json:"dataiface,omitempty"`
	DataBufferMsg bool   `json:"databuffermsg,omitempty"`

	// Filename is the audio file of live and on-demand mountpoints
	// (.opus, .alaw or .mulaw).
	Filename string `json:"filename,omitempty"`

	// RTSP source: URL, credentials and timing.
	URL                string `json:"url,omitempty"`
	RTSPUser           string `json:"rtsp_user,omitempty"`
	RTSPPassword       string `json:"rtsp_pwd,omitempty"`
	RTSPQuirk          bool   `json:"rtsp_quirk,omitempty"`
	RTSPFailCheck      *bool  `json:"rtsp_failcheck,omitempty"`
	RTSPIface          string `json:"rtspiface,omitempty"`
	RTSPReconnectDelay int    `json:"rtsp_reconnect_delay,omitempty"`
	RTSPSessionTimeout int    `json:"rtsp_session_timeout,omitempty"`
	RTSPTimeout        int    `json:"rtsp_timeout,omitempty"`
	RTSPConnTimeout    int    `json:"rtsp_conn_timeout,omitempty"`
	// RTSPNotifyChanges sends the viewers an *RTSPDisconnected event when
	// the RTSP source is lost (no media for RTSPReconnectDelay seconds)
	// and an *RTSPReconnected event when the plugin got it back. Janus
	// 1.3.3 and later.
	RTSPNotifyChanges bool `json:"rtsp_notify_changes,omitempty"`
}

// StreamConfig is one stream of an RTP mountpoint in CreateRequest.Media.
type StreamConfig struct {
	// Type is MediaAudio, MediaVideo or MediaData; Mid is its unique
	// media id in the viewers' SDP.
	Type string `json:"type"`
	Mid  string `json:"mid"`
	// Label defaults to the type; MSID is "stream track".
	Label string `json:"label,omitempty"`
	MSID  string `json:"msid,omitempty"`
	// Port is the UDP port to receive on; 0 lets the plugin pick one
	// from its rtp_port_range (CreateResult.Ports tells which).
	Port int `json:"port"`
	// RTCPPort, when set, opens an RTCP port too (core.Ptr(0) picks one).
	RTCPPort *int `json:"rtcpport,omitempty"`
	// Iface binds the sockets to an interface name or address (all
	// interfaces otherwise); Mcast joins a multicast group.
	Iface string `json:"iface,omitempty"`
	Mcast string `json:"mcast,omitempty"`
	// PT and Codec (core.Opus, core.VP8, core.H264...) describe audio and video;
	// RTPMap is the deprecated alternative to Codec. FMTP is the SDP fmtp.
	PT     int        `json:"pt,omitempty"`
	Codec  core.Codec `json:"codec,omitempty"`
	RTPMap string     `json:"rtpmap,omitempty"`
	FMTP   string     `json:"fmtp,omitempty"`
	// Skew turns on skew compensation.
	Skew bool `json:"skew,omitempty"`
	// Video only: BufferKeyframe sends the last keyframe to new viewers
	// (up to Janus 1.3.2; later versions ignore it, see
	// CreateRequest.BufferKFMS); Simulcast receives three substreams on
	// Port, Port2 and Port3 (0 picks them); SVC is for VP9-SVC.
	BufferKeyframe bool `json:"bufferkf,omitempty"`
	Simulcast      bool `json:"simulcast,omitempty"`
	Port2          int  `json:"port2,omitempty"`
	Port3          int  `json:"port3,omitempty"`
	SVC            bool `json:"svc,omitempty"`
	// H264SPS is the sprop-parameter-sets of an H.264 stream (base64 SPS
	// and PPS, comma-separated) whose source does not send them in band:
	// the plugin then sends them to viewers as RTP itself. Janus 1.1.3
	// and later.
	H264SPS string `json:"h264sps,omitempty"`
}

// CreateResult is the answer to Create.
type CreateResult struct {
	Mountpoint core.ID
	// Name is the mountpoint's unique name.
	Name string
	// Type is StreamingLive or StreamingOnDemand.
	Type        string
	Description string
	IsPrivate   bool
	// Permanent tells whether the mountpoint was saved to the
	// configuration file.
	Permanent bool
	// Host is the address the RTP mountpoint bound to, when bound to an
	// interface or a multicast group. Janus 1.1 sends it for the whole
	// mountpoint (the last bound stream's); Janus 1.4 sends it per stream
	// (PortBinding.Host), and Host is then the first stream's.
	Host string
	// Ports are the UDP ports of an RTP mountpoint's streams. For the
	// flat form the plugin gives the streams the mids "a", "v" and "d".
	Ports []PortBinding
	// Warning is "deprecated_api" when the flat form was used.
	Warning string
}

// PortBinding tells which UDP ports a stream of an RTP mountpoint
// receives on (0 when not opened).
type PortBinding struct {
	Type string `json:"type"`
	Mid  string `json:"mid"`
	MSID string `json:"msid,omitempty"`
	// Host is the address this stream bound to, when bound to an
	// interface or a multicast group. Janus 1.1 sends it per stream only
	// for the flat (deprecated) form, and CreateResult.Host for the whole
	// mountpoint otherwise; Janus 1.4 sends it per stream in both forms.
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port"`
	RTCPPort int    `json:"rtcp_port,omitempty"`
	Port2    int    `json:"port_2,omitempty"`
	Port3    int    `json:"port_3,omitempty"`
}

// createdWire is the "created" answer as sent.
type createdWire struct {
	Name      string `json:"created"`
	Permanent bool   `json:"permanent"`
	Warning   string `json:"warning"`
	Stream    struct {
		ID          core.ID       `json:"id"`
		Type        string        `json:"type"`
		Description string        `json:"description"`
		IsPrivate   bool          `json:"is_private"`
		Host        string        `json:"host"`
		Ports       []PortBinding `json:"ports"`
		// Flat (deprecated) form.
		AudioHost     string `json:"audio_host"`
		AudioPort     int    `json:"audio_port"`
		AudioRTCPPort int    `json:"audio_rtcp_port"`
		VideoHost     string `json:"video_host"`
		VideoPort     int    `json:"video_port"`
		VideoRTCPPort int    `json:"video_rtcp_port"`
		VideoPort2    int    `json:"video_port_2"`
		VideoPort3    int    `json:"video_port_3"`
		DataHost      string `json:"data_host"`
		DataPort      int    `json:"data_port"`
	} `json:"stream"`
}

func (w *createdWire) result() *CreateResult {
	s := &w.Stream
	c := &CreateResult{
		Mountpoint: s.ID, Name: w.Name, Type: s.Type, Description: s.Description, IsPrivate: s.IsPrivate,
		Permanent: w.Permanent, Host: s.Host, Ports: s.Ports, Warning: w.Warning,
	}
	if s.AudioPort != 0 {
		c.Ports = append(c.Ports, PortBinding{Type: MediaAudio, Mid: "a", Host: s.AudioHost, Port: s.AudioPort, RTCPPort: s.AudioRTCPPort})
	}
	if s.VideoPort != 0 {
		c.Ports = append(c.Ports, PortBinding{Type: MediaVideo, Mid: "v", Host: s.VideoHost, Port: s.VideoPort, RTCPPort: s.VideoRTCPPort, Port2: s.VideoPort2, Port3: s.VideoPort3})
	}
	if s.DataPort != 0 {
		c.Ports = append(c.Ports, PortBinding{Type: MediaData, Mid: "d", Host: s.DataHost, Port: s.DataPort})
	}
	hosts := []string{s.AudioHost, s.VideoHost, s.DataHost}
	for _, p := range s.Ports {
		hosts = append(hosts, p.Host) // Janus 1.4: per stream
	}
	for _, h := range hosts {
		if c.Host == "" {
			c.Host = h
		}
	}
	return c
}

// EditRequest is the "edit" request. Fields left empty (nil) are not
// changed.
type EditRequest struct {
	Mountpoint core.ID `json:"id"`
	Secret     string  `json:"secret,omitempty"`
	// NewDescription and NewSecret are ignored when empty.
	NewDescription string `json:"new_description,omitempty"`
	NewSecret      string `json:"new_secret,omitempty"`
	// NewMetadata replaces the metadata (Ptr("") clears it).
	NewMetadata *string `json:"new_metadata,omitempty"`
	// NewPin replaces the PIN; Ptr("") removes it.
	NewPin       *string `json:"new_pin,omitempty"`
	NewIsPrivate *bool   `json:"new_is_private,omitempty"`
	// Permanent saves the change to the configuration file.
	Permanent bool `json:"permanent,omitempty"`
	// EditedEvent sends an Edited event to the viewers when the metadata
	// changed.
	EditedEvent bool `json:"edited_event,omitempty"`
}

// EditResult is the answer to Edit.
type EditResult struct {
	Mountpoint core.ID `json:"id"`
	// Permanent tells whether the change was saved to the configuration
	// file.
	Permanent bool `json:"permanent"`
}

// DestroyRequest is the "destroy" request.
type DestroyRequest struct {
	Mountpoint core.ID `json:"id"`
	Secret     string  `json:"secret,omitempty"`
	// Permanent removes the mountpoint from the configuration file too.
	Permanent bool `json:"permanent,omitempty"`
}

// KickAllRequest is the "kick_all" request.
type KickAllRequest struct {
	Mountpoint core.ID `json:"id"`
	Secret     string  `json:"secret,omitempty"`
}

// RecordingTarget selects one stream, by mid, in a recording request.
type RecordingTarget struct {
	Mid string `json:"mid"`
	// Filename is the base path of the recording, to start one (Janus
	// appends ".mjr"); unused to stop.
	Filename string `json:"filename,omitempty"`
}

// StartRecordingRequest is the "recording" request with action "start".
// Recording works on live RTP mountpoints only.
type StartRecordingRequest struct {
	Mountpoint core.ID `json:"id"`
	Secret     string  `json:"secret,omitempty"`
	// Media are the streams to record. Targets with an unknown mid are
	// skipped silently.
	Media []RecordingTarget `json:"media,omitempty"`
	// Audio, Video and Data are the deprecated alternative to Media: the
	// base path to record every stream of that type to.
	Audio string `json:"audio,omitempty"`
	Video string `json:"video,omitempty"`
	Data  string `json:"data,omitempty"`
}

// StopRecordingRequest is the "recording" request with action "stop".
type StopRecordingRequest struct {
	Mountpoint core.ID `json:"id"`
	Secret     string  `json:"secret,omitempty"`
	// Media are the streams to stop recording (Filename unused).
	Media []RecordingTarget `json:"media,omitempty"`
	// Audio, Video and Data are the deprecated alternative to Media: stop
	// every recording of streams of that type.
	Audio bool `json:"audio,omitempty"`
	Video bool `json:"video,omitempty"`
	Data  bool `json:"data,omitempty"`
}

// EnableRequest is the "enable" request.
type EnableRequest struct {
	Mountpoint core.ID `json:"id"`
	Secret     string  `json:"secret,omitempty"`
}

// DisableRequest is the "disable" request.
type DisableRequest struct {
	Mountpoint core.ID `json:"id"`
	Secret     string  `json:"secret,omitempty"`
	// StopRecording also stops the mountpoint's recordings. The plugin's
	// own stop_recording option (true by default) makes Janus 1.1.2 crash
	// when a stream of the mountpoint is not being recorded, so Disable
	// always sends stop_recording false and, when StopRecording is set,
	// first stops the recordings with a StopRecording request.
	StopRecording bool `json:"-"`
}

// disableWire is the "disable" request as sent.
type disableWire struct {
	Mountpoint    core.ID `json:"id"`
	Secret        string  `json:"secret,omitempty"`
	StopRecording bool    `json:"stop_recording"`
}

// WatchRequest is the "watch" request.
type WatchRequest struct {
	Mountpoint core.ID `json:"id"`
	// Pin is required when the mountpoint has one.
	Pin string `json:"pin,omitempty"`
	// Media are the mids to subscribe to; empty subscribes to all.
	Media []string `json:"media,omitempty"`
	// Restart asks for a new offer with an ICE restart on the current
	// subscription.
	Restart bool `json:"restart,omitempty"`
	// OfferAudio, OfferVideo and OfferData are the deprecated alternative
	// to Media (used only when Media is empty).
	OfferAudio *bool `json:"offer_audio,omitempty"`
	OfferVideo *bool `json:"offer_video,omitempty"`
	OfferData  *bool `json:"offer_data,omitempty"`
	// Substream, Temporal (0-2) and Fallback (µs) set the initial
	// simulcast targets; SpatialLayer and TemporalLayer the VP9-SVC ones.
	Substream     *int `json:"substream,omitempty"`
	Temporal      *int `json:"temporal,omitempty"`
	Fallback      *int `json:"fallback,omitempty"`
	SpatialLayer  *int `json:"spatial_layer,omitempty"`
	TemporalLayer *int `json:"temporal_layer,omitempty"`
}

// ConfigureRequest is the "configure" request. Every field is optional.
// The fields other than Streams set one stream (Mid) or all of them;
// Streams sets several streams at once, each its own way.
type ConfigureRequest struct {
	// Streams are settings per stream, in one request (Janus 1.2.0 and
	// later); each names its stream with Mid (required when there are
	// several). The other fields are ignored when Streams is set.
	Streams []StreamSettings `json:"streams,omitempty"`
	// Mid selects the stream the other fields apply to (all streams when
	// empty); Send turns relaying it on or off.
	Mid  string `json:"mid,omitempty"`
	Send *bool  `json:"send,omitempty"`
	// Substream, Temporal (0-2) and Fallback (µs) pick simulcast layers.
	Substream *int `json:"substream,omitempty"`
	Temporal  *int `json:"temporal,omitempty"`
	Fallback  *int `json:"fallback,omitempty"`
	// SpatialLayer and TemporalLayer pick VP9-SVC layers.
	SpatialLayer  *int `json:"spatial_layer,omitempty"`
	TemporalLayer *int `json:"temporal_layer,omitempty"`
	// MinDelay and MaxDelay set the playout-delay extension, in 10 ms
	// units, of video streams of mountpoints created with
	// PlayoutDelayExt (-1 resets).
	MinDelay *int `json:"min_delay,omitempty"`
	MaxDelay *int `json:"max_delay,omitempty"`
}

// StreamSettings are the settings of one stream in
// ConfigureRequest.Streams; the fields are those of ConfigureRequest.
type StreamSettings struct {
	Mid           string `json:"mid,omitempty"`
	Send          *bool  `json:"send,omitempty"`
	Substream     *int   `json:"substream,omitempty"`
	Temporal      *int   `json:"temporal,omitempty"`
	Fallback      *int   `json:"fallback,omitempty"`
	SpatialLayer  *int   `json:"spatial_layer,omitempty"`
	TemporalLayer *int   `json:"temporal_layer,omitempty"`
	MinDelay      *int   `json:"min_delay,omitempty"`
	MaxDelay      *int   `json:"max_delay,omitempty"`
}

// SwitchRequest is the "switch" request.
type SwitchRequest struct {
	Mountpoint core.ID `json:"id"`
}
