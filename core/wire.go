package core

import (
	"bytes"
	"encoding/json"
)

// request is an outgoing Janus API message.
type request struct {
	Janus       string      `json:"janus"`
	Transaction string      `json:"transaction"`
	SessionID   uint64      `json:"session_id,omitempty"`
	HandleID    uint64      `json:"handle_id,omitempty"`
	Plugin      string      `json:"plugin,omitempty"`
	OpaqueID    string      `json:"opaque_id,omitempty"`
	Body        any         `json:"body,omitempty"`
	JSEP        *JSEP       `json:"jsep,omitempty"`
	Candidate   *Candidate  `json:"candidate,omitempty"`
	Candidates  []Candidate `json:"candidates,omitempty"`
	APISecret   string      `json:"apisecret,omitempty"`
	Token       string      `json:"token,omitempty"`
}

func (r *request) kind() string                    { return r.Janus }
func (r *request) route() (session, handle uint64) { return r.SessionID, r.HandleID }
func (r *request) encode(tx string) ([]byte, error) {
	r.Transaction = tx
	return json.Marshal(r)
}

// frame is an incoming message, decoded once into the union of the
// fields any message type uses.
type frame struct {
	Janus       string          `json:"janus"`
	Transaction string          `json:"transaction"`
	SessionID   uint64          `json:"session_id"`
	Sender      uint64          `json:"sender"`
	Data        json.RawMessage `json:"data"`
	Error       *wireError      `json:"error"`
	PluginData  *pluginData     `json:"plugindata"`
	JSEP        *JSEP           `json:"jsep"`
	Candidate   *Candidate      `json:"candidate"`
	Reason      string          `json:"reason"`
	// media
	Type      string `json:"type"`
	Mid       string `json:"mid"`
	Receiving bool   `json:"receiving"`
	Seconds   int    `json:"seconds"`
	Substream *int   `json:"substream"`
	// slowlink
	Media  string `json:"media"`
	Uplink bool   `json:"uplink"`
	Lost   int    `json:"lost"`

	raw []byte // the whole message, for answers with arbitrary fields
}

type wireError struct {
	Code   int    `json:"code"`
	Reason string `json:"reason"`
}

type pluginData struct {
	Plugin string          `json:"plugin"`
	Data   json.RawMessage `json:"data"`
}

// decodeFrames splits one transport message into frames. HTTP long polls
// return a JSON array of messages.
func decodeFrames(b []byte) ([]*frame, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var parts []json.RawMessage
		if err := json.Unmarshal(b, &parts); err != nil {
			return nil, err
		}
		out := make([]*frame, 0, len(parts))
		for _, p := range parts {
			f, err := decodeFrame(p)
			if err != nil {
				return out, err
			}
			out = append(out, f)
		}
		return out, nil
	}
	f, err := decodeFrame(b)
	if err != nil {
		return nil, err
	}
	return []*frame{f}, nil
}

func decodeFrame(b []byte) (*frame, error) {
	f := new(frame)
	if err := json.Unmarshal(b, f); err != nil {
		return nil, err
	}
	if f.Janus == "" {
		return nil, errNoJanusField
	}
	f.raw = b
	return f, nil
}

type decodeError string

func (e decodeError) Error() string { return string(e) }

const errNoJanusField = decodeError(`message has no "janus" field`)

// PluginErrorFrom returns the *PluginError carried by a plugin's answer
// data (error_code/error), or nil. Handle.Message already applies it; it is
// for answers obtained elsewhere, such as the admin API's message_plugin.
func PluginErrorFrom(plugin string, data json.RawMessage) error { return pluginError(plugin, data) }

// pluginError extracts error_code/error from plugin data, if present.
func pluginError(plugin string, data json.RawMessage) error {
	if len(data) == 0 || !bytes.Contains(data, []byte(`"error`)) {
		return nil
	}
	var e struct {
		Code   int    `json:"error_code"`
		Reason string `json:"error"`
	}
	if json.Unmarshal(data, &e) != nil || (e.Code == 0 && e.Reason == "") {
		return nil
	}
	return &PluginError{Plugin: plugin, Code: e.Code, Reason: e.Reason}
}

// apiError turns an error frame into *Error.
func apiError(request string, f *frame) *Error {
	if f.Error == nil {
		return &Error{Code: CodeUnknown, Reason: "error without details", Request: request}
	}
	return &Error{Code: f.Error.Code, Reason: f.Error.Reason, Request: request}
}
