package core

import (
	"encoding/json"
	"strings"
)

// Codec is a codec name as the Janus plugins spell it ("opus", "vp8").
type Codec string

// The codecs the Janus plugins know.
const (
	Opus      Codec = "opus"
	MultiOpus Codec = "multiopus"
	G722      Codec = "g722"
	PCMU      Codec = "pcmu"
	PCMA      Codec = "pcma"
	ISAC32    Codec = "isac32"
	ISAC16    Codec = "isac16"
	L16       Codec = "l16"
	L16_48    Codec = "l16-48"
	VP8       Codec = "vp8"
	VP9       Codec = "vp9"
	H264      Codec = "h264"
	AV1       Codec = "av1"
	H265      Codec = "h265"
)

// Codecs is a list of codecs in order of preference. It goes over the
// wire as Janus wants lists of codecs, one comma-separated string
// ("opus,pcmu"), and reads back from one.
type Codecs []Codec

// String joins the codecs with commas.
func (c Codecs) String() string {
	parts := make([]string, len(c))
	for i, codec := range c {
		parts[i] = string(codec)
	}
	return strings.Join(parts, ",")
}

// MarshalJSON writes the list as one comma-separated string.
func (c Codecs) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// UnmarshalJSON reads a comma-separated string (or a JSON array).
func (c *Codecs) UnmarshalJSON(b []byte) error {
	var list []Codec
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*c = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*c = ParseCodecs(s)
	return nil
}

// ParseCodecs splits a comma-separated list of codecs ("opus, pcmu"),
// dropping empty names.
func ParseCodecs(s string) Codecs {
	var out Codecs
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, Codec(strings.ToLower(part)))
		}
	}
	return out
}
