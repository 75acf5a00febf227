package core_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
)

func TestCodecsGoOverTheWireAsOneString(t *testing.T) {
	b, err := json.Marshal(struct {
		C core.Codecs `json:"audiocodec,omitempty"`
		E core.Codecs `json:"videocodec,omitempty"`
	}{C: core.Codecs{core.Opus, core.PCMU}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"audiocodec":"opus,pcmu"}`, string(b))

	var back struct{ A, B core.Codecs }
	require.NoError(t, json.Unmarshal([]byte(`{"A":"vp8, H264","B":["av1"]}`), &back))
	assert.Equal(t, core.Codecs{core.VP8, core.H264}, back.A)
	assert.Equal(t, core.Codecs{core.AV1}, back.B)
	assert.Equal(t, "vp8,h264", back.A.String())
}
