package core

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIDMarshalsToTheRightJSONType(t *testing.T) {
	b, err := json.Marshal(map[string]ID{"n": NumID(1234), "s": StrID("lobby"), "z": {}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":1234,"s":"lobby","z":0}`, string(b))

	var got struct{ A, B, C, D ID }
	require.NoError(t, json.Unmarshal([]byte(`{"A":9007199254740993,"B":"x y","C":null}`), &got))
	assert.Equal(t, NumID(9007199254740993), got.A, "64-bit ids survive")
	assert.Equal(t, StrID("x y"), got.B)
	assert.True(t, got.C.IsZero())
	assert.True(t, got.D.IsZero())
	assert.True(t, got.B.IsString())
	assert.Equal(t, "x y", got.B.String())
	assert.Equal(t, "9007199254740993", got.A.String())
	for in, kind := range map[string]string{`{"A":-1}`: "number -1", `{"A":1.5}`: "number 1.5", `{"A":{}}`: "object", `{"A":[1]}`: "array", `{"A":true}`: "bool"} {
		err := json.Unmarshal([]byte(in), &got)
		var ute *json.UnmarshalTypeError
		if assert.ErrorAs(t, err, &ute, in) {
			assert.Equal(t, "A", ute.Field, "the error names the member: %v", err)
			assert.Equal(t, kind, ute.Value, in)
		}
	}
}

// TestIDOutOfRange: Janus reads numbers as signed 64-bit integers and
// drops a request with a larger id without answering; such an id fails
// to marshal instead.
func TestIDOutOfRange(t *testing.T) {
	b, err := json.Marshal(struct{ Room ID }{NumID(MaxNumID)})
	require.NoError(t, err)
	assert.Equal(t, `{"Room":9223372036854775807}`, string(b))
	_, err = json.Marshal(struct{ Room ID }{NumID(MaxNumID + 1)})
	require.ErrorIs(t, err, ErrIDOutOfRange)
	assert.Contains(t, err.Error(), "9223372036854775808 (Janus reads ids up to 9223372036854775807)")
}
