package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// ID is a room, participant, feed or mountpoint id of a plugin. Plugins
// use numbers by default and strings when they run with string_ids; an ID
// holds either, marshals to the right JSON type and unmarshals from both,
// so callers never juggle JSON types. The zero ID is "no id".
type ID struct {
	n     uint64
	s     string
	isStr bool
}

// NumID returns a numeric id.
func NumID(n uint64) ID { return ID{n: n} }

// StrID returns a string id (for plugins configured with string_ids).
func StrID(s string) ID { return ID{s: s, isStr: true} }

// IsZero reports whether the id is unset (0 or "").
func (id ID) IsZero() bool { return id.n == 0 && id.s == "" }

// IsString reports whether the id is a string id.
func (id ID) IsString() bool { return id.isStr }

// Num returns the numeric value (0 for string ids).
func (id ID) Num() uint64 { return id.n }

// String returns the id as text: the string, or the number in decimal.
func (id ID) String() string {
	if id.isStr {
		return id.s
	}
	return strconv.FormatUint(id.n, 10)
}

// MaxNumID is the largest numeric id Janus can read: it parses JSON
// numbers as signed 64-bit integers, and drops a request with a larger
// one without an answer.
const MaxNumID = 1<<63 - 1

// ErrIDOutOfRange is the error of a request with a numeric id above
// MaxNumID: it fails before it is sent, instead of timing out.
var ErrIDOutOfRange = errors.New("janus: numeric id out of range")

// MarshalJSON writes a number or a string; a number above MaxNumID is
// ErrIDOutOfRange.
func (id ID) MarshalJSON() ([]byte, error) {
	if id.isStr {
		return json.Marshal(id.s)
	}
	if id.n > MaxNumID {
		return nil, fmt.Errorf("%w: %d (Janus reads ids up to %d)", ErrIDOutOfRange, id.n, uint64(MaxNumID))
	}
	return strconv.AppendUint(nil, id.n, 10), nil
}

// UnmarshalJSON reads a number or a string.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = StrID(s)
		return nil
	}
	if string(b) == "null" {
		*id = ID{}
		return nil
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		// encoding/json adds the member's name to this error type.
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: idType}
	}
	*id = NumID(n)
	return nil
}

var idType = reflect.TypeFor[ID]()

// jsonKind names the JSON type of a value, as encoding/json's errors do
// ("number -1", "object", "array", "bool").
func jsonKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "value"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	}
	return "number " + string(b)
}

// Ptr returns a pointer to v, for optional request fields (*bool, *int)
// where the zero value is meaningful: Ptr(false) sends false, nil sends
// nothing.
func Ptr[T any](v T) *T { return &v }
