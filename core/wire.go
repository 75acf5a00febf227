package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
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

// encode writes the request as json.Marshal would (the same fields in the
// same order, empty ones left out), without reflection over the request:
// it is on the path of every call. The body, JSEP and candidates still go
// through encoding/json, except a body that already is a json.RawMessage.
func (r *request) encode(tx string) ([]byte, error) {
	r.Transaction = tx
	b := make([]byte, 0, 160)
	b = append(b, `{"janus":`...)
	b = appendJSONString(b, r.Janus)
	b = append(b, `,"transaction":`...)
	b = appendJSONString(b, tx)
	if r.SessionID != 0 {
		b = append(b, `,"session_id":`...)
		b = strconv.AppendUint(b, r.SessionID, 10)
	}
	if r.HandleID != 0 {
		b = append(b, `,"handle_id":`...)
		b = strconv.AppendUint(b, r.HandleID, 10)
	}
	if r.Plugin != "" {
		b = append(b, `,"plugin":`...)
		b = appendJSONString(b, r.Plugin)
	}
	if r.OpaqueID != "" {
		b = append(b, `,"opaque_id":`...)
		b = appendJSONString(b, r.OpaqueID)
	}
	var err error
	if r.Body != nil {
		if b, err = appendJSON(b, `,"body":`, r.Body); err != nil {
			return nil, err
		}
	}
	if r.JSEP != nil {
		if b, err = appendJSON(b, `,"jsep":`, r.JSEP); err != nil {
			return nil, err
		}
	}
	if r.Candidate != nil {
		if b, err = appendJSON(b, `,"candidate":`, r.Candidate); err != nil {
			return nil, err
		}
	}
	if len(r.Candidates) > 0 {
		if b, err = appendJSON(b, `,"candidates":`, r.Candidates); err != nil {
			return nil, err
		}
	}
	if r.APISecret != "" {
		b = append(b, `,"apisecret":`...)
		b = appendJSONString(b, r.APISecret)
	}
	if r.Token != "" {
		b = append(b, `,"token":`...)
		b = appendJSONString(b, r.Token)
	}
	return append(b, '}'), nil
}

// appendJSON appends key and v's JSON encoding. A json.RawMessage is
// checked and appended as it is.
func appendJSON(b []byte, key string, v any) ([]byte, error) {
	b = append(b, key...)
	if raw, ok := v.(json.RawMessage); ok {
		if raw == nil {
			return append(b, "null"...), nil
		}
		if !json.Valid(raw) {
			return nil, &json.MarshalerError{Type: reflect.TypeFor[json.RawMessage](), Err: errors.New("invalid JSON")}
		}
		return append(b, bytes.TrimSpace(raw)...), nil
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}

// appendJSONString appends s as a JSON string, the way encoding/json
// writes it.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) // escapes; a string always marshals
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
	// failed, set by the engine (never decoded), is the error a call
	// ends with instead of an answer.
	failed error
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
		parts, err := elements(b)
		if err != nil {
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

// decodeFrame decodes one message (see decodeFrameFast) and requires its
// "janus" field.
func decodeFrame(b []byte) (*frame, error) {
	f, err := decodeFrameFast(b)
	if err != nil {
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
	// Some plugins end their reasons with a newline (the SIP plugin's
	// "Invalid user address ...\n").
	return &PluginError{Plugin: plugin, Code: e.Code, Reason: strings.TrimSpace(e.Reason)}
}

// apiError turns an error frame into *Error.
func apiError(request string, f *frame) *Error {
	if f.Error == nil {
		return &Error{Code: CodeUnknown, Reason: "error without details", Request: request}
	}
	return &Error{Code: f.Error.Code, Reason: f.Error.Reason, Request: request}
}
