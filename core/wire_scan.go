package core

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file decodes incoming Janus messages in one pass over their bytes.
// It is the hot path of every answer and event: encoding/json validates a
// message in one pass and decodes it with reflection in another, which
// made decoding the largest share of the client's CPU per request.
//
// The result is the same as json.Unmarshal into frame (the differential
// fuzz test FuzzDecodeFrameMatchesStd holds it to that): keys match
// exactly or else case-insensitively, the last of duplicate keys wins,
// null leaves a field alone, and a value of the wrong type fails the
// message. Values whose decoding has subtleties (escapes, non-ASCII
// strings, unusual numbers, and the rarely sent jsep, candidate and error
// objects) are handed to encoding/json, so only the common plain cases
// take the fast path.

// maxDepth bounds nesting, as encoding/json does.
const maxDepth = 10000

// scanError is a malformed message.
type scanError struct {
	msg string
	off int
}

func (e *scanError) Error() string {
	return "invalid JSON at offset " + strconv.Itoa(e.off) + ": " + e.msg
}

// scanner walks one JSON text.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) fail(msg string) error { return &scanError{msg: msg, off: s.i} }

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value skips one JSON value, checking its syntax, and returns its span.
func (s *scanner) value(depth int) ([]byte, error) {
	s.ws()
	if s.i >= len(s.b) {
		return nil, s.fail("unexpected end")
	}
	start := s.i
	var err error
	switch c := s.b[s.i]; {
	case c == '{':
		err = s.object(depth + 1)
	case c == '[':
		err = s.array(depth + 1)
	case c == '"':
		_, err = s.str()
	case c == '-' || (c >= '0' && c <= '9'):
		err = s.number()
	case c == 't':
		err = s.literal("true")
	case c == 'f':
		err = s.literal("false")
	case c == 'n':
		err = s.literal("null")
	default:
		err = s.fail("unexpected character")
	}
	if err != nil {
		return nil, err
	}
	return s.b[start:s.i], nil
}

func (s *scanner) literal(lit string) error {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return s.fail("invalid literal")
	}
	s.i += len(lit)
	return nil
}

// str skips a string and reports whether it is plain: no escapes and
// only ASCII, so that its bytes between the quotes are its value.
func (s *scanner) str() (plain bool, err error) {
	s.i++ // opening quote
	plain = true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return plain, nil
		case c == '\\':
			plain = false
			s.i++
			if s.i >= len(s.b) {
				return false, s.fail("unexpected end in string")
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if len(s.b)-s.i < 5 {
					return false, s.fail("short unicode escape")
				}
				for _, h := range s.b[s.i+1 : s.i+5] {
					if !isHex(h) {
						return false, s.fail("invalid unicode escape")
					}
				}
				s.i += 5
			default:
				return false, s.fail("invalid escape")
			}
		case c < 0x20:
			return false, s.fail("control character in string")
		case c >= utf8.RuneSelf:
			plain = false // decoded by encoding/json (invalid UTF-8 becomes U+FFFD)
			s.i++
		default:
			s.i++
		}
	}
	return false, s.fail("unexpected end in string")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (s *scanner) number() error {
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return s.fail("invalid number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return s.fail("invalid number")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return s.fail("invalid number")
		}
	}
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

func (s *scanner) array(depth int) error {
	if depth > maxDepth {
		return s.fail("exceeded max depth")
	}
	s.i++ // [
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		if _, err := s.value(depth); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.fail("unexpected end in array")
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.fail("expected , or ] in array")
		}
	}
}

// object skips an object and its members.
func (s *scanner) object(depth int) error {
	more, err := s.openObject(depth)
	for more && err == nil {
		_, _, _, more, err = s.member(depth)
	}
	return err
}

// openObject enters an object at s.i ('{') and reports whether it has
// members.
func (s *scanner) openObject(depth int) (bool, error) {
	if depth > maxDepth {
		return false, s.fail("exceeded max depth")
	}
	s.i++ // {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return false, nil
	}
	return true, nil
}

// member reads the next member of an object entered with openObject: its
// key (raw, between its quotes; plain as str reports) and value span, and
// whether another member follows.
func (s *scanner) member(depth int) (key []byte, plain bool, val []byte, more bool, err error) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false, nil, false, s.fail("expected a key")
	}
	kstart := s.i
	if plain, err = s.str(); err != nil {
		return nil, false, nil, false, err
	}
	key = s.b[kstart+1 : s.i-1]
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return nil, false, nil, false, s.fail("expected :")
	}
	s.i++
	if val, err = s.value(depth); err != nil {
		return nil, false, nil, false, err
	}
	s.ws()
	if s.i >= len(s.b) {
		return nil, false, nil, false, s.fail("unexpected end in object")
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		return key, plain, val, true, nil
	case '}':
		s.i++
		return key, plain, val, false, nil
	}
	return nil, false, nil, false, s.fail("expected , or } in object")
}

