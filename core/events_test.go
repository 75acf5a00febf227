package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPluginEventOf finds the plugin event of raw and typed events.
func TestPluginEventOf(t *testing.T) {
	pe := &PluginEvent{Plugin: "janus.plugin.videoroom"}
	type hidden struct {
		Source
		pe *PluginEvent
	}
	type second struct {
		Room uint64
		*PluginEvent
	}
	assert.Same(t, pe, PluginEventOf(pe), "a raw event")
	assert.Same(t, pe, PluginEventOf(&decodedEvent{pe}), "a typed event")
	assert.Same(t, pe, PluginEventOf(&second{7, pe}), "embedded after other fields")
	assert.Nil(t, PluginEventOf(&decodedEvent{}), "a typed event without its plugin event")
	assert.Nil(t, PluginEventOf(&Hangup{}), "not a plugin event")
	assert.Nil(t, PluginEventOf((*decodedEvent)(nil)))
	assert.Nil(t, PluginEventOf(nil))
	assert.Nil(t, PluginEventOf(&hidden{pe: pe}), "an unexported field is not read")
}
