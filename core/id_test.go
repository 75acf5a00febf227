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
	assert.Error(t, json.Unmarshal([]byte(`{"A":-1}`), &got))
	assert.Error(t, json.Unmarshal([]byte(`{"A":1.5}`), &got))
	assert.Error(t, json.Unmarshal([]byte(`{"A":{}}`), &got))
}