// field reads the next member like member, and names it among keys (see
// keyName; "" for a key that is none of them).
func (s *scanner) field(depth int, keys []string) (name string, val []byte, more bool, err error) {
	key, plain, val, more, err := s.member(depth)
	if err != nil {
		return "", nil, false, err
	}
	return keyName(key, plain, keys), val, more, nil
}

// keyName returns the field name key selects among names: the exact
// match, else the first case-insensitive one (as encoding/json), else "".
func keyName(key []byte, plain bool, names []string) string {
	if !plain {
		var k string
		if err := json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &k); err != nil {
			return ""
		}
		key = []byte(k)
	}
	for _, n := range names {
		if string(key) == n {
			return n
		}
	}
	for _, n := range names {
		if equalFold(key, n) {
			return n
		}
	}
	return ""
}

// equalFold is strings.EqualFold without converting key to a string.
func equalFold(key []byte, name string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return strings.EqualFold(string(key), name)
		}
	}
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		n := name[i]
		if c == n {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= n && n <= 'Z' {
			n += 'a' - 'A'
		}
		if c != n {
			return false
		}
	}
	return true
}

var frameKeys = []string{
	"janus", "transaction", "session_id", "sender", "data", "error", "plugindata", "jsep",
	"candidate", "reason", "type", "mid", "receiving", "seconds", "substream", "media", "uplink", "lost",
}

var pluginDataKeys = []string{"plugin", "data"}

// setString decodes a string value into *dst.
func setString(dst *string, val []byte) error {
	if isNull(val) {
		return nil
	}
	if len(val) >= 2 && val[0] == '"' && plainString(val) {
		*dst = string(val[1 : len(val)-1])
		return nil
	}
	return json.Unmarshal(val, dst)
}

// janusKinds are the values of "janus" that decoding returns without
// allocating.
var janusKinds = []string{"ack", "event", "success", "error", "webrtcup", "media", "slowlink",
	"hangup", "detached", "timeout", "trickle", "server_info", "keepalive"}

// setJanus decodes the "janus" field, reusing the common values.
func setJanus(dst *string, val []byte) error {
	if len(val) >= 2 && val[0] == '"' {
		for _, k := range janusKinds {
			if string(val[1:len(val)-1]) == k {
				*dst = k
				return nil
			}
		}
	}
	return setString(dst, val)
}

// plainString reports whether a scanned string has no escapes and only
// ASCII.
func plainString(val []byte) bool {
	for _, c := range val[1 : len(val)-1] {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// setUint decodes an unsigned integer into *dst.
func setUint(dst *uint64, val []byte) error {
	if isNull(val) {
		return nil
	}
	if allDigits(val) {
		if v, err := strconv.ParseUint(string(val), 10, 64); err == nil {
			*dst = v
			return nil
		}
	}
	return json.Unmarshal(val, dst)
}

// setInt decodes an integer into *dst.
func setInt(dst *int, val []byte) error {
	if isNull(val) {
		return nil
	}
	if allDigits(val) && len(val) < 18 {
		v, _ := strconv.Atoi(string(val))
		*dst = v
		return nil
	}
	return json.Unmarshal(val, dst)
}

// setBool decodes a boolean into *dst.
func setBool(dst *bool, val []byte) error {
	switch string(val) {
	case "null":
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return json.Unmarshal(val, dst)
	}
	return nil
}

func isNull(val []byte) bool { return string(val) == "null" }

func allDigits(val []byte) bool {
	if len(val) == 0 {
		return false
	}
	for _, c := range val {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// setRaw keeps a value's bytes as they are (json.RawMessage semantics).
func setRaw(dst *json.RawMessage, val []byte) {
	*dst = json.RawMessage(val)
}

// decodeFrameFast decodes one message into a frame; see the file comment.
// Every field of the frame is filled in; the error, as json.Unmarshal's,
// is the first problem met, and the frame is then not used.
func decodeFrameFast(b []byte) (*frame, error) {
	s := scanner{b: b}
	s.ws()
	if s.i >= len(b) {
		return nil, s.fail("empty message")
	}
	f := new(frame)
	switch b[s.i] {
	case '{':
	case 'n':
		if err := s.literal("null"); err != nil {
			return nil, err
		}
		s.ws()
		if s.i != len(b) {
			return nil, s.fail("data after the message")
		}
		return f, nil // like json.Unmarshal: nothing set
	default:
		// Not an object: a syntax error or a type error, which
		// encoding/json words best.
		err := json.Unmarshal(b, f)
		if err == nil {
			err = s.fail("message is not an object")
		}
		return nil, err
	}
	var typeErr error // encoding/json reports a wrong type after the syntax
	keep := func(err error) {
		if err != nil && typeErr == nil {
			typeErr = err
		}
	}
	more, err := s.openObject(1)
	for more && err == nil {
		var (
			name string
			val  []byte
		)
		name, val, more, err = s.field(1, frameKeys)
		if err != nil {
			break
		}
		switch name {
		case "janus":
			keep(setJanus(&f.Janus, val))
		case "transaction":
			keep(setString(&f.Transaction, val))
		case "session_id":
			keep(setUint(&f.SessionID, val))
		case "sender":
			keep(setUint(&f.Sender, val))
		case "data":
			setRaw(&f.Data, val)
		case "error":
			keep(json.Unmarshal(val, &f.Error))
		case "plugindata":
			keep(decodePluginData(f, val))
		case "jsep":
			keep(json.Unmarshal(val, &f.JSEP))
		case "candidate":
			keep(json.Unmarshal(val, &f.Candidate))
		case "reason":
			keep(setString(&f.Reason, val))
		case "type":
			keep(setString(&f.Type, val))
		case "mid":
			keep(setString(&f.Mid, val))
		case "receiving":
			keep(setBool(&f.Receiving, val))
		case "seconds":
			keep(setInt(&f.Seconds, val))
		case "substream":
			keep(json.Unmarshal(val, &f.Substream))
		case "media":
			keep(setString(&f.Media, val))
		case "uplink":
			keep(setBool(&f.Uplink, val))
		case "lost":
			keep(setInt(&f.Lost, val))
		}
	}
	if err != nil {
		return nil, err
	}
	s.ws()
	if s.i != len(b) {
		return nil, s.fail("data after the message")
	}
	if typeErr != nil {
		return nil, typeErr
	}
	return f, nil
}

// decodePluginData decodes "plugindata" into f.PluginData, merging into
// an existing one as encoding/json does for a repeated key.
func decodePluginData(f *frame, val []byte) error {
	if isNull(val) {
		f.PluginData = nil
		return nil
	}
	if val[0] != '{' {
		return json.Unmarshal(val, &f.PluginData)
	}
	if f.PluginData == nil {
		f.PluginData = new(pluginData)
	}
	pd := f.PluginData
	var typeErr error
	s := scanner{b: val}
	more, err := s.openObject(2)
	for more && err == nil {
		var (
			name string
			v    []byte
		)
		name, v, more, err = s.field(2, pluginDataKeys)
		if err != nil {
			break
		}
		switch name {
		case "plugin":
			if err := setString(&pd.Plugin, v); err != nil && typeErr == nil {
				typeErr = err
			}
		case "data":
			setRaw(&pd.Data, v)
		}
	}
	if err != nil {
		return err
	}
	return typeErr
}

// elements returns the spans of the values of the JSON array b, after
// checking the whole array's syntax.
func elements(b []byte) ([][]byte, error) {
	s := scanner{b: b}
	s.ws()
	if s.i >= len(b) || b[s.i] != '[' {
		return nil, s.fail("expected an array")
	}
	var out [][]byte
	s.i++
	s.ws()
	if s.i < len(b) && b[s.i] == ']' {
		s.i++
	} else {
		for {
			v, err := s.value(1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			s.ws()
			if s.i >= len(b) {
				return nil, s.fail("unexpected end in array")
			}
			if b[s.i] == ']' {
				s.i++
				break
			}
			if b[s.i] != ',' {
				return nil, s.fail("expected , or ] in array")
			}
			s.i++
		}
	}
	s.ws()
	if s.i != len(b) {
		return nil, s.fail("data after the array")
	}
	return out, nil
}

var idKeys = []string{"id"}

// decodeID returns the "id" of an answer's data ({"id":N}, the answer to
// create and attach), as json.Unmarshal into struct{ID uint64} would, in
// one pass for the plain case.
func decodeID(data []byte) (uint64, error) {
	s := scanner{b: data}
	s.ws()
	if s.i < len(data) && data[s.i] == '{' {
		var id uint64
		more, err := s.openObject(1)
		for more && err == nil {
			var (
				name string
				val  []byte
			)
			name, val, more, err = s.field(1, idKeys)
			if err == nil && name == "id" {
				if err = setUint(&id, val); err != nil {
					break
				}
			}
		}
		s.ws()
		if err == nil && s.i == len(data) {
			return id, nil
		}
	}
	var d struct {
		ID uint64 `json:"id"`
	}
	err := json.Unmarshal(data, &d)
	return d.ID, err
}
